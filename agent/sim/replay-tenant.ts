/**
 * The fresh embedded service a replay runs against, made to answer as the recorded one did, from
 * what the recording shows of it: the app versions it offered, the terms and device
 * configurations it had assigned, the user who signed in (or the refusal they met, a locked
 * account among them), a profile whose token and download cookie take the place of the recorded
 * ones in the payload (or a token refused as the recorded one was), and the failures it answered
 * that no state of a service explains (recordedServiceAnswers), given again in its place. agent/sim/replay.ts runs the device and compares the steps.
 */
import { planFromParams } from "../machine/plan.js";
import { checkPayloadText } from "../payload/index.js";
import { EXTRA_ENROLLMENT_TOKEN } from "../protocol/intune-conventions.js";
import { deviceRoutes, type EnrollResponse } from "../protocol/device-api.js";
import type { StateRecord, TranscriptRecord } from "../report/transcript.js";
import { DEFAULT_LOCKOUT_POLICY, DEFAULT_TOKEN_VALIDITY_MS, type AnswerInjector, type GraphProfile, type InjectedAnswer, type MockService, type ProfileRequest } from "../../mock-service/index.js";
import { routeOf } from "./replay-compare.js";

/** Password given to the recreated user when the transcript's is redacted. */
export const REPLAY_PASSWORD = "Replay-Passw0rd!";

export interface RecordedTenant {
  /** Every record of the recording: its refusals are read from them. */
  records: readonly TranscriptRecord[];
  /** The records of what the replay re-runs: the app versions, terms and configurations offered in them are made. */
  offered: readonly TranscriptRecord[];
  payloadText: string;
  profile: ProfileRequest;
  /** Who signed in, with the password the device will type; null when nobody did. */
  signIn: { userPrincipalName: string; password: string } | null;
  /**
   * The fresh service's clock, for what the recorded service had done by a time of the recording
   * (an account locked until then, a token still valid then).
   */
  serviceClock: ServiceClock;
}

export interface ServiceClock {
  /** The service's time now (ms). */
  now(): number;
  /** Where the replay's clock will be at this time (ms) of the recorded device's clock. */
  replayTime(recordedMs: number): number;
  /** Sets the service's clock to this time (ms), or back to the replay's clock (null). */
  set(ms: number | null): void;
  /** The replay's times are the recorded ones (a simulated clock), not just close to them (a real one). */
  exact: boolean;
}

/**
 * Sets the fresh service up as the recording shows; returns the payload with the fresh secrets,
 * and when the recorded token had expired, its expiry (the caller's clock for the service moves
 * past it), else null.
 */
export async function recreateRecordedTenant(service: MockService, recorded: RecordedTenant): Promise<{ payloadText: string; tokenExpiresAt: number | null }> {
  // Only what the re-run part was offered: a version published later in a recording's life is not.
  await publishRecordedVersions(service, recorded.offered);
  const refused = recordedRefusals(recorded.records);
  if (recorded.signIn) await recreateUser(service, recorded.signIn.userPrincipalName, recorded.signIn.password, refused.signIn);
  await recreateAssignments(service, recorded.offered);
  const fresh = await withFreshSecrets(service, recorded.payloadText, recorded.profile, refused.token, tokenValidUntil(recorded.records, recorded.serviceClock));
  if (recorded.signIn && refused.lockout) await lockAccount(service, fresh.profile.tokenValue, recorded.signIn, refused.lockout, recorded.serviceClock);
  return { payloadText: fresh.text, tokenExpiresAt: refused.token === "tokenExpired" ? Date.parse(fresh.profile.tokenExpirationDateTime) : null };
}

/**
 * The app versions the recorded service offered (its sign-in and check-in answers, the apps the
 * device reported, the agent it downloaded), published on the fresh service when it has no such
 * version: the live service may have had newer ones than the embedded defaults. The simulated
 * archives are made from name, version and signer, so the recorded checksums hold. A version the
 * fresh service refuses is left out: the replay then diverges where the device asks for it.
 */
