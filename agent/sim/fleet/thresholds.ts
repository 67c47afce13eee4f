/**
 * Pass/fail criteria on a fleet summary, in the spirit of k6 thresholds: `--threshold EXPR`,
 * repeatable; the run exits 1 when one is missed, naming it.
 *
 *   failed<1%          failed devices, as a share of devices (or a count: failed<5, failed==0)
 *   enrolled>=99%      enrolled devices, likewise
 *   rate>100/s         devices enrolled per second
 *   p95.enroll<500ms   a phase's wall-clock latency in ms, s, m or h (lower case, as --life takes them; in parts too: 1m30s): p50, p95, p99, max, any
 *                      percentile (p90, p99.9, or k6's p(99.9)), med, min or avg
 *   device.p95.apps<10m  the same on the devices' simulated clocks
 *   http.errors<1%     HTTP errors, as a share of requests (or a count)
 *   rss<1GB            peak resident memory (KB, MB, GB, 1024-based; KiB, MiB, GiB the same)
 *
 * Comparisons: < <= > >= == != (k6's; its `===` reads as `==`), with spaces around them or not, as
 * k6 takes them; the metric and the value are written as above, in their case and without spaces.
 */
import { formatDuration, parseDuration } from "../../device/duration.js";
import { InputError } from "../../protocol/errors.js";
import { checkCountArgument, checkSummaryArgument, checkThresholdArgument, checkThresholdsArgument } from "./argument-checks.js";
import { figureOfEncoded, type LatencyStat } from "./histograms.js";
import { PHASES, type Phase } from "./phases.js";
import type { FleetSummary } from "./summary.js";

export interface Threshold {
  text: string;
  metric: string;
  op: Operator;
  value: number;
  /** How the value was written: a share (%), or an absolute figure. */
  share: boolean;
  /** For a latency (`[device.]STAT.PHASE`): its clock, statistic and phase, as parsed. */
  latency?: LatencyMetric;
}

export interface ThresholdResult {
  threshold: Threshold;
  actual: number | null;
  passed: boolean;
  /** The figure as said: "0.4% (8 of 2000)". */
  figure: string;
  /** "failed<1%: 0.4% (8 of 2000)" */
  line: string;
}

/** k6's comparisons (`===` is k6's spelling of `==` too). */
const OPERATORS = ["<=", ">=", "===", "==", "!=", "<", ">"] as const;
export type Operator = "<" | "<=" | ">" | ">=" | "==" | "!=";
/** The comparisons a hint offers. */
const OFFERED = "< <= > >= == !=";

export const THRESHOLD_GRAMMAR = `METRIC OP VALUE with METRIC failed, enrolled, rate, http.errors, rss or STAT.PHASE (STAT p95, p99.9, p(90), med, min, max, avg; device.STAT.PHASE for simulated time) and OP ${OFFERED}; e.g. failed<1%, failed==0, p95.enroll<500ms, rate>100/s`;

/** What an unknown metric's hint lists. */
const METRICS_HINT = `metrics: failed, enrolled, rate, http.errors, rss, or STAT.PHASE with STAT one of p50, p95, p99, max, any percentile (p90, p99.9, or k6's p(99.9)), med, min or avg, and PHASE one of ${PHASES.join(", ")}; device.STAT.PHASE reads the devices' simulated clocks`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, "/s": 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, "%": 1 };

/**
 * Reads `METRIC OP VALUE`. Each part is checked on its own, so a mistake is named where it is:
 * `rate>abc` is a value that is not a number, not a threshold that "does not parse".
 */
export function parseThreshold(text: string): Threshold {
  // A library caller wrote no --threshold option: its errors name the call ('parseThreshold("bogus"): ...').
  return readThreshold(text, `parseThreshold(${JSON.stringify(text)})`);
}

/** `--threshold EXPR` as the CLI reads it: its errors name the option as written ("--threshold bogus: ..."). */
export function parseThresholdOption(text: string): Threshold {
  const where = `--threshold ${text}`;
  const threshold = readThreshold(text, where);
  refuseFractionalCount(threshold, where);
  return threshold;
}

