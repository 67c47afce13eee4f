/**
 * `aosp-sim validate` over many inputs (a print run): files, folders and globs expanded to a
 * list, checked on every core with a worker-thread pool (tinypool), summed up in one table.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { Tinypool } from "tinypool";
import { InputError } from "../protocol/errors.js";
import { usableCores } from "../protocol/usable-cores.js";
import { countBySeverity, type RuleSetName } from "../payload/index.js";
import { errorDocument, inputLabel, out, printLine, type ErrorDocument } from "./output.js";
import { folderContents, type FolderContents } from "./folder-inputs.js";
import { readInput, STDIN_PAYLOAD_OR_IMAGE } from "./input.js";
import { formatFindings, validateInput, type ValidateOptions, type ValidateReport } from "./validate.js";

/** One input's outcome: its report, or why it could not be read. */
export interface BatchEntry {
  file: string;
  report: ValidateReport | null;
  error: ErrorDocument["error"] | null;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A glob pattern the shell left as it is (quoted, or matching nothing in a shell that passes
 * such a pattern on): it names no file of its own. `validate` expands it; `decode` says so.
 */
export async function isUnexpandedPattern(arg: string): Promise<boolean> {
  return isDynamicPattern(arg) && !(await exists(arg));
}

/** The same file however it is named (a link, another spelling); a missing one by its path. */
async function identity(file: string): Promise<string> {
  if (file === "-") return file;
  try {
    return await realpath(file);
  } catch {
    return resolve(file);
  }
}

/** What `expandInputs` found: the files to check, whether any argument was expanded, and what a folder held that is not checked. */
export interface ExpandedInputs {
  files: string[];
  expanded: boolean;
  skipped: FolderContents["skipped"];
}

/**
 * The files the arguments name, in order, each once: a folder is every regular file under it
 * (sorted; hidden entries skipped and listed, folder-inputs.ts), a glob (quoted, so the shell left
 * it) its matches (sorted), anything else itself (a missing file is reported when it is read).
 * A folder or glob that names nothing is an InputError: a print run that silently checks zero
 * codes would pass.
 */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const skipped: ExpandedInputs["skipped"] = [];
  let expanded = false;
  for (const arg of args) {
    if (arg === "-") {
      files.push(arg);
    } else if (await isDirectory(arg)) {
      expanded = true;
      const found = await folderContents(arg);
      if (found.files.length === 0) {
        const hidden = found.skipped.length === 0 ? "" : ` (only entries that are not checked: ${skippedList(found.skipped)})`;
        throw new InputError(`holds no image (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF) or payload (JSON, text, base64) files${hidden}`, {
          where: arg,
          hint: "pass the folder of the print run's images or payloads, or name a hidden file itself",
        });
      }
      files.push(...found.files);
      // A folder given twice (or inside another given) lists what it skips once.
      skipped.push(...found.skipped.filter((entry) => !skipped.some((s) => s.path === entry.path)));
    } else if (await isUnexpandedPattern(arg)) {
      expanded = true;
      const found = (await glob(arg, { onlyFiles: true, absolute: isAbsolute(arg) })).sort();
      if (found.length === 0) throw new InputError("matches no files", { where: arg, hint: "check the pattern and the current directory" });
      files.push(...found);
    } else {
      files.push(arg);
    }
  }
  // The same file named twice (by a folder and a glob, or through a symbolic link) is checked
  // once, as first named.
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const file of files) {
    const key = await identity(file);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(file);
  }
  if (unique.filter((f) => f === "-").length > 1) throw new InputError("stdin (-) can be given only once", { where: "-", hint: "pass - at most once" });
  return { files: unique, expanded, skipped };
}

/** Skipped entries in a few words: "a/.DS_Store (hidden), a/fifo (not a regular file)", the first ten. */
export function skippedList(skipped: ExpandedInputs["skipped"]): string {
  const shown = skipped.slice(0, 10).map((s) => `${s.path} (${s.why})`).join(", ");
  return skipped.length > 10 ? `${shown} and ${skipped.length - 10} more` : shown;
}

/** Reads and validates one input, turning unreadable input into an entry instead of a throw. */
export async function validateFile(file: string, options: ValidateOptions): Promise<BatchEntry> {
  try {
    return { file, report: await validateInput(await readInput(file, STDIN_PAYLOAD_OR_IMAGE("validate")), options), error: null };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { file, report: null, error: errorDocument(error).error };
  }
}