async function publishRecordedVersions(service: MockService, records: readonly TranscriptRecord[]): Promise<void> {
  const versions = new Map<string, { packageName: string; versionName: string; versionCode: number }>();
  const add = (packageName: unknown, versionName: unknown, versionCode: unknown) => {
    if (typeof packageName === "string" && typeof versionName === "string" && typeof versionCode === "number") {
      versions.set(`${packageName}/${versionCode}`, { packageName, versionName, versionCode });
    }
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (typeof value === "object" && value !== null) {
      const o = value as Record<string, unknown>;
      add(o["packageName"], o["versionName"], o["versionCode"]);
      for (const v of Object.values(o)) visit(v);
    }
  };
  // The agent's version code is in its download's URL, its name in the enrollment request.
  const agentUrl = records.find((r) => r.type === "http" && r.purpose === "agent-download");
  const agentVersion = records.map((r) => (r.type === "http" && r.url.endsWith("/device/v1/enroll") ? (r.request.body as { agentVersion?: unknown } | undefined)?.agentVersion : undefined)).find((v) => v !== undefined);
  const agent = agentUrl?.type === "http" ? /\/device\/v1\/packages\/([^/]+)\/(\d+)$/.exec(new URL(agentUrl.url).pathname) : null;
  if (agent) add(decodeURIComponent(agent[1]!), agentVersion, Number(agent[2]));
  for (const r of records) if (r.type === "http") visit([r.request.body, r.response?.body]);
  const known = new Set((await service.admin.listPackages()).map((p) => `${p.packageName}/${p.versionCode}`));
  for (const version of [...versions.values()].sort((a, b) => a.versionCode - b.versionCode)) {
    if (known.has(`${version.packageName}/${version.versionCode}`)) continue;
    await service.admin.publishPackage(version).catch(() => undefined);
  }
}

/**
 * The agent a recording made before start records held the system image shows preinstalled: the
 * device out of the box found it installed before any download (its first inspectAgent step). Its
 * archive is the fresh service's build of that version (published when the service has none), as
 * the recorded one was when it came from the service; none when the recording shows none, or the
 * fresh service cannot build it (the replay then diverges where the device looks for it).
 */
export async function preinstalledAgent(service: MockService, records: readonly TranscriptRecord[]): Promise<Uint8Array[]> {
  const inspected = records.find((r): r is StateRecord => r.type === "state" && r.eventType === "xstate.done.actor.inspectAgent");
  const installed = (inspected?.output as { installed?: { packageName?: unknown; versionName?: unknown; versionCode?: unknown } | null } | undefined)?.installed;
  const { packageName, versionName, versionCode } = installed ?? {};
  if (typeof packageName !== "string" || typeof versionName !== "string" || typeof versionCode !== "number") return [];
  try {
    const known = (await service.admin.listPackages()).some((p) => p.packageName === packageName && p.versionCode === versionCode);
    if (!known) await service.admin.publishPackage({ packageName, versionName, versionCode });
    const response = await fetch(`${service.url}${deviceRoutes.package(packageName, versionCode)}`, { headers: { authorization: `Bearer ${service.adminToken}` } });
    return response.ok ? [new Uint8Array(await response.arrayBuffer())] : [];
  } catch {
    return [];
  }
}

/**
 * The answers the recorded service gave that the fresh one would not give by itself: a 5xx (a
 * failure `serve --chaos` injected, the service's own trouble) or a 429 but a locked account's
 * (throttling --chaos injected), and not one a device fault made (the replayed device's faults
 * make those again). Each is given again in the fresh service's place (MockServiceOptions
 * injectAnswers) for the same exchange, with its status, Retry-After and body: the n-th request of
 * a method and route (ids as {id}) the replayed device makes, counted as the recording's were, in
 * `replayed` (the replayed device's records so far: its requests are made one at a time).
 */