/**
 * A count of devices or requests written as a fraction: `enrolled>=0.99` read as "at least 0.99
 * devices" passed a fleet of which half enrolled, where the writer meant 99%, as a k6 Rate
 * threshold (`rate<0.01`) and this command's own `--fault NAME=0.05` read a fraction. No count is
 * a fraction, so it is refused, with the share it may have meant.
 */
function refuseFractionalCount(t: Threshold, where: string): void {
  if (t.share || t.latency || metricKind(t.metric) !== "count" || Number.isInteger(t.value)) return;
  const counts = t.metric === "http.errors" ? "requests" : "devices";
  const op = t.text.slice(t.metric.length).trimStart().match(/^[<>=!]+/)![0];
  const percent = t.value < 1 ? `${t.metric}${op}${Number((t.value * 100).toPrecision(12))}%` : `${t.metric}${op}${t.value}%`;
  // The whole count that reads as the fraction did (failed<0.05 holds as failed<1 does).
  const sameWholeCount = ({ op, value }: Threshold) => (op === "<" || op === ">=" ? Math.ceil(value) : Math.floor(value));
  throw new InputError(`${t.value} is not a whole number: ${t.metric} counts ${counts}, and a share of them is written with %`, {
    where,
    hint: `write a share with %, e.g. ${percent}, or a whole count, e.g. ${t.metric}${op}${sameWholeCount(t)}`,
  });
}

function readThreshold(text: string, where: string): Threshold {
  if (typeof text !== "string") throw new TypeError(`parseThreshold takes a string such as "failed<1%" (got ${text === null ? "null" : typeof text})`);
  const expression = text.trim();
  if (expression === "") throw new InputError("is empty", { where, hint: `write ${THRESHOLD_GRAMMAR}` });
  refuseSeveral(expression, where);
  const at = expression.search(/[<>=!]/);
  if (at < 0) {
    throw new InputError(`"${expression}" has no comparison`, { where, hint: `put one of ${OFFERED} between the metric and the value, e.g. failed<1%` });
  }
  const metricText = expression.slice(0, at).trim();
  const rest = expression.slice(at);
  const opText = OPERATORS.find((o) => rest.startsWith(o));
  if (opText === undefined || /^[<>=!]/.test(rest.slice(opText.length))) {
    const written = /^[<>=!]+/.exec(rest)![0];
    const meant = MEANT[written];
    throw new InputError(`"${written}" is not a comparison`, {
      where,
      hint: meant ? `write ${meant} (${OFFERED_NAMES[meant]}): ${expression.slice(0, at).trim()}${meant}${rest.slice(written.length).trim()}` : `use one of ${OFFERED}`,
    });
  }
  const op: Operator = opText === "===" ? "==" : opText;
  if (metricText === "") throw new InputError(`no metric before "${opText}"`, { where, hint: `write ${THRESHOLD_GRAMMAR}` });
  // Read without spaces and in lower case to tell what was meant, then refused unless written so:
  // k6 takes a threshold's names as written, spaces only around the comparison.
  const metric = metricText.replace(/\s+/g, "").toLowerCase();
  const latency = latencyMetric(metric, where);
  const kind = latency ? "time" : metricKind(metric);
  if (kind === null) {
    refuseStatWithoutPhase(metricText, opText, rest.slice(opText.length).trim(), where);
    throw new InputError(`unknown metric "${metricText}"`, { where, hint: METRICS_HINT });
  }
  const named = latency ? metric.replace(/[a-z]+$/, latency.phase) : metric;
  const valueText = rest.slice(opText.length).trim();
  if (named !== metricText) {
    const what = /\s/.test(metricText) ? "has a space in it" : "is written in another case: metric names are case-sensitive, as k6's are";
    throw new InputError(`"${metricText}" ${what}`, { where, hint: `write ${named}${opText}${valueText}` });
  }
  const example = EXAMPLES[kind];
  if (valueText === "") throw new InputError(`no value after "${opText}"`, { where, hint: `e.g. ${metricText}${opText}${example}` });
  if (/\s/.test(valueText)) {
    throw new InputError(`"${valueText}" has a space in it`, { where, hint: `write the number and its unit together, as k6 reads a value: ${metricText}${opText}${valueText.replace(/\s+/g, "")}` });
  }
  if (kind === "time") {
    const ms = latencyInParts(valueText, { where, before: `${metricText}${opText}` });
    if (ms !== undefined) return { text: expression, metric: named, op, value: ms, share: false, ...(latency ? { latency } : {}) };
  }
  if (/^\.[0-9]/.test(valueText)) {
    // k6 reads ".5" (Go's ParseFloat); said rather than read, as the figures and --fault write a 0 before the point.
    throw new InputError(`"${valueText}" has no digit before its point`, { where, hint: `write ${metricText}${opText}0${valueText}` });
  }
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-z%/]+)?$/i.exec(valueText);
  if (!match) {
    throw new InputError(`"${valueText}" is not a number${kind === "count" ? " or a share" : ""}`, { where, hint: `write a number from 0 up, with its unit: e.g. ${metricText}${opText}${example}` });
  }
  const [, number, unitText] = match as unknown as [string, string, string | undefined];
  if (kind === "time") refuseTimeUnit(number, unitText, { where, before: `${metricText}${opText}` });
  // Units of time as --life and --ramp take them, in lower case ("3M" could be months), a rate's
  // "/s" too; memory's in either case (the README writes 1GB), and KiB, MiB and GiB, which are what
  // KB, MB and GB already count here (1024-based: ps, top and the summary's figure count so).
  const unit = kind === "bytes" ? unitText?.toLowerCase().replace(/^([kmg])ib$/, "$1b") : unitText;
  if (kind === "rate" && unitText !== undefined && unit !== "/s") refuseRateUnit(number, unitText, { where, before: `${metricText}${opText}` });
  if (!ALLOWED_UNITS[kind].includes(unit)) {
    const units = ALLOWED_UNITS[kind].filter(Boolean).map((u) => (kind === "bytes" ? u!.toUpperCase() : u));
    throw new InputError(unitText === undefined ? `"${valueText}" has no unit` : `"${unitText}" does not fit ${metricText}`, {
      where,
      hint: `use ${units.join(" or ")}${kind === "bytes" ? " (either case)" : ""}, e.g. ${metricText}${opText}${example}`,
    });
  }
  // As --fault refuses a rate over 100%: no more than all of them can fail.
  if (unit === "%" && Number(number) > 100) {
    throw new InputError(`"${valueText}" is more than all of them`, { where, hint: `give a share from 0% to 100%, e.g. ${metricText}${opText}1%` });
  }
  const value = Number(number) * (unit === undefined ? 1 : UNITS[unit]!);
  return { text: expression, metric: named, op, value, share: unit === "%", ...(latency ? { latency } : {}) };
}

