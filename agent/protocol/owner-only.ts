/**
 * Files that hold secrets (enrollment tokens, Wi-Fi keys, passwords, device credentials) are
 * made readable and writable by their owner alone, as ssh does its keys: on a shared lab
 * machine another account must not read them. The modes pass through the umask, which can only
 * narrow them further.
 */
import { closeSync, fchmodSync, fstatSync, openSync } from "node:fs";

/** rw------- : a file of secrets. SQLite gives a database's -wal and -shm files its mode. */
export const OWNER_ONLY_FILE = 0o600;
/** rwx------ : a folder of such files. */
export const OWNER_ONLY_FOLDER = 0o700;

/**
 * Opens `path` for writing (created, or emptied) as a file only its owner can read; returns its
 * descriptor. An existing regular file is narrowed to that mode too (open's mode applies only to
 * a file it creates); a terminal, pipe or /dev/null given as the path keeps its own.
 */
export function openOwnerOnly(path: string): number {
  const fd = openSync(path, "w", OWNER_ONLY_FILE);
  try {
    if (fstatSync(fd).isFile()) fchmodSync(fd, OWNER_ONLY_FILE);
  } catch (error) {
    // Another account's file we may write but not chmod (group-writable): written as it is.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}
