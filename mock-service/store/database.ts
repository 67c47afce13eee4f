/**
 * Opens the service's SQLite database (better-sqlite3) and brings its schema up to date.
 *
 * Durability: with a file, the journal is WAL and `synchronous = FULL`, so a write is on disk
 * (fsync of the WAL) before the statement returns, and the HTTP answer is only sent after that:
 * every acknowledged write survives a kill -9. `:memory:` (the default) keeps nothing.
 */
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { InputError } from "../../agent/protocol/errors.js";
import { unwritableReason } from "../../agent/protocol/output-path.js";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

export const MEMORY_DB = ":memory:";

/** Runs `work` in one transaction (one fsync); a call inside another becomes a savepoint. */
export type Transaction = <T>(work: () => T) => T;

/**
 * The database's transaction runner, built once. better-sqlite3's `db.transaction(fn)` builds
 * five wrapper functions each time it is called: per request (a check-in records its sync in a
 * transaction) that cost as much as the statements themselves.
 */
export function transactionRunner(db: Db): Transaction {
  const run = db.transaction((work: () => unknown) => work());
  return <T>(work: () => T): T => run(work) as T;
}

/** What a path names when it is neither a file nor a folder (SQLite said "disk I/O error" of a named pipe). */
function specialKind(file: string): string | null {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return null;
  }
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return null;
}

export function openDatabase(file: string = MEMORY_DB): Db {
  const special = file === MEMORY_DB ? null : specialKind(file);
  if (special !== null) {
    throw new InputError(`cannot open the database: this is ${special}, not a file`, { where: file, hint: "give --db a regular file, or a new file's path, e.g. ./state.db" });
  }
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    // SQLite says only "unable to open database file": a folder given as the file, or a folder
    // that does not exist, is said in words.
    const unwritable = file === MEMORY_DB ? null : unwritableReason(file, "state.db");
    throw new InputError(`cannot open the database: ${unwritable?.problem ?? messageOf(error)}`, {
      where: file,
      hint: unwritable?.hint ?? "give --db a path in an existing, writable folder",
      cause: error,
    });
  }
  try {
    db.pragma("foreign_keys = ON");
    // A second process on the same file waits briefly instead of failing at once.
    db.pragma("busy_timeout = 5000");
    if (file !== MEMORY_DB) {
      // Both only read: another program's database is refused before anything is written to it.
      checkIntegrity(db, file);
      refuseForeign(db, file);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    migrate(db);
  } catch (error) {
    db.close();
    throw databaseError(error, file);
  }
  return db;
}

/** What openDatabase throws when SQLite refuses the file: read-only said as such, with what to make writable. */
export function databaseError(error: unknown, file: string): InputError {
  if (error instanceof InputError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const readOnly = typeof code === "string" && code.startsWith("SQLITE_READONLY");
  return new InputError(`cannot use the database: ${messageOf(error)}`, {
    where: file,
    hint: readOnly
      ? "make the file writable, and its folder (SQLite writes its -wal and -shm files beside it)"
      : "--db must name an aosp-sim database or a new file",
    cause: error,
  });
}

/** Tables every aosp-sim database has had since its first migration. */
const FIRST_TABLES = ["tenant", "users", "profiles", "tokens", "devices"];

/**
 * Refuses a file that is not an aosp-sim database before anything is written to it: it would
 * otherwise be given aosp-sim's tables, schema version and WAL journal beside its own. A new file
 * (nothing in it, schema version 0) is made an aosp-sim database; one with a schema version and
 * aosp-sim's first tables is one, unless a newer build wrote it. Anything else (another program's
 * tables or views, or a schema version with none of aosp-sim's tables) is refused.
 */
function refuseForeign(db: Db, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  refuseNewer(version, file);
  const objects = db
    .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name")
    .all() as { type: string; name: string }[];
  if (objects.length === 0 && version === 0) return;
  const tables = objects.filter((o) => o.type === "table").map((o) => o.name);
  if (version >= 1 && FIRST_TABLES.every((t) => tables.includes(t))) return;
  // An aosp-sim database with some of its tables gone (dropped by hand) is said so, not as another program's.
  const missing = FIRST_TABLES.filter((t) => !tables.includes(t));
  // Most of them there: another program's database may well have a "users" table of its own.
  if (version >= 1 && missing.length <= 2) {
    throw new InputError(`is an aosp-sim database (schema version ${version}) with tables missing: ${missing.join(", ")}; it was left as it is`, {
      where: file,
      hint: "restore it from a copy, or give --db a new file to start again",
    });
  }
  const own = objects.filter((o) => o.type === "table" || o.type === "view");
  const shown = own.slice(0, 5).map((o) => `${o.type} ${JSON.stringify(o.name)}`).join(", ") + (own.length > 5 ? `, and ${own.length - 5} more` : "");
  const problem =
    own.length === 0
      ? `is not an aosp-sim database: it has schema version ${version} but none of aosp-sim's tables; it was left as it is`
      : `is not an aosp-sim database: it holds other tables or views (${shown}) and ${version === 0 ? "no aosp-sim schema version" : `schema version ${version} without aosp-sim's tables`}; it was left as it is`;
  throw new InputError(problem, { where: file, hint: "give --db an aosp-sim database, or a new file to start one" });
}

/** A database a newer build wrote (its schema version past this build's migrations) is refused as such. */
function refuseNewer(version: number, file: string): void {
  if (version > MIGRATIONS.length) {
    throw new InputError(`the database has schema version ${version}, newer than this build knows (${MIGRATIONS.length})`, {
      where: file,
      hint: "use the aosp-sim version that wrote it, or a new --db file",
    });
  }
}

/**
 * A damaged file is refused at start, in one line, rather than served until some route reads a
 * damaged page. quick_check reads every page (O(size), without checking that indexes match their
 * tables); the first problem it reports is named.
 */
function checkIntegrity(db: Db, file: string): void {
  const rows = db.pragma("quick_check(1)") as { quick_check: string }[];
  const verdict = rows[0]?.quick_check ?? "no answer";
  if (verdict !== "ok") {
    throw new InputError(`is damaged: SQLite's integrity check (quick_check) says: ${firstProblem(verdict)}`, {
      where: file,
      hint: "restore the file from a backup, or start with a new --db file",
    });
  }
}

/** quick_check's first finding, without its "*** in database main ***" heading. */
function firstProblem(verdict: string): string {
  return verdict.split("\n").find((line) => line.trim() !== "" && !line.startsWith("***")) ?? verdict;
}

/** True for SQLite's errors that mean the file itself is damaged (not a constraint or a busy lock). */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB");
}

/**
 * True for a write refused because the disk holding the database is full: SQLite's SQLITE_FULL
 * (what it makes of ENOSPC), or ENOSPC itself from a file written beside it.
 */
export function isStorageFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_FULL" || code === "ENOSPC";
}

/** Brings the schema up to date; a file a newer build wrote was refused before (refuseForeign), an in-memory one starts at 0. */
function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