type MetricKind = "count" | "rate" | "time" | "bytes";

const ALLOWED_UNITS: Record<MetricKind, (string | undefined)[]> = {
  count: [undefined, "%"],
  rate: [undefined, "/s"],
  time: ["ms", "s", "m", "h"],
  // A bare number of bytes (rss<1000) was surely meant as MB or GB: its unit is required.
  bytes: ["kb", "mb", "gb"],
};

/**
 * A latency's value needs its unit, in lower case, as a duration does everywhere else (--life,
 * --ramp): a bare number (is it ms, or s?) and an upper-case unit (`3M`: minutes, or months?) are
 * refused, with the threshold as it would be written (`before` is its metric and comparison).
 */
function refuseTimeUnit(number: string, unitText: string | undefined, { where, before }: { where: string; before: string }): void {
  if (unitText === undefined) {
    throw new InputError(`"${number}" has no unit`, { where, hint: `write the unit of time, ms, s, m or h: e.g. ${before}${number}ms` });
  }
  const lower = unitText.toLowerCase();
  if (lower !== unitText && ALLOWED_UNITS.time.includes(lower)) {
    // As k6's and Go's durations (time.ParseDuration) spell them: no upper-case unit is one.
    throw new InputError(`"${unitText}" is not a unit of time: units are lower case: ms, s, m, h`, { where, hint: `write ${before}${number}${lower}` });
  }
}

/** Per unit of time a rate may be written in, the seconds it holds. */
const PER: Record<string, { seconds: number; name: string }> = {
  "/ms": { seconds: 0.001, name: "millisecond" },
  "/sec": { seconds: 1, name: "second, written /s" },
  "/m": { seconds: 60, name: "minute" },
  "/min": { seconds: 60, name: "minute" },
  "/h": { seconds: 3600, name: "hour" },
  "/hr": { seconds: 3600, name: "hour" },
  "/d": { seconds: 86_400, name: "day" },
};

