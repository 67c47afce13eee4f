/**
 * Making a folder and its missing parents (`mkdir -p`), and knowing beforehand whether that can
 * work, with the reason in words when it cannot.
 *
 * Node's own `mkdirSync(dir, { recursive: true })` is not used: procfs answers ENOENT to a
 * mkdir of a child that cannot exist (`/proc/x`), which Node's recursive walk reads as "the
 * parent is missing", so it makes the parent (`/proc`, EEXIST, fine), retries the child, gets
 * ENOENT again, and never returns (a busy loop inside one synchronous call: no timer can stop
 * it). The walk here goes one level at a time and gives up on the first level that fails.
 */
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, statSync, statfsSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { isNotFound } from "./errors.js";

export interface FolderProblem {
  /** The path at fault: the folder itself or the ancestor that stops it. */
  at: string;
  /** Node's error code, or the closest one (ENOTDIR for a file in the way). */
  code: string;
  /** What is wrong, in words, naming `at` ("/tmp/a is a file, not a folder"). */
  reason: string;
}

/**
 * Filesystems of the kernel's own (statfs f_type, from linux/magic.h) where a user's folder or
 * file can never be made, whatever the permission bits say to root.
 */
const KERNEL_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, "procfs"],
  [0x62656572, "sysfs"],
  [0x27e0eb, "cgroupfs"],
  [0x63677270, "cgroup2fs"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x1cd1, "devpts"],
]);

/**
 * Why `dir` cannot be made (or used) as a folder to write files in, found without creating
 * anything; null when it can. Looks at the nearest part of the path that exists: it must be a
 * folder, writable, and not on a kernel filesystem.
 */
export function folderProblem(dir: string): FolderProblem | null {
  let existing = resolve(dir);
  for (;;) {
    const found = inspect(existing);
    if (found === "missing") {
      const parent = dirname(existing);
      if (parent === existing) return { at: existing, code: "ENOENT", reason: `${existing} does not exist` };
      existing = parent;
      continue;
    }
    if (found !== "folder") return found;
    return writableProblem(existing);
  }
}

/**
 * `mkdir -p dir`, one level at a time; null when the folder exists or was made, else why not.
 * Stops at the first level that fails, so it returns promptly wherever the path points. `mode`
 * is the folder's own when it is made (its missing parents get the default).
 */
export function makeFolder(dir: string, mode?: number): FolderProblem | null {
  const path = resolve(dir);
  const found = inspect(path);
  if (found === "folder") return null;
  if (found !== "missing") return found;
  const parent = dirname(path);
  if (parent !== path) {
    const above = makeFolder(parent);
    if (above) return above;
  }
  try {
    mkdirSync(path, mode === undefined ? undefined : { mode });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    // Made meanwhile by someone else, as a folder: as good as made here.
    if (code === "EEXIST" && inspect(path) === "folder") return null;
    return writableProblem(parent) ?? { at: path, code, reason: `${path} cannot be made (${code})` };
  }
}

/** A path as a folder-to-be sees it: a folder, missing, or something in the way. */
function inspect(path: string): "folder" | "missing" | FolderProblem {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return "folder";
    return { at: path, code: "ENOTDIR", reason: `${path} is ${kindOf(stats)}, not a folder` };
  } catch (error) {
    if (!isNotFound(error)) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return { at: path, code, reason: `${path} cannot be looked at (${code})` };
    }
  }
  // stat follows links: a link to nothing reads as missing, yet mkdir would meet the link (EEXIST).
  try {
    if (lstatSync(path).isSymbolicLink()) {
      return { at: path, code: "ENOENT", reason: `${path} is a symbolic link to ${readlinkSync(path)}, which does not exist` };
    }
  } catch {
    // Truly missing.
  }
  return "missing";
}

/** What a path that is not a folder is, in a word or two ("a file", "a pipe"). */
function kindOf(stats: Stats): string {
  if (stats.isFile()) return "a file";
  if (stats.isFIFO()) return "a pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "neither a file nor a folder";
}

/** Why no folder or file can be made in the existing folder `dir`, or null. */
function writableProblem(dir: string): FolderProblem | null {
  const kernel = kernelFilesystem(dir);
  if (kernel) return { at: dir, code: "EPERM", reason: `${dir} is on ${kernel}, the kernel's own filesystem, where no folder or file can be made` };
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { at: dir, code, reason: code === "EROFS" ? `${dir} is on a read-only filesystem (EROFS)` : `${dir} is not writable (${code})` };
  }
}

/** The kernel filesystem `dir` is on, or null (also where statfs cannot say: not Linux, or no answer). */
function kernelFilesystem(dir: string): string | null {
  try {
    return KERNEL_FILESYSTEMS.get(Number(statfsSync(dir).type)) ?? null;
  } catch {
    return null;
  }
}
