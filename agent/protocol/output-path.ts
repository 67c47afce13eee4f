/**
 * Whether a file can be written at a path, found before the work that produces it: a fleet of
 * 100,000 devices or a recorded enrollment would otherwise run to its end and then lose its
 * report. The path must not be a folder, and the file (or, for a new file, its folder) must be
 * writable.
 *
 * Permission bits are not the whole answer: root passes every permission check, yet no file can
 * be made under /proc or /sys, and a folder's bits say nothing of a read-only mount seen through
 * a bind. So an existing file is opened for writing (without truncating it), and a new one is
 * created and removed again: the only trace is the file existing for that moment.
 */
import { accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, realpathSync, statSync, unlinkSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError, isNotFound, SYMLINK_LOOP } from "./errors.js";

export const WRITABLE_HINT = "give a path in a folder that exists and is writable";
const FILE_SIZE_LIMIT_HINT = "the file is larger than this process may write: raise the file-size limit (ulimit -f), or give a path on a file system that takes larger files";

/**
 * The InputError for a write that failed once the file was open: a full disk (ENOSPC, or a quota,
 * EDQUOT) is not a path to change, so its hint says to free space, and a file-size limit (EFBIG)
 * says so; anything else gets WRITABLE_HINT. `saying` starts the problem, e.g. "cannot write the JUnit report".
 */
export function writeFailed(error: unknown, path: string, saying: string): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const full = code === "ENOSPC" || code === "EDQUOT";
  const message = error instanceof Error ? error.message : String(error);
  // EFBIG: larger than the process may write (a shell's `ulimit -f`, or the file system's own limit).
  const hint = full ? "free some space on that disk, or give a path on another" : code === "EFBIG" ? FILE_SIZE_LIMIT_HINT : WRITABLE_HINT;
  return new InputError(`${saying}: ${message}`, { where: path, hint, cause: error });
}

export interface Unwritable {
  /** What is wrong, e.g. "this is a folder", "its folder /x does not exist". */
  problem: string;
  hint: string;
}

/** Why no file can be written at `path`, or null when one can; `exampleName` names a file in the folder's hint. */
export function unwritableReason(path: string, exampleName: string): Unwritable | null {
  let isFolder = false;
  let exists = true;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return { ...SYMLINK_LOOP };
    if (!isNotFound(error)) return { problem: (error as Error).message, hint: WRITABLE_HINT };
    exists = false;
  }
  if (isFolder) {
    // The folder as given, without its trailing slashes ("/" stays "/").
    const folder = path.replace(/[\\/]+$/, "") || path;
    return { problem: "this is a folder", hint: `name a file in it, e.g. ${folder}${/[\\/]$/.test(folder) ? "" : "/"}${exampleName}` };
  }
  const target = exists ? path : dirname(resolve(path));
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? `its folder ${target} does not exist` : `${target} is not writable (${code ?? String(error)})`;
    return { problem, hint: WRITABLE_HINT };
  }
  return exists ? openFails(path) : createFails(path, target);
}

/** An existing file that cannot be opened for writing (kept as it is: no truncation). */
function openFails(path: string): Unwritable | null {
  try {
    closeSync(openSync(path, "r+"));
    return null;
  } catch (error) {
    return { problem: `it cannot be opened for writing (${errorCode(error)})`, hint: WRITABLE_HINT };
  }
}