/**
 * A rate per another unit of time (`rate>30/m`): `rate` is devices per second (the summary's
 * devicesPerSecond), so it is refused with the figure per second it stands for (30/m is 0.5/s),
 * to a thousandth as devicesPerSecond is kept. `/S` is told that units are lower case.
 */
function refuseRateUnit(number: string, unitText: string, { where, before }: { where: string; before: string }): void {
  const lower = unitText.toLowerCase();
  if (lower !== unitText && lower === "/s") {
    throw new InputError(`"${unitText}" is not a unit of rate: units are lower case: /s`, { where, hint: `write ${before}${number}/s` });
  }
  const per = PER[lower];
  if (per === undefined) return;
  const perSecond = Number(number) / per.seconds;
  const shown = Number(perSecond.toFixed(3));
  const about = shown === perSecond ? "" : "about ";
  throw new InputError(`"${unitText}" is per ${per.name}: rate is devices enrolled per second (/s)`, {
    where,
    hint: `write the rate per second: ${number}${unitText} is ${about}${shown}/s, ${before}${shown}/s`,
  });
}

/** A statistic as k6 writes one on its own (`p(95)<500` under http_req_duration): here it needs a phase. */
const BARE_STAT = /^(?:device\.)?(?:p\([0-9]+(?:\.[0-9]+)?\)|p[0-9]+(?:\.[0-9]+)?|med|min|max|avg)$/;

/**
 * `p95<500ms`, `avg<200`: k6 writes a statistic alone under the metric it belongs to; here the
 * phase is part of the metric, so it is asked for, with the value in ms when it has no unit (k6's
 * durations are milliseconds).
 */
function refuseStatWithoutPhase(metricText: string, opText: string, valueText: string, where: string): void {
  if (!BARE_STAT.test(metricText)) return;
  const value = /^[0-9]+(?:\.[0-9]+)?$/.test(valueText) ? `${valueText}ms` : valueText || "500ms";
  throw new InputError(`"${metricText}" names no phase: a latency is STAT.PHASE`, {
    where,
    hint: `write ${metricText}.PHASE with PHASE one of ${PHASES.join(", ")}: e.g. ${metricText}.total${opText}${value}`,
  });
}

/** The comparisons written another way (`=`, `=>`): the one meant. */
const MEANT: Record<string, Operator> = { "=": "==", "=>": ">=", "=<": "<=", "<>": "!=", "!==": "!=" };
const OFFERED_NAMES: Record<Operator, string> = { "<": "less than", "<=": "at most", ">": "more than", ">=": "at least", "==": "equal to", "!=": "not equal to" };

/**
 * Several thresholds in one option (`p95.enroll<500ms,p99.enroll<1s`, `failed<1% && rate>5/s`)
 * were read as one whose value was not a number. Each is its own --threshold (as each is its own
 * string in k6's list), and every one must hold.
 */
function refuseSeveral(expression: string, where: string): void {
  const parts = expression.split(/\s*(?:,|;|&&|\|\||\s+and\s+)\s*/);
  if (parts.length < 2 || !parts.every((part) => /[<>=!]/.test(part))) return;
  // A library caller parses each on its own; the CLI takes each as its own option.
  const option = where.startsWith("--threshold");
  throw new InputError(`holds ${parts.length} thresholds: ${option ? "a --threshold is one" : "a threshold is one comparison"}`, {
    where,
    hint: option
      ? `give each its own, every one must hold: ${parts.map((part) => `--threshold '${part}'`).join(" ")}`
      : `parse each on its own: ${parts.map((part) => `parseThreshold(${JSON.stringify(part)})`).join(", ")}`,
  });
}

/** A value written as two or more numbers with units ("1m30s"), whatever its letters. */
const IN_PARTS = /^(?:[0-9]+(?:\.[0-9]+)?[a-z]+){2,}$/i;
const LATENCY_PARTS = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/;

/**
 * A latency written in parts ("1m30s", "1h15m"), as --ramp and --life take a duration and Go's
 * time.ParseDuration reads one: its milliseconds, or undefined for a value in one part (read by the
 * caller). Each part keeps a one-part value's rules: ms, s, m or h, in lower case.
 */
