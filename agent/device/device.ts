/**
 * A device as its drivers see it: the Device interface, its report, and the facade that
 * implements it over a runtime and a port set. Built by createDevice (agent/device/create-device.ts).
 * The facade hands out the runtime's step records as they are, and its timeline as agent/report
 * renders them (a DeviceLog, rendered when read).
 */
import { deviceMachine } from "../machine/device-machine.js";
import { givenValue } from "../protocol/given-value.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import { isPastEnrollment, isWithin, requireStatePath } from "../machine/state-paths.js";
import type { DeviceContext, DeviceIdentity, Failure, InstalledApp, SystemSettings } from "../machine/types.js";
import type { DeviceLog } from "../report/device-log.js";
import type { TimelineEntry } from "../report/timeline.js";
import { baseClock, NO_LIMIT, setLongTimeout, SimulatedClock, timeSpan, type LongTimeout, type RunOutcome } from "./clock.js";
import type { Fault } from "./faults.js";
import type { CameraPort, ClockPort, DevicePolicyPort, PackagePort, StoragePort, UnlockAttempt } from "./ports.js";
import type { DeviceCommand, DeviceRuntime, DeviceSnapshot } from "./runtime.js";
import type { DeviceRecord } from "./step-record.js";

export interface DeviceReport {
  deviceId: string | null;
  identity: DeviceIdentity;
  serialNumber: string;
  /** The top-level state the device stopped in: "enrolled", "welcome", "wifiFailed", ... */
  finalState: string;
  /** The full state path, e.g. "enrolled.idle" or "signingIn.waitingForUser". */
  finalStatePath: string;
  failure: Failure | null;
  /** The timeline when the report was taken, rendered when first read (a fleet's report is rarely printed). */
  readonly timeline: TimelineEntry[];
  apps: { package: string; versionName: string; versionCode: number }[];
  /** The device owner as `package/class`, or null. */
  deviceOwner: string | null;
  /** enroll()'s `signal` stopped the run in finalStatePath before it ended (Ctrl-C); the stored snapshot resumes it there. */
  interrupted?: true;
  /** The locale, time zone and clock the payload set on the device (each null when not set); absent when the payload gave none of them. */
  systemSettings?: SystemSettings;
}

/** What enroll() is asked: see Device.enroll. */
export interface DeviceEnrollOptions {
  limitMs?: number;
  until?: string;
  signal?: AbortSignal;
}

/** Every option enroll() takes (a misspelled one is refused, not ignored). */
const ENROLL_OPTIONS = optionNames<DeviceEnrollOptions>({ limitMs: true, until: true, signal: true });

/** What runUntil() is asked: see Device.runUntil. */
export interface RunUntilOptions {
  limitMs?: number;
}

/** Every option runUntil() takes: a misspelled `limit` would wait with no limit at all. */
const RUN_UNTIL_OPTIONS = optionNames<RunUntilOptions>({ limitMs: true });

