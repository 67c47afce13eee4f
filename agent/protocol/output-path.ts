/**
 * Whether a file can be written at a path, found before the work that produces it: a fleet of
 * 100,000 devices or a recorded enrollment would otherwise run to its end and then lose its
 * report. The path must not be a folder, and the file (or, for a new file, its folder) must be
 * writable. Nothing is created.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError, isNotFound } from "./errors.js";

export const WRITABLE_HINT = "give a path in a folder that exists and is writable";

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
  return null;
}

/**
 * Throws when no file can be written at `path`: `${saying}: ${problem}` (e.g. "cannot write the
 * HTML report: this is a folder"), with the fix, named by the path.
 */
export function refuseUnwritable(path: string, exampleName: string, saying: string): void {
  const unwritable = unwritableReason(path, exampleName);
  if (unwritable) throw new InputError(`${saying}: ${unwritable.problem}`, { where: path, hint: unwritable.hint });
}