function latencyInParts(valueText: string, { where, before }: { where: string; before: string }): number | undefined {
  if (!IN_PARTS.test(valueText)) return undefined;
  const lower = valueText.toLowerCase();
  const ms = LATENCY_PARTS.test(lower) ? parseDuration(lower) : null;
  if (ms === null) throw new InputError(`"${valueText}" is not a latency: its parts are numbers with ms, s, m and h`, { where, hint: `e.g. ${before}1m30s` });
  if (lower !== valueText) throw new InputError(`"${valueText}": units of time are lower case: ms, s, m, h`, { where, hint: `write ${before}${lower}` });
  return ms;
}

const EXAMPLES: Record<MetricKind, string> = { count: "1%", rate: "100/s", time: "500ms", bytes: "1GB" };

/** The kind of a metric other than a latency (`latencyMetric` reads those), or null. */
function metricKind(metric: string): MetricKind | null {
  if (metric === "failed" || metric === "enrolled" || metric === "http.errors") return "count";
  if (metric === "rate") return "rate";
  if (metric === "rss") return "bytes";
  return null;
}

export interface LatencyMetric {
  clock: "wall" | "device";
  stat: LatencyStat;
  phase: Phase;
}

/**
 * `[device.]STAT.PHASE` (lower case), or null when the metric is not one. STAT is a percentile as
 * `p95`, `p99.9` or k6's `p(99.9)` (`med` is p50, `max` p100), `min` or `avg`. A percentile
 * outside 0..100 is an error of its own (said at `where`), not an unknown metric.
 */
function latencyMetric(metric: string, where: string): LatencyMetric | null {
  const m = /^(device\.)?(?:p\(([0-9]+(?:\.[0-9]+)?)\)|p([0-9]+(?:\.[0-9]+)?)|(med|min|max|avg))\.([a-z]+)$/.exec(metric);
  if (!m) return null;
  const [, device, k6Percentile, percentileText, named, phaseText] = m;
  const phase = PHASES.find((p) => p.toLowerCase() === phaseText);
  if (phase === undefined) return null;
  const clock = device ? "device" : "wall";
  if (named !== undefined) {
    const stat: LatencyStat = named === "med" ? { percentile: 50 } : named === "max" ? { percentile: 100 } : (named as "min" | "avg");
    return { clock, stat, phase };
  }
  const percentile = Number(k6Percentile ?? percentileText);
  if (percentile > 100) {
    throw new InputError(`percentile ${k6Percentile ?? percentileText} is above 100`, { where, hint: "write a percentile from 0 to 100, e.g. p99.9 or max (p100)" });
  }
  return { clock, stat: { percentile }, phase };
}

export function evaluateThresholds(summary: FleetSummary, thresholds: readonly Threshold[]): ThresholdResult[] {
  checkSummaryArgument("evaluateThresholds", summary);
  checkThresholdsArgument("evaluateThresholds", thresholds);
  return thresholds.map((t) => {
    const { actual, shown } = measure(summary, t);
    const passed = actual !== null && compare(actual, t.op, t.value);
    return { threshold: t, actual, passed, figure: shown, line: `${t.text}: ${shown}` };
  });
}

