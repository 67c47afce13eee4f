/**
 * Enrollment profiles (Graph androidDeviceOwnerEnrollmentProfile) and their tokens, with
 * Intune's validation rules for AOSP profiles:
 *   - a name; Wi-Fi type none, wpa or wep, with a pre-shared key for wpa and wep;
 *   - token expiry in the future, at most 65 years ahead (user-associated) or 90 days (userless);
 *   - only one profile for Microsoft Teams devices per tenant.
 * A profile always has a current token: creating the profile issues one, createToken replaces it
 * (the old one stops working), revokeToken expires it at once. Enrolled devices are unaffected.
 */
import { createHash, randomUUID } from "node:crypto";
import { payloadText } from "../../agent/payload/build.js";
import { isRawWpaKey, PROVISIONED_HEX_WPA_KEY_PROBLEM, USABLE_WEP_KEYS, wepKeyProblem } from "../../agent/payload/wifi-key-format.js";
import { AGENT_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import type { ServiceContext } from "../context.js";
import { checkDeviceNameTemplate } from "../domain/device-name.js";
import { enrollmentPayload, qrCodeContent, renderQrPng } from "../domain/enrollment-payload.js";
import { newCookieSecret, newEnrollmentToken, secretHash } from "../domain/secrets.js";
import { badRequest, itemNotFound } from "../http/errors.js";
import { refuseLongText, TEXT_LIMITS } from "./text-limits.js";
import { isStorageFullError } from "../store/database.js";
import { ENROLLMENT_MODES, type EnrollmentMode, type NewToken, type ProfileRecord, type TokenRecord, type WifiSecurityType } from "../store/profiles.js";
import type { PackageService } from "./packages.js";
import type { TenantService } from "./tenant.js";
import { changesNothing, DEFAULT_SCOPE_TAGS } from "./writes.js";

export const [USER_ASSOCIATED, USERLESS] = ENROLLMENT_MODES;

const DAY_MS = 86_400_000;
/** Token validity when the admin gives none: 90 days, valid for both profile kinds. */
export const DEFAULT_TOKEN_VALIDITY_MS = 90 * DAY_MS;
export const DOWNLOAD_COOKIE_NAME = "aospsim_download";

/** The writable properties of a profile, as a client that sets them sends them (Graph names). */
export interface ProfileInput {
  displayName?: string;
  description?: string;
  enrollmentMode?: EnrollmentMode;
  tokenExpirationDateTime?: string;
  configureWifi?: boolean;
  wifiSsid?: string;
  wifiHidden?: boolean;
  wifiSecurityType?: WifiSecurityType;
  wifiPassword?: string;
  isTeamsDeviceProfile?: boolean;
  roleScopeTagIds?: string[];
  deviceNameTemplate?: string;
}

/**
 * What a create or a PATCH may hold: the writable properties, each also null where `$metadata`
 * declares it nullable (a typed Graph SDK sends null for one it clears), meaning the value a
 * profile created without it has.
 */
export type ProfileWrite = Omit<ProfileInput, NullableProperty> & { [K in NullableProperty]?: ProfileInput[K] | null };

/** The writable properties a write may set to null. */
type NullableProperty = "description" | "wifiSsid" | "wifiPassword" | "deviceNameTemplate" | "roleScopeTagIds" | "tokenExpirationDateTime";

/** What a profile created without them holds (so what null sets them to). */
const CLEARED = { description: "", wifiSsid: "", wifiPassword: "", deviceNameTemplate: "", roleScopeTagIds: DEFAULT_SCOPE_TAGS } as const;

/** The two AOSP modes, as a message names them. */
const AOSP_MODES = ENROLLMENT_MODES.join(" or ");

export interface ProfileView {
  profile: ProfileRecord;
  token: TokenRecord;
  enrolledDeviceCount: number;
  payload: Record<string, unknown>;
  /** The text the QR code holds: the payload's compact JSON. */
  qrText: string;
  qrCodeContent: string;
}

export class ProfileService {
  /** Renders in progress, by text, so concurrent reads of a new code render it once. */
  private readonly rendering = new Map<string, Promise<Buffer>>();
  /** Whether the last QR image could not be stored for a full disk (logged once, not per image). */
  private qrCacheFull = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly packages: PackageService,
    private readonly tenant: TenantService,
    /** Makes the QR code PNG of a payload text (tests count the renders). */
    private readonly render: (text: string) => Promise<Buffer> = renderQrPng,
  ) {}

  create(input: ProfileWrite): ProfileRecord {
    this.tenant.requireAospManagement();
    const now = this.ctx.now();
    const displayName = (input.displayName ?? "").trim();
    if (displayName === "") throw badRequest('"displayName" is required: give the profile a name');
    // Left out, Graph's enum takes its value 0, corporateOwnedDedicatedDevice: no AOSP mode, so no default is guessed.
    const enrollmentMode = input.enrollmentMode;
    if (enrollmentMode === undefined) {
      throw badRequest(
        `"enrollmentMode" is required: ${AOSP_MODES} (left out, Graph takes corporateOwnedDedicatedDevice, an Android Enterprise mode, not an AOSP one)`,
      );
    }
    const wifiSsid = input.wifiSsid ?? CLEARED.wifiSsid;
    const cookieValue = `${DOWNLOAD_COOKIE_NAME}=${newCookieSecret()}`;
    const profile: ProfileRecord = {
      id: randomUUID(),
      displayName,
      description: input.description ?? CLEARED.description,
      enrollmentMode,
      // Left out, it follows the SSID: Graph's text says both "Default value is TRUE" and that false
      // or undefined ignores the Wi-Fi properties, and the admin center has no such switch, only the
      // SSID (docs/provisioning-facts.md §3). A PATCH keeps it; the route warns of settings it leaves out.
      configureWifi: input.configureWifi ?? wifiSsid !== "",
      wifiSsid,
      wifiHidden: input.wifiHidden ?? false,
      wifiSecurityType: input.wifiSecurityType ?? "none",
      wifiPassword: input.wifiPassword ?? CLEARED.wifiPassword,
      isTeamsDeviceProfile: input.isTeamsDeviceProfile ?? false,
      roleScopeTagIds: input.roleScopeTagIds ?? [...CLEARED.roleScopeTagIds],
      deviceNameTemplate: input.deviceNameTemplate ?? CLEARED.deviceNameTemplate,
      downloadCookie: cookieValue,
      downloadCookieHash: secretHash(cookieValue),
      created: now,
      modified: now,
    };
    this.check(profile);
    const expires =
      input.tokenExpirationDateTime == null
        ? now + DEFAULT_TOKEN_VALIDITY_MS
        : this.checkExpiry(enrollmentMode, Date.parse(input.tokenExpirationDateTime), "tokenExpirationDateTime");
    this.ctx.store.profiles.create(profile, this.newToken(now, expires));
    return profile;
  }

  get(id: string): ProfileRecord {
    const profile = this.ctx.store.profiles.get(id);
    if (!profile) throw itemNotFound("androidDeviceOwnerEnrollmentProfile", id);
    return profile;
  }

  list(): ProfileRecord[] {
    return this.ctx.store.profiles.list();
  }

  /**
   * PATCH. Changing the enrollment mode is refused with the way to do it; the read-only
   * properties (the token's expiry among them) are the route's (refuseReadOnlyChanges). A PATCH
   * that changes nothing (`{}`, a round trip sent back as read) leaves the profile, and its
   * lastModifiedDateTime, as they were.
   */
  update(id: string, patch: ProfileWrite): ProfileRecord {
    const current = this.get(id);
    if (patch.enrollmentMode !== undefined && patch.enrollmentMode !== current.enrollmentMode) {
      throw badRequest("enrollmentMode cannot change after the profile is created; create a new profile instead");
    }
    const displayName = patch.displayName === undefined ? current.displayName : patch.displayName.trim();
    if (displayName === "") throw badRequest('"displayName" must not be empty');
    // undefined keeps the current value, null clears it to what a new profile has.
    const cleared = <K extends keyof typeof CLEARED>(name: K): ProfileRecord[K] => {
      const value = patch[name];
      if (value === undefined) return current[name];
      return (value ?? (Array.isArray(CLEARED[name]) ? [...CLEARED[name]] : CLEARED[name])) as ProfileRecord[K];
    };
    const changes: Partial<ProfileRecord> = {
      displayName,
      description: cleared("description"),
      configureWifi: patch.configureWifi ?? current.configureWifi,
      wifiSsid: cleared("wifiSsid"),
      wifiHidden: patch.wifiHidden ?? current.wifiHidden,
      wifiSecurityType: patch.wifiSecurityType ?? current.wifiSecurityType,
      wifiPassword: cleared("wifiPassword"),
      isTeamsDeviceProfile: patch.isTeamsDeviceProfile ?? current.isTeamsDeviceProfile,
      roleScopeTagIds: cleared("roleScopeTagIds"),
      deviceNameTemplate: cleared("deviceNameTemplate"),
    };
    if (changesNothing(changes, current)) return current;
    const updated: ProfileRecord = { ...current, ...changes, modified: this.ctx.now() };
    this.check(updated);
    this.ctx.store.profiles.save(updated);
    return updated;
  }

  /** Deletes the profile: its tokens stop working (profileDeleted); enrolled devices stay. */
  delete(id: string): void {
    if (!this.ctx.store.profiles.delete(id)) throw itemNotFound("androidDeviceOwnerEnrollmentProfile", id);
  }

  /** createToken: a new token with a new expiry replaces the current one. */
  createToken(id: string, validitySeconds: number | undefined): void {
    const profile = this.get(id);
    const now = this.ctx.now();
    const expires =
      validitySeconds === undefined
        ? now + DEFAULT_TOKEN_VALIDITY_MS
        : this.checkExpiry(profile.enrollmentMode, now + validitySeconds * 1000, "tokenValidityInSeconds");
    this.ctx.store.profiles.replaceToken(id, this.newToken(now, expires), now);
  }

  /** revokeToken: the current token expires now. */
  revokeToken(id: string): void {
    this.get(id);
    this.ctx.store.profiles.revoke(id, this.ctx.now());
  }

  currentToken(profile: ProfileRecord): TokenRecord {
    const token = this.ctx.store.profiles.currentToken(profile.id);
    if (!token) throw new Error(`profile ${profile.id} has no token`);
    return token;
  }

  /** Everything the admin API shows about a profile except the QR image. */
  view(profile: ProfileRecord): ProfileView {
    const token = this.currentToken(profile);
    const agent =
      this.packages.find(AGENT_PACKAGE, token.agentVersionCode) ?? this.packages.latest(AGENT_PACKAGE);
    const payload = enrollmentPayload({
      serviceUrl: this.ctx.baseUrl(),
      profile,
      token,
      agent,
      agentDownloadUrl: this.packages.downloadUrl(AGENT_PACKAGE, agent.versionCode),
    });
    const qrText = payloadText(payload);
    return {
      profile,
      token,
      enrolledDeviceCount: this.ctx.store.profiles.enrolledDeviceCount(profile.id),
      payload,
      qrText,
      qrCodeContent: qrCodeContent(qrText),
    };
  }

  /**
   * The QR code PNG of the profile's current token. A render holds the CPU for tens of
   * milliseconds, so the image is stored with the token and made again only when the payload
   * text changes (a Wi-Fi setting, the service's address); a tenant with hundreds of profiles
   * lists them without rendering any.
   */
  async qrPng(view: ProfileView): Promise<Buffer> {
    const text = view.qrText;
    const textHash = createHash("sha256").update(text, "utf8").digest("hex");
    const stored = this.ctx.store.profiles.qrImage(view.token.id);
    if (stored?.textHash === textHash) return stored.png;
    let pending = this.rendering.get(text);
    if (!pending) {
      pending = this.renderSoon(text);
      this.rendering.set(text, pending);
      pending.then(
        () => this.rendering.delete(text),
        () => this.rendering.delete(text),
      );
    }
    const png = await pending;
    this.keepQrImage(view.token.id, textHash, png);
    return png;
  }

  /**
   * Stores a rendered image for the next request. The image is only a cache: a disk too full to
   * take it must not fail the request that has it in hand (a list of profiles, or the create that
   * has already committed), so that failure is logged once, until an image is stored again.
   */
  private keepQrImage(tokenId: number, textHash: string, png: Buffer): void {
    try {
      this.ctx.store.profiles.saveQrImage(tokenId, textHash, png);
      this.qrCacheFull = false;
    } catch (error) {
      if (!isStorageFullError(error)) throw error;
      if (!this.qrCacheFull) this.ctx.log(`disk full: QR code images are served without being stored until the disk holding the file given as ${this.ctx.store.fileOption} has space (${(error as Error).message})`);
      this.qrCacheFull = true;
    }
  }

  /** Renders after the requests already waiting have had their turn on the event loop. */
  private async renderSoon(text: string): Promise<Buffer> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.render(text);
  }

  private newToken(now: number, expires: number): NewToken {
    const value = newEnrollmentToken();
    return {
      tokenHash: secretHash(value),
      tokenValue: value,
      created: now,
      expires,
      // The QR points at the newest agent of the moment, by a versioned URL that is served forever.
      agentVersionCode: this.packages.latest(AGENT_PACKAGE).versionCode,
    };
  }

  private checkExpiry(mode: EnrollmentMode, expires: number, field: string): number {
    const now = this.ctx.now();
    if (!Number.isFinite(expires)) throw badRequest(`${field} must be an ISO 8601 date and time`);
    if (expires <= now) {
      throw badRequest(`${field}: the token must expire in the future (the service's time is ${new Date(now).toISOString()})`);
    }
    const limit = mode === USERLESS ? now + 90 * DAY_MS : addYears(now, 65);
    if (expires > limit) {
      const rule = mode === USERLESS ? "90 days ahead for userless profiles" : "65 years ahead for user-associated profiles";
      throw badRequest(`${field}: the token may expire at most ${rule} (until ${new Date(limit).toISOString()})`);
    }
    return expires;
  }

  private check(profile: ProfileRecord): void {
    refuseLongText(profile, TEXT_LIMITS.profile);
    if (profile.configureWifi) checkWifi(profile);
    checkDeviceNameTemplate(profile.deviceNameTemplate);
    if (profile.isTeamsDeviceProfile) {
      const other = this.ctx.store.profiles.teamsProfileIds().find((id) => id !== profile.id);
      if (other) {
        throw badRequest(
          `only one profile per tenant can be for Microsoft Teams devices, and profile ${other} already is`,
        );
      }
    }
  }
}