export function recordedServiceAnswers(recorded: readonly TranscriptRecord[], replayed: readonly TranscriptRecord[]): AnswerInjector {
  const keyOf = (method: string, url: string) => `${method} ${routeOf(url)}`;
  const answers = new Map<string, Map<number, InjectedAnswer>>();
  const seen = new Map<string, number>();
  for (const r of recorded) {
    if (r.type !== "http") continue;
    const key = keyOf(r.method, r.url);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const response = r.response;
    if (!response || r.fault !== undefined) continue;
    const code = (response.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (response.status < 500 && !(response.status === 429 && code !== "accountLocked")) continue;
    const retryAfter = response.headers["retry-after"];
    const answer: InjectedAnswer = { status: response.status, ...(retryAfter === undefined ? {} : { headers: { "retry-after": retryAfter } }), ...(response.body === undefined ? {} : { body: response.body }) };
    answers.set(key, (answers.get(key) ?? new Map<number, InjectedAnswer>()).set(n, answer));
  }
  // The replayed device's exchanges counted as they come (`replayed` only grows): recounting the
  // whole list at every request was quadratic over a long --life.
  const made = new Map<string, number>();
  let counted = 0;
  return ({ method, url }) => {
    for (; counted < replayed.length; counted++) {
      const r = replayed[counted]!;
      if (r.type !== "http") continue;
      const key = keyOf(r.method, r.url);
      made.set(key, (made.get(key) ?? 0) + 1);
    }
    const key = keyOf(method, new URL(url, "http://service").href);
    const numbered = answers.get(key);
    if (!numbered) return null;
    return numbered.get(made.get(key) ?? 0) ?? null;
  };
}

/** The service's refusals of the sign-in and of the enrollment token that the fresh service recreates. */
const SIGN_IN_REFUSALS = ["invalidCredentials", "userNotLicensed", "accountDisabled"] as const;
const TOKEN_REFUSALS = ["tokenRevoked", "tokenExpired", "tokenReplaced", "tokenUnknown", "profileDeleted"] as const;
type SignInRefusal = (typeof SIGN_IN_REFUSALS)[number];
type TokenRefusal = (typeof TOKEN_REFUSALS)[number];

/**
 * How the recorded service refused the sign-in and the enrollment, read from its answers (the
 * error code of the first answer it gave each that the fresh service would give for the same
 * reason): a wrong password or an unknown user (both invalidCredentials), a user without a
 * licence, a revoked, expired or replaced token...
 */
function recordedRefusals(records: readonly TranscriptRecord[]): { signIn: SignInRefusal | null; token: TokenRefusal | null; lockout: RecordedLockout | null } {
  let signIn: SignInRefusal | null = null;
  let token: TokenRefusal | null = null;
  let lockout: RecordedLockout | null = null;
  for (const r of records) {
    if (r.type !== "http" || r.method !== "POST") continue;
    const code = (r.response?.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (r.url.endsWith("/signIn")) signIn ??= (SIGN_IN_REFUSALS as readonly unknown[]).includes(code) ? (code as SignInRefusal) : null;
    if (r.url.endsWith("/signIn") && code === "accountLocked" && r.response?.status === 429) {
      const retryAfter = Number(r.response.headers["retry-after"]);
      lockout ??= { at: Date.parse(r.at), forMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : DEFAULT_LOCKOUT_POLICY.firstLockoutMs };
    }
    if (r.url.endsWith("/device/v1/enroll")) token ??= (TOKEN_REFUSALS as readonly unknown[]).includes(code) ? (code as TokenRefusal) : null;
  }
  return { signIn, token, lockout };
}

/** A sign-in the recorded service refused because the account was locked: when (device clock), and for how long more (its Retry-After). */
interface RecordedLockout {
  at: number;
  forMs: number;
}

/** How much earlier than the recorded time an account is locked on a real clock, where the replay only comes close to the recorded times. */
const LOCKOUT_LEEWAY_MS = 10_000;

/**
 * The account the recorded service refused as locked (429 accountLocked after too many failed
 * sign-ins, from this device or any other), locked on the fresh service the way it was: another
 * device signs in with a wrong password as many times as the lockout takes, at the time of the
 * recording that makes the lockout end when the recorded one did (the first lockout's length
 * before its end; at the refused sign-in itself when the recorded one had longer to run), so the
 * replayed device's sign-in is refused at the same moment, with the same Retry-After on a simulated clock.
 */
async function lockAccount(
  service: MockService,
  token: string,
  user: { userPrincipalName: string; password: string },
  lockout: RecordedLockout,
  clock: ServiceClock,
): Promise<void> {
  const { threshold, firstLockoutMs } = DEFAULT_LOCKOUT_POLICY;
  const send = async (path: string, body: unknown, credential?: string) => {
    const response = await fetch(`${service.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(credential === undefined ? {} : { authorization: `Bearer ${credential}` }) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
  };
  const at = clock.replayTime(lockout.at);
  clock.set(Math.min(at + Math.min(lockout.forMs, firstLockoutMs) - firstLockoutMs, at - (clock.exact ? 0 : LOCKOUT_LEEWAY_MS)));
  try {
    const helper = await send(deviceRoutes.enroll(), {
      enrollmentToken: token,
      serialNumber: "REPLAY-LOCKOUT",
      model: "Replay",
      manufacturer: "aosp-sim",
      osVersion: "13",
      agentVersion: AGENT_VERSION_FOR_LOCKOUT,
    });
    if (helper.status !== 200) return;
    const { deviceId, deviceCredential } = helper.body as EnrollResponse;
    const wrong = { userPrincipalName: user.userPrincipalName, password: `${user.password}-not-it` };
    for (let i = 0; i < threshold; i++) await send(deviceRoutes.signIn(deviceId), wrong, deviceCredential);
  } finally {
    clock.set(null);
  }
}

/** The agent version the device that locks an account reports (any the service knows). */
const AGENT_VERSION_FOR_LOCKOUT = "24.9.2";

/** Password the recreated user has when the recorded one was refused (invalidCredentials). */
const OTHER_PASSWORD = "Other-Passw0rd!";

/**
 * What the recorded tenant had assigned to the device's user, as its answers show: the terms and
 * conditions its sign-in offered, and the device configurations and compliance policies its
 * check-ins carried. Each is
 * made on the fresh service with what the device was given (titles, texts, settings) and assigned
 * to all licensed users, so the device is offered the same (versions may differ: the comparison
 * reads shapes, not values).
 */
async function recreateAssignments(service: MockService, records: readonly TranscriptRecord[]): Promise<void> {
  const allUsers = { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } as const;
  const terms = new Map<string, Record<string, unknown>>();
  const configurations = new Map<string, Record<string, unknown>>();
  const compliance = new Map<string, Record<string, unknown>>();
  for (const r of records) {
    if (r.type !== "http" || typeof r.response?.body !== "object" || r.response.body === null) continue;
    const body = r.response.body as Record<string, unknown>;
    if (r.url.endsWith("/signIn") && Array.isArray(body["termsAndConditions"])) {
      for (const t of body["termsAndConditions"] as Record<string, unknown>[]) if (typeof t["id"] === "string" && !terms.has(t["id"])) terms.set(t["id"], t);
    }
    if (r.url.endsWith("/checkIn") && Array.isArray(body["configurations"])) {
      for (const c of body["configurations"] as Record<string, unknown>[]) if (typeof c["id"] === "string" && !configurations.has(c["id"])) configurations.set(c["id"], c);
    }
    // Compliance policies come with the same check-ins (README "Policies").
    if (r.url.endsWith("/checkIn") && Array.isArray(body["compliancePolicies"])) {
      for (const c of body["compliancePolicies"] as Record<string, unknown>[]) if (typeof c["id"] === "string" && !compliance.has(c["id"])) compliance.set(c["id"], c);
    }
  }
  for (const t of terms.values()) {
    const title = String(t["title"] ?? "Terms");
    const created = await service.admin.createTerms({ displayName: title, title, bodyText: String(t["bodyText"] ?? ""), acceptanceStatement: String(t["acceptanceStatement"] ?? "") });
    await service.admin.assignTerms(created.id, allUsers);
  }
  for (const c of configurations.values()) {
    const created = await service.admin.createConfiguration(String(c["displayName"] ?? "Configuration"), settingsOf(c));
    await service.admin.assignConfiguration(created.id, [allUsers]);
  }
  for (const c of compliance.values()) {
    const created = await service.admin.createCompliancePolicy(String(c["displayName"] ?? "Compliance policy"), settingsOf(c));
    await service.admin.assignCompliancePolicy(created.id, [allUsers]);
  }
}

/** A policy's settings as a check-in carried them (an object of Graph properties), or none. */
function settingsOf(policy: Record<string, unknown>): Record<string, unknown> {
  const settings = policy["settings"];
  return typeof settings === "object" && settings !== null && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
}

/**
 * The user who signed in, as the recorded service knew them: licensed with the password typed, or
 * as its refusal says (another password, no licence, the account disabled).
 */
async function recreateUser(service: MockService, userPrincipalName: string, password: string, refusal: SignInRefusal | null): Promise<void> {
  const user = {
    displayName: userPrincipalName,
    userPrincipalName,
    password: refusal === "invalidCredentials" ? (password === OTHER_PASSWORD ? REPLAY_PASSWORD : OTHER_PASSWORD) : password,
    ...(refusal === "accountDisabled" ? { accountEnabled: false } : {}),
  };
  if (refusal === "userNotLicensed") await service.admin.createUser(user);
  else await service.admin.createLicensedUser(user);
}

/**
 * Creates the profile on the fresh service and puts its token and download cookie where the
 * recorded payload has its own (or their placeholders). A profile the service refuses with the
 * recorded Wi-Fi settings (an EAP network, say) is created without Wi-Fi: the device takes its
 * network from the payload either way. A token the recorded service refused is refused again:
 * revoked, replaced by a newer one, its profile deleted, or left unknown (the recorded one kept);
 * an expired one is the caller's (the service's clock moved past the returned profile's expiry).
 * `validUntil`: the token's expiry, when it must outlive a new token's default (tokenValidUntil).
 */
async function withFreshSecrets(
  service: MockService,
  payloadText: string,
  request: ProfileRequest,
  refusal: TokenRefusal | null,
  validUntil: number | null,
): Promise<{ text: string; profile: GraphProfile }> {
  const withoutWifi = (asked: ProfileRequest) => {
    const { configureWifi: _c, wifiSsid: _s, wifiHidden: _h, wifiSecurityType: _t, wifiPassword: _p, ...rest } = asked as ProfileRequest & Record<string, unknown>;
    return rest as ProfileRequest;
  };
  // A longer-lived token first; one the service refuses (a userless profile's lives 90 days at most) is left out.
  const asked = validUntil === null ? [request, withoutWifi(request)] : [{ ...request, tokenExpirationDateTime: new Date(validUntil).toISOString() }, request].flatMap((r) => [r, withoutWifi(r)]);
  let profile: GraphProfile | undefined;
  for (const [i, attempt] of asked.entries()) {
    try {
      profile = await service.admin.createProfile(attempt);
      break;
    } catch (error) {
      if (i === asked.length - 1) throw error;
    }
  }
  if (profile === undefined) throw new Error("no profile was created");
  const fresh = secretsOf(JSON.stringify(await service.admin.exportProfile(profile.id)));
  const recorded = secretsOf(payloadText);
  let text = payloadText;
  if (recorded.token && fresh.token && refusal !== "tokenUnknown") text = text.replaceAll(recorded.token, fresh.token);
  if (recorded.cookie && fresh.cookie) text = text.replaceAll(recorded.cookie, fresh.cookie);
  if (refusal === "tokenRevoked") await service.admin.revokeToken(profile.id);
  if (refusal === "tokenReplaced") await service.admin.createToken(profile.id);
  if (refusal === "profileDeleted") await service.admin.deleteProfile(profile.id);
  return { text, profile };
}

/**
 * How long the recreated token must stay valid: past the last time (on the replay's clock) the
 * recorded service accepted the recorded one, with a day to spare, when that is beyond a new
 * token's default validity (a device that lost power for 91 days and then enrolled, against a
 * service whose clock did not move on with the device's); else null, for the default.
 */
function tokenValidUntil(records: readonly TranscriptRecord[], clock: ServiceClock): number | null {
  const accepted = records.filter((r) => r.type === "http" && r.method === "POST" && r.url.endsWith("/device/v1/enroll") && r.response?.status === 200);
  if (accepted.length === 0) return null;
  const until = clock.replayTime(Math.max(...accepted.map((r) => Date.parse(r.at)))) + DAY_MS;
  return Number.isFinite(until) && until > clock.now() + DEFAULT_TOKEN_VALIDITY_MS ? until : null;
}

const DAY_MS = 86_400_000;

function secretsOf(payloadText: string): { token: string | null; cookie: string | null } {
  const params = checkPayloadText(payloadText, { rules: "android" }).params;
  if (!params) return { token: null, cookie: null };
  const token = planFromParams(params).adminExtras[EXTRA_ENROLLMENT_TOKEN];
  return { token: typeof token === "string" && token !== "" ? token : null, cookie: params.download?.cookieHeader || null };
}
