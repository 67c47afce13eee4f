/**
 * Pass/fail criteria on a fleet summary, in the spirit of k6 thresholds: `--threshold EXPR`,
 * repeatable; the run exits 1 when one is missed, naming it.
 *
 *   failed<1%          failed devices, as a share of devices (or a count: failed<5)
 *   enrolled>=99%      enrolled devices, likewise
 *   rate>100/s         devices per second
 *   p95.enroll<500ms   a phase's wall-clock percentile (p50, p95, p99, max) in ms, s or m
 *   http.errors<1%     HTTP errors, as a share of requests (or a count)
 *   rss<1GB            peak resident memory (KB, MB, GB)
 */
import { InputError } from "../../protocol/errors.js";
import { PHASES, type Phase } from "./phases.js";
import type { FleetSummary } from "./summary.js";

export interface Threshold {
  text: string;
  metric: string;
  op: "<" | "<=" | ">" | ">=";
  value: number;
  /** How the value was written: a share (%), or an absolute figure. */
  share: boolean;
}

export interface ThresholdResult {
  threshold: Threshold;
  actual: number | null;
  passed: boolean;
  /** "failed<1%: 0.4% (8 of 2000)" */
  line: string;
}

export const THRESHOLD_GRAMMAR = "METRIC OP VALUE with METRIC failed, enrolled, rate, http.errors, rss or p50|p95|p99|max.PHASE; e.g. failed<1%, p95.enroll<500ms, rate>100/s";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, "/s": 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, "%": 1 };

export function parseThreshold(text: string): Threshold {
  const where = `--threshold ${text}`;
  const match = /^\s*([a-z0-9.]+)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|\/s|kb|mb|gb|%)?\s*$/i.exec(text);
  if (!match) throw new InputError("is not a threshold", { where, hint: `write ${THRESHOLD_GRAMMAR}` });
  const [, metricText, op, number, unitText] = match as unknown as [string, string, Threshold["op"], string, string | undefined];
  const metric = metricText.toLowerCase();
  const unit = unitText?.toLowerCase();
  const kind = metricKind(metric);
  if (kind === null) {
    throw new InputError(`unknown metric "${metricText}"`, { where, hint: `metrics: failed, enrolled, rate, http.errors, rss, or p50|p95|p99|max. with a phase (${PHASES.join(", ")})` });
  }
  const allowed: Record<typeof kind, (string | undefined)[]> = {
    count: [undefined, "%"],
    rate: [undefined, "/s"],
    time: [undefined, "ms", "s", "m"],
    bytes: [undefined, "kb", "mb", "gb"],
  };
  if (!allowed[kind].includes(unit)) {
    throw new InputError(`"${unitText}" does not fit ${metricText}`, { where, hint: `use ${allowed[kind].filter(Boolean).join(" or ")}` });
  }
  const value = Number(number) * (unit === undefined ? 1 : UNITS[unit]!);
  return { text: text.trim(), metric, op, value, share: unit === "%" };
}

function metricKind(metric: string): "count" | "rate" | "time" | "bytes" | null {
  if (metric === "failed" || metric === "enrolled" || metric === "http.errors") return "count";
  if (metric === "rate") return "rate";
  if (metric === "rss") return "bytes";
  const m = /^(p50|p95|p99|max)\.([a-z]+)$/i.exec(metric);
  if (m && PHASES.some((p) => p.toLowerCase() === m[2]!.toLowerCase())) return "time";
  return null;
}

export function evaluateThresholds(summary: FleetSummary, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const { actual, shown } = measure(summary, t);
    const passed = actual !== null && compare(actual, t.op, t.value);
    return { threshold: t, actual, passed, line: `${t.text}: ${shown}` };
  });
}

function measure(s: FleetSummary, t: Threshold): { actual: number | null; shown: string } {
  const share = (part: number, whole: number) => {
    if (!t.share) return { actual: part, shown: `${part} of ${whole}` };
    const pct = whole === 0 ? 0 : (100 * part) / whole;
    return { actual: pct, shown: `${round(pct)}% (${part} of ${whole})` };
  };
  switch (t.metric) {
    case "failed":
      return share(s.failed, s.devices);
    case "enrolled":
      return share(s.enrolled, s.devices);
    case "http.errors":
      return share(s.http.errors, s.http.requests);
    case "rate":
      return { actual: s.devicesPerSecond, shown: `${s.devicesPerSecond}/s` };
    case "rss":
      return { actual: s.peakRssBytes, shown: `${round(s.peakRssBytes / 1024 ** 2)} MB` };
  }
  const [stat, phaseText] = t.metric.split(".") as ["p50" | "p95" | "p99" | "max", string];
  const phase = PHASES.find((p) => p.toLowerCase() === phaseText) as Phase;
  const value = s.phases[phase]?.[stat];
  return value === undefined ? { actual: null, shown: "no device reached this phase" } : { actual: value, shown: `${value} ms` };
}

function compare(actual: number, op: Threshold["op"], value: number): boolean {
  switch (op) {
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
