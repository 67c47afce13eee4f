/**
 * `aosp-sim merge-reports <fleet.json>...`: the summaries of one fleet's shards combined, the
 * percentiles recomputed from the merged histograms. Takes the same --report and --threshold as
 * fleet, so a CI job can gate on the whole fleet after its shards ran on several machines, and
 * --junit for what only the whole fleet can answer (the devices' test cases are the shards').
 */
import type { Command } from "commander";
import { differingLoads, interruptedShards, mergeSummaries, missingShards } from "../sim/fleet/merge.js";
import { FailedRunReport, readFleetSummary, ShardWithoutSummary } from "../sim/fleet/read-summary.js";
import { InputError } from "../protocol/errors.js";
import { mergedJunitXml } from "../sim/fleet/report-junit.js";
import { RANGES_LISTED } from "../sim/fleet/summary.js";
import { parseThresholdOption, THRESHOLD_GRAMMAR } from "../sim/fleet/thresholds.js";
import { checkReportPaths, finishFleet, htmlReportFile, junitReportFile, refuseUnmeetable, type ReportFile } from "./fleet-output.js";
import { refuseEmptyFileArguments } from "./input.js";
import { action, err, formatInputError, printError } from "./output.js";

interface MergeOptions {
  json?: boolean;
  report?: string;
  junit?: string;
  threshold: string[];
}

export function registerMergeReports(program: Command): void {
  program
    .command("merge-reports")
    .description("Combine the --json summaries of a fleet's shards into one (percentiles from the merged histograms).")
    .argument("<summaries...>", "fleet --json outputs, one per shard")
    .option("--json", "print the merged summary as one JSON document")
    .option("--report <file>", "write the merged HTML report")
    .option("--junit <file>", "write JUnit XML: a test case that every device of the fleet reported, and one per --threshold (the devices' own are in the shards' files)")
    .option("--threshold <expr>", `pass/fail criterion (repeatable): ${THRESHOLD_GRAMMAR}`, (v: string, p: string[]) => [...p, v], [])
    .addHelpText(
      "after",
      "\nExit: 0 all thresholds met (without thresholds: no device failed), 1 otherwise (also when the reports do not hold every device of the fleet: a shard's report missing, a shard interrupted), 2 unreadable input.",
    )
    .action(action(mergeReports));
}

async function mergeReports(files: string[], options: MergeOptions): Promise<number> {
  // Before, `merge-reports ''` said "no such file", naming nothing.
  refuseEmptyFileArguments("merge-reports", files, "each shard's --json output", "aosp-sim merge-reports shard-0.json shard-1.json");
  const thresholds = options.threshold.map(parseThresholdOption);
  checkReportPaths({ junit: options.junit, report: options.report, inputs: { files, what: "summary" } });
  // A shard whose run failed before it had a summary left its error document instead, or, killed,
  // an empty file or one cut off part-way: said, and counted as missing (exit 1, the merged
  // JUnit's failed test case), not a refused merge.
  const failedRuns: ShardWithoutSummary[] = [];
  const parts = files.flatMap((file) => {
    try {
      return [{ file, summary: readFleetSummary(file) }];
    } catch (error) {
      if (!(error instanceof ShardWithoutSummary)) throw error;
      printError(formatInputError(error));
      failedRuns.push(error);
      return [];
    }
  });
  if (parts.length === 0) {
    // Said by what the files hold: an error document is a failed run, an empty or cut-off file a stopped one.
    const failed = failedRuns.every((f) => f instanceof FailedRunReport);
    const why = failed ? "every run failed" : failedRuns.some((f) => f instanceof FailedRunReport) ? "each run failed or was stopped before its report was whole" : "every shard was stopped before its report was whole";
    throw new InputError(`none of these files holds a fleet summary: ${why}`, { where: files.join(", "), hint: `run the shards again (each file above says ${failed ? "why its run failed" : "what it holds"})` });
  }
  const merged = mergeSummaries(parts);
  // One fleet, but measured under other loads: merged all the same, and said, so the mixed latencies are not taken for one load's.
  for (const line of differingLoads(parts)) printError(`${err.yellow("aosp-sim: warning:")} merge-reports: ${line}: their latencies and rates were measured under different loads, and the merged figures mix them`);
  refuseUnmeetable(thresholds, merged.only?.length ?? merged.fleetDevices, merged.only ? "these re-runs" : "the fleet");
  const missing = missingShards(merged);
  // The files without a summary named too, as many as the missing ranges are (each is said above, on its own line).
  const unread = failedRuns.slice(0, RANGES_LISTED).map((f) => `${f.file} ${f.said}`);
  if (failedRuns.length > unread.length) unread.push(`and ${failedRuns.length - unread.length} more files without a summary`);
  const incomplete = missing === null ? null : [missing, ...unread].join("; ");
  // Which shards were stopped part-way, and how far they got: the merged summary says only that one was.
  const interrupted = interruptedShards(parts);
  const reports: ReportFile[] = [
    ...(options.report === undefined ? [] : [htmlReportFile(options.report, incomplete, interrupted)]),
    ...(options.junit === undefined ? [] : [junitReportFile(options.junit, (summary, results) => mergedJunitXml(summary, results, incomplete, interrupted))]),
  ];
  return finishFleet(merged, { ...(options.json ? { json: true } : {}), files: reports, thresholds, incomplete, interrupted });
}
