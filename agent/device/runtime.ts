/**
 * Runs the wired machine as a device: starts the actor on the device's clock, persists the
 * machine's snapshot to storage after every step, records each step, power change and note as
 * data (agent/device/step-record.ts: agent/report words them), cuts and restores power (the
 * power-loss fault), moves the clock (the clock-skew fault at a state) and plays the person
 * holding the device where the flow needs one (typing the work account on the sign-in screen).
 *
 * Power loss is abrupt: the actor is stopped mid-step, whatever the step was doing is lost, and
 * on power-on a new actor is created from the last persisted snapshot. XState restarts the
 * step the device was in (a download is downloaded again) and POWER_ON re-arms any pending wait
 * from its stored deadline.
 */
import { createActor, type Actor, type AnyEventObject } from "xstate";
import { keptSnapshot } from "../machine/kept-snapshot.js";
import { activePaths, deepestPath, isWithin, leafPath } from "../machine/state-paths.js";
import type { HttpRecord } from "../client/http.js";
import type { DeviceContext, DeviceEvent, DeviceInput } from "../machine/types.js";
import { baseClock } from "./clock.js";
import { skipsSetupWizard } from "./identity.js";
import type { StateHook } from "./inject-faults.js";
import type { ClockPort, StoragePort } from "./ports.js";
import type { DeviceWiring, PowerGate, WiredDeviceMachine } from "./wiring.js";
import { addStepData, type DeviceRecord, type StepRecord } from "./step-record.js";
import { CLOCK_AT, readStoredSnapshot, SNAPSHOT_KEY } from "./stored-snapshot.js";
import { writeJson } from "./virtual/storage.js";

export { SNAPSHOT_KEY };

/** Events a driver sends; the runtime stamps them with the device clock. */
export type DeviceCommand = DeviceEvent extends infer E ? (E extends { at: number } ? Omit<E, "at"> : never) : never;

export interface RuntimeOptions {
  machine: WiredDeviceMachine;
  /** Binds each new actor to the device's own implementations (a machine shared by many devices). */
  attach?: DeviceWiring["attach"];
  input: DeviceInput;
  clock: ClockPort;
  storage: StoragePort;
  gate: MutablePowerGate;
  /** Faults that strike on entering a state (agent/device/inject-faults.ts). */
  onEnter?: StateHook;
  /** Names the storage in errors ("./device", "the device's storage"). */
  storageLabel?: string;
  /**
   * Write the machine's snapshot to storage after every step (default). When false it is
   * written only as power is cut: enough for this runtime to resume, not for another process
   * reading the storage mid-run; fleets skip the per-step cost (about a tenth of a device's CPU).
   */
  persistEveryStep?: boolean;
  /**
   * The work account the person holding the device types on the sign-in screen, and the new
   * password they choose if the account asks for a change (from then on, their password).
   */
  user?: { userPrincipalName: string; password: string; newPassword?: string; acceptTerms?: boolean };
  /** Keep passwords in clear in the step records' event data and output (a transcript kept with its secrets); default "(redacted)". */
  recordPasswords?: boolean;
}

export interface MutablePowerGate extends PowerGate {
  powered: boolean;
}

export type DeviceActor = Actor<WiredDeviceMachine>;
export type DeviceSnapshot = ReturnType<DeviceActor["getSnapshot"]>;

/** No exchange recorded for a step: one shared empty list, so a step without any allocates none. */
const NO_EXCHANGES: readonly HttpRecord[] = Object.freeze([]);

