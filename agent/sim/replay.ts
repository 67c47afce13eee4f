/**
 * Replaying a transcript: the recorded device (its whole identity, seed, faults, clock kind and
 * the payload it scanned) enrolls again, and its steps are compared with the recorded ones.
 *
 * Where: against a fresh embedded service by default. The replay recreates on it what the
 * device needs: the user who signed in (with an Intune licence), a profile with the recorded
 * Wi-Fi settings, enrollment mode and name, and that profile's token and download cookie, which
 * take the place of the recorded ones (or of their placeholders in a redacted transcript) in the
 * payload. With `service` the replay runs against a live service, with the payload as recorded
 * (a transcript kept with --transcript-secrets keep).
 *
 * What is compared, step by step (agent/sim/replay-compare.ts): the state path (each state
 * record's from -> to and event), power changes, and each HTTP exchange's method, route (ids
 * replaced), status (or that it got no answer) and body shape (the keys and value types, not
 * the values: a fresh service issues other ids and credentials).
 */
import { RealClock, SimulatedClock } from "../device/clock.js";
import { createDevice, type CreateDeviceOptions } from "../device/create-device.js";
import { planFromParams } from "../machine/plan.js";
import { checkPayloadText } from "../payload/index.js";
import { InputError } from "../protocol/errors.js";
import { EXTRA_ENROLLMENT_TOKEN } from "../protocol/intune-conventions.js";
import { REDACTED } from "../report/redact.js";
import type { Transcript } from "../report/read-transcript.js";
import type { StateRecord, TranscriptRecord } from "../report/transcript.js";
import { startMockService, type MockService, type ProfileRequest } from "../../mock-service/index.js";
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
  until: string | null;
}

/** Password given to the recreated user when the transcript's is redacted. */
const REPLAY_PASSWORD = "Replay-Passw0rd!";

export async function replayTranscript(transcript: Transcript, options: ReplayOptions = {}): Promise<ReplayResult> {
  const until = options.until === undefined ? null : untilState(options.until);
  const payloadText = transcript.payloadText;
  if (payloadText === null) {
    throw new InputError("holds no scanned payload: the recorded device never read a QR code, so there is nothing to replay", {
      where: "transcript",
      hint: "record a run whose device scans the QR code",
    });
  }
  if (until !== null && !transcript.records.some((r) => r.type === "state" && (r.state === until || r.state.startsWith(`${until}.`)))) {
    // The replay would run to the recording's end and call that stopping at --until, or (a state
    // of the enrolled device's life) run past the recording, a check-in at a time, to compare with nothing.
    const last = [...transcript.records].reverse().find((r) => r.type === "state");
    throw new InputError(`the recording never enters ${until}${last?.type === "state" ? ` (its last state is ${last.state})` : ""}`, {
      where: "--until",
      hint: "give a state the recorded device passed through (`aosp-sim show TRANSCRIPT` lists them), or leave out --until",
    });
  }
  const recorded = transcript.start;
  const clock = recorded.clock === "simulated" ? new SimulatedClock(Date.parse(recorded.at)) : new RealClock();
  const signIn = recordedSignIn(transcript.records);

  let service: MockService | null = null;
  try {
    let text = payloadText;
    let serviceUrl = options.service;
    let password = signIn?.password ?? null;
    if (serviceUrl === undefined) {
      service = await startMockService({ now: () => new Date(clock.now()) });
      serviceUrl = service.url;
      password ??= REPLAY_PASSWORD;
      if (signIn) await service.admin.createLicensedUser({ displayName: signIn.userPrincipalName, userPrincipalName: signIn.userPrincipalName, password });
      text = await withFreshSecrets(service, payloadText, profileRequest(transcript, payloadText));
    } else if (payloadText.includes(REDACTED) || (signIn && password === null)) {
      throw new InputError("has its secrets redacted: it cannot replay against a live service", {
        where: "transcript",
        hint: "replay it against the embedded service (leave out --service), or record it with --transcript-secrets keep",
      });
    }

    const records: TranscriptRecord[] = [];
    const deviceOptions: CreateDeviceOptions = {
      qr: { payload: text, label: "recorded payload" },
      clock,
      identity: recorded.identity,
      ...(recorded.seed === null ? {} : { seed: recorded.seed }),
      faults: recorded.faults,
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
      return { ...compareSteps(expected, got, until !== null), finalStatePath: report.finalStatePath, records, until };
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
 * Creates the profile on the fresh service and puts its token and download cookie where the
 * recorded payload has its own (or their placeholders). A profile the service refuses with the
 * recorded Wi-Fi settings (an EAP network, say) is created without Wi-Fi: the device takes its
 * network from the payload either way.
 */
async function withFreshSecrets(service: MockService, payloadText: string, request: ProfileRequest): Promise<string> {
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
  if (recorded.token && fresh.token) text = text.replaceAll(recorded.token, fresh.token);
  if (recorded.cookie && fresh.cookie) text = text.replaceAll(recorded.cookie, fresh.cookie);
  return text;
}

function secretsOf(payloadText: string): { token: string | null; cookie: string | null } {
  const params = checkPayloadText(payloadText, { rules: "android" }).params;
  if (!params) return { token: null, cookie: null };
  const token = planFromParams(params).adminExtras[EXTRA_ENROLLMENT_TOKEN];
  return { token: typeof token === "string" && token !== "" ? token : null, cookie: params.download?.cookieHeader || null };
}
