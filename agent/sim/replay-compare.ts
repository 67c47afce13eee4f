/**
 * The steps a replay compares, taken from transcript records, and the comparison itself.
 * A step is a state change (from -> to, on which event), a power change, or an HTTP exchange
 * reduced to what a fresh service reproduces: method, route (ids as {id}), status or "no
 * answer", and the body's shape (keys and value types, not values); and, after them, how the run
 * ended (its final state path and failure code), as its end record says.
 */
import { STEP_INTERRUPTED } from "../client/http.js";
import { counted } from "../protocol/counted.js";
import type { HttpRecord, TranscriptRecord } from "../report/transcript.js";

export interface ReplayStep {
  kind: "state" | "power" | "http" | "end";
  /** One line that says the step and is equal for equal steps. */
  text: string;
  /**
   * The step as a divergence shows it, where that says more than `text`: an exchange with the
   * error its answer gave (`tokenRevoked: this token was revoked ...`), or why it got none. Not
   * compared: the message names times and addresses a fresh service has others of.
   */
  shown?: string;
  /** An exchange's answer body, to name the key where two answers' shapes part (not compared itself). */
  body?: unknown;
}

export interface Divergence {
  /** 1-based step number. */
  step: number;
  expected: string | null;
  got: string | null;
  /** A few steps either side, numbered, from each run. */
  expectedAround: string[];
  gotAround: string[];
  /**
   * Where two answers to the same request differ in shape, the first key that does
   * (`compliancePolicies: in the recording's answer, not in the replay's`); null otherwise.
   */
  difference: string | null;
}

export interface Comparison {
  identical: boolean;
  /** Steps compared (the replay's, when it stopped early at --until). */
  steps: number;
  divergence: Divergence | null;
}

export function stepsOf(records: readonly TranscriptRecord[]): ReplayStep[] {
  const steps: ReplayStep[] = [];
  for (const r of records) {
    if (r.type === "state") steps.push({ kind: "state", text: `state ${r.from ?? "?"} -> ${r.state} on ${r.eventType ?? r.event}` });
    if (r.type === "power") {
      const power: ReplayStep = { kind: "power", text: `power ${r.event} in ${r.state}` };
      // Recordings made before the power's return was recorded ahead of the boot it powers have
      // it just after that boot: it is read in today's order, so they still replay identical.
      const previous = steps.at(-1);
      if (r.event === "powerRestored" && previous?.kind === "state" && previous.text.endsWith(" on xstate.init")) steps.splice(-1, 0, power);
      else steps.push(power);
    }
    if (r.type === "http") {
      const outcome = r.response ? `${r.response.status} ${shapeOf(r.response.body)}` : "no answer";
      const text = `http ${r.method} ${routeOf(r.url)} -> ${outcome}`;
      const why = r.response ? answeredError(r.response.body) : r.error ?? null;
      const step: ReplayStep = why === null ? { kind: "http", text } : { kind: "http", text, shown: `${text} (${why})` };
      steps.push(r.response?.body === undefined ? step : { ...step, body: r.response.body });
    }
  }
  return steps;
}

/** The error an answer's body names (`{error: {code, message}}`, the service's and Graph's form) as `code: message`; null for any other body. */
function answeredError(body: unknown): string | null {
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== "object" || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== "string") return null;
  return typeof message === "string" && message !== "" ? `${code}: ${message}` : code;
}

/**
 * The records of a run stopped at a state (--until) less the exchanges that stop cut short: the
 * device is stopped on the very step that enters the state, by when that state's request is on
 * its way. The recording went on and got that request's answer; the replay, stopped there on
 * purpose, got none, which says nothing of the service.
 */
export function withoutStopInterrupted(records: readonly TranscriptRecord[]): TranscriptRecord[] {
  let end = records.length;
  while (end > 0 && records[end - 1]!.type === "http" && (records[end - 1] as HttpRecord).error === STEP_INTERRUPTED) end--;
  return records.slice(0, end);
}

/** How a run ended, as a step: its final state path and failure code (the message may name the service's address). */
export function endStep(end: { finalStatePath: string; failure: { code: string } | null }): ReplayStep {
  return { kind: "end", text: `end in ${end.finalStatePath}${end.failure === null ? "" : ` (failure ${end.failure.code})`}` };
}

/**
 * The steps compared (`comparison`, identical) followed by how each run ended: the ending is
 * compared too, where the replay ran as far as the recording (an edited end record diverges).
 */
