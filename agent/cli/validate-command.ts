/**
 * `aosp-sim validate <input>... [--json] [--format human|json|sarif] [--strict]
 *  [--rules android|intune-aosp] [--conventions FILE]`: registers the command.
 *
 * One input (a file or -): the full report (validate.ts), one JSON object with --json.
 * Several inputs, a folder or a glob: a summary table, one JSON array with --json
 * (validate-batch.ts). `--format sarif`: one SARIF log either way (validate-sarif.ts).
 * Exit 0 all valid, 1 one is invalid, 2 one cannot be read (or a usage error).
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { addConventionsOption, conventionsOption } from "./conventions-option.js";
import { readInput, refuseEmptyFileArguments, STDIN_PAYLOAD_OR_IMAGE } from "./input.js";
import { counted } from "../protocol/counted.js";
import { EXIT_FAILED, EXIT_OK, action, err, formatInputError, printError, printJson } from "./output.js";
import { parseRuleSet, printReport, validateInput, type ValidateOptions } from "./validate.js";
import { batchExit, expandInputs, printBatch, skippedList, validateFile, validateFiles, type BatchEntry } from "./validate-batch.js";
import { sarifFailureLog, sarifLog } from "./validate-sarif.js";

type Format = "human" | "json" | "sarif";

interface ValidateFlags {
  json?: boolean;
  format?: string;
  strict?: boolean;
  rules: string;
  conventions?: string;
}

function parseFormat(flags: ValidateFlags): Format {
  const format = flags.format ?? (flags.json ? "json" : "human");
  if (format !== "human" && format !== "json" && format !== "sarif") {
    throw new InputError(`unknown format "${format}"`, { where: "--format", hint: "use --format human, json or sarif" });
  }
  if (flags.json && format !== "json") {
    throw new InputError("ask for two documents on stdout", { where: `--json and --format ${format}`, hint: `drop --json or --format ${format}` });
  }
  return format;
}

/** The JSON array element of an input that could not be read. */
function unreadableElement(entry: BatchEntry): object {
  return { valid: false, source: { kind: null, file: entry.file, bytes: null, field: null }, qr: null, payload: null, findings: [], error: entry.error };
}

/**
 * Runs the command; under `--format sarif`, a failure before the report (a glob matching
 * nothing, an empty folder, a bad option value) still prints a SARIF log on stdout, as `--json`
 * prints its error document, and then ends as every failure does (stderr line, exit 2).
 */
async function validate(inputs: string[], flags: ValidateFlags): Promise<number> {
  try {
    return await validateRun(inputs, flags);
  } catch (error) {
    if (flags.format === "sarif" && !flags.json) printJson(sarifFailureLog(error));
    throw error;
  }
}

async function validateRun(inputs: string[], flags: ValidateFlags): Promise<number> {
  refuseEmptyFileArguments("validate", inputs, "each payload, image or folder", "aosp-sim validate payload.json");
  const ruleSet = parseRuleSet(flags.rules);
  const format = parseFormat(flags);
  const strict = flags.strict ?? false;
  const conventions = await conventionsOption(flags.conventions, ruleSet);
  const options: ValidateOptions = { rules: ruleSet, strict, ...(conventions ? { conventions } : {}) };
  const { files, expanded, skipped } = await expandInputs(inputs);
  // What a folder held and is not checked is said, never dropped: a run that checks 1 of 6 files passes.
  if (skipped.length > 0) {
    const notChecked = new InputError(`${counted(skipped.length, "entry", "entries")} of the folders given not checked: ${skippedList(skipped)}`, {
      hint: "to check such a file, name it itself; a folder skips hidden entries and what is not a regular file",
    });
    printError(formatInputError(notChecked, err.yellow("aosp-sim: warning:")));
  }

  if (files.length === 1 && !expanded && format !== "sarif") {
    const report = await validateInput(await readInput(files[0]!, STDIN_PAYLOAD_OR_IMAGE("validate")), options);
    if (format === "json") printJson(report);
    else printReport(report, ruleSet, strict);
    return report.valid ? EXIT_OK : EXIT_FAILED;
  }
  const entries = files.length === 1 ? [await validateFile(files[0]!, options)] : await validateFiles(files, options);
  if (format === "sarif") printJson(sarifLog(entries));
  else if (format === "json") printJson(entries.map((e) => e.report ?? unreadableElement(e)));
  else printBatch(entries, ruleSet, strict);
  return batchExit(entries);
}

export function registerValidate(program: Command): void {
  const command = program
    .command("validate")
    // The list of commands shows one line; this command's own --help shows the whole description.
    .summary("Check provisioning QR codes (images) or payloads (JSON, a Graph enrollment profile, base64; - for stdin) the way a device reads them.")
    .description(
      "Check provisioning QR codes (images) or payloads (JSON, a Graph enrollment profile, base64; - for stdin) the way a device reads them.\n" +
        "Exit 0 valid, 1 invalid (findings), 2 unreadable input or usage error.",
    )
    .argument("<inputs...>", "images of QR codes, payload JSON files, Graph profile JSON, base64 payloads, folders or quoted globs; - for stdin")
    .option("--json", "print JSON: one {valid, source, qr, payload, findings} for one input, an array of them for several")
    .option("--format <format>", "human (default), json (as --json) or sarif (SARIF 2.1.0, for code-scanning tools)")
    .option("--strict", "treat warnings as failures too")
    .option("--rules <set>", "rule set: android (Android's own rules) or intune-aosp (adds the Intune conventions)", "android");
  addConventionsOption(command).action(action(validate));
}
