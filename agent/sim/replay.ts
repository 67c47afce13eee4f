/**
 * Replaying a transcript: the recorded device (its whole identity, seed, faults, clock kind,
 * system image, reset protection and the payload it scanned) enrolls again, and its steps are
 * compared with the recorded ones.
 *
 * Where: against a fresh embedded service by default, set up as the recording shows the recorded
 * one (agent/sim/replay-tenant.ts: the user, a profile with the recorded Wi-Fi settings and its
 * fresh secrets in the payload, the refusals, versions and assignments the answers show, and the
 * failures no state explains, answered again in its place), so a recorded failure fails again. With `service` the replay runs against a live service, with the
 * payload as recorded (a transcript kept with --transcript-secrets keep).
 *
 * What is compared, step by step (agent/sim/replay-compare.ts): the state path (each state
 * record's from -> to and event), power changes, and each HTTP exchange's method, route (ids
 * replaced), status (or that it got no answer) and body shape (the keys and value types, not
 * the values: a fresh service issues other ids and credentials); then how it ended (the end
 * record's final state path and failure code).
 */
import { RealClock, SimulatedClock } from "../device/clock.js";
import { shellQuote } from "../device/adb/shell-quote.js";
import { createDevice, type CreateDeviceOptions, type Device } from "../device/create-device.js";
import { readStoredSnapshot } from "../device/stored-snapshot.js";
import { DirectoryStorage } from "../device/virtual/storage.js";
import { checkPayloadText } from "../payload/index.js";
import { deviceMachine } from "../machine/device-machine.js";
import { isWithin, leafPath, requireStatePath } from "../machine/state-paths.js";
import { counted } from "../protocol/counted.js";
import { InputError } from "../protocol/errors.js";
import { REDACTED } from "../report/redact.js";
import { recordedFaults, startRecordAt, type Transcript } from "../report/read-transcript.js";
import type { NoteRecord, PowerRecord, StartRecord, StateRecord, TranscriptRecord } from "../report/transcript.js";
import { parsePackageArchive } from "../protocol/package-archive.js";
import { startMockService, type MockService, type ProfileRequest } from "../../mock-service/index.js";
import type { Failure } from "../machine/types.js";
import type { Fault } from "../device/faults.js";
import { printable } from "../protocol/printable.js";
import { compareEnds, compareSteps, endStep, stepsOf, withoutStopInterrupted, type Comparison } from "./replay-compare.js";
import { preinstalledAgent, recordedServiceAnswers, recreateRecordedTenant, REPLAY_PASSWORD } from "./replay-tenant.js";
import { checkRecordedPath } from "./replay-recorded-path.js";
import { faultsToReplay, startedOutOfTheBox } from "./replay-boot.js";

export interface ReplayOptions {
  /** A live service's base URL (default: a fresh embedded service). */
  service?: string;
  /** Stop when the device reaches this state (a name resolveStatePath accepts). */
  until?: string;
  /** Keep the device's storage here (to continue with `enroll --device-dir`). */
  deviceDir?: string;
  /** Stops the replay where it is (Ctrl-C): the steps so far are compared, and `interrupted` says so. */
  signal?: AbortSignal;
}

export interface ReplayResult extends Comparison {
  finalStatePath: string;
  /** Why the replayed run failed, as its device says (code, message, screen), or null. */
  failure: Failure | null;
  /** The replay's own records, as a transcript would hold them. */
  records: TranscriptRecord[];
  /** Where the replay stopped early: --until, or where the recording stopped (`recordedStop`). */
  until: string | null;
  /** Without --until: the recorded run stopped early, at its own --until, when its time ran out or when a signal interrupted it, and the replay stopped there too. */
  recordedStop: "until" | "timedOut" | "interrupted" | "enrolled" | null;
  /** `signal` stopped the replay before it ended: only the steps it made were compared (`identical` says "so far"). */
  interrupted: boolean;
}

