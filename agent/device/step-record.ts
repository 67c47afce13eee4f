/**
 * What a running device says about itself, as data: one record per machine step, per power
 * change and per note, in the order they happened (DeviceRuntime emits them).
 *
 * Why records and not lines: the runtime is the hot path of every device (a fleet runs thousands
 * of them) and knows no wording. A record keeps what happened (from, to, the event and its data,
 * the actor's output, timings, the HTTP exchanges) and the machine context the step left, which
 * is immutable, so agent/report can render the timeline line, the `--json` entry and the
 * transcript line from it later, and only for a device whose timeline or transcript someone
 * wants. Replay and fleet metrics read the data itself.
 */
import { redactPasswords, type HttpRecord } from "../client/http.js";
import type { DeviceContext } from "../machine/types.js";

/** Timings every record carries. */
export interface Timed {
  /** Device clock (skew included), epoch milliseconds. */
  at: number;
  /** Since the runtime was created, on the clock driving the device (skew aside). */
  elapsedMs: number;
  /** Real time since the runtime was created (performance.now()), milliseconds. */
  wallMs: number;
}

/** One machine step: an event the machine took (even one that changed nothing). */
export interface StepRecord extends Timed {
  kind: "step";
  /** 0 for the device's first step, then 1, 2, ... (power changes and notes are not counted). */
  index: number;
  /** The deepest state path before the step ("off" before the first boot). */
  from: string;
  /** The deepest state path after it ("enrolled.checkingIn.requesting"). */
  to: string;
  /** The machine's full state value after it (parallel regions, parents). */
  value: unknown;
  /** The XState event: "TAP", "xstate.done.actor.enroll", "xstate.error.actor.checkIn", "xstate.init". */
  eventType: string;
  /** The event's own fields (passwords redacted unless the device records them, see RuntimeOptions.recordPasswords), less its clock reading; absent when it has none (a Wi-Fi report's `detail`, a scanner's `reason`). */
  eventData?: Record<string, unknown>;
  /** A finished actor's output (done event, passwords redacted) or its failure as data (error event). */
  output?: unknown;
  /** False when the event left the machine's snapshot as it was (a tap the screen ignores). */
  changed: boolean;
  /** Set on the first step after power-on: "fresh" out of the box, "resumed" from the stored snapshot. */
  boot?: "fresh" | "resumed";
  /** The machine's context after the step (shared, never copied: XState replaces, never mutates it). */
  context: DeviceContext;
  /**
   * The HTTP exchanges that completed since the previous step (for an actor's done or error
   * event, the ones it made), when the transport records them (a transcript is kept); else empty.
   */
  http: readonly HttpRecord[];
}

/** Power cut (a fault, a scenario, a test) or restored at boot. */
export interface PowerRecord extends Timed {
  kind: "power";
  change: "lost" | "restored";
  /** The deepest state path the device was in. */
  state: string;
  /** How long the device stays off, when it powers back on by itself. */
  offForMs?: number;
}

/** Something done to the device from outside (an admin action, a user tap, a clock jump), in words. */
export interface NoteRecord extends Timed {
  kind: "note";
  state: string;
  /** A short label ("note", "clock"). */
  event: string;
  text: string;
}

export type DeviceRecord = StepRecord | PowerRecord | NoteRecord;

/** The event's data and the actor's output as a step record keeps them. */
export function stepData(event: { type: string }, keepPasswords = false): Pick<StepRecord, "eventData" | "output"> {
  const data: Pick<StepRecord, "eventData" | "output"> = {};
  addStepData(data, event, keepPasswords);
  return data;
}

/**
 * Sets `eventData` and `output` on a record being made (no intermediate object: the runtime's hot
 * path). Passwords are "(redacted)" unless `keepPasswords` (a transcript kept with its secrets).
 */
export function addStepData(data: Pick<StepRecord, "eventData" | "output">, event: { type: string }, keepPasswords = false): void {
  const { type, at: _at, output, error, ...fields } = event as { type: string; at?: unknown; output?: unknown; error?: unknown };
  const keep = keepPasswords ? (value: unknown) => value : redactPasswords;
  if (Object.keys(fields).length > 0) data.eventData = keep(fields) as Record<string, unknown>;
  if (type.startsWith("xstate.done.actor.") && output !== undefined) data.output = keep(output);
  if (type.startsWith("xstate.error.actor.")) {
    // A StepError says itself as data (code, message, retryable, ...); anything else by its message.
    const asData = (error as { toJSON?: () => unknown } | null)?.toJSON;
    data.output = typeof asData === "function" ? asData.call(error) : error instanceof Error ? { code: "internalError", message: error.message } : error;
  }
}