function checkWifi(profile: ProfileRecord): void {
  if (profile.wifiSsid === "") {
    throw badRequest('"wifiSsid" is required when configureWifi is true: name the network devices join');
  }
  if (Buffer.byteLength(profile.wifiSsid, "utf8") > 32) {
    throw badRequest(`wifiSsid is ${Buffer.byteLength(profile.wifiSsid, "utf8")} bytes in UTF-8; an SSID is at most 32`);
  }
  if (profile.wifiSecurityType === "none") return;
  const key = profile.wifiPassword;
  if (key === "") {
    throw badRequest(`"wifiPassword" is required for wifiSecurityType ${profile.wifiSecurityType}: give the pre-shared key`);
  }
  if (profile.wifiSecurityType === "wpa") {
    // 64 hex digits too are refused: the rule the QR validator's wifi-wpa-hex-key error and the device apply.
    if (isRawWpaKey(key)) {
      throw badRequest(`wifiPassword: a WPA pre-shared key of ${PROVISIONED_HEX_WPA_KEY_PROBLEM}; give the network's passphrase instead`);
    }
    if (!/^[\x20-\x7e]{8,63}$/.test(key)) {
      throw badRequest(
        "wifiPassword: a WPA pre-shared key is 8 to 63 printable ASCII characters (the passphrase); devices cannot join with this one",
      );
    }
  }
  // The rule the QR validator's wifi-wep-key error and the device apply, so the service issues no code they refuse.
  const wepProblem = profile.wifiSecurityType === "wep" ? wepKeyProblem(key) : null;
  if (wepProblem !== null) {
    throw badRequest(
      `wifiPassword: a WEP key is ${USABLE_WEP_KEYS} (this one is ${wepProblem}); devices cannot join with this one`,
    );
  }
}

/** Calendar years (Feb 29 rolls to Mar 1); the console's date pickers use the same limit. */
export function addYears(ms: number, years: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}