export async function replayTranscript(given: Transcript, options: ReplayOptions = {}): Promise<ReplayResult> {
  const where = given.source ?? "transcript";
  checkRecordedPath(given, where);
  // Compared as a device out of the box records it: a device resumed at the welcome screen is one.
  const transcript = startedOutOfTheBox(given, where);
  const end = transcript.end;
  // A recording that stopped early is replayed up to where it stopped, as if --until were given.
  // The enrollment is what a replay re-runs: a recording that goes on past it (a scenario of `run`,
  // an `enroll --until` of the enrolled device's life) goes on with check-ins, a scenario's steps
  // and an admin's actions, which it does not. Such a recording is replayed to the enrollment's end.
  const enrollment = enrollmentRecords(transcript.records);
  const goesOn = enrollment.length < transcript.records.length;
  const untilState = (written: string) => requireStatePath(deviceMachine, written, "--until");
  const recorded = transcript.start;
  // A power-loss@welcome cut taken before a resumed recording began is not taken again.
  const faults = faultsToReplay(given, recordedFaults(recorded, transcript.startLine, where));
  // A recording stopped by its own --until at a state of the enrolled device's life is replayed
  // to that stop, as an explicit --until would be, where only the device's own steps lead there.
  const ownStopOffered = options.until === undefined && goesOn && end.until !== undefined ? offeredUpToOwnStop(transcript, enrollment, end.until, faults) : null;
  const recordedStop =
    options.until !== undefined
      ? null
      : ownStopOffered !== null
        ? "until"
        : goesOn
          ? "enrolled"
          : end.until !== undefined
            ? "until"
            : end.timedOut
              ? "timedOut"
              : end.interrupted !== undefined
                ? "interrupted"
                : null;
  // An interrupted recording stops after its recorded steps (stopAfterRecordedSteps), not at a state.
  const until =
    options.until !== undefined
      ? untilState(options.until)
      : recordedStop === null || recordedStop === "interrupted"
        ? null
        : recordedStop === "enrolled"
          ? "enrolled"
          : untilState(end.until ?? end.finalStatePath);
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
      hint: `give a state the recorded device passed through (${showCommand(given.source)} lists them), or leave out --until`,
    });
  }
  // The app versions the fresh service offers: those the compared part of the recording was offered.
  const offered =
    ownStopOffered ??
    (options.until === undefined || !goesOn
      ? recordedStop === "enrolled"
        ? enrollment
        : transcript.records
      : offeredUpTo(transcript.records, enrollment, until!, recorded.seed, faultSteps(transcript.records, faults), given.source));
  if (options.deviceDir !== undefined) refuseUsedDeviceDir(options.deviceDir);
  const clock = recorded.clock === "simulated" ? new SimulatedClock(Date.parse(recorded.at)) : new RealClock();
  const signIn = recordedSignIn(transcript.records);
  // Read (and a start record that cannot hold them refused) before a service is started.
  const recordedImage = recordedSystemImage(recorded, transcript.startLine, where);
  const resetProtection = recordedResetProtection(recorded, transcript.records, transcript.startLine, where);
  const mobileData = recordedMobileData(recorded, transcript.startLine, where);

  let service: MockService | null = null;
  // The replayed device's records, as a transcript would hold them.
  const records: TranscriptRecord[] = [];
  let deviceRuns = false;
  try {
    let text = payloadText;
    let serviceUrl = options.service;
    let password = signIn?.password ?? null;
    if (serviceUrl === undefined) {
      // Moved on past the token's expiry when the recorded service answered tokenExpired.
      let serviceAheadMs = 0;
      const replayStart = clock.now();
      // The recorded service's failures, given again once the device runs (not to the set-up's requests).
      const answers = recordedServiceAnswers(transcript.records, records);
      service = await startMockService({ now: () => new Date(clock.now() + serviceAheadMs), injectAnswers: (request) => (deviceRuns ? answers(request) : null) });
      serviceUrl = service.url;
      password ??= REPLAY_PASSWORD;
      const tenant = await recreateRecordedTenant(service, {
        records: transcript.records,
        offered,
        payloadText,
        profile: profileRequest(transcript, payloadText),
        signIn: signIn && { userPrincipalName: signIn.userPrincipalName, password },
        serviceClock: {
          now: () => clock.now() + serviceAheadMs,
          // The replay's clock starts at the recorded start on a simulated clock, now on a real one.
          replayTime: (recordedMs) => recordedMs - Date.parse(recorded.at) + replayStart,
          set: (ms) => {
            serviceAheadMs = ms === null ? 0 : ms - clock.now();
          },
          exact: clock instanceof SimulatedClock,
        },
      });
      text = tenant.payloadText;
      if (tenant.tokenExpiresAt !== null) serviceAheadMs = tenant.tokenExpiresAt - clock.now() + 1000;
    } else {
      refuseRedactedForLiveService(transcript);
    }

    // The system image: as the start record holds it, or (recorded before it did) the agent the
    // recording shows installed out of the box, as the fresh service builds it.
    const systemImage = recordedImage ?? (service === null ? [] : await preinstalledAgent(service, transcript.records));
    const deviceOptions: CreateDeviceOptions = {
      qr: { payload: text, label: "recorded payload" },
      clock,
      identity: recorded.identity,
      ...(recorded.seed === null ? {} : { seed: recorded.seed }),
      faults,
      serviceUrl,
      transcript: (record) => records.push(record),
      ...(signIn && password !== null ? { user: { userPrincipalName: signIn.userPrincipalName, password, acceptTerms: signIn.acceptTerms } } : {}),
      ...(options.deviceDir === undefined ? {} : { storage: { dir: options.deviceDir } }),
      ...(systemImage.length > 0 ? { preinstalled: systemImage } : {}),
      ...(resetProtection ? { resetProtection: true } : {}),
      ...(mobileData ? {} : { mobileData: false }),
    };
    const device = await createDevice(deviceOptions);
    const interrupted = recordedStop === "interrupted" ? stopAfterRecordedSteps(device, transcript.records, records) : null;
    try {
      deviceRuns = true;
      const signals = [interrupted?.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
      const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
      const report = await device.enroll({ ...(until !== null ? { until } : {}), ...(signal === undefined ? {} : { signal }) });
      // Stopped by the caller's signal (Ctrl-C) before the replay ended: compared as far as it got.
      const stopped = options.signal?.aborted === true && report.interrupted === true;
      const expected = stepsOf(transcript.records);
      // Stopped at --until (or by the caller), the exchange the stop cut short is not the service's doing.
      const got = stepsOf(options.until === undefined && !stopped ? records : withoutStopInterrupted(records));
      const stoppedEarly = until !== null || interrupted !== null || stopped;
      let comparison = compareSteps(expected, got, stoppedEarly);
      if (stopped) return { ...comparison, finalStatePath: report.finalStatePath, failure: report.failure, records, until: null, recordedStop, interrupted: true };
      // Where the replay ran as far as the recording, it ends as the end record says: run to its
      // end, to its own --until, or to the step a signal stopped it after. Not where it stops
      // short of the recording on purpose (--until, the enrollment's end), nor where the
      // recording timed out (the replay stops at the first entry of its last state).
      if (options.until === undefined && recordedStop !== "enrolled" && recordedStop !== "timedOut") {
        comparison = compareEnds(comparison, expected, got, endStep(end), endStep(report));
      }
      return { ...comparison, finalStatePath: report.finalStatePath, failure: report.failure, records, until: interrupted === null ? until : end.finalStatePath, recordedStop, interrupted: false };
    } finally {
      interrupted?.dispose();
      device.dispose();
    }
  } finally {
    await service?.close();
  }
}

