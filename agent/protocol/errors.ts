/**
 * Errors that carry enough to help: what went wrong, where (a file, a key, a URL) and how to fix it.
 *
 * `InputError` means the tool could not read or use what it was given (a missing file, bytes
 * that are not an image, text that is not JSON). The CLI prints it as one line on stderr and
 * exits 2. A payload that parses but breaks a provisioning rule is not an InputError: that is a
 * finding (see agent/payload), and the CLI exits 1.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  /** What is wrong, without `where` ("no such file"): the CLI prints the two apart. */
  readonly problem: string;
  /** The file, URL, key or argument the problem is about. */
  readonly where: string | undefined;
  /** One sentence on how to fix it. */
  readonly hint: string | undefined;

  /**
   * `message` is `where: problem`, so that a library caller's test runner or log, which shows
   * only the message, still says which file or option is wrong.
   */
  constructor(problem: string, options: { where?: string; hint?: string; cause?: unknown } = {}) {
    super(options.where === undefined ? problem : `${options.where}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.problem = problem;
    this.where = options.where;
    this.hint = options.hint;
  }
}

/** True for Node's "no such file" family of errors. */
export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * A path that is a symbolic link leading back to itself, through other links or not (ELOOP):
 * Node's own words ("ELOOP: too many symbolic links encountered, open 'x'") name a system call,
 * and "check that the file exists" sends the user to look for a file that is there.
 */
export const SYMLINK_LOOP = {
  problem: "it is a symbolic link that leads round in a loop (back to itself, through other links or not)",
  hint: "point the link at a real file (`ls -l` shows where each link leads), or give the file's own path",
} as const;

/**
 * The InputError for a file that cannot be opened or read: missing, a directory, no permission,
 * or another I/O error. `expected` names what the path should be ("an image file"), for the
 * directory case; every command that reads a file says these the same way.
 */
export function fileReadError(error: unknown, path: string, expected: string, directoryHint = `pass ${expected}`): InputError {
  if (isNotFound(error)) return new InputError("no such file", { where: path, hint: "check the path and the current directory" });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EISDIR") return new InputError(`is a directory, not ${expected}`, { where: path, hint: directoryHint });
  if (code === "EACCES" || code === "EPERM") {
    return new InputError("cannot be read (permission denied)", { where: path, hint: "check the file's permissions" });
  }
  if (code === "ELOOP") return new InputError(`cannot be read: ${SYMLINK_LOOP.problem}`, { where: path, hint: SYMLINK_LOOP.hint });
  const message = error instanceof Error ? error.message : String(error);
  return new InputError(`cannot be read: ${message}`, { where: path, hint: "check that the file exists and is readable" });
}
