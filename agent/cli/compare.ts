/**
 * `aosp-sim compare <a.json> <b.json>`: two enrollment summaries (`aosp-sim enroll --json`,
 * `aosp-sim emulator verify --json`) side by side: final state, device owner, apps and versions,
 * and the order of the major steps. Exit 0 when nothing that matters differs, 1 when something
 * does, 2 when a file cannot be read or is not a summary.
 */
import { counted } from "../protocol/counted.js";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { fileReadError, InputError } from "../protocol/errors.js";
import { notJsonProblem } from "../protocol/json-text.js";
import { compareSummaries, type EnrollmentSummary } from "../report/compare.js";
import { action, EXIT_FAILED, EXIT_OK, out, printJson, printLine } from "./output.js";

/** Summaries are a few kilobytes; anything far larger is not one. */
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

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
        const a = readSummary(fileA);
        const b = readSummary(fileB);
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

function readSummary(file: string): EnrollmentSummary {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_SUMMARY_BYTES) throw new InputError("is too large to be an enrollment summary", { where: file });
    text = bytes.toString("utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileReadError(error, file, "a JSON summary");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(notJsonProblem(text, error), { where: file, hint: "give the output of `aosp-sim enroll --json` or `aosp-sim emulator verify --json`" });
  }
  const problem = summaryProblem(json);
  if (problem) {
    throw new InputError(`is not an enrollment summary: ${problem}`, { where: file, hint: "give the output of `aosp-sim enroll --json` or `aosp-sim emulator verify --json`" });
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