/**
 * A recording whose secrets were redacted (the default) cannot replay against a live service: its
 * payload lacks the token and download cookie, its sign-in the password. Asked before the service
 * is reached (the CLI): no service can make up for it.
 */
export function refuseRedactedForLiveService(transcript: Transcript): void {
  const payloadText = transcript.payloadText ?? "";
  const signIn = recordedSignIn(transcript.records);
  if (!payloadText.includes(REDACTED) && (signIn === null || signIn.password !== null)) return;
  throw new InputError("has its secrets redacted: it cannot replay against a live service", {
    where: transcript.source ?? "transcript",
    hint: "replay it against the embedded service (leave out --service), or record it with --transcript-secrets keep",
  });
}

/**
 * A replay starts the recorded device out of the box. A --device-dir that holds a device already
 * (an earlier replay's, left at its --until, or one `enroll` keeps) would be resumed instead, and
 * the replay diverge at its first step: refused, saying what is there and how to go on.
 */
function refuseUsedDeviceDir(dir: string): void {
  const storage = new DirectoryStorage(dir);
  const files = storage.keys();
  if (files.length === 0) return;
  const stored = readStoredSnapshot(storage, dir);
  const what = stored === null
    ? `holds ${counted(files.length, "file")} already`
    : `holds a device already (${stored.identity.manufacturer} ${stored.identity.model} serial ${stored.identity.serialNumber}, in ${leafPath((stored.snapshot as { value?: unknown }).value)})`;
  throw new InputError(`${what}: a replay starts the recorded device out of the box, in a folder of its own`, {
    where: dir,
    hint:
      `remove the folder (rm -r ${shellQuote(dir)}) to replay into it again, or give another --device-dir` +
      (stored === null
        ? ""
        : `; \`aosp-sim enroll QR --device-dir ${shellQuote(dir)}\` (QR: the code it scanned) continues the device that is there if \`enroll\` or a replay against a live service (--service) left it, not one an offline replay left (it holds the token of that replay's own service, which ended with it)`),
  });
}

