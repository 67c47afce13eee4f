/**
 * What fleet and merge-reports share after a summary exists: the reports written to files, the
 * thresholds checked, the summary printed (JSON, or text), and the exit code.
 */
import { InputError } from "../protocol/errors.js";
import { refuseStdoutFile, refuseUnwritable, samePath, writeFailed } from "../protocol/output-path.js";
import { replaceFile } from "../protocol/replace-file.js";
import { fleetHtmlReport } from "../sim/fleet/report-html.js";
import { fleetHints, fleetSpeedHints, fleetSummaryLines } from "../sim/fleet/report-text.js";
import { devicesRan, type FleetSummary, type ThresholdOutcome } from "../sim/fleet/summary.js";
import { evaluateThresholds, missedFromStart, type Threshold, type ThresholdResult } from "../sim/fleet/thresholds.js";
import { counted } from "../protocol/counted.js";
import { printable } from "../protocol/printable.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, formatInputError, out, printError, printJson, printLine, err } from "./output.js";

export function writeReportFile(path: string, text: string, what: string): void {
  try {
    // Whole or not at all: a disk filling half-way leaves the last run's report as it was.
    replaceFile(path, text);
  } catch (error) {
    // A disk that filled during the run is not a path to change: writeFailed says so.
    throw writeFailed(error, path, `cannot write the ${what}`);
  }
}

export const HTML_REPORT = "HTML report";
export const JUNIT_REPORT = "JUnit report";

/**
 * Refuses report paths that cannot be written before a fleet runs, not after
 * (agent/protocol/output-path.ts): an empty one, one that cannot be written, one file for
 * both reports (the second written would replace the first), a file the command reads
 * (merge-reports' summaries: the report would replace one), and the file its standard output
 * goes to.
 */
export function checkReportPaths(paths: { junit?: string | undefined; report?: string | undefined; inputs?: { files: readonly string[]; what: string } }): void {
  const given = [
    { option: "--junit", path: paths.junit, what: JUNIT_REPORT, example: "fleet.xml" },
    { option: "--report", path: paths.report, what: HTML_REPORT, example: "fleet.html" },
  ].filter((p): p is typeof p & { path: string } => p.path !== undefined);
  for (const { option, path, what, example } of given) {
    if (path.trim() === "") throw new InputError("names no file", { where: option, hint: `give the ${what}'s file, e.g. ${option} ${example}` });
    const input = paths.inputs?.files.find((file) => samePath(file, path));
    if (input !== undefined) {
      throw new InputError(`is the ${paths.inputs!.what} ${input} too: the report would replace it`, {
        where: `${option} ${path}`,
        hint: `give the ${what} a file of its own, e.g. ${option} ${example}`,
      });
    }
    // `--json --junit out.json > out.json`: the summary would be replaced by the report.
    refuseStdoutFile(option, path, "the report would replace it", `give the ${what} a file of its own, e.g. ${option} ${example}`);
    refuseUnwritable(path, example, `cannot write the ${what}`);
  }
  const [junit, report] = given;
  if (junit && report && samePath(junit.path, report.path)) {
    throw new InputError(`is the --junit file too: one report would replace the other`, {
      where: `--report ${report.path}`,
      hint: "give each report its own file, e.g. --junit fleet.xml --report fleet.html",
    });
  }
}

/** A threshold on failed or enrolled devices that no outcome of this run's devices meets (enrolled>=60 of a 50-device shard, enrolled>=400 of a merged 300-device fleet) is a mistake: said before the run, or before a merge writes anything. */
export function refuseUnmeetable(thresholds: readonly Threshold[], total: number, whose = "this run"): void {
  const unmeetable = thresholds.find((t) => missedFromStart(t, total));
  if (unmeetable === undefined) return;
  const example = unmeetable.metric === "failed" ? "failed<1%" : "enrolled>=99%";
  // A count that is not whole (failed==5.5) is refused as the option is read (parseThresholdOption).
  throw new InputError(`cannot be met: ${whose} has ${counted(total, "device")}`, {
    where: `--threshold ${unmeetable.text}`,
    // A shard that holds no device (more shards than devices) is refused before this (emptyShardProblem).
    hint: `give a figure ${counted(total, "device")} can meet, or a share of them, e.g. ${example}`,
  });
}

/** A report file to write once the summary exists and its thresholds are checked (its text made only then). */
export interface ReportFile {
  path: string;
  what: string;
  text(summary: FleetSummary, thresholds: readonly ThresholdResult[]): string;
}

/** The HTML file; `incomplete` is why its figures are not the whole fleet's (merge-reports), said at its top. */
export function htmlReportFile(path: string, incomplete: string | null = null, interrupted: string | null = null): ReportFile {
  return { path, what: HTML_REPORT, text: (summary, thresholds) => fleetHtmlReport(summary, thresholds, incomplete, interrupted) };
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
  /** Which runs were stopped part-way, in words (merge-reports: which shards), instead of the run's own count. */
  interrupted?: string | null;
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
  // A file that fails now is said on stderr only: stdout already holds the summary, and with
  // --json it must stay one JSON document (a second, the error's, made it unreadable). The
  // other reports are still written.
  let unwritten = false;
  for (const file of options.files) {
    try {
      writeReportFile(file.path, file.text(summary, results), file.what);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      printError(formatInputError(error));
      unwritten = true;
    }
  }
  if (summary.interrupted) {
    printError(err.red(`interrupted: ${printable(devicesRan(summary, options.interrupted))}; the figures cover only ${summary.devices === 1 ? "it" : "them"}`));
  }
  // File names, and a shard's error as its file holds it, escaped for the terminal.
  if (options.incomplete) printError(err.red(`incomplete: ${printable(options.incomplete)}`));
  if (unwritten) return EXIT_USAGE;
  // With thresholds, they decide (failures may be expected under faults); without, any failure
  // fails. A run stopped before all its devices ran, or a merge missing some, does not pass.
  const passed = !summary.interrupted && !options.incomplete && (options.thresholds.length > 0 ? results.every((r) => r.passed) : summary.failed === 0);
  return passed ? EXIT_OK : EXIT_FAILED;
}
