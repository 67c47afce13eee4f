/**
 * Replaying a transcript: the recorded device (its whole identity, seed, faults, clock kind and
 * the payload it scanned) enrolls again, and its steps are compared with the recorded ones.
 *
 * Where: against a fresh embedded service by default. The replay recreates on it what the
 * device needs: the user who signed in (with an Intune licence), a profile with the recorded
 * Wi-Fi settings, enrollment mode and name, and that profile's token and download cookie, which
 * take the place of the recorded ones (or of their placeholders in a redacted transcript) in the
 * payload; and what the recorded service's refusals show of it (a wrong password, no licence,
 * a revoked or expired token), so a recorded failure fails again. With `service` the replay runs against a live service, with the payload as recorded
 * (a transcript kept with --transcript-secrets keep).
 *
 * What is compared, step by step (agent/sim/replay-compare.ts): the state path (each state
 * record's from -> to and event), power changes, and each HTTP exchange's method, route (ids
 * replaced), status (or that it got no answer) and body shape (the keys and value types, not
 * the values: a fresh service issues other ids and credentials).
 */
import { RealClock, SimulatedClock } from "../device/clock.js";
import { createDevice, type CreateDeviceOptions } from "../device/create-device.js";
import { parseFaultsAt } from "../device/faults.js";
import { planFromParams } from "../machine/plan.js";
import { isWithin } from "../machine/state-paths.js";
import { checkPayloadText } from "../payload/index.js";
import { InputError } from "../protocol/errors.js";
import { EXTRA_ENROLLMENT_TOKEN } from "../protocol/intune-conventions.js";
import { REDACTED } from "../report/redact.js";
import type { Transcript } from "../report/read-transcript.js";
import type { StateRecord, TranscriptRecord } from "../report/transcript.js";
import { startMockService, type GraphProfile, type MockService, type ProfileRequest } from "../../mock-service/index.js";
import { untilState } from "../cli/device-options.js";
import { compareSteps, stepsOf, type Comparison } from "./replay-compare.js";

export interface ReplayOptions {
  /** A live service's base URL (default: a fresh embedded service). */
  service?: string;
  /** Stop when the device reaches this state (a name resolveStatePath accepts). */
  until?: string;
  /** Keep the device's storage here (to continue with `enroll --device-dir`). */
  deviceDir?: string;
}

export interface ReplayResult extends Comparison {
  finalStatePath: string;
  /** The replay's own records, as a transcript would hold them. */
  records: TranscriptRecord[];
  /** Where the replay stopped early: --until, or where the recording stopped (`recordedStop`). */
  until: string | null;
  /** Without --until: the recorded run stopped early, at its own --until or when its time ran out, and the replay stopped there too. */
  recordedStop: "until" | "timedOut" | "enrolled" | null;
}

/** Password given to the recreated user when the transcript's is redacted. */
const REPLAY_PASSWORD = "Replay-Passw0rd!";