/**
 * The package archives of the recorded device's system image, from its start record; null for a
 * recording made before the start record held them. One that is not an archive is named there.
 */
function recordedSystemImage(start: StartRecord, line: number, where: string): Uint8Array[] | null {
  const listed: unknown = start.preinstalled;
  if (listed === undefined) return null;
  const problem = (what: string) =>
    new InputError(`${startRecordAt(line)}: ${what}`, { where, hint: "record the run again, or put back the start record as it was written" });
  if (!Array.isArray(listed)) throw problem(`"preinstalled" is not a list of package archives`);
  return listed.map((entry: unknown, i) => {
    const archive = typeof entry === "object" && entry !== null ? (entry as { archive?: unknown }).archive : undefined;
    const bytes = typeof archive === "string" && /^[A-Za-z0-9+/]+={0,2}$/.test(archive) ? Buffer.from(archive, "base64") : null;
    try {
      if (bytes !== null) parsePackageArchive(bytes);
    } catch (error) {
      throw problem(`"preinstalled[${i}].archive" is not a package archive: ${(error as Error).message}`);
    }
    if (bytes === null) throw problem(`"preinstalled[${i}].archive" is not a package archive in base64`);
    return new Uint8Array(bytes);
  });
}

/** Whether the recorded device had mobile data: as its start record says (absent: it had, the default). */
function recordedMobileData(start: StartRecord, line: number, where: string): boolean {
  const recorded: unknown = start.mobileData;
  if (recorded === undefined || recorded === true || recorded === false) return recorded !== false;
  throw new InputError(`${startRecordAt(line)}: "mobileData" is ${JSON.stringify(recorded)}, not true or false`, {
    where,
    hint: "record the run again, or put back the start record as it was written",
  });
}

/**
 * Whether the recorded device had factory reset protection on: as its start record says, or (in a
 * recording made before the start record said it) as its preconditions check found it.
 */
function recordedResetProtection(start: StartRecord, records: readonly TranscriptRecord[], line: number, where: string): boolean {
  const recorded: unknown = start.resetProtection;
  if (recorded === true || recorded === false) return recorded;
  if (recorded !== undefined) {
    throw new InputError(`${startRecordAt(line)}: "resetProtection" is ${JSON.stringify(recorded)}, not true or false`, {
      where,
      hint: "record the run again, or put back the start record as it was written",
    });
  }
  const checked = records.find((r): r is StateRecord => r.type === "state" && r.eventType === "xstate.done.actor.checkPreconditions");
  return (checked?.output as { resetProtection?: unknown } | undefined)?.resetProtection === true;
}

/**
 * A recording a signal interrupted is re-run up to the very step it stopped after: the signal
 * aborts once the replayed device has made as many state steps as the recording holds. Stopping
 * at the first entry of its last state instead would leave out the steps taken in that state (a
 * Wi-Fi join tried again and again, each try a step). Listening from before the device boots: a
 * recording stopped at its boot stops the replay there too.
 */