export interface Device {
  readonly identity: DeviceIdentity;
  /** The seed the identity was generated from (picked at random when none was given); null for a device resumed from storage without one. */
  readonly seed: number | null;
  readonly clock: ClockPort;
  readonly faults: readonly Fault[];
  /** The timeline in words (agent/report), rendered from `records` when read. */
  readonly timeline: TimelineEntry[];
  /** Every step, power change and note so far, as data (agent/device/step-record.ts). */
  readonly records: readonly DeviceRecord[];
  /** The deepest active state ("enrolled.idle"), or "off". */
  readonly state: string;
  readonly snapshot: DeviceSnapshot;
  readonly context: DeviceContext;
  readonly failure: Failure | null;
  /** The device's flash (the persisted snapshot lives under system/). */
  readonly storage: StoragePort;
  powerOn(): void;
  /** Pulls the battery; with `offForMs`, the device boots again after that long. */
  powerOff(offForMs?: number): void;
  send(command: DeviceCommand): void;
  /** Adds a line to the timeline (and transcript) for something done to the device from outside. */
  note(text: string): void;
  /** Calls `listener` after every step. */
  onChange(listener: () => void): () => void;
  /** Calls `listener` with each record as it is made. */
  onRecord(listener: (record: DeviceRecord) => void): () => void;
  /**
   * Powers on, taps six times and lets the flow run until the device is enrolled, fails, or
   * waits for a person (the sign-in screen without `user`). Resolves to the report. A device
   * already on an error screen first gets that screen's button pressed ("Try again", or "Reset"
   * where only a factory reset helps). With `until` (a state's full path or its own name when unique, as resolveStatePath reads it; any other name throws an InputError), it
   * stops as soon as the device is in that state (or inside it), to be continued later; a state of
   * the enrolled device's life (isPastEnrollment) runs it on past enrollment, on its check-ins, for
   * at most `limitMs` (a day of its clock by default). A device resumed enrolled with a check-in
   * due takes that check-in before enroll resolves. When `signal` aborts (Ctrl-C), the device
   * stops where it is, as at an `until`, and the report says `interrupted`.
   */
  enroll(options?: DeviceEnrollOptions): Promise<DeviceReport>;
  /** Runs until `done` holds, nothing is pending, or the limit passes. */
  runUntil(done: (device: Device) => boolean, options?: RunUntilOptions): Promise<RunOutcome>;
  /** Lets time pass (simulated clock: instantly; real clock: really). */
  runFor(ms: number): Promise<void>;
  /** "Share logs": resolves to the incident ID, or rejects with the reason. */
  shareLogs(description?: string): Promise<string>;
  installedApps(): Promise<InstalledApp[]>;
  report(): Promise<DeviceReport>;
  /** The camera, as the device's software uses it (a configuration may block it). */
  readonly camera: CameraPort;
  /** The device password the user set for a password policy (null: none). */
  readonly devicePassword: string | null;
  /**
   * Someone types a password at the lock screen. A wrong one counts; reaching the policy's
   * passwordSignInFailureCountBeforeFactoryReset wipes the device.
   */
  unlock(password: string): UnlockAttempt | "unlocked";
  /** Stops the device for good (timers, in-flight requests): its calls that act throw after it; reading it does not. */
  dispose(): void;
}

/** True in states where the device waits for nothing but a person or stays put. */
export function isSettled(device: Device): boolean {
  if (device === null || typeof device !== "object") throw new TypeError(`isSettled: device must be a device, as createDevice returns it (got ${givenValue(device)})`);
  if (!device.snapshot) return false;
  const s = device.snapshot;
  return s.hasTag("enrolled") || s.hasTag("failure") || (s.hasTag("needsUser") && device.state !== "welcome");
}

/**
 * The Device facade: what a driver (a CLI command, a scenario, a test) does with a device, over
 * its runtime and its ports, whatever implements them (virtual, adb, test doubles). It assembles
 * nothing: agent/device/create-device.ts builds the parts and hands them over.
 */
export class DeviceFacade implements Device {
  constructor(
    readonly identity: DeviceIdentity,
    readonly clock: ClockPort,
    readonly faults: readonly Fault[],
    readonly storage: StoragePort,
    private readonly runtime: DeviceRuntime,
    private readonly log: DeviceLog,
    private readonly packages: PackagePort,
    readonly camera: CameraPort,
    private readonly policy: DevicePolicyPort,
    readonly seed: number | null = null,
  ) {}

  get devicePassword(): string | null {
    return this.policy.devicePassword();
  }

  unlock(password: string): UnlockAttempt | "unlocked" {
    const attempt = this.policy.unlock(password);
    if (attempt !== "unlocked") {
      const limit = attempt.limit === null ? "" : ` of ${attempt.limit}`;
      this.note(`Wrong password at the lock screen (${attempt.failures}${limit})`);
      if (attempt.wipe && this.snapshot.can({ type: "UNLOCK_LIMIT_REACHED", failures: attempt.failures, at: this.clock.now() })) {
        this.send({ type: "UNLOCK_LIMIT_REACHED", failures: attempt.failures });
      }
    }
    return attempt;
  }

  get timeline(): TimelineEntry[] {
    return this.log.timeline;
  }

  get records(): readonly DeviceRecord[] {
    return this.runtime.records;
  }