export function compareEnds(comparison: Comparison, expected: readonly ReplayStep[], got: readonly ReplayStep[], expectedEnd: ReplayStep, gotEnd: ReplayStep): Comparison {
  if (!comparison.identical || expectedEnd.text === gotEnd.text) return comparison;
  const n = comparison.steps;
  return compareSteps([...expected.slice(0, n), expectedEnd], [...got.slice(0, n), gotEnd], false);
}

/** The URL's path with ids (UUIDs, long hex or digit runs inside segments) as {id}. */
export function routeOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}");
}

/** A value's shape: {a:string,b:{c:number}}, [string], null. Keys sorted, arrays by their elements' shapes. */
export function shapeOf(value: unknown): string {
  if (value === undefined) return "(no body)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${[...new Set(value.map(shapeOf))].sort().join("|")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${k}:${shapeOf(v)}`).join(",")}}`;
  }
  return typeof value;
}

const AROUND = 3;

/**
 * Step by step; the first difference is the divergence. `prefix`: the replay stopped early on
 * purpose (--until), so it only has to match the start of the recording.
 */
export function compareSteps(expected: readonly ReplayStep[], got: readonly ReplayStep[], prefix: boolean): Comparison {
  const length = prefix ? Math.min(got.length, expected.length) : Math.max(got.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (expected[i]?.text === got[i]?.text) continue;
    return {
      identical: false,
      steps: i,
      divergence: {
        step: i + 1,
        expected: shownOf(expected[i]),
        got: shownOf(got[i]),
        expectedAround: around(expected, i),
        gotAround: around(got, i),
        difference: differenceOf(expected[i], got[i]),
      },
    };
  }
  if (prefix && got.length > expected.length) {
    const i = expected.length;
    return { identical: false, steps: i, divergence: { step: i + 1, expected: null, got: shownOf(got[i]), expectedAround: around(expected, i), gotAround: around(got, i), difference: null } };
  }
  return { identical: true, steps: length, divergence: null };
}

/** A step as a divergence shows it (with its answer's error), or null past the end of its run. */
function shownOf(step: ReplayStep | undefined): string | null {
  return step === undefined ? null : step.shown ?? step.text;
}

/** The steps either side of `index`, numbered, the one at `index` marked. */
function around(steps: readonly ReplayStep[], index: number): string[] {
  const lines: string[] = [];
  for (let i = Math.max(0, index - AROUND); i <= Math.min(steps.length - 1, index + AROUND); i++) {
    lines.push(`${i === index ? ">" : " "} ${String(i + 1).padStart(3)}  ${shownOf(steps[i])}`);
  }
  return lines;
}

/**
 * The first key where two answers to the same exchange (same request, same status) differ in
 * shape, said in a few words: a long answer's two shapes may differ by one key in 200 characters.
 */
function differenceOf(expected: ReplayStep | undefined, got: ReplayStep | undefined): string | null {
  if (expected?.kind !== "http" || got?.kind !== "http") return null;
  const request = (text: string) => text.slice(0, text.indexOf(" -> ") + 8);
  if (request(expected.text) !== request(got.text)) return null;
  return shapeDifference(expected.body, got.body, "");
}

function shapeDifference(expected: unknown, got: unknown, path: string): string | null {
  const name = path === "" ? "the body" : path;
  if (shapeOf(expected) === shapeOf(got)) return null;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(expected) && isObject(got)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(got)])].sort((a, b) => a.localeCompare(b));
    for (const key of keys) {
      const at = path === "" ? key : `${path}.${key}`;
      if (!(key in got)) return `${at}: in the recording's answer, not in the replay's`;
      if (!(key in expected)) return `${at}: in the replay's answer, not in the recording's`;
      const inner = shapeDifference(expected[key], got[key], at);
      if (inner !== null) return inner;
    }
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(got)) {
    if (expected.length > 0 && got.length === 0) return `${name}: ${counted(expected.length, "entry", "entries")} in the recording's answer, none in the replay's`;
    if (expected.length === 0 && got.length > 0) return `${name}: none in the recording's answer, ${counted(got.length, "entry", "entries")} in the replay's`;
    return `${name}: its entries are ${shapeOf(expected)} in the recording's answer, ${shapeOf(got)} in the replay's`;
  }
  return `${name}: ${shapeOf(expected)} in the recording's answer, ${shapeOf(got)} in the replay's`;
}