function stopAfterRecordedSteps(
  device: Pick<Device, "onChange">,
  recorded: readonly TranscriptRecord[],
  replayed: readonly TranscriptRecord[],
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Steps, and the power going and coming back: a recording stopped while the device was off
  // (its power cut as it entered a state) is replayed up to that cut, not stopped by the replay
  // at the state's entry, before the cut (its download then ended "no answer" in the replay's place).
  const counts = (records: readonly TranscriptRecord[], from = 0, into = { states: 0, powers: 0 }) => {
    for (let i = from; i < records.length; i++) {
      const type = records[i]!.type;
      if (type === "state") into.states++;
      else if (type === "power") into.powers++;
    }
    return into;
  };
  const wanted = counts(recorded);
  // The replayed device's records counted as they come (`replayed` only grows), not recounted at
  // every step. A step's transcript record is written before the step's listeners are called.
  const taken = { states: 0, powers: 0 };
  let counted = 0;
  const dispose = device.onChange(() => {
    counts(replayed, counted, taken);
    counted = replayed.length;
    if (!controller.signal.aborted && taken.states >= wanted.states && taken.powers >= wanted.powers) controller.abort();
  });
  return { signal: controller.signal, dispose };
}

/**
 * Who signed in on the recorded device (the SIGN_IN step), the password if it was kept, and
 * whether they accepted the terms they were offered: the user's choices, which the replayed
 * device must make again as it types the same account.
 */
function recordedSignIn(records: readonly TranscriptRecord[]): { userPrincipalName: string; password: string | null; acceptTerms: boolean } | null {
  const step = records.find((r): r is StateRecord => r.type === "state" && r.eventType === "SIGN_IN");
  const upn = step?.eventData?.["userPrincipalName"];
  if (typeof upn !== "string") return null;
  const acceptTerms = !records.some((r) => r.type === "state" && r.eventType === "DECLINE_TERMS");
  // The sign-in request holds the password typed when secrets were kept, else a placeholder
  // ("REDACTED-PASSWORD"; "(redacted)" in transcripts written before keep kept it).
  for (const r of records) {
    if (r.type !== "http" || !r.url.endsWith("/signIn")) continue;
    const body = r.request.body as { password?: unknown } | undefined;
    const password = body?.password;
    if (typeof password === "string" && !password.startsWith(REDACTED) && password !== "(redacted)") return { userPrincipalName: upn, password, acceptTerms };
  }
  return { userPrincipalName: upn, password: null, acceptTerms };
}