/**
 * Validates every file, on as many worker threads as there are cores (decoding an image is the
 * cost; one thread per core keeps both of this machine's cores busy). Stdin, and a single file,
 * are read in this thread. Entries come back in the files' order.
 */
export async function validateFiles(files: readonly string[], options: ValidateOptions): Promise<BatchEntry[]> {
  const threads = Math.min(usableCores(), files.length);
  if (threads <= 1 || files.includes("-")) {
    const entries: BatchEntry[] = [];
    for (const file of files) entries.push(await validateFile(file, options));
    return entries;
  }
  const pool = new Tinypool({
    filename: new URL("./validate-worker.js", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  try {
    return await Promise.all(files.map((file) => pool.run({ file, options }) as Promise<BatchEntry>));
  } finally {
    await pool.destroy();
  }
}

/** Exit code of a batch: 2 when an input could not be read, else 1 when one is invalid, else 0. */
export function batchExit(entries: readonly BatchEntry[]): number {
  if (entries.some((e) => e.error)) return 2;
  return entries.every((e) => e.report?.valid) ? 0 : 1;
}

function firstProblem(entry: BatchEntry): string {
  if (entry.error) return entry.error.message;
  const first = entry.report!.findings.find((f) => f.severity !== "info");
  return first ? first.rule : "";
}

/** The widest file column of the table; a longer name gets a line of its own above its row. */
const MAX_NAME_WIDTH = 60;

/** Characters as a terminal counts them (code points, not UTF-16 units), for padding. */
function displayLength(text: string): number {
  return [...text].length;
}

/**
 * The file cell of a row, padded to the column: a name too long for it is printed on a line of
 * its own first and the row's cell left blank, so the other columns stay aligned.
 */
function nameCell(name: string, width: number): string {
  if (displayLength(name) <= width) return name + " ".repeat(width - displayLength(name));
  printLine(name);
  return " ".repeat(width);
}

/** The summary table, then the failing findings of each invalid input, then one summary line. */
export function printBatch(entries: readonly BatchEntry[], ruleSet: RuleSetName, strict: boolean): void {
  const names = entries.map((e) => inputLabel(e.file));
  const width = Math.min(MAX_NAME_WIDTH, Math.max(4, ...names.map(displayLength)));
  printLine(out.bold(`${"file".padEnd(width)}  ${"result".padEnd(10)}  errors  warnings  info  first problem`));
  entries.forEach((entry, i) => {
    const name = nameCell(names[i]!, width);
    if (entry.error) {
      printLine(`${name}  ${out.red("unreadable".padEnd(10))}  ${"-".padStart(6)}  ${"-".padStart(8)}  ${"-".padStart(4)}  ${firstProblem(entry)}`);
      return;
    }
    const report = entry.report!;
    const c = countBySeverity(report.findings);
    const result = report.valid ? out.green("valid".padEnd(10)) : out.red("invalid".padEnd(10));
    printLine(`${name}  ${result}  ${String(c.error).padStart(6)}  ${String(c.warning).padStart(8)}  ${String(c.info).padStart(4)}  ${firstProblem(entry)}`);
  });
  for (const entry of entries) {
    if (entry.error) {
      printLine();
      printLine(`${out.bold(`== ${inputLabel(entry.file)}`)}: ${entry.error.message}${entry.error.fix ? `\n   fix: ${entry.error.fix}` : ""}`);
      continue;
    }
    if (entry.report!.valid) continue;
    printLine();
    printLine(out.bold(`== ${inputLabel(entry.file)}`));
    const failing = entry.report!.findings.filter((f) => f.severity === "error" || (strict && f.severity === "warning"));
    for (const block of formatFindings(failing, out)) printLine(block);
  }
  const valid = entries.filter((e) => e.report?.valid).length;
  const unreadable = entries.filter((e) => e.error).length;
  const invalid = entries.length - valid - unreadable;
  printLine();
  const counts = `${entries.length} inputs: ${valid} valid, ${invalid} invalid, ${unreadable} unreadable`;
  const line = `${counts} (${ruleSet} rules${strict ? ", strict" : ""})`;
  printLine(invalid + unreadable === 0 ? out.green(line) : out.red(line));
}
