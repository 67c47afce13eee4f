/**
 * `aosp-sim compare <a.json> <b.json>`: two enrollment summaries (`aosp-sim enroll --json`,
 * `aosp-sim emulator verify --json`) side by side: final state, device owner, apps and versions,
 * and the order of the major steps. Exit 0 when nothing that matters differs, 1 when something
 * does, 2 when a file cannot be read or is not a summary.
 */
import { counted } from "../protocol/counted.js";
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { parsedJson, readTextFile } from "../protocol/text-file.js";
import { compareSummaries, type EnrollmentSummary } from "../report/compare.js";
import { action, EXIT_FAILED, EXIT_OK, out, printJson, printLine } from "./output.js";

/** Summaries are a few kilobytes; anything far larger is not one (and is read no further). */
export const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;
const SUMMARY_HINT = "give the output of `aosp-sim enroll --json` or `aosp-sim emulator verify --json`";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Compare two enrollment summaries (enroll --json, emulator verify --json): final state, failure, device owner, apps, step order")
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
          printLine(comparison.same ? out.green("same: final state, failure, device owner, apps and step order agree") : out.red(`different: ${counted(mattering, "difference")} that ${mattering === 1 ? "matters" : "matter"}`));
        }
        return comparison.same ? EXIT_OK : EXIT_FAILED;
      }),
    );
}

/** Reads a summary file of any kind (pipes and devices too) no further than MAX_SUMMARY_BYTES. */
export async function readSummary(file: string): Promise<EnrollmentSummary> {
  const kind = { noun: "an enrollment summary", expected: "a JSON summary", maxBytes: MAX_SUMMARY_BYTES, farMoreThan: "an enrollment summary (a few KB)", hint: SUMMARY_HINT };
  const text = await readTextFile(file, kind);
  refuseTranscript(text, file);
  const json = parsedJson(text, file, kind);
  const problem = summaryProblem(json);
  if (problem) {
    throw new InputError(`is not an enrollment summary: ${problem}`, { where: file, hint: SUMMARY_HINT });
  }
  return json as EnrollmentSummary;
}

/**
 * A transcript (the JSON lines a ticket carries, `enroll --transcript`) is not a summary: JSON.parse
 * stopped at its second line ("Unexpected non-whitespace character after JSON"), which said
 * nothing of what the file is or what compare takes instead.
 */
function refuseTranscript(text: string, file: string): void {
  const firstLine = text.replace(/^\uFEFF/, "").trimStart().split("\n", 1)[0]!;
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    return;
  }
  const format = (first as { type?: unknown; format?: unknown } | null)?.format;
  if ((first as { type?: unknown } | null)?.type !== "start" || typeof format !== "string" || !format.startsWith("aosp-sim-transcript/")) return;
  throw new InputError(`is a transcript (${format}), not an enrollment summary: compare takes the --json summaries of enroll, run or emulator verify`, {
    where: file,
    hint: "give the output of `aosp-sim enroll --json` (or `run --json`) of each run; a transcript is read by `aosp-sim show` and `aosp-sim replay`",
  });
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
  const failure = s["failure"];
  if (failure !== undefined && failure !== null) {
    const f = failure as Record<string, unknown>;
    if (typeof failure !== "object" || Array.isArray(failure) || typeof f["code"] !== "string") return "failure is not null or a {code, ...}";
    if (!["screen", "step"].every((key) => f[key] === undefined || typeof f[key] === "string")) return "failure's screen or step is not a string";
  }
  const timeline = s["timeline"];
  if (!Array.isArray(timeline) || !timeline.every((e) => typeof e === "object" && e !== null && typeof e.state === "string")) {
    return "timeline is not a list of {state, ...}";
  }
  return null;
}