/** The profile the recorded device enrolled with: its name and mode (from the enroll step), its Wi-Fi (from the payload). */
function profileRequest(transcript: Transcript, payloadText: string): ProfileRequest {
  const enrolled = transcript.records.find((r): r is StateRecord => r.type === "state" && r.eventType === "xstate.done.actor.enroll");
  const output = (enrolled?.output ?? {}) as { enrollmentProfileName?: unknown; enrollmentMode?: unknown };
  const wifi = checkPayloadText(payloadText, { rules: "android" }).params?.wifi ?? null;
  return {
    displayName: typeof output.enrollmentProfileName === "string" ? output.enrollmentProfileName : "Replayed profile",
    // A recording without the mode (an enrollment that never finished) replays as user-associated, the commonest AOSP mode.
    enrollmentMode: typeof output.enrollmentMode === "string" ? (output.enrollmentMode as ProfileRequest["enrollmentMode"]) : "corporateOwnedAOSPUserAssociatedDevice",
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
 * The records whose app versions a replay stopped at `until` offers, in a recording that goes on
 * past its enrollment: the enrollment's, for a state within it; for a state first entered later,
 * the records before that entry, when only the device's own steps (its check-ins, and what its
 * recorded faults did: `faulted`) lead there. One reached past a scenario's or an admin's step (a
 * note: a publish, a wipe; a power cut) is refused: a replay does not re-run those, so it would
 * compare a run that never gets there.
 */
function offeredUpTo(
  records: readonly TranscriptRecord[],
  enrollment: readonly TranscriptRecord[],
  until: string,
  seed: number | null,
  faulted: ReadonlySet<TranscriptRecord>,
  source?: string,
): readonly TranscriptRecord[] {
  const entry = records.findIndex((r) => r.type === "state" && isWithin(r.state, until));
  if (entry < enrollment.length) return enrollment;
  const step = records.slice(enrollment.length, entry).find((r): r is NoteRecord | PowerRecord => (r.type === "note" || r.type === "power") && !faulted.has(r));
  if (step === undefined) return records.slice(0, entry);
  const what = step.type === "note" ? `"${printable(step.text)}"` : `a power ${step.event === "powerLost" ? "cut" : "change"} in ${printable(step.state)}`;
  throw new InputError(`the recording enters ${until} only after its enrollment, past a scenario's or an admin's step (${what}), which a replay does not re-run`, {
    where: "--until",
    hint: `give a state of the enrollment (up to enrolled.idle; ${showCommand(source)} lists them), or play the scenario again (\`aosp-sim run SCENARIO --seed ${seed ?? "N"}\`)`,
  });
}

/**
 * The records whose app versions a replay to the recording's own --until stop offers, when that
 * stop is a state of the enrolled device's life the device's own steps lead to (offeredUpTo);
 * null when a scenario's or an admin's step comes first, or the end record names a state the
 * recording never enters: that recording is replayed to the enrollment's end.
 */
function offeredUpToOwnStop(transcript: Transcript, enrollment: readonly TranscriptRecord[], written: string, faults: readonly Fault[]): readonly TranscriptRecord[] | null {
  const records = transcript.records;
  try {
    const until = requireStatePath(deviceMachine, written, "--until");
    if (!records.some((r) => r.type === "state" && isWithin(r.state, until))) return null;
    return offeredUpTo(records, enrollment, until, transcript.start.seed, faultSteps(records, faults));
  } catch (error) {
    if (error instanceof InputError) return null;
    throw error;
  }
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
 * The power and note records the recorded faults wrote, which a replay writes again as it injects
 * them (agent/device/inject-faults.ts): a power-loss@STATE cuts the power once, as the device first
 * enters STATE (its power lost and then restored), and a clock-skew@STATE notes its jump once
 * there. A scenario's power cut (`powerLoss`) or an admin's step writes the same kinds of record
 * at other places; those are not the device's own.
 */
function faultSteps(records: readonly TranscriptRecord[], faults: readonly Fault[]): Set<TranscriptRecord> {
  const steps = new Set<TranscriptRecord>();
  for (const fault of faults) {
    if ((fault.name !== "power-loss" && fault.name !== "clock-skew") || fault.state === undefined) continue;
    const at = fault.state;
    const entry = records.findIndex((r) => r.type === "state" && isWithin(r.state, at));
    if (entry < 0) continue;
    // Its records follow the entering step, before the next step (exchanges and the other fault's record may come between).
    const next = records.findIndex((r, i) => i > entry && r.type === "state");
    const after = records.slice(entry + 1, next < 0 ? records.length : next);
    if (fault.name === "clock-skew") {
      const jump = after.find((r) => r.type === "note" && r.event === "clock");
      if (jump !== undefined) steps.add(jump);
      continue;
    }
    const lost = after.find((r) => r.type === "power" && r.event === "powerLost");
    if (lost === undefined) continue;
    steps.add(lost);
    const back = records.slice(records.indexOf(lost) + 1).find((r) => r.type === "power");
    if (back?.type === "power" && back.event === "powerRestored") steps.add(back);
  }
  return steps;
}

/**
 * The command that lists a recording's states, naming its file so that it can be pasted (before,
 * `aosp-sim show TRANSCRIPT`); a transcript read from stdin keeps the placeholder.
 */
function showCommand(source: string | undefined): string {
  return source === undefined || source === "<stdin>" ? "`aosp-sim show TRANSCRIPT`" : `\`aosp-sim show ${/^[\w./@%+,:=-]+$/.test(source) ? source : shellQuote(source)}\``;
}