  get state(): string {
    return this.runtime.state;
  }

  get snapshot(): DeviceSnapshot {
    return this.runtime.snapshot;
  }

  get context(): DeviceContext {
    return this.runtime.context;
  }

  get failure(): Failure | null {
    return this.runtime.isOn || this.runtime.records.length > 0 ? this.runtime.context.failure : null;
  }

  powerOn(): void {
    this.refuseIfDisposed("powerOn()");
    this.runtime.powerOn();
  }

  powerOff(offForMs?: number): void {
    this.refuseIfDisposed("powerOff()");
    this.runtime.powerOff(offForMs === undefined ? undefined : timeSpan(offForMs, "device.powerOff: offForMs"));
  }

  send(command: DeviceCommand): void {
    this.refuseIfDisposed("send()");
    this.runtime.send(command);
  }

  onChange(listener: () => void): () => void {
    return this.runtime.onChange(listener);
  }

  onRecord(listener: (record: DeviceRecord) => void): () => void {
    return this.runtime.onRecord(listener);
  }

  note(text: string): void {
    this.runtime.note(this.state, "note", text);
  }

  async enroll(options: DeviceEnrollOptions = {}): Promise<DeviceReport> {
    // A misspelled `untill` ran the device to the end of enrollment, read as stopping where asked.
    checkOptions("device.enroll", options, ENROLL_OPTIONS, 'e.g. { until: "enrolled" }');
    this.refuseIfDisposed("enroll()", options.limitMs, "device.enroll: limitMs");
    const { until: written, signal, ...given } = options;
    // A name that is no state would never be reached: the device would run on to the end and
    // the caller read that as stopping where asked.
    const until = written === undefined ? undefined : requireStatePath(deviceMachine, written, "enroll({ until })", "state names: statePaths(deviceMachine)");
    const isUntil = (state: string) => until !== undefined && isWithin(state, until);
    this.powerOn();
    // A device out of the box enters its first state (welcome) as it boots; one resumed was there already.
    if (isUntil(this.state) && this.runtime.lastBoot === "fresh") {
      const bootedInto = this.state;
      this.runtime.dispose();
      return { ...(await this.report()), finalState: bootedInto.split(".")[0]!, finalStatePath: bootedInto };
    }
    const pastEnrollment = until !== undefined && isPastEnrollment(until);
    // A state of the enrolled device's life is reached on its check-in cadence, or never (a wipe no
    // admin sends): without a limit given, a day of the device's clock is waited for it at most.
    const limit = pastEnrollment && given.limitMs === undefined ? { limitMs: PAST_ENROLLMENT_LIMIT_MS } : given;
    // A device resumed mid-check-in (stopped there by `until`, or by a power cut) has left idle
    // already: that check-in is the one due, and the run ends once it is back idle, not after the
    // next one (a whole check-in interval later: 3 minutes, 15, or 8 hours on a real clock).
    let leftIdle = this.snapshot.hasTag("enrolled") && this.state !== IDLE;
    // The device passes through most states while a request is in flight, between two timers:
    // it is stopped on the very step that enters `until` (its snapshot, saved after every step,
    // stays in its storage, and a later run resumes it there).
    let reached: string | null = null;
    // Resumed enrolled (from its storage) with a check-in due: it checks in before it is done, as
    // a device switched on late does; that check-in is where it hears of a wipe or a delete.
    const checkInDue = this.isCheckInDue();
    // Only a run that has something to watch for follows the steps (a fleet's devices have not).
    const stop = until === undefined && !checkInDue ? () => {} : this.onChange(() => {
      const state = this.state;
      if (state !== IDLE) leftIdle = true;
      if (reached === null && isUntil(state)) {
        reached = state;
        this.runtime.dispose();
        // Disposing drops every listener, a real clock's waiter among them: it is told directly.
        this.wakeWaiters();
      }
    });
    // Ctrl-C (the signal): the device stops in the state it is in, as at an `until`; the snapshot
    // saved after its last step stays in its storage, so a later run resumes it there.
    let interruptedAt: string | null = null;
    const interrupt = () => {
      if (reached !== null || interruptedAt !== null) return;
      interruptedAt = this.state;
      this.runtime.dispose();
      this.wakeWaiters();
    };
    signal?.addEventListener("abort", interrupt, { once: true });
    if (signal?.aborted) {
      interrupt();
    } else {
      // The buttons and the six taps come after the listeners: the state they lead to may be the one asked for.
      this.pressErrorScreenButton();
      this.runtime.requestSetup();
    }
    const done = (d: Device): boolean => {
      if (reached !== null || interruptedAt !== null) return true;
      if (!isSettled(d)) return false;
      // Enrolled is where enrolling ends, unless the check-in due has not been taken to its end
      // (back home, whatever it brought: an update, a wipe acknowledged) or `until` lies beyond.
      // Every state of the check-in is tagged enrolled: on a real clock, where this is asked at
      // each step, "left idle" alone ended the run as the check-in's request went out.
      const checkInTaken = !checkInDue || (leftIdle && d.state === IDLE);
      return !d.snapshot.hasTag("enrolled") || (!pastEnrollment && checkInTaken);
    };
    try {
      await this.runUntil(done, limit);
    } finally {
      stop();
      // A signal after the run ended interrupts nothing: the report says where it ended.
      signal?.removeEventListener("abort", interrupt);
    }
    const stoppedAt = reached as string | null; // set in the listener: TypeScript cannot see it
    const interruptedIn = interruptedAt as string | null; // set in the abort listener, likewise
    if (interruptedIn !== null) return { ...(await this.report()), finalState: interruptedIn.split(".")[0]!, finalStatePath: interruptedIn, interrupted: true };
    if (stoppedAt !== null) return { ...(await this.report()), finalState: stoppedAt.split(".")[0]!, finalStatePath: stoppedAt };
    return this.report();
  }