export class DeviceRuntime {
  /**
   * Everything the device did, in order: read by agent/report to render the timeline and
   * transcripts. A bounded device (`forgetRecords`) keeps only its latest records.
   */
  readonly records: DeviceRecord[] = [];
  /** Records dropped from the front of `records` by forgetRecords. */
  private forgotten = 0;
  private actor: DeviceActor | null = null;
  private readonly startedAt: number;
  private readonly wallStartedAt = performance.now();
  private lastPaths: string[] = [];
  private lastLeaf = "";
  private lastSeen: unknown = null;
  private steps = 0;
  private exchanges: HttpRecord[] = [];
  private readonly recordListeners = new Set<(record: DeviceRecord) => void>();
  private signedInOnce = false;
  /** Set once the account's required password change is done: the user's password is then the new one. */
  private passwordChanged = false;
  private answeredTerms = false;
  private setupRequested = false;
  /** Set while an actor starts: its first step is the boot (out of the box, or from the stored snapshot). */
  private booting: StepRecord["boot"] | null = null;
  /** How the device last booted: out of the box, or resumed from its stored snapshot (null: never). */
  lastBoot: StepRecord["boot"] | null = null;
  private readonly listeners = new Set<() => void>();
  private powerBackTimer: unknown = null;
  /** The last snapshot seen, kept while the device is off. */
  private lastSnapshot: DeviceSnapshot | null = null;

  constructor(private readonly options: RuntimeOptions) {
    this.startedAt = baseClock(options.clock).now();
  }

  get isOn(): boolean {
    return this.actor !== null;
  }

  get snapshot(): DeviceSnapshot {
    const snapshot = this.actor?.getSnapshot() ?? this.lastSnapshot;
    if (!snapshot) throw new Error("the device has never been powered on");
    return snapshot;
  }

  get context(): DeviceContext {
    return this.snapshot.context;
  }

  /** The deepest active state ("enrolled.idle"); "off" while powered off. */
  get state(): string {
    if (!this.actor) return "off";
    const snapshot = this.actor.getSnapshot();
    // The step just recorded (nearly every call): its leaf is known.
    return snapshot === this.lastSeen ? this.lastLeaf : leafPath(snapshot.value);
  }

