/**
 * Why SQLite cannot write the service's database file, said so that the fix is plain: the file, its folder (where
 * SQLite makes its -wal and -shm files) or a -wal/-shm file an earlier run left, or the file
 * system itself. SQLite says only "attempt to write a readonly database" or "unable to open
 * database file" for all of them.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** A refusal to write, and what to do about it. */
export interface ReadOnlyReason {
  problem: string;
  hint: string;
}

/** The files SQLite keeps beside a database in WAL mode. */
export function sideFiles(file: string): string[] {
  return [`${file}-wal`, `${file}-shm`];
}

/**
 * The first of the file, its folder and its side files that cannot be written, and why; null
 * when all can. The fix names the file as its caller gave it: `option` (`--db`, or `dbFile`).
 */
export function readOnlyReason(file: string, option: string): ReadOnlyReason | null {
  const folder = dirname(resolve(file));
  const candidates: { path: string; what: string }[] = [
    { path: file, what: "the file" },
    { path: folder, what: `its folder ${folder} (SQLite writes the database's -wal and -shm files there)` },
    ...sideFiles(file)
      .filter((side) => existsSync(side))
      .map((side) => ({ path: side, what: `${side}, left beside it by an earlier run,` })),
  ];
  for (const { path, what } of candidates) {
    const code = writeRefusal(path);
    if (code === "EROFS") {
      return { problem: "it is on a read-only file system", hint: `give ${option} a path on a writable file system, or remount this one read-write` };
    }
    if (code !== null) {
      return {
        problem: `${what} is not writable`,
        hint: path === file ? `make it writable (chmod u+w), or copy it to a writable folder and give ${option} that path` : `make ${path} writable, or give ${option} a path in a writable folder`,
      };
    }
  }
  return null;
}

/** The errno code that refuses writing `path`, or null when it may be written. */
function writeRefusal(path: string): string | null {
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? null : (code ?? "EACCES");
  }
}
