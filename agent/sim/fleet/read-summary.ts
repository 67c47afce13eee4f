/**
 * Reading a fleet summary back (merge-reports): JSON checked against the published schema
 * (schemas/fleet-summary.schema.json), so a file from another tool or a truncated one is an
 * InputError naming the file and the first problem, never a crash later.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { InputError } from "../../protocol/errors.js";
import { packageSchema } from "../../protocol/package-schema.js";
import { isCutOffJsonObject } from "../../protocol/json-text.js";
import { parsedJson, readTextFileSync, type TextFileKind } from "../../protocol/text-file.js";
import { encodingProblem } from "./histograms.js";
import type { FleetSummary } from "./summary.js";
import { emptyShardProblem, shardRange, summaryShard } from "./plan.js";
import { checkPathArgument } from "../../protocol/path-argument.js";

let validate: ValidateFunction | undefined;

/** The published schema of a summary (schemas/fleet-summary.schema.json). */
export function fleetSummarySchema(): object {
  return packageSchema("fleet-summary.schema.json");
}

/**
 * A shard's file that holds no summary, for a reason of the shard's run rather than the file's:
 * merge-reports counts that shard as missing (exit 1, its JUnit written) rather than refusing the
 * whole merge. `said` is how the merge's "incomplete" line names the file's state.
 */
export class ShardWithoutSummary extends InputError {
  constructor(
    readonly file: string,
    problem: string,
    readonly said: string,
  ) {
    super(problem, { where: file, hint: "run that shard again; the merge counts it as missing" });
  }
}

/**
 * A file that holds, instead of a summary, the error document a failed run printed with --json
 * (`{"error": {"message": ...}}`): a shard whose service could not be reached leaves one where
 * its summary would be (the Kubernetes job's `--json > shard-N.json`).
 */
export class FailedRunReport extends ShardWithoutSummary {
  constructor(
    file: string,
    readonly runError: string,
  ) {
    super(file, `holds no summary but the error its run printed: ${runError}`, `holds the error its run printed: ${runError}`);
  }
}

/**
 * An empty file (or whitespace alone): the shell made it for `--json > shard-N.json` before the
 * shard started, and the shard was killed (out of memory, evicted, kill -9) before it printed.
 */
export class EmptyReport extends ShardWithoutSummary {
  constructor(file: string) {
    super(file, "is empty: the shard wrote no report (was it killed?)", "is empty: the shard wrote no report");
  }
}

/**
 * A summary cut off part-way (valid JSON up to its end, which comes too early): the shard was
 * killed or evicted while it printed, or the copy was cut short (a full reports volume).
 */
export class CutOffReport extends ShardWithoutSummary {
  constructor(file: string, bytes: number) {
    super(file, `is cut off after ${bytes} bytes: was its shard stopped while writing?`, `is cut off after ${bytes} bytes: the shard stopped while writing its report`);
  }
}

function failedRunMessage(json: unknown): string | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  const keys = Object.keys(json);
  const error = (json as { error?: unknown }).error;
  if (keys.length !== 1 || typeof error !== "object" || error === null) return null;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" ? message : null;
}

/**
 * The most of a summary file that is read. A summary's size does not grow with the fleet (its
 * failures and slowest devices are capped, its histograms fixed-size): a 100,000-device fleet's
 * is well under 1 MB. The limit keeps a pipe or a device (`/dev/zero`) from being read forever.
 */
export const MAX_SUMMARY_FILE_BYTES = 64 * 1024 * 1024;

/** A shard's summary file, as merge-reports reads it: an empty one is a shard that wrote nothing. */
const SUMMARY_FILE: TextFileKind = {
  noun: "a fleet summary",
  expected: "a fleet summary (the --json output of aosp-sim fleet)",
  maxBytes: MAX_SUMMARY_FILE_BYTES,
  farMoreThan: "a fleet summary (well under 1 MB)",
  hint: "give the --json output of aosp-sim fleet",
  empty: (where) => new EmptyReport(where),
};

/** A summary file's JSON; one cut off part-way is a CutOffReport, any other text that is not JSON an InputError. */
function summaryJson(file: string): unknown {
  const text = readTextFileSync(file, SUMMARY_FILE);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (isCutOffJsonObject(text, error)) throw new CutOffReport(file, Buffer.byteLength(text));
    refuseFleetReport(text, file);
    return parsedJson(text, file, SUMMARY_FILE);
  }
}