  /** Calls `listener` after every step (and power change). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with each record as it is made (before the step's onChange listeners run). */
  onRecord(listener: (record: DeviceRecord) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  /** An HTTP exchange the transport recorded: it joins the next step's record. */
  exchange(record: HttpRecord): void {
    this.exchanges.push(record);
  }

  /** Boots the device: from its persisted snapshot when there is one, else out of the box. */
  powerOn(): void {
    if (this.actor) return;
    const { clock, storage } = this.options;
    this.options.gate.powered = true;
    const persisted = readStoredSnapshot(storage, this.options.storageLabel ?? "the device's storage")?.snapshot ?? null;
    const actor = createActor(this.options.machine, {
      input: this.options.input,
      clock,
      ...(persisted ? { snapshot: persisted } : {}),
    });
    this.options.attach?.(actor);
    this.actor = actor;
    this.lastPaths = [];
    this.booting = persisted === null ? "fresh" : "resumed";
    this.lastBoot = this.booting;
    this.followSteps(actor);
    // Power comes back before the device boots on it: the record says so first, in that order.
    const at = clock.now();
    if (persisted) this.emit({ kind: "power", change: "restored", state: this.state, ...this.timings(at) });
    // Starting reports the first snapshot: the boot's step record, and the persisted state.
    actor.start();
    if (persisted) actor.send({ type: "POWER_ON", at });
    this.notify();
  }

  /** Pulls the battery now: the step under way is lost. Powers back on after `offForMs` if given. */
  powerOff(offForMs?: number): void {
    const actor = this.actor;
    if (!actor) return;
    const at = this.options.clock.now();
    const state = this.state;
    // The sign-in being sent is lost with the password typed (kept-snapshot.ts): the device boots
    // back to the sign-in screen, and the person holding it types their account again.
    if (isWithin(state, "signingIn.verifying")) this.signedInOnce = false;
    this.options.gate.powered = false;
    if (this.options.persistEveryStep === false) this.persist();
    this.lastSnapshot = actor.getSnapshot();
    this.actor = null;
    actor.stop();
    this.emit({ kind: "power", change: "lost", state, ...(offForMs === undefined ? {} : { offForMs }), ...this.timings(at) });
    if (offForMs !== undefined) {
      this.powerBackTimer = this.options.clock.setTimeout(() => {
        this.powerBackTimer = null;
        this.powerOn();
      }, offForMs);
    }
    this.notify();
  }

  /**
   * The person wants to set the device up: six taps on the welcome screen, now if it shows it,
   * else as soon as it does (after a boot).
   */
  requestSetup(): void {
    this.setupRequested = true;
    if (this.state === "welcome") this.tapToScan();
  }

  private tapToScan(): void {
    if (!this.actor || !this.options.gate.powered || this.state !== "welcome") return;
    const skip = skipsSetupWizard(this.actor.getSnapshot().context.identity);
    if (skip) {
      this.send({ type: "OPEN_SCANNER", reason: skip });
      return;
    }
    const taps = this.actor.getSnapshot().context.settings.tapsToOpenScanner;
    for (let i = 0; i < taps && this.state === "welcome"; i++) this.send({ type: "TAP" });
  }

  /** Sends a user or driver event, stamped with the device clock. */
  send(command: DeviceCommand): void {
    if (!this.actor) throw new Error(`the device is off; cannot send ${command.type}`);
    this.actor.send({ ...command, at: this.options.clock.now() } as DeviceEvent);
  }

  /** Something done to the device from outside (an admin action, a note from a scenario), in words. */
  note(state: string, event: string, text: string): void {
    this.emit({ kind: "note", state, event, text, ...this.timings(this.options.clock.now()) });
  }

  /** True once dispose() ran: the device stopped for good (nothing more will happen). */
  get disposed(): boolean {
    return this.stopped;
  }
  private stopped = false;

  /** Stops everything (end of a run). */
  dispose(): void {
    this.stopped = true;
    if (this.powerBackTimer !== null) this.options.clock.clearTimeout(this.powerBackTimer);
    const actor = this.actor;
    if (actor) {
      this.lastSnapshot = actor.getSnapshot();
      this.actor = null;
      actor.stop();
    }
    this.listeners.clear();
  }

  /**
   * Calls step() with every snapshot the actor makes and the event that made it. XState's
   * subscription gives the snapshot but not its event; every event the actor takes passes through
   * its mailbox's one processing function, wrapped here to note it. (XState's inspection API gives
   * both, but builds an inspection event for every action, microstep and child actor of the
   * device, which a fleet of thousands pays for in CPU: README, Benchmarks, Fleet.) This
   * relies on XState 5's Actor keeping that function as `mailbox._process` (xstate is pinned in
   * package.json); test/device/step-records.test.ts holds what a step record must carry.
   */
  private followSteps(actor: DeviceActor): void {
    const mailbox = (actor as unknown as { mailbox?: { _process?: (event: AnyEventObject) => void } }).mailbox;
    const process = mailbox?._process;
    if (!mailbox || typeof process !== "function") {
      throw new Error("this XState's actor has no mailbox._process: the runtime cannot follow its steps (check the xstate version in package.json)");
    }
    // The first snapshot is the actor's start, with XState's own init event.
    let cause: AnyEventObject = { type: "xstate.init", input: this.options.input };
    mailbox._process = (event) => {
      cause = event;
      process(event);
    };
    actor.subscribe((snapshot) => {
      if (actor === this.actor) this.step(snapshot, cause);
    });
  }

  private step(snapshot: DeviceSnapshot, cause: AnyEventObject): void {
    if (this.options.persistEveryStep !== false) this.persist();
    const paths = activePaths(snapshot.value);
    const leaf = deepestPath(paths);
    const changed = snapshot !== this.lastSeen;
    const from = this.lastLeaf || "off";
    // Together: `state` reads lastLeaf while lastSeen is the actor's snapshot.
    this.lastSeen = snapshot;
    this.lastLeaf = leaf;
    const at = this.options.clock.now();
    const step: StepRecord = {
      kind: "step",
      index: this.steps++,
      from,
      to: leaf,
      value: snapshot.value,
      eventType: cause.type,
      changed,
      context: snapshot.context,
      http: this.exchanges.length === 0 ? NO_EXCHANGES : this.exchanges,
      at,
      elapsedMs: this.elapsedMs(),
      wallMs: performance.now() - this.wallStartedAt,
    };
    addStepData(step, cause, this.options.recordPasswords === true);
    if (this.booting !== null) step.boot = this.booting;
    this.booting = null;
    if (step.http !== NO_EXCHANGES) this.exchanges = [];
    this.emit(step);
    // Only a user with a new password to give can change it; a fleet's users never do.
    if (this.options.user?.newPassword !== undefined && cause.type === "xstate.done.actor.signIn" && (cause as { output?: { passwordChanged?: unknown } }).output?.passwordChanged === true) {
      this.passwordChanged = true;
    }
    const entered = paths.filter((p) => !this.lastPaths.includes(p));
    this.lastPaths = paths;
    this.applyStateFaults(entered);
    this.autopilot(entered);
    this.notify();
  }

  private elapsedMs(): number {
    return baseClock(this.options.clock).now() - this.startedAt;
  }

  private timings(at: number): { at: number; elapsedMs: number; wallMs: number } {
    return { at, elapsedMs: this.elapsedMs(), wallMs: performance.now() - this.wallStartedAt };
  }

  /** How many records the device has made, forgotten ones included. */
  get recordsMade(): number {
    return this.forgotten + this.records.length;
  }

  /** Drops the oldest `count` records (a device whose memory must not grow with its life). */
  forgetRecords(count: number): void {
    const n = Math.min(count, this.records.length);
    this.records.splice(0, n);
    this.forgotten += n;
  }

  private emit(record: DeviceRecord): void {
    this.records.push(record);
    for (const listener of this.recordListeners) listener(record);
  }

  private persist(): void {
    if (!this.actor) return;
    // Without the password typed at sign-in (agent/machine/kept-snapshot.ts), and with the time
    // it was taken (stored-snapshot.ts, clockAt).
    writeJson(this.options.storage, SNAPSHOT_KEY, { ...keptSnapshot(this.actor.getPersistedSnapshot()), [CLOCK_AT]: Math.round(baseClock(this.options.clock).now()) });
  }

  /** Faults that strike when the device enters a named state. */
  private applyStateFaults(entered: string[]): void {
    this.options.onEnter?.(entered, {
      losePower: (offForMs, cut) => {
        // Results of the step just started are held from now on; the actor stops right after
        // this step's processing (it cannot be stopped from inside its own inspection).
        this.options.gate.powered = false;
        queueMicrotask(() => {
          // Stopped on this very step (an --until at the state disposed it): the power never went.
          if (!this.actor) return;
          cut();
          this.powerOff(offForMs);
        });
      },
      note: (state, event, detail) => this.note(state, event, detail),
    });
  }

  /**
   * The person holding the device types their account the first time the sign-in screen appears
   * during a setup (after a refusal, "Try again" leaves the screen to whoever drives the device).
   */
  private autopilot(entered: string[]): void {
    if (entered.includes("welcome")) {
      this.signedInOnce = false;
      this.answeredTerms = false;
      if (this.setupRequested) queueMicrotask(() => this.tapToScan());
    }
    if (entered.includes("scanningQr")) this.setupRequested = false;
    const user = this.options.user;
    if (user && entered.includes("acceptingTerms.waitingForUser") && !this.answeredTerms) {
      // The user reads the terms and answers once; after a decline, "Try again" is the driver's.
      this.answeredTerms = true;
      queueMicrotask(() => {
        if (this.actor && this.options.gate.powered && this.state === "acceptingTerms.waitingForUser") {
          this.send({ type: user.acceptTerms === false ? "DECLINE_TERMS" : "ACCEPT_TERMS" });
        }
      });
    }
    if (!user || this.signedInOnce || !entered.includes("signingIn.waitingForUser")) return;
    queueMicrotask(() => {
      if (this.actor && this.options.gate.powered && this.state === "signingIn.waitingForUser" && !this.signedInOnce) {
        this.signedInOnce = true;
        const password = this.passwordChanged && user.newPassword !== undefined ? user.newPassword : user.password;
        const newPassword = this.passwordChanged ? undefined : user.newPassword;
        this.send({ type: "SIGN_IN", userPrincipalName: user.userPrincipalName, password, ...(newPassword === undefined ? {} : { newPassword }) });
      }
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