/** A new file that cannot be created in its folder; one that can is removed again at once. */
function createFails(path: string, folder: string): Unwritable | null {
  try {
    closeSync(openSync(path, "wx"));
  } catch (error) {
    // Made meanwhile by someone else: it can be written as well as anything here can.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return null;
    return { problem: `no file can be created in ${folder} (${errorCode(error)})`, hint: WRITABLE_HINT };
  }
  try {
    unlinkSync(path);
  } catch {
    // Created but not removable: an empty file is left, which the work will overwrite.
  }
  return null;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Throws when no file can be written at `path`: `${saying}: ${problem}` (e.g. "cannot write the
 * HTML report: this is a folder"), with the fix, named by the path.
 */
export function refuseUnwritable(path: string, exampleName: string, saying: string): void {
  const unwritable = unwritableReason(path, exampleName);
  if (unwritable) throw new InputError(`${saying}: ${unwritable.problem}`, { where: path, hint: unwritable.hint });
}

/**
 * Whether two paths name one file: the same path, a link to it (either may not exist yet), or
 * another name of the same file on disk (a hard link: the same device and inode).
 */
export function samePath(a: string, b: string): boolean {
  const sa = statOrNull(a);
  const sb = statOrNull(b);
  if (sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino) return true;
  const real = (path: string, links = 0): string => {
    try {
      return realpathSync(path);
    } catch {
      // A link to a file not there yet is that file; a path not there yet, its folder's real path and its name.
      try {
        if (links < 40 && lstatSync(path).isSymbolicLink()) return real(resolve(dirname(path), readlinkSync(path)), links + 1);
      } catch {
        // not there at all
      }
      try {
        return join(realpathSync(dirname(resolve(path))), basename(path));
      } catch {
        return resolve(path);
      }
    }
  };
  return real(a) === real(b);
}

/**
 * Whether `path` is the file this process's standard output goes to (`cmd --json > out.json`):
 * a report written there would replace the output. `stdoutFd` is 1 unless a test gives its own.
 */
export function isStdoutFile(path: string, stdoutFd = 1): boolean {
  let out: Stats;
  try {
    out = fstatSync(stdoutFd);
  } catch {
    return false;
  }
  if (!out.isFile()) return false;
  const file = statOrNull(path);
  return file !== null && file.dev === out.dev && file.ino === out.ino;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** A file a command writes, as its option names it. */
export interface OutputFile {
  /** The option that names it, e.g. "--transcript", "-o". */
  option: string;
  path: string;
  /** What it is, in words: "transcript", "HTML page", "PNG". */
  what: string;
  /** A file name for the fix, e.g. "enrollment.jsonl". */
  example: string;
  /** Whether "-" names stdout (said in the fix for an empty name). */
  stdout?: boolean;
}

/** A file the command reads, and what it is: "payload", "transcript", "scenario". */
export interface InputFile {
  path: string;
  what: string;
}

/**
 * Refuses an empty name given for a file or folder a command writes, naming the option (`--transcript ""`,
 * a shell variable that was not set): before, it was refused as "no file can be created in"
 * the current folder, naming neither, and an empty --device-dir was the current folder.
 */
export function refuseEmptyName(path: string, where: string, kind: "file" | "folder", hint: string): void {
  if (path === "") throw new InputError(`the ${kind} name is empty`, { where, hint });
}

/**
 * Checks a file a command will write, before the work: it has a name, and it is none of the
 * files the command reads (`inputs`). Whether it can be written is refuseUnwritable's question.
 */
export function checkOutputFile(output: OutputFile, inputs: readonly InputFile[] = []): void {
  const orStdout = output.stdout ? ", or - for stdout" : "";
  refuseEmptyName(output.path, output.option, "file", `name the ${output.what} file to write (e.g. ${output.option} ${output.example})${orStdout}`);
  refuseOverwritingInput(output, inputs);
  // Every command that writes such a file also prints to stdout (its timeline, its JSON, "wrote
  // q.png"): `enroll --transcript t.jsonl > t.jsonl` wove the two into one unreadable file.
  refuseStdoutFile(output.option, output.path, `the ${output.what} and the output would be written into each other`,
    `give the ${output.what} a file of its own, e.g. ${output.option} ${output.example}${output.stdout ? `, or ${output.option} - for the ${output.what} alone on stdout` : ""}`);
}

/**
 * Refuses an output `path` that is the file standard output goes to (`fleet --json --junit
 * out.json > out.json`); `consequence` says what writing both would do. "-" is stdout itself.
 */
export function refuseStdoutFile(option: string, path: string, consequence: string, hint: string): void {
  if (path === "-" || !isStdoutFile(path)) return;
  throw new InputError(`is the file this command's output goes to (its standard output) too: ${consequence}`, { where: `${option} ${path}`, hint });
}

/**
 * Refuses an output file that is one of the files the command reads (another spelling, a
 * symbolic or hard link): writing it would replace that input (`enroll pl.json --transcript
 * pl.json` replaced the payload with a transcript). "-" (stdin, stdout) is no file.
 */
function refuseOverwritingInput(output: OutputFile, inputs: readonly InputFile[]): void {
  if (output.path === "-") return;
  const input = inputs.find((file) => file.path !== "-" && samePath(file.path, output.path));
  if (input === undefined) return;
  throw new InputError(`is the ${input.what} ${input.path} too: the ${output.what} would replace it`, {
    where: `${output.option} ${output.path}`,
    hint: `give the ${output.what} a file of its own, e.g. ${output.option} ${output.example}`,
  });
}