  /** Whether the device is enrolled with its next check-in due now (or overdue). */
  private isCheckInDue(): boolean {
    if (!this.runtime.isOn || !this.snapshot.hasTag("enrolled")) return false;
    const due = this.context.nextCheckInAt;
    return due !== null && due <= this.clock.now();
  }

  /**
   * A device that stopped on an error screen (one resumed from --device-dir, say) is set up again
   * the way a person would: "Try again" where the screen offers it (Wi-Fi, sign-in, a service that
   * could not be reached, a QR code not found), else "Reset", which erases it and starts over.
   */
  private pressErrorScreenButton(): void {
    const snapshot = this.runtime.snapshot;
    if (!snapshot.hasTag("failure")) return;
    const at = this.clock.now();
    for (const type of ["RETRY", "RESCAN", "FACTORY_RESET"] as const) {
      if (snapshot.can({ type, at })) {
        this.send({ type });
        return;
      }
    }
  }

  async runUntil(done: (device: Device) => boolean, options: RunUntilOptions = {}): Promise<RunOutcome> {
    checkOptions("device.runUntil", options, RUN_UNTIL_OPTIONS, "e.g. { limitMs: 3600000 }");
    this.refuseIfDisposed("runUntil()", options.limitMs, "device.runUntil: limitMs");
    const clock = baseClock(this.clock);
    if (clock instanceof SimulatedClock) {
      // Powered off with a restore pending is not "done": the timer will boot the device.
      return clock.runUntil(() => (this.runtime.isOn || this.runtime.disposed) && done(this), options);
    }
    // Powered off with a restore pending is not "done"; disposed (stopped at an --until) is.
    return waitOnRealClock(this, (d) => (this.runtime.isOn || this.runtime.disposed) && done(d), this.waiters, options.limitMs);
  }

  /** The checks of runUntil calls waiting on a real clock: see wakeWaiters. */
  private readonly waiters = new Set<() => void>();

  /** Has each real-clock runUntil check its condition again (after something no step announced). */
  private wakeWaiters(): void {
    for (const check of this.waiters) queueMicrotask(check);
  }

  async runFor(ms: number): Promise<void> {
    this.refuseIfDisposed("runFor()");
    timeSpan(ms, "device.runFor: ms");
    const clock = baseClock(this.clock);
    if (clock instanceof SimulatedClock) {
      await clock.advance(ms);
      return;
    }
    await clock.sleep(ms);
  }