export async function replayTranscript(transcript: Transcript, options: ReplayOptions = {}): Promise<ReplayResult> {
  const where = transcript.source ?? "transcript";
  const end = transcript.end;
  // A recording that stopped early is replayed up to where it stopped, as if --until were given.
  // The enrollment is what a replay re-runs: a recording that goes on past it (a scenario of `run`,
  // an `enroll --until` of the enrolled device's life) goes on with check-ins, a scenario's steps
  // and an admin's actions, which it does not. Such a recording is replayed to the enrollment's end.
  const enrollment = enrollmentRecords(transcript.records);
  const goesOn = enrollment.length < transcript.records.length;
  const recordedStop = options.until !== undefined ? null : goesOn ? "enrolled" : end.until !== undefined ? "until" : end.timedOut ? "timedOut" : null;
  const until =
    options.until !== undefined ? untilState(options.until) : recordedStop === null ? null : recordedStop === "enrolled" ? "enrolled" : untilState(end.until ?? end.finalStatePath);
  const boot = transcript.records.find((r): r is StateRecord => r.type === "state");
  if (boot?.from === "off" && boot.state !== "welcome") {
    // A device out of the box boots to the welcome screen; this one was taken from its storage.
    throw new InputError(`starts mid-way: the recorded device resumed from a --device-dir in ${boot.state}, so the recording cannot be replayed alone`, {
      where,
      hint: "replay the recording of the run that brought it there with --device-dir DIR, then `aosp-sim enroll --device-dir DIR`, or record the whole enrollment in one transcript",
    });
  }
  const payloadText = transcript.payloadText;
  if (payloadText === null) {
    throw new InputError("holds no scanned payload: the recorded device never read a QR code, so there is nothing to replay", {
      where,
      hint: "record a run whose device scans the QR code",
    });
  }
  if (until !== null && !transcript.records.some((r) => r.type === "state" && isWithin(r.state, until))) {
    // The replay would run to the recording's end and call that stopping at --until, or (a state
    // of the enrolled device's life) run past the recording, a check-in at a time, to compare with nothing.
    const last = [...transcript.records].reverse().find((r) => r.type === "state");
    throw new InputError(`the recording never enters ${until}${last?.type === "state" ? ` (its last state is ${last.state})` : ""}`, {
      where: "--until",
      hint: "give a state the recorded device passed through (`aosp-sim show TRANSCRIPT` lists them), or leave out --until",
    });
  }
  const recorded = transcript.start;
  // Named where they were written: the transcript's start line, not a --fault the user never gave.
  const faults = parseFaultsAt(recorded.faults, (i) => `${where}: line 1 (the start record), faults[${i}]`);
  const clock = recorded.clock === "simulated" ? new SimulatedClock(Date.parse(recorded.at)) : new RealClock();
  const signIn = recordedSignIn(transcript.records);

  let service: MockService | null = null;
  try {
    let text = payloadText;
    let serviceUrl = options.service;
    let password = signIn?.password ?? null;
    if (serviceUrl === undefined) {
      // Moved on past the token's expiry when the recorded service answered tokenExpired.
      let serviceAheadMs = 0;
      service = await startMockService({ now: () => new Date(clock.now() + serviceAheadMs) });
      serviceUrl = service.url;
      password ??= REPLAY_PASSWORD;
      // Only what the enrollment was offered: a version published later in a recording's life is not.
      await publishRecordedVersions(service, recordedStop === "enrolled" ? enrollment : transcript.records);
      const refused = recordedRefusals(transcript.records);
      if (signIn) await recreateUser(service, signIn.userPrincipalName, password, refused.signIn);
      await recreateAssignments(service, recordedStop === "enrolled" ? enrollment : transcript.records);
      const fresh = await withFreshSecrets(service, payloadText, profileRequest(transcript, payloadText), refused.token);
      text = fresh.text;
      if (refused.token === "tokenExpired") serviceAheadMs = Date.parse(fresh.profile.tokenExpirationDateTime) - clock.now() + 1000;
    } else if (payloadText.includes(REDACTED) || (signIn && password === null)) {
      throw new InputError("has its secrets redacted: it cannot replay against a live service", {
        where,
        hint: "replay it against the embedded service (leave out --service), or record it with --transcript-secrets keep",
      });
    }

    const records: TranscriptRecord[] = [];
    const deviceOptions: CreateDeviceOptions = {
      qr: { payload: text, label: "recorded payload" },
      clock,
      identity: recorded.identity,
      ...(recorded.seed === null ? {} : { seed: recorded.seed }),
      faults,
      serviceUrl,
      transcript: (record) => records.push(record),
      ...(signIn && password !== null ? { user: { userPrincipalName: signIn.userPrincipalName, password } } : {}),
      ...(options.deviceDir === undefined ? {} : { storage: { dir: options.deviceDir } }),
    };
    const device = await createDevice(deviceOptions);
    try {
      const report = await device.enroll(until === null ? {} : { until });
      const expected = stepsOf(transcript.records);
      const got = stepsOf(records);
      return { ...compareSteps(expected, got, until !== null), finalStatePath: report.finalStatePath, records, until, recordedStop };
    } finally {
      device.dispose();
    }
  } finally {
    await service?.close();
  }
}

/** Who signed in on the recorded device (the SIGN_IN step), and the password if it was kept. */
function recordedSignIn(records: readonly TranscriptRecord[]): { userPrincipalName: string; password: string | null } | null {
  const step = records.find((r): r is StateRecord => r.type === "state" && r.eventType === "SIGN_IN");
  const upn = step?.eventData?.["userPrincipalName"];
  if (typeof upn !== "string") return null;
  // The sign-in request holds the password typed when secrets were kept, else a placeholder
  // ("REDACTED-PASSWORD"; "(redacted)" in transcripts written before keep kept it).
  for (const r of records) {
    if (r.type !== "http" || !r.url.endsWith("/signIn")) continue;
    const body = r.request.body as { password?: unknown } | undefined;
    const password = body?.password;
    if (typeof password === "string" && !password.startsWith(REDACTED) && password !== "(redacted)") return { userPrincipalName: upn, password };
  }
  return { userPrincipalName: upn, password: null };
}

/** The profile the recorded device enrolled with: its name and mode (from the enroll step), its Wi-Fi (from the payload). */
function profileRequest(transcript: Transcript, payloadText: string): ProfileRequest {
  const enrolled = transcript.records.find((r): r is StateRecord => r.type === "state" && r.eventType === "xstate.done.actor.enroll");
  const output = (enrolled?.output ?? {}) as { enrollmentProfileName?: unknown; enrollmentMode?: unknown };
  const wifi = checkPayloadText(payloadText, { rules: "android" }).params?.wifi ?? null;
  return {
    displayName: typeof output.enrollmentProfileName === "string" ? output.enrollmentProfileName : "Replayed profile",
    ...(typeof output.enrollmentMode === "string" ? { enrollmentMode: output.enrollmentMode as ProfileRequest["enrollmentMode"] } : {}),
    ...(wifi === null
      ? {}
      : {
          configureWifi: true,
          wifiSsid: wifi.ssid,
          wifiHidden: wifi.hidden,
          wifiSecurityType: wifi.securityType === "WPA" ? "wpa" : wifi.securityType === "WEP" ? "wep" : "none",
          ...(wifi.password === null || wifi.securityType === "NONE" ? {} : { wifiPassword: wifi.password }),
        }),
  } as ProfileRequest;
}

