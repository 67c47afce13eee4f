/**
 * `aosp-sim compare <a.json> <b.json>`: two enrollment summaries (`aosp-sim enroll --json`,
 * `aosp-sim emulator verify --json`) side by side: final state, device owner, apps and versions,
 * and the order of the major steps. Exit 0 when nothing that matters differs, 1 when something
 * does, 2 when a file cannot be read or is not a summary.
 */
import { counted } from "../protocol/counted.js";
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { readJsonFile } from "../protocol/text-file.js";
import { compareSummaries, type EnrollmentSummary } from "../report/compare.js";
import { action, EXIT_FAILED, EXIT_OK, out, printJson, printLine } from "./output.js";

/** Summaries are a few kilobytes; anything far larger is not one (and is read no further). */
export const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;
const SUMMARY_HINT = "give the output of `aosp-sim enroll --json` or `aosp-sim emulator verify --json`";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Compare two enrollment summaries (enroll --json, emulator verify --json): final state, device owner, apps, step order")
    .argument("<a>", "the first summary, e.g. from aosp-sim enroll --json")
    .argument("<b>", "the second summary, e.g. from aosp-sim emulator verify --json")
    .option("--json", "print {same, differences: [{field, a, b, matters, note}], steps: {a, b}}")
    .addHelpText("after", "\nExit: 0 nothing that matters differs, 1 something does, 2 a file is unreadable or not a summary.")
    .action(
      action(async (fileA: string, fileB: string, options: { json?: boolean }) => {
        const a = await readSummary(fileA);
        const b = await readSummary(fileB);
        const comparison = compareSummaries(a, b);
        if (options.json) {
          printJson({ a: fileA, b: fileB, ...comparison });
        } else {
          printLine(`a: ${fileA}`);
          printLine(`b: ${fileB}`);
          printLine(`  steps a   ${comparison.steps.a.join(" > ") || "-"}`);
          printLine(`  steps b   ${comparison.steps.b.join(" > ") || "-"}`);
          for (const d of comparison.differences) {
            const line = `  ${d.matters ? "differs" : "note   "}   ${d.field}: a ${d.a} | b ${d.b}${d.note ? ` (${d.note})` : ""}`;
            printLine(d.matters ? out.red(line) : out.dim(line));
          }
          const mattering = comparison.differences.filter((d) => d.matters).length;
          printLine(comparison.same ? out.green("same: final state, device owner, apps and step order agree") : out.red(`different: ${counted(mattering, "difference")} that ${mattering === 1 ? "matters" : "matter"}`));
        }
        return comparison.same ? EXIT_OK : EXIT_FAILED;
      }),
    );
}

/** Reads a summary file of any kind (pipes and devices too) no further than MAX_SUMMARY_BYTES. */
export async function readSummary(file: string): Promise<EnrollmentSummary> {
  const json = await readJsonFile(file, { noun: "an enrollment summary", expected: "a JSON summary", maxBytes: MAX_SUMMARY_BYTES, farMoreThan: "an enrollment summary (a few KB)", hint: SUMMARY_HINT });
  const problem = summaryProblem(json);
  if (problem) {
    throw new InputError(`is not an enrollment summary: ${problem}`, { where: file, hint: SUMMARY_HINT });
  }
  return json as EnrollmentSummary;
}

function summaryProblem(json: unknown): string | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return "it is not a JSON object";
  const s = json as Record<string, unknown>;
  if (typeof s["finalState"] !== "string") return "no finalState string";
  if (s["deviceOwner"] !== undefined && s["deviceOwner"] !== null && typeof s["deviceOwner"] !== "string") return "deviceOwner is not a string or null";
  const apps = s["apps"];
  if (!Array.isArray(apps) || !apps.every((a) => typeof a === "object" && a !== null && typeof a.package === "string" && typeof a.versionName === "string")) {
    return "apps is not a list of {package, versionName}";
  }
  if (!apps.every((a: { versionCode?: unknown }) => a.versionCode === undefined || Number.isInteger(a.versionCode))) return "an app's versionCode is not a whole number";
  const timeline = s["timeline"];
  if (!Array.isArray(timeline) || !timeline.every((e) => typeof e === "object" && e !== null && typeof e.state === "string")) {
    return "timeline is not a list of {state, ...}";
  }
  return null;
}
