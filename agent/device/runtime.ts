/**
 * Runs the wired machine as a device: starts the actor on the device's clock, persists the
 * machine's snapshot to storage after every step, writes the timeline and the transcript, cuts
 * and restores power (the power-loss fault), moves the clock (the clock-skew fault at a state)
 * and plays the person holding the device where the flow needs one (typing the work account on
 * the sign-in screen).
 *
 * Power loss is abrupt: the actor is stopped mid-step, whatever the step was doing is lost, and
 * on power-on a new actor is created from the last persisted snapshot. XState restarts the
 * step the device was in (a download is downloaded again) and POWER_ON re-arms any pending wait
 * from its stored deadline.
 */
import { createActor, type Actor, type InspectionEvent } from "xstate";
import { activePaths, leafPath } from "../machine/state-paths.js";
import { redactPasswords } from "../client/http.js";
import type { DeviceContext, DeviceEvent, DeviceInput } from "../machine/types.js";
import { describeState, eventLabel } from "../report/describe.js";
import type { TimelineEntry } from "../report/timeline.js";
import type { TranscriptSink } from "../report/transcript.js";
import { baseClock } from "./clock.js";
import { formatDuration } from "./duration.js";
import { skipsSetupWizard } from "./identity.js";
import type { StateHook } from "./inject-faults.js";
import type { ClockPort, StoragePort } from "./ports.js";
import type { DeviceWiring, PowerGate, WiredDeviceMachine } from "./wiring.js";
import { readStoredSnapshot, SNAPSHOT_KEY } from "./stored-snapshot.js";
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
  transcript?: TranscriptSink;
  /** The work account the person holding the device types on the sign-in screen. */
  user?: { userPrincipalName: string; password: string; acceptTerms?: boolean };
}

export interface MutablePowerGate extends PowerGate {
  powered: boolean;
}

type DeviceActor = Actor<WiredDeviceMachine>;
export type DeviceSnapshot = ReturnType<DeviceActor["getSnapshot"]>;

