/**
 * Writes a report, page or image whole, or leaves the file as it was. Writing over the file in
 * place empties it first: a disk that fills, a quota or a file-size limit met half-way left last
 * night's good JUnit report (or QR code) replaced by a cut-off one, which a CI system then reads.
 * So the bytes go to a new file beside it, flushed, and that file is renamed over the old one (a
 * rename within one folder replaces a file at once, never in part).
 *
 * A path that is no regular file (a terminal, a pipe, /dev/null, /dev/full) is written in place:
 * renaming over it would replace the device node. A symbolic link is written through, as a plain
 * write would (the file it points to is replaced, the link kept). Where no new file can be made
 * beside it (a folder the user cannot write holding a file they can), it is written in place too.
 */
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { isNotFound } from "./errors.js";
import { OWNER_ONLY_FILE, openOwnerOnly } from "./owner-only.js";

export interface ReplaceFileOptions {
  /** A file of secrets (an enrollment QR code): readable by its owner alone (owner-only.ts). */
  ownerOnly?: boolean;
}

/** Writes `data` to `path` whole or not at all (see above); throws the write's error, the old file intact. */
export function replaceFile(path: string, data: Uint8Array | string, options: ReplaceFileOptions = {}): void {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const target = realTarget(path);
  const existing = statOrNull(target);
  if (target === null || (existing !== null && !existing.isFile())) {
    writeInPlace(path, bytes, options);
    return;
  }
  // A new file's mode passes through the umask, as a plain write's would; an old file keeps its own.
  const mode = options.ownerOnly ? OWNER_ONLY_FILE : existing === null ? 0o666 : existing.mode & 0o7777;
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(temporary, "wx", mode);
  } catch (error) {
    if (!cannotCreate(error)) throw error;
    writeInPlace(path, bytes, options);
    return;
  }
  try {
    try {
      if (existing !== null && !options.ownerOnly) fchmodSync(fd, mode);
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed, or already gone: nothing to tidy.
    }
    throw error;
  }
}

/**
 * The file `path` names once its links are followed, or `path` for a new file; null for a link
 * that leads nowhere (written in place: the plain write creates the file the link names).
 */
function realTarget(path: string): string | null {
  try {
    return realpathSync(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      return lstatSync(path).isSymbolicLink() ? null : path;
    } catch {
      // Neither the file nor a link: a new file at `path`.
      return path;
    }
  }
}

function statOrNull(path: string | null): Stats | null {
  if (path === null) return null;
  try {
    return statSync(path);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** A folder where no new file can be made, though the file in it may be writable. */
function cannotCreate(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM" || code === "EROFS";
}

function writeInPlace(path: string, bytes: Uint8Array, options: ReplaceFileOptions): void {
  const fd = options.ownerOnly ? openOwnerOnly(path) : openSync(path, "w");
  try {
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** writeSync may write less than asked (a full pipe); the rest follows. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
}