  async shareLogs(description = ""): Promise<string> {
    this.refuseIfDisposed("shareLogs()");
    if (this.state !== "enrolled.idle") throw new Error(`logs can be shared from the enrolled device's home screen, not from ${this.state}`);
    const before = this.context.incidentIds.length;
    this.send({ type: "SHARE_LOGS", description });
    await this.runUntil((d) => d.state === "enrolled.idle");
    const id = this.context.incidentIds[before];
    if (id === undefined) throw new Error(`the logs were not sent: ${this.context.failure?.message ?? "no answer"}`);
    return id;
  }

  installedApps(): Promise<InstalledApp[]> {
    return this.packages.installedApps();
  }

  async report(): Promise<DeviceReport> {
    const apps = await this.installedApps();
    const owner = await this.packages.deviceOwner();
    const records = this.runtime.recordsMade;
    const context = records > 0 ? this.context : null;
    const log = this.log;
    let timeline: TimelineEntry[] | null = null;
    return {
      deviceId: context?.enrollment?.deviceId ?? null,
      identity: this.identity,
      serialNumber: this.identity.serialNumber,
      finalState: this.state.split(".")[0]!,
      finalStatePath: this.state,
      failure: context?.failure ?? null,
      get timeline() {
        return (timeline ??= log.timelineUpTo(records));
      },
      apps: reportedApps(apps),
      deviceOwner: owner ? `${owner.packageName}/${owner.className}` : null,
      ...(context?.systemSettings ? { systemSettings: context.systemSettings } : {}),
    };
  }

  dispose(): void {
    this.disposedByCaller = true;
    this.runtime.dispose();
  }

  /** Set by dispose(): the device is stopped for good (an --until stop disposes only the runtime). */
  private disposedByCaller = false;

  /**
   * Refuses to act once the device is disposed (it came back to life and kept its clock's timers
   * going, holding the process open), and a limit that is no span of time (`where` names it).
   * Reading the device (its state, records, report) stays possible, as a transcript's end needs.
   */
  private refuseIfDisposed(call: string, limitMs?: number, where = "limitMs"): void {
    if (this.disposedByCaller) {
      throw new Error(`device.${call}: the device was disposed, and dispose() stops it for good; create another with createDevice (given the same storage, it resumes where this one stopped)`);
    }
    if (limitMs !== undefined) timeSpan(limitMs, where, NO_LIMIT);
  }
}

const IDLE = "enrolled.idle";
/** How long (simulated) enroll waits for a state of the enrolled device's life: a day is 15 check-ins. */
export const PAST_ENROLLMENT_LIMIT_MS = 86_400_000;

/** Installed apps as a report lists them. */
export function reportedApps(apps: readonly InstalledApp[]): DeviceReport["apps"] {
  return apps.map((a) => ({ package: a.packageName, versionName: a.versionName, versionCode: a.versionCode }));
}

/**
 * On a real clock: wait for steps until `done` holds (or the limit passes). `waiters` holds the
 * check while it waits, so whoever stops the device without a step (disposing it drops its
 * listeners) can have it checked again.
 */
function waitOnRealClock(device: Device, done: (device: Device) => boolean, waiters: Set<() => void>, limitMs?: number): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve) => {
    let timer: LongTimeout | undefined;
    let finished = false;
    const check = () => {
      if (!finished && done(device)) finish("done");
    };
    const stop = device.onChange(() => queueMicrotask(check));
    waiters.add(check);
    const finish = (outcome: RunOutcome) => {
      finished = true;
      stop();
      waiters.delete(check);
      timer?.clear();
      resolve(outcome);
    };
    if (limitMs !== undefined) timer = setLongTimeout(() => finish("limit"), limitMs);
    // Checked first after the microtasks already queued: the person holding the device acts in one
    // (a device resumed at the sign-in screen is signed in). Checked at once, such a device looked
    // settled at the screen, and the run ended as the sign-in went out.
    queueMicrotask(check);
  });
}
