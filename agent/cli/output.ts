/**
 * Output conventions shared by every command (the README's CLI conventions):
 * - `--json` prints one JSON document on stdout and nothing else there;
 * - human text goes to stdout only without `--json`; diagnostics go to stderr;
 * - colour only on a terminal, never when NO_COLOR is set (https://no-color.org).
 */
import { InputError } from "../protocol/errors.js";
import { printable } from "../protocol/printable.js";

export const EXIT_OK = 0;
/** The check or run failed: invalid payload, enrollment failed, thresholds missed. */
export const EXIT_FAILED = 1;
/** Usage error or unreadable input. */
export const EXIT_USAGE = 2;

export interface Styles {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

function colourEnabled(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  if (process.env["FORCE_COLOR"] !== undefined && process.env["FORCE_COLOR"] !== "0") return true;
  return stream.isTTY === true;
}

function makeStyles(enabled: boolean): Styles {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Styles for text written to stdout. */
export const out: Styles = makeStyles(colourEnabled(process.stdout));
/** Styles for text written to stderr. */
export const err: Styles = makeStyles(colourEnabled(process.stderr));

/** How messages name standard input. */
export const STDIN_LABEL = "<stdin>";

/** How messages name an input argument: its path, or STDIN_LABEL for "-". */
export function inputLabel(file: string): string {
  return file === "-" ? STDIN_LABEL : file;
}

/**
 * What a failed write to stdout or stderr does (main() listens with it). Stdout's reader gone
 * (EPIPE: `aosp-sim run s.json | head -1`) ends nothing: what is written after that is dropped,
 * and the command finishes its work and exits with its own code, so a failed run piped to `head`
 * under `pipefail` still fails (ending at once with the code it had so far exited 0 for a run that
 * had no verdict yet). Any other stdout failure (ENOSPC: stdout is a full disk) is one line on
 * stderr and exit 2, never an uncaught error with a stack trace. A failed stderr ends nothing
 * either: it carries progress and notices, while the run's results go to stdout and report files
 * (a fleet whose `2>&1 | head -c 5` reader left exited 0 mid-run, its summary and JUnit never
 * written, and a `serve` stopped); what is written to it after that is lost.
 */
export function outputErrorHandler(
  name: "stdout" | "stderr",
  exit: (code: number) => void = (code) => process.exit(code),
): (error: NodeJS.ErrnoException) => void {
  return (error) => {
    if (name === "stderr" || readerGone(error)) return;
    const why = error.code && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message;
    try {
      process.stderr.write(`${err.red("aosp-sim:")} stdout: cannot write (${printable(why.replace(/, write$/, ""))})\n`);
    } catch {
      // stderr is gone too: the exit code still says it failed.
    }
    exit(EXIT_USAGE);
  };
}

/**
 * Whether a write failed only because nobody reads the stream any more: its reader left (EPIPE),
 * or it was closed by that earlier failure. The output is dropped; the command goes on.
 */
export function readerGone(error: NodeJS.ErrnoException): boolean {
  return error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED";
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * True when the command's parsed options ask for JSON: --json, or validate's --format json
 * (commander passes the Command last).
 */
function wantsJson(args: readonly unknown[]): boolean {
  const command = args[args.length - 1] as { opts?: () => Record<string, unknown>; name?: () => string } | undefined;
  if (typeof command?.opts !== "function") return false;
  const opts = command.opts();
  return opts["json"] === true || (command.name?.() === "validate" && opts["format"] === "json");
}

/**
 * What a `--json` run prints on stdout when it fails before it has a report: one document,
 * `{"error": {kind, message, where, fix}}`, so a script reading stdout always gets JSON.
 * `kind` is "usage" (the command line), "input" (what it was given) or "internal".
 */
export interface ErrorDocument {
  error: { kind: "usage" | "input" | "internal"; message: string; where: string | null; fix: string | null };
}

export function errorDocument(error: unknown, kind?: "usage"): ErrorDocument {
  if (error instanceof InputError) {
    return { error: { kind: kind ?? "input", message: error.problem, where: error.where ?? null, fix: error.hint ?? null } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: { kind: "internal", message, where: null, fix: "set AOSP_SIM_DEBUG=1 to see where it happened" } };
}

/**
 * Formats an InputError as the one line (plus an optional fix line) the CLI prints; `label`
 * starts the line (a warning's is "aosp-sim: warning:").
 */
export function formatInputError(error: InputError, label = err.red("aosp-sim:")): string {
  const where = error.where ? `${printable(error.where)}: ` : "";
  const fix = error.hint ? `\n  ${err.dim("fix:")} ${printable(error.hint)}` : "";
  return `${label} ${where}${printable(error.problem)}${fix}`;
}

/**
 * Wraps a command's action so that every failure ends as a clear line on stderr and the right
 * exit code, never as a stack trace. Set AOSP_SIM_DEBUG=1 to see the stack of an unexpected error.
 */
export function action<Args extends unknown[]>(
  run: (...args: Args) => Promise<number | void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      const code = await run(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (error) {
      process.exitCode = reportError(error, { json: wantsJson(args) });
    }
  };
}

/**
 * Prints an error the way the CLI does and returns the exit code it deserves. With `json`, the
 * error is also printed on stdout as an ErrorDocument.
 */
export function reportError(error: unknown, options: { json?: boolean; kind?: "usage" } = {}): number {
  if (options.json) printJson(errorDocument(error, options.kind));
  if (error instanceof InputError) {
    printError(formatInputError(error));
    return EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  printError(`${err.red("aosp-sim: internal error:")} ${message}`);
  if (process.env["AOSP_SIM_DEBUG"] && error instanceof Error && error.stack) {
    printError(error.stack);
  } else {
    printError(err.dim("  (set AOSP_SIM_DEBUG=1 to see where it happened)"));
  }
  return EXIT_USAGE;
}
