/** Enrollment profiles and the tokens they issue. */
import type { Db, Transaction } from "./database.js";

/** Graph enrollmentMode values of AOSP profiles (the only kind the simulator models). */
export const ENROLLMENT_MODES = ["corporateOwnedAOSPUserAssociatedDevice", "corporateOwnedAOSPUserlessDevice"] as const;
export type EnrollmentMode = (typeof ENROLLMENT_MODES)[number];
export type WifiSecurityType = "none" | "wpa" | "wep";

export interface ProfileRecord {
  id: string;
  displayName: string;
  description: string;
  enrollmentMode: EnrollmentMode;
  configureWifi: boolean;
  wifiSsid: string;
  wifiHidden: boolean;
  wifiSecurityType: WifiSecurityType;
  wifiPassword: string;
  isTeamsDeviceProfile: boolean;
  roleScopeTagIds: string[];
  deviceNameTemplate: string;
  /** The full cookie the QR payload carries, e.g. `aospsim_download=...`. */
  downloadCookie: string;
  downloadCookieHash: string;
  created: number;
  modified: number;
}

/**
 * active: works until `expires`; revoked: revokeToken was called; replaced: createToken issued a
 * newer one; profileDeleted: its profile is gone.
 */
export type TokenState = "active" | "revoked" | "replaced" | "profileDeleted";

export interface TokenRecord {
  id: number;
  profileId: string;
  tokenHash: string;
  /** Kept only while the token is its profile's current one (tokenValue in Graph). */
  tokenValue: string | null;
  state: TokenState;
  created: number;
  expires: number;
  usageCount: number;
  /** The agent version the QR payload points at, fixed when the token was created. */
  agentVersionCode: number;
}

interface ProfileRow {
  id: string;
  display_name: string;
  description: string;
  enrollment_mode: EnrollmentMode;
  configure_wifi: number;
  wifi_ssid: string;
  wifi_hidden: number;
  wifi_security_type: WifiSecurityType;
  wifi_password: string;
  is_teams_device_profile: number;
  role_scope_tag_ids: string;
  device_name_template: string;
  download_cookie: string;
  download_cookie_hash: string;
  created: number;
  modified: number;
}

/** Every token column but the stored QR image (read only when it is wanted). */
const TOKEN_COLUMNS = "id, profile_id, token_hash, token_value, state, created, expires, usage_count, agent_version_code";

interface TokenRow {
  id: number;
  profile_id: string;
  token_hash: string;
  token_value: string | null;
  state: TokenState;
  created: number;
  expires: number;
  usage_count: number;
  agent_version_code: number;
}

export class ProfileStore {
  private readonly insertProfile;
  private readonly updateProfile;
  private readonly deleteProfile;
  private readonly byId;
  private readonly all;
  private readonly insertCookie;
  private readonly cookieByHash;
  private readonly teamsProfiles;
  private readonly insertToken;
  private readonly retireTokens;
  private readonly currentTokenOf;
  private readonly tokenByHash;
  private readonly revokeToken;
  private readonly countUsage;
  private readonly orphanTokens;
  private readonly enrolledCount;
  private readonly touch;
  private readonly qrOf;
  private readonly saveQr;