/**
 * A shard's other report given as its summary: a glob over the reports folder (`shard-*`, as the
 * Kubernetes job writes shard-N.json beside shard-N.xml) takes its JUnit XML and HTML too, which
 * were said to be "not JSON: Unexpected token '<'".
 */
function refuseFleetReport(text: string, file: string): void {
  const start = text.replace(/^\uFEFF/, "").trimStart().slice(0, 512);
  const kind = /^(?:<\?xml[^>]*>\s*)?<testsuites?[\s>]/.test(start) ? "JUnit XML (--junit)" : /^<!doctype html|^<html[\s>]/i.test(start) ? "an HTML report (--report)" : null;
  if (kind === null) return;
  throw new InputError(`is ${kind}, not a fleet summary`, {
    where: file,
    hint: "give the shards' --json summaries only (e.g. shard-*.json, not shard-*), and hand the JUnit files to the CI system's test report step",
  });
}

/** A shard's summary, checked; a file that holds none for a reason of its shard's run is a ShardWithoutSummary. */
export function readFleetSummary(file: string): FleetSummary {
  checkPathArgument("readFleetSummary", "file", file, "fleet.json");
  const json = summaryJson(file);
  const failedRun = failedRunMessage(json);
  if (failedRun !== null) throw new FailedRunReport(file, failedRun);
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(fleetSummarySchema());
  if (!validate(json)) {
    const e = validate.errors?.[0];
    throw new InputError(`is not a fleet summary: ${e?.instancePath || "/"} ${e?.message ?? "does not match"}`, {
      where: file,
      hint: "give the --json output of aosp-sim fleet (its schema: schemas/fleet-summary.schema.json)",
    });
  }
  const summary = json as FleetSummary;
  if (summary.devices !== summary.enrolled + summary.failed) {
    throw new InputError(`says ${summary.devices} devices ran, but ${summary.enrolled} enrolled and ${summary.failed} failed`, {
      where: file,
      hint: "give the --json output of aosp-sim fleet as it wrote it: every device that ran either enrolled or failed",
    });
  }
  const outside = summary.only?.find((index) => index >= summary.fleetDevices);
  if (outside !== undefined) {
    throw new InputError(`re-ran device ${outside} (only), but its fleet has ${summary.fleetDevices} devices, 0 to ${summary.fleetDevices - 1}`, {
      where: file,
      hint: "give the --json output of aosp-sim fleet as it wrote it",
    });
  }
  // A shard that holds none of its fleet's devices (1/100000000000 of 40) would stand in for a
  // shard that is missing, and a summary of more devices than its shards hold (devices: 1e300)
  // would pass as the whole fleet.
  let holds = 0;
  for (const text of summary.shards) {
    const shard = summaryShard(text, file);
    if (emptyShardProblem(summary.fleetDevices, shard) !== null) {
      throw new InputError(`holds shard ${text}, which holds none of its fleet's ${summary.fleetDevices} devices`, {
        where: file,
        hint: "give the --json output of aosp-sim fleet as it wrote it",
      });
    }
    const { first, end } = shardRange(summary.fleetDevices, shard);
    holds += end - first;
  }
  const most = summary.only?.length ?? holds;
  if (summary.devices > most) {
    throw new InputError(`says ${summary.devices} devices ran, but ${summary.only ? `it re-ran ${most} (only)` : `its shards (${summary.shards.join(", ")}) hold ${most} of the fleet's ${summary.fleetDevices}`}`, {
      where: file,
      hint: "give the --json output of aosp-sim fleet as it wrote it",
    });
  }
  const byReason = Object.values(summary.failedByReason).reduce((sum, n) => sum + n, 0);
  if (byReason !== summary.failed) {
    throw new InputError(`says ${summary.failed} devices failed, but its failures by reason add up to ${byReason}`, {
      where: file,
      hint: "give the --json output of aosp-sim fleet as it wrote it: every failed device has its reason",
    });
  }
  // The schema says each histogram is a string; whether it decodes is checked here, before the
  // merge adds it up (before, a damaged one ended merge-reports with "internal error").
  for (const clock of ["wall", "device"] as const) {
    for (const [phase, text] of Object.entries(summary.histograms[clock])) {
      const problem = text === undefined ? null : encodingProblem(text);
      if (problem !== null) {
        throw new InputError(`histograms.${clock}.${phase} is not an HdrHistogram in compressed base64 (${problem})`, {
          where: file,
          hint: "give the --json output of aosp-sim fleet as it wrote it: the histograms are what the merge adds up",
        });
      }
    }
  }
  return summary;
}