/**
 * The records of the enrollment: up to the step that first enters `enrolled`, with the exchanges
 * that step made; all of them when the recording ends there (or never gets there).
 */
function enrollmentRecords(records: readonly TranscriptRecord[]): readonly TranscriptRecord[] {
  const enrolled = records.findIndex((r) => r.type === "state" && isWithin(r.state, "enrolled"));
  if (enrolled < 0) return records;
  const next = records.findIndex((r, i) => i > enrolled && (r.type === "state" || r.type === "power" || r.type === "note"));
  return next < 0 ? records : records.slice(0, next);
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
function recordedRefusals(records: readonly TranscriptRecord[]): { signIn: SignInRefusal | null; token: TokenRefusal | null } {
  let signIn: SignInRefusal | null = null;
  let token: TokenRefusal | null = null;
  for (const r of records) {
    if (r.type !== "http" || r.method !== "POST") continue;
    const code = (r.response?.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (r.url.endsWith("/signIn")) signIn ??= (SIGN_IN_REFUSALS as readonly unknown[]).includes(code) ? (code as SignInRefusal) : null;
    if (r.url.endsWith("/device/v1/enroll")) token ??= (TOKEN_REFUSALS as readonly unknown[]).includes(code) ? (code as TokenRefusal) : null;
  }
  return { signIn, token };
}

/** Password the recreated user has when the recorded one was refused (invalidCredentials). */
const OTHER_PASSWORD = "Other-Passw0rd!";

/**
 * What the recorded tenant had assigned to the device's user, as its answers show: the terms and
 * conditions its sign-in offered, and the device configurations its check-ins carried. Each is
 * made on the fresh service with what the device was given (titles, texts, settings) and assigned
 * to all licensed users, so the device is offered the same (versions may differ: the comparison
 * reads shapes, not values). Before, a replay of a tenant with an assigned configuration diverged
 * at its first check-in.
 */
async function recreateAssignments(service: MockService, records: readonly TranscriptRecord[]): Promise<void> {
  const allUsers = { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } as const;
  const terms = new Map<string, Record<string, unknown>>();
  const configurations = new Map<string, Record<string, unknown>>();
  for (const r of records) {
    if (r.type !== "http" || typeof r.response?.body !== "object" || r.response.body === null) continue;
    const body = r.response.body as Record<string, unknown>;
    const path = (() => {
      try {
        return new URL(r.url).pathname;
      } catch {
        return r.url;
      }
    })();
    if (path.endsWith("/signIn") && Array.isArray(body["termsAndConditions"])) {
      for (const t of body["termsAndConditions"] as Record<string, unknown>[]) if (typeof t["id"] === "string" && !terms.has(t["id"])) terms.set(t["id"], t);
    }
    if (path.endsWith("/checkIn") && Array.isArray(body["configurations"])) {
      for (const c of body["configurations"] as Record<string, unknown>[]) if (typeof c["id"] === "string" && !configurations.has(c["id"])) configurations.set(c["id"], c);
    }
  }
  for (const t of terms.values()) {
    const title = String(t["title"] ?? "Terms");
    const created = await service.admin.createTerms({ displayName: title, title, bodyText: String(t["bodyText"] ?? ""), acceptanceStatement: String(t["acceptanceStatement"] ?? "") });
    await service.admin.assignTerms(created.id, allUsers);
  }
  for (const c of configurations.values()) {
    const settings = typeof c["settings"] === "object" && c["settings"] !== null ? (c["settings"] as Record<string, unknown>) : {};
    const created = await service.admin.createConfiguration(String(c["displayName"] ?? "Configuration"), settings);
    await service.admin.assignConfiguration(created.id, [allUsers]);
  }
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
 */
async function withFreshSecrets(service: MockService, payloadText: string, request: ProfileRequest, refusal: TokenRefusal | null): Promise<{ text: string; profile: GraphProfile }> {
  let profile;
  try {
    profile = await service.admin.createProfile(request);
  } catch {
    const { configureWifi: _c, wifiSsid: _s, wifiHidden: _h, wifiSecurityType: _t, wifiPassword: _p, ...rest } = request as ProfileRequest & Record<string, unknown>;
    profile = await service.admin.createProfile(rest as ProfileRequest);
  }
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

function secretsOf(payloadText: string): { token: string | null; cookie: string | null } {
  const params = checkPayloadText(payloadText, { rules: "android" }).params;
  if (!params) return { token: null, cookie: null };
  const token = planFromParams(params).adminExtras[EXTRA_ENROLLMENT_TOKEN];
  return { token: typeof token === "string" && token !== "" ? token : null, cookie: params.download?.cookieHeader || null };
}