function measure(s: FleetSummary, t: Threshold): { actual: number | null; shown: string } {
  const share = (part: number, whole: number) => {
    if (!t.share) return { actual: part, shown: `${part} of ${whole}` };
    const pct = whole === 0 ? 0 : (100 * part) / whole;
    return { actual: pct, shown: `${shareShown(pct, t)}% (${part} of ${whole})` };
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
  if (t.latency === undefined) return { actual: null, shown: `unknown metric "${t.metric}" (make thresholds with parseThreshold)` };
  const { clock, stat, phase } = t.latency;
  const value = latencyFigure(s, clock, stat, phase);
  if (typeof value === "string") return { actual: null, shown: value };
  // Device time runs to minutes and hours: say those too.
  return { actual: value, shown: value >= 60_000 ? `${value} ms (${formatDuration(value)})` : `${value} ms` };
}

/**
 * The summary's own figure where it has one (p50, p95, p99, max), else one from the phase's
 * histogram; or why there is none.
 */
function latencyFigure(s: FleetSummary, clock: LatencyMetric["clock"], stat: LatencyStat, phase: Phase): number | string {
  const figures = (clock === "wall" ? s.phases : s.phasesDeviceTime)[phase];
  if (figures === undefined) return "no device reached this phase";
  if (typeof stat === "object") {
    const listed = ({ 50: figures.p50, 95: figures.p95, 99: figures.p99, 100: figures.max } as Record<number, number>)[stat.percentile];
    if (listed !== undefined) return listed;
  }
  const encoded = s.histograms?.[clock]?.[phase];
  return encoded === undefined ? `the summary holds no ${clock === "wall" ? "wall-clock" : "device-time"} histogram of ${phase}` : figureOfEncoded(encoded, stat, figures.max);
}

/** How far a fleet has got: devices finished (enrolled or failed) and failed, of `total`. */
export interface FleetCount {
  done: number;
  failed: number;
  total: number;
}

/**
 * Whether the run can stop early because `t` is missed already, whatever the devices still to run
 * do (k6's abortOnFail). Only thresholds on `failed` and `enrolled` can be decided before the
 * end: each count can only grow, by at most the devices still to run. A share is judged against
 * the whole run (`total`); stopping early keeps it missed, since a share of the devices that ran
 * lies between the share now and the share with every remaining device counted (the devices in
 * flight finish, no more start). Other thresholds (latencies, rate, ...) are never missed early.
 */
export function missedAlready(t: Threshold, count: FleetCount): boolean {
  checkThresholdArgument("missedAlready", t);
  checkCountArgument("missedAlready", count);
  if (!decidableEarly(t)) return false;
  const now = t.metric === "failed" ? count.failed : count.done - count.failed;
  // The most the count can reach: every device still to run counted in it.
  const reach = now + count.total - count.done;
  const of = (devices: number) => (t.share ? (100 * devices) / Math.max(count.total, 1) : devices);
  switch (t.op) {
    case "<":
      return of(now) >= t.value;
    case "<=":
      return of(now) > t.value;
    case ">":
      return of(reach) <= t.value;
    case ">=":
      return of(reach) < t.value;
    default: {
      // "==" (decidableEarly leaves out "!="): met only by a whole count from now to reach that
      // gives exactly the value (failed==5.5, or failed==33.33% of 3 devices, never is).
      const needed = t.share ? Math.round((t.value * Math.max(count.total, 1)) / 100) : t.value;
      return !Number.isInteger(needed) || needed < now || needed > reach || of(needed) !== t.value;
    }
  }
}

/** Whether `missedAlready` can ever hold for `t`: a bound on failed or enrolled devices (any comparison but !=). */
export function decidableEarly(t: Threshold): boolean {
  return (t.metric === "failed" || t.metric === "enrolled") && t.op !== "!=";
}

/**
 * Whether a run of `total` devices can miss `t` before its last device finishes, so
 * --abort-on-fail can act on it. Each count only moves one way as devices finish, so the most an
 * early moment can know is with one device to go and every other one failed, or none: a threshold
 * neither of those misses (failed!=0, failed<=100%, enrolled>=0, failed<5 of 3 devices) is known
 * only at the end, if ever.
 */
export function missableEarly(t: Threshold, total: number): boolean {
  const last = total - 1;
  return last >= 0 && (missedAlready(t, { done: last, failed: last, total }) || missedAlready(t, { done: last, failed: 0, total }));
}

/** Whether `t` is missed before any device runs: no outcome of `total` devices meets it (enrolled>=60 of a 50-device shard). */
export function missedFromStart(t: Threshold, total: number): boolean {
  return missedAlready(t, { done: 0, failed: 0, total });
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
    case "==":
      return actual === value;
    case "!=":
      return actual !== value;
  }
}

/**
 * A share as a figure, to two decimals, or more where two would read as the other side of the
 * bound: 1 of 3 failed against failed<=33.33% printed "33.33%" beside a miss; it is "33.333%".
 */
function shareShown(pct: number, t: Threshold): string {
  const outcome = compare(pct, t.op, t.value);
  for (let digits = 2; digits <= 8; digits++) {
    const shown = Number(pct.toFixed(digits));
    if (compare(shown, t.op, t.value) === outcome) return String(shown);
  }
  return String(pct);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