export class DeviceRuntime {
  readonly timeline: TimelineEntry[] = [];
  private actor: DeviceActor | null = null;
  private readonly startedAt: number;
  private lastPaths: string[] = [];
  private lastLeaf = "";
  private readonly wifiDetails = new Set<string>();
  private lastSeen: unknown = null;
  private signedInOnce = false;
  private answeredTerms = false;
  private setupRequested = false;
  /** Set while a restored actor starts: its first step is the boot. */
  private resuming = false;
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
    return this.actor ? leafPath(this.actor.getSnapshot().value) : "off";
  }

  /** Calls `listener` after every step (and power change). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      inspect: (event) => this.inspect(event),
    });
    this.options.attach?.(actor);
    this.actor = actor;
    this.lastPaths = [];
    this.wifiDetails.clear();
    this.resuming = persisted !== null;
    // Starting reports the first snapshot (inspect): the boot's timeline line, and the persisted state.
    actor.start();
    if (persisted) {
      const at = clock.now();
      this.options.transcript?.({ type: "power", at: new Date(at).toISOString(), event: "powerRestored", state: this.state });
      actor.send({ type: "POWER_ON", at });
    }
    this.notify();
  }

  /** Pulls the battery now: the step under way is lost. Powers back on after `offForMs` if given. */
  powerOff(offForMs?: number): void {
    const actor = this.actor;
    if (!actor) return;
    const at = this.options.clock.now();
    const state = this.state;
    this.options.gate.powered = false;
    if (this.options.persistEveryStep === false) this.persist();
    this.lastSnapshot = actor.getSnapshot();
    this.actor = null;
    actor.stop();
    this.note("power", state, "power lost", offForMs === undefined ? "Power lost" : `Power lost (back in ${formatDuration(offForMs)})`);
    this.options.transcript?.({ type: "power", at: new Date(at).toISOString(), event: "powerLost", state });
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

  /** A line in the timeline that is not a state change (an admin action, a note from a scenario). */
  note(kind: "power" | "note", state: string, event: string, detail: string): void {
    const entry = this.append(kind, state, event, detail);
    if (kind === "note") this.options.transcript?.({ type: "note", at: entry.at, text: detail });
  }

  /** The device's own log (what "share logs" uploads). */
  logText(): string {
    return this.timeline.map((e) => `${e.at} ${e.state} [${e.event}] ${e.detail}`).join("\n");
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

  private inspect(event: InspectionEvent): void {
    if (event.type !== "@xstate.snapshot" || event.actorRef !== this.actor) return;
    const actor = this.actor;
    if (!actor) return;
    const snapshot = actor.getSnapshot();
    if (this.options.persistEveryStep !== false) this.persist();
    const leaf = leafPath(snapshot.value);
    const paths = activePaths(snapshot.value);
    const cause = event.event as { type: string; detail?: string };
    const now = this.options.clock.now();
    if (cause.type === "xstate.done.actor.scanQr") {
      const read = (cause as unknown as { output: { text: string; decoder: string } }).output;
      this.options.transcript?.({ type: "scan", at: new Date(now).toISOString(), text: read.text, decoder: read.decoder });
    }
    const unchanged = snapshot === this.lastSeen;
    this.lastSeen = snapshot;
    const step = stepOf(this.lastLeaf || "off", leaf, event.event);
    if (cause.type === "WIFI_PROGRESS") {
      // The radio's reports: one line for each new thing it says during a join.
      if (cause.detail && !this.wifiDetails.has(cause.detail)) {
        this.wifiDetails.add(cause.detail);
        this.record(step, eventLabel(cause), cause.detail);
      }
    } else if (this.resuming) {
      this.resuming = false;
      this.record(step, "power on", `Powered on; resuming: ${describeState(leaf, snapshot.context, cause, now)}`);
    } else if (cause.type === "POWER_ON" && leaf === this.lastLeaf) {
      // The boot re-arming the state it resumed in: the "Powered on; resuming" line said it.
    } else if (!unchanged && (leaf !== this.lastLeaf || cause.type !== "TAP")) {
      // Every step, including one that ends where it began (the next app of a queue).
      this.record(step, eventLabel(cause), describeState(leaf, snapshot.context, cause, now));
      this.wifiDetails.clear();
    }
    const entered = paths.filter((p) => !this.lastPaths.includes(p));
    this.lastPaths = paths;
    this.lastLeaf = leaf;
    this.applyStateFaults(entered);
    this.autopilot(entered);
    this.notify();
  }

  /** A state change: in the timeline (in words) and the transcript (in words and as data). */
  private record(step: MachineStep, event: string, detail: string): void {
    const entry = this.append("state", step.to, event, detail);
    this.options.transcript?.({
      type: "state",
      at: entry.at,
      elapsedMs: entry.elapsedMs,
      state: step.to,
      event,
      detail,
      from: step.from,
      eventType: step.eventType,
      ...(step.eventData ? { eventData: step.eventData } : {}),
      ...(step.output === undefined ? {} : { output: step.output }),
    });
  }

  private append(kind: TimelineEntry["kind"], state: string, event: string, detail: string): TimelineEntry {
    const entry: TimelineEntry = {
      at: new Date(this.options.clock.now()).toISOString(),
      elapsedMs: baseClock(this.options.clock).now() - this.startedAt,
      state,
      event,
      detail,
      kind,
    };
    this.timeline.push(entry);
    return entry;
  }

  private persist(): void {
    if (!this.actor) return;
    writeJson(this.options.storage, SNAPSHOT_KEY, this.actor.getPersistedSnapshot());
  }

  /** Faults that strike when the device enters a named state. */
  private applyStateFaults(entered: string[]): void {
    this.options.onEnter?.(entered, {
      losePower: (offForMs) => {
        // Results of the step just started are held from now on; the actor stops right after
        // this step's processing (it cannot be stopped from inside its own inspection).
        this.options.gate.powered = false;
        queueMicrotask(() => this.powerOff(offForMs));
      },
      note: (state, event, detail) => this.note("note", state, event, detail),
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
        this.send({ type: "SIGN_IN", userPrincipalName: user.userPrincipalName, password: user.password });
      }
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** One machine step as data: where it went from and to, on which event, with what result. */
export interface MachineStep {
  from: string;
  to: string;
  eventType: string;
  /** The event's fields (passwords redacted), less its clock reading; absent when it has none. */
  eventData?: Record<string, unknown>;
  /** The finished actor's output (done event) or its failure (error event). */
  output?: unknown;
}

function stepOf(from: string, to: string, event: { type: string }): MachineStep {
  const { type, at: _at, output, error, ...fields } = event as { type: string; at?: unknown; output?: unknown; error?: unknown };
  const step: MachineStep = { from, to, eventType: type };
  if (Object.keys(fields).length > 0) step.eventData = redactPasswords(fields) as Record<string, unknown>;
  if (type.startsWith("xstate.done.actor.") && output !== undefined) step.output = redactPasswords(output);
  if (type.startsWith("xstate.error.actor.")) {
    // A StepError says itself as data (code, message, retryable, ...); anything else by its message.
    const asData = (error as { toJSON?: () => unknown } | null)?.toJSON;
    step.output = typeof asData === "function" ? asData.call(error) : error instanceof Error ? { code: "internalError", message: error.message } : error;
  }
  return step;
}
