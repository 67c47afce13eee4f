/**
 * What fleet and merge-reports share after a summary exists: the reports written to files, the
 * thresholds checked, the summary printed (JSON, or text), and the exit code.
 */
import { writeFileSync } from "node:fs";
import { InputError } from "../protocol/errors.js";
import { refuseUnwritable, WRITABLE_HINT } from "../protocol/output-path.js";
import { fleetHtmlReport } from "../sim/fleet/report-html.js";
import { fleetHints, fleetSpeedHints, fleetSummaryLines } from "../sim/fleet/report-text.js";
import type { FleetSummary, ThresholdOutcome } from "../sim/fleet/summary.js";
import { evaluateThresholds, type Threshold, type ThresholdResult } from "../sim/fleet/thresholds.js";
import { EXIT_FAILED, EXIT_OK, out, printError, printJson, printLine, err } from "./output.js";

export function writeReportFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new InputError(`cannot write the ${what}: ${(error as Error).message}`, { where: path, hint: WRITABLE_HINT });
  }
}

/** Refuses a report path that cannot be written before a fleet runs, not after (agent/protocol/output-path.ts). */
export function checkReportPath(path: string, what: string): void {
  refuseUnwritable(path, `fleet.${what === HTML_REPORT ? "html" : "xml"}`, `cannot write the ${what}`);
}

/** A report file to write once the summary exists and its thresholds are checked (its text made only then). */
export interface ReportFile {
  path: string;
  what: string;
  text(summary: FleetSummary, thresholds: readonly ThresholdResult[]): string;
}

export const HTML_REPORT = "HTML report";
export const JUNIT_REPORT = "JUnit report";

/** The HTML file; `incomplete` is why its figures are not the whole fleet's (merge-reports), said at its top. */
export function htmlReportFile(path: string, incomplete: string | null = null): ReportFile {
  return { path, what: HTML_REPORT, text: (summary, thresholds) => fleetHtmlReport(summary, thresholds, incomplete) };
}

/** The JUnit file, its XML made by `xml` (a run's, or a merge's) once the thresholds are checked. */
export function junitReportFile(path: string, xml: ReportFile["text"]): ReportFile {
  return { path, what: JUNIT_REPORT, text: xml };
}

/**
 * Prints the summary, then writes the report files: a file that cannot be written after all (the
 * disk filled during the run) still leaves the summary on the screen, then exits 2 naming it.
 */
export interface FinishOptions {
  json?: boolean;
  files: ReportFile[];
  thresholds: Threshold[];
  /** Why these figures are not the whole fleet's, if they are not (merge-reports). */
  incomplete?: string | null;
}

function thresholdOutcome(r: ThresholdResult): ThresholdOutcome {
  return { expression: r.threshold.text, passed: r.passed, value: r.actual, figure: r.figure };
}

export function finishFleet(summary: FleetSummary, options: FinishOptions): number {
  const results = evaluateThresholds(summary, options.thresholds);
  if (options.json) {
    printJson(results.length === 0 ? summary : { ...summary, thresholds: results.map(thresholdOutcome) });
    for (const r of results.filter((x) => !x.passed)) printError(err.red(`threshold missed: ${r.line}`));
    for (const hint of [...fleetHints(summary), ...fleetSpeedHints(summary)]) printError(err.yellow(hint));
  } else {
    for (const line of fleetSummaryLines(summary, results, out)) printLine(line);
  }
  for (const file of options.files) writeReportFile(file.path, file.text(summary, results), file.what);
  if (summary.interrupted) printError(err.red(`interrupted: ${summary.devices} devices ran; the figures cover only them`));
  if (options.incomplete) printError(err.red(`incomplete: ${options.incomplete}`));
  // With thresholds, they decide (failures may be expected under faults); without, any failure
  // fails. A run stopped before all its devices ran, or a merge missing some, does not pass.
  const passed = !summary.interrupted && !options.incomplete && (options.thresholds.length > 0 ? results.every((r) => r.passed) : summary.failed === 0);
  return passed ? EXIT_OK : EXIT_FAILED;
}
