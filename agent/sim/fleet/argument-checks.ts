/**
 * The checks at the door of the fleet's exported report functions (evaluateThresholds,
 * fleetHtmlReport, fleetJunitXml, mergedJunitXml, missingFromFleet, interruptedShards,
 * missedAlready). A test suite calls them with what it has: a summary read by hand, thresholds as
 * the strings it writes on the command line. Without these checks such a slip was a TypeError from
 * deep inside ("Cannot read properties of undefined (reading 'wall')") or, worse, a threshold
 * string evaluated as a threshold that fails ("unknown metric"), a gate missed for a typing slip.
 * Each is a TypeError naming the call, the argument and what to give, as createDevice's are.
 */
import { givenValue } from "../../protocol/given-value.js";
import type { FleetSummary } from "./summary.js";
import type { FleetCount, Threshold, ThresholdResult } from "./thresholds.js";

const SUMMARY_HINT = "runFleet's summary, mergeSummaries' result, or readFleetSummary(file)";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A fleet summary, told by the counts every summary has (a summary made by hand in a test has them too). */
export function checkSummaryArgument(call: string, value: unknown, name = "summary"): asserts value is FleetSummary {
  if (isObject(value) && typeof value.devices === "number" && typeof value.enrolled === "number" && typeof value.failed === "number") return;
  throw new TypeError(`${call}: ${name} must be a fleet summary, ${SUMMARY_HINT} (got ${givenValue(value)})`);
}

function isThreshold(value: unknown): value is Threshold {
  return isObject(value) && typeof value.text === "string" && typeof value.metric === "string" && typeof value.op === "string" && typeof value.value === "number";
}

/** A list of thresholds as parseThreshold makes them: a string in it is named, with the call that reads it. */
export function checkThresholdsArgument(call: string, value: unknown): asserts value is readonly Threshold[] {
  if (!Array.isArray(value)) throw new TypeError(`${call}: thresholds must be a list of parseThreshold's results, e.g. [parseThreshold("failed<1%")] (got ${givenValue(value)})`);
  value.forEach((item: unknown, i) => checkThresholdArgument(call, item, `thresholds[${i}]`));
}

/** One threshold as parseThreshold makes it. */
export function checkThresholdArgument(call: string, value: unknown, name = "threshold"): asserts value is Threshold {
  if (isThreshold(value)) return;
  const fix = typeof value === "string" ? `parseThreshold(${JSON.stringify(value)})` : `parseThreshold("failed<1%")`;
  throw new TypeError(`${call}: ${name} must be a threshold as parseThreshold makes it; give ${fix} (got ${givenValue(value)})`);
}

/** A list of evaluateThresholds' results (the reports show them); an empty list for none. */
export function checkResultsArgument(call: string, value: unknown): asserts value is readonly ThresholdResult[] {
  const problem = !Array.isArray(value)
    ? null
    : value.findIndex((r: unknown) => !isObject(r) || typeof r.passed !== "boolean" || typeof r.line !== "string" || !isThreshold(r.threshold));
  if (problem === -1) return;
  const what = problem === null ? `thresholds (got ${givenValue(value)})` : `thresholds[${problem}] (got ${givenValue((value as unknown[])[problem])})`;
  throw new TypeError(`${call}: thresholds must be evaluateThresholds' results (or [] for none): ${what}`);
}

/** A list the call reads item by item (devices' records, a merge's parts). */
export function checkListArgument(call: string, name: string, value: unknown, what: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${call}: ${name} must be a list of ${what} (got ${givenValue(value)})`);
}

/** A merge's parts: [{ file, summary }], as mergeSummaries takes them. */
export function checkPartsArgument(call: string, value: unknown): asserts value is readonly { file: string; summary: FleetSummary }[] {
  checkListArgument(call, "parts", value, "{ file, summary } (the summaries given to mergeSummaries, each with its file's name)");
  value.forEach((part: unknown, i) => {
    if (!isObject(part) || typeof part.file !== "string") throw new TypeError(`${call}: parts[${i}] must be { file, summary } (got ${givenValue(part)})`);
    checkSummaryArgument(call, part.summary, `parts[${i}].summary`);
  });
}

/** A text the report says, or null (or left out) for none: incomplete, interrupted. */
export function checkNoteArgument(call: string, name: string, value: unknown, from: string): asserts value is string | null | undefined {
  if (value != null && typeof value !== "string") throw new TypeError(`${call}: ${name} must be a string or null (${from}) (got ${givenValue(value)})`);
}

/** How far a fleet has got, as an onProgress callback is told it. */
export function checkCountArgument(call: string, value: unknown): asserts value is FleetCount {
  const whole = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (isObject(value) && whole(value.done) && whole(value.failed) && whole(value.total)) return;
  throw new TypeError(`${call}: count must be { done, failed, total } in whole devices, as onProgress is given them (got ${givenValue(value)})`);
}