  constructor(
    db: Db,
    private readonly transaction: Transaction,
  ) {
    this.insertProfile = db.prepare(
      `INSERT INTO profiles (id, display_name, description, enrollment_mode, configure_wifi, wifi_ssid, wifi_hidden,
         wifi_security_type, wifi_password, is_teams_device_profile, role_scope_tag_ids, device_name_template,
         download_cookie, download_cookie_hash, created, modified)
       VALUES (@id, @displayName, @description, @enrollmentMode, @configureWifi, @wifiSsid, @wifiHidden,
         @wifiSecurityType, @wifiPassword, @isTeamsDeviceProfile, @roleScopeTagIds, @deviceNameTemplate,
         @downloadCookie, @downloadCookieHash, @created, @modified)`,
    );
    this.updateProfile = db.prepare(
      `UPDATE profiles SET display_name = @displayName, description = @description, configure_wifi = @configureWifi,
         wifi_ssid = @wifiSsid, wifi_hidden = @wifiHidden, wifi_security_type = @wifiSecurityType,
         wifi_password = @wifiPassword, is_teams_device_profile = @isTeamsDeviceProfile,
         role_scope_tag_ids = @roleScopeTagIds, device_name_template = @deviceNameTemplate, modified = @modified
       WHERE id = @id`,
    );
    this.deleteProfile = db.prepare("DELETE FROM profiles WHERE id = ?");
    this.byId = db.prepare<[string], ProfileRow>("SELECT * FROM profiles WHERE id = ?");
    this.all = db.prepare<[], ProfileRow>("SELECT * FROM profiles ORDER BY created, rowid");
    this.insertCookie = db.prepare(
      "INSERT INTO download_cookies (cookie_hash, profile_id, created) VALUES (@downloadCookieHash, @id, @created)",
    );
    this.cookieByHash = db.prepare<[string], { n: number }>("SELECT 1 AS n FROM download_cookies WHERE cookie_hash = ?");
    this.teamsProfiles = db.prepare<[], { id: string }>("SELECT id FROM profiles WHERE is_teams_device_profile = 1");
    this.insertToken = db.prepare(
      `INSERT INTO tokens (profile_id, token_hash, token_value, state, created, expires, usage_count, agent_version_code)
       VALUES (@profileId, @tokenHash, @tokenValue, 'active', @created, @expires, 0, @agentVersionCode)`,
    );
    this.retireTokens = db.prepare(
      `UPDATE tokens SET state = 'replaced', token_value = NULL, qr_text_hash = NULL, qr_png = NULL
       WHERE profile_id = ? AND state IN ('active', 'revoked')`,
    );
    this.currentTokenOf = db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE profile_id = ? ORDER BY id DESC LIMIT 1`,
    );
    this.tokenByHash = db.prepare<[string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?`);
    this.revokeToken = db.prepare(
      "UPDATE tokens SET state = 'revoked', expires = MIN(expires, @now) WHERE profile_id = @profileId AND state = 'active'",
    );
    this.countUsage = db.prepare("UPDATE tokens SET usage_count = usage_count + 1 WHERE id = ?");
    this.orphanTokens = db.prepare(
      "UPDATE tokens SET state = 'profileDeleted', token_value = NULL, qr_text_hash = NULL, qr_png = NULL WHERE profile_id = ?",
    );
    this.enrolledCount = db.prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM devices WHERE profile_id = ? AND management_state IN ('managed', 'wipePending')",
    );
    this.touch = db.prepare("UPDATE profiles SET modified = ? WHERE id = ?");
    this.qrOf = db.prepare<[number], { qr_text_hash: string | null; qr_png: Buffer | null }>(
      "SELECT qr_text_hash, qr_png FROM tokens WHERE id = ?",
    );
    // Only a profile's current token keeps its image (a retired one would never be shown again).
    this.saveQr = db.prepare(
      "UPDATE tokens SET qr_text_hash = ?, qr_png = ? WHERE id = ? AND state IN ('active', 'revoked')",
    );
  }

  /** Inserts the profile, its download cookie and its first token together. */
  create(profile: ProfileRecord, token: NewToken): void {
    this.transaction(() => {
      this.insertProfile.run(toRow(profile));
      this.insertCookie.run({ downloadCookieHash: profile.downloadCookieHash, id: profile.id, created: profile.created });
      this.insertToken.run({ profileId: profile.id, ...token });
    });
  }

  save(profile: ProfileRecord): void {
    this.updateProfile.run(toRow(profile));
  }

  /** Deletes the profile; its tokens stay, marked profileDeleted. */
  delete(id: string): boolean {
    return this.transaction(() => {
      this.orphanTokens.run(id);
      return this.deleteProfile.run(id).changes > 0;
    });
  }

  get(id: string): ProfileRecord | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  list(): ProfileRecord[] {
    return this.all.all().map(fromRow);
  }

  /** Whether the service issued this download cookie (its profile may have been deleted since). */
  isIssuedCookie(hash: string): boolean {
    return this.cookieByHash.get(hash) !== undefined;
  }

  teamsProfileIds(): string[] {
    return this.teamsProfiles.all().map((r) => r.id);
  }

  /** createToken: the old token stops working (replaced), a new one is current. */
  replaceToken(profileId: string, token: NewToken, modified: number): void {
    this.transaction(() => {
      this.retireTokens.run(profileId);
      this.insertToken.run({ profileId, ...token });
      this.touch.run(modified, profileId);
    });
  }

  /** revokeToken: the current token expires now. */
  revoke(profileId: string, now: number): void {
    this.transaction(() => {
      this.revokeToken.run({ profileId, now });
      this.touch.run(now, profileId);
    });
  }

  currentToken(profileId: string): TokenRecord | undefined {
    const row = this.currentTokenOf.get(profileId);
    return row ? tokenFromRow(row) : undefined;
  }

  findToken(tokenHash: string): TokenRecord | undefined {
    const row = this.tokenByHash.get(tokenHash);
    return row ? tokenFromRow(row) : undefined;
  }

  recordTokenUse(tokenId: number): void {
    this.countUsage.run(tokenId);
  }

  /** The QR code PNG stored with a token, and the hash of the text it encodes. */
  qrImage(tokenId: number): { textHash: string; png: Buffer } | undefined {
    const row = this.qrOf.get(tokenId);
    return row?.qr_text_hash && row.qr_png ? { textHash: row.qr_text_hash, png: row.qr_png } : undefined;
  }

  saveQrImage(tokenId: number, textHash: string, png: Buffer): void {
    this.saveQr.run(textHash, png, tokenId);
  }

  /** Devices currently enrolled through the profile (managed or waiting for their wipe). */
  enrolledDeviceCount(profileId: string): number {
    return this.enrolledCount.get(profileId)?.n ?? 0;
  }
}

export interface NewToken {
  tokenHash: string;
  tokenValue: string;
  created: number;
  expires: number;
  agentVersionCode: number;
}

function toRow(p: ProfileRecord): Record<string, unknown> {
  return {
    ...p,
    configureWifi: p.configureWifi ? 1 : 0,
    wifiHidden: p.wifiHidden ? 1 : 0,
    isTeamsDeviceProfile: p.isTeamsDeviceProfile ? 1 : 0,
    roleScopeTagIds: JSON.stringify(p.roleScopeTagIds),
  };
}

function fromRow(row: ProfileRow): ProfileRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    enrollmentMode: row.enrollment_mode,
    configureWifi: row.configure_wifi === 1,
    wifiSsid: row.wifi_ssid,
    wifiHidden: row.wifi_hidden === 1,
    wifiSecurityType: row.wifi_security_type,
    wifiPassword: row.wifi_password,
    isTeamsDeviceProfile: row.is_teams_device_profile === 1,
    roleScopeTagIds: JSON.parse(row.role_scope_tag_ids) as string[],
    deviceNameTemplate: row.device_name_template,
    downloadCookie: row.download_cookie,
    downloadCookieHash: row.download_cookie_hash,
    created: row.created,
    modified: row.modified,
  };
}

function tokenFromRow(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    profileId: row.profile_id,
    tokenHash: row.token_hash,
    tokenValue: row.token_value,
    state: row.state,
    created: row.created,
    expires: row.expires,
    usageCount: row.usage_count,
    agentVersionCode: row.agent_version_code,
  };
}
