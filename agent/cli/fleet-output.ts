/**
 * What fleet and merge-reports share after a summary exists: the reports written to files, the
 * thresholds checked, the summary printed (JSON, or text), and the exit code.
 */
import { writeFileSync } from "node:fs";
import { InputError } from "../protocol/errors.js";
import { fleetHtmlReport } from "../sim/fleet/report-html.js";
import { fleetSummaryLines } from "../sim/fleet/report-text.js";
import type { FleetSummary } from "../sim/fleet/summary.js";
import { evaluateThresholds, type Threshold } from "../sim/fleet/thresholds.js";
import { EXIT_FAILED, EXIT_OK, out, printError, printJson, printLine, err } from "./output.js";

export function writeReportFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new InputError(`cannot write the ${what}: ${(error as Error).message}`, { where: path, hint: "give a path in a folder that exists and is writable" });
  }
}

export function finishFleet(summary: FleetSummary, options: { json?: boolean; report?: string; thresholds: Threshold[] }): number {
  if (options.report !== undefined) writeReportFile(options.report, fleetHtmlReport(summary), "HTML report");
  const results = evaluateThresholds(summary, options.thresholds);
  if (options.json) {
    printJson(summary);
    for (const r of results.filter((x) => !x.passed)) printError(err.red(`threshold missed: ${r.line}`));
  } else {
    for (const line of fleetSummaryLines(summary, results, out)) printLine(line);
  }
  // With thresholds, they decide (failures may be expected under faults); without, any failure fails.
  const passed = options.thresholds.length > 0 ? results.every((r) => r.passed) : summary.failed === 0;
  return passed ? EXIT_OK : EXIT_FAILED;
}
