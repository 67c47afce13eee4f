/**
 * Opens the service's SQLite database (better-sqlite3) and brings its schema up to date.
 *
 * Durability: with a file, the journal is WAL and `synchronous = FULL`, so a write is on disk
 * (fsync of the WAL) before the statement returns, and the HTTP answer is only sent after that:
 * every acknowledged write survives a kill -9. `:memory:` (the default) keeps nothing.
 */
import { closeSync, existsSync, openSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { InputError } from "../../agent/protocol/errors.js";
import { unwritableReason } from "../../agent/protocol/output-path.js";
import { OWNER_ONLY_FILE } from "../../agent/protocol/owner-only.js";
import { MIGRATIONS } from "./migrations.js";
import { readOnlyReason, sideFiles } from "./read-only.js";

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

/**
 * Opens `file` for this process alone. A second process on the same file is refused at start
 * (SQLITE_BUSY, said as "in use"): the package catalog and the sign-in and throttle counts live in
 * each process's memory, so two processes on one file gave wrong answers. The lock is SQLite's own
 * (exclusive locking mode, taken with a first write), which the OS drops when the process ends,
 * even by kill -9, so no stale lock can block the next start.
 */
export function openDatabase(file: string = MEMORY_DB, option = "--db"): Db {
  const memory = file === MEMORY_DB;
  const special = memory ? null : specialKind(file);
  if (special !== null) {
    throw new InputError(`cannot open the database: this is ${special}, not a file`, { where: file, hint: `give ${option} a regular file, or a new file's path, e.g. ./state.db` });
  }
  // The -wal and -shm files this open makes are removed again if it fails: left behind (with the
  // read-only file's mode), they made the next start fail after the file itself was fixed.
  const made = memory ? [] : sideFiles(file).filter((side) => !existsSync(side));
  if (!memory && createOwnerOnly(file)) made.push(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    for (const side of made) rmSync(side, { force: true });
    // SQLite says only "unable to open database file": a folder given as the file, or a folder
    // that does not exist, is said in words.
    const unwritable = memory ? null : (unwritableReason(file, "state.db") ?? readOnlyReason(file, option));
    throw new InputError(`cannot open the database: ${unwritable?.problem ?? messageOf(error)}`, {
      where: file,
      hint: unwritable?.hint ?? `give ${option} a path in an existing, writable folder`,
      cause: error,
    });
  }
  try {
    db.pragma("foreign_keys = ON");
    // Nothing else may hold the file (see above): a lock held is not waited for long.
    db.pragma("busy_timeout = 1000");
    if (!memory) {
      // Before the first read: the lock is taken with it, and WAL then keeps its index in memory (no -shm).
      db.pragma("locking_mode = EXCLUSIVE");
      // Both only read: another program's database is refused before anything is written to it.
      checkIntegrity(db, file, option);
      refuseForeign(db, file, option);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    migrate(db);
    addTextFunctions(db);
    if (!memory) {
      // A first write: holds the lock from now on, and finds a file that cannot be written now, not at the first request.
      db.exec("BEGIN IMMEDIATE; COMMIT");
      checkColumns(db, file, option);
    }
  } catch (error) {
    db.close();
    for (const side of made) rmSync(side, { force: true });
    throw databaseError(error, file, option);
  }
  return db;
}

/**
 * Makes a new database file, empty (SQLite takes an empty file as a new database), readable by its
 * owner alone: it holds enrollment tokens, Wi-Fi keys and password hashes, and SQLite gives the
 * -wal and -shm files it makes beside it the same mode (its unix VFS copies the database file's).
 * True when it made the file; an existing file, or one that cannot be made, is left to SQLite.
 */
function createOwnerOnly(file: string): boolean {
  try {
    closeSync(openSync(file, "wx", OWNER_ONLY_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * What openDatabase throws when SQLite refuses the file: read-only, in use or damaged, said as
 * such, with the fix; `option` is how the caller named the file (`--db`, or `dbFile` in a library call).
 */
export function databaseError(error: unknown, file: string, option: string): InputError {
  if (error instanceof InputError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new InputError("is in use by another process (another aosp-sim serve?): one service owns a database file at a time", {
      where: file,
      hint: `stop the other service, or give this one another file as ${option}`,
      cause: error,
    });
  }
  if (typeof code === "string" && code.startsWith("SQLITE_CORRUPT")) {
    return new InputError(`is damaged: SQLite says: ${messageOf(error)}`, { where: file, hint: damagedHint(option), cause: error });
  }
  // A read-only file is met as READONLY, as CANTOPEN (a -wal it cannot make) or, in exclusive
  // locking mode, as IOERR_LOCK (a write lock on a file opened for reading).
  const readOnly = typeof code === "string" && /^SQLITE_(READONLY|CANTOPEN|IOERR)/.test(code);
  const reason = readOnly ? readOnlyReason(file, option) : null;
  return new InputError(`cannot use the database: ${reason?.problem ?? messageOf(error)}`, {
    where: file,
    hint:
      reason?.hint ??
      (readOnly ? "make the file writable, and its folder (SQLite writes its -wal and -shm files beside it)" : `${option} must name an aosp-sim database or a new file`),
    cause: error,
  });
}

/** What to do with a damaged file. */
function damagedHint(option: string): string {
  return `restore the file from a backup, or give ${option} a new file to start again`;
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
function refuseForeign(db: Db, file: string, option: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  refuseNewer(version, file, option);
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
      hint: `restore it from a copy, or give ${option} a new file to start again`,
    });
  }
  const own = objects.filter((o) => o.type === "table" || o.type === "view");
  const shown = own.slice(0, 5).map((o) => `${o.type} ${JSON.stringify(o.name)}`).join(", ") + (own.length > 5 ? `, and ${own.length - 5} more` : "");
  const problem =
    own.length === 0
      ? `is not an aosp-sim database: it has schema version ${version} but none of aosp-sim's tables; it was left as it is`
      : `is not an aosp-sim database: it holds other tables or views (${shown}) and ${version === 0 ? "no aosp-sim schema version" : `schema version ${version} without aosp-sim's tables`}; it was left as it is`;
  throw new InputError(problem, { where: file, hint: `give ${option} an aosp-sim database, or a new file to start one` });
}

/** A database a newer build wrote (its schema version past this build's migrations) is refused as such. */
function refuseNewer(version: number, file: string, option: string): void {
  if (version > MIGRATIONS.length) {
    throw new InputError(`the database has schema version ${version}, newer than this build knows (${MIGRATIONS.length})`, {
      where: file,
      hint: `use the aosp-sim version that wrote it, or give ${option} a new file`,
    });
  }
}

/**
 * A damaged file is refused at start, in one line, rather than served until some route reads a
 * damaged page. quick_check reads every page (O(size), without checking that indexes match their
 * tables); the first problem it reports is named.
 */
function checkIntegrity(db: Db, file: string, option: string): void {
  const rows = db.pragma("quick_check(1)") as { quick_check: string }[];
  const verdict = rows[0]?.quick_check ?? "no answer";
  if (verdict !== "ok") {
    throw new InputError(`is damaged: SQLite's integrity check (quick_check) says: ${firstProblem(verdict)}`, {
      where: file,
      hint: damagedHint(option),
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

/**
 * Refuses a file whose tables lack columns this build's schema has (changed by hand, or by another
 * tool): said at start, naming the table and columns, rather than as an internal error when the
 * first statement that needs one is prepared.
 */
function checkColumns(db: Db, file: string, option: string): void {
  for (const [table, columns] of expectedColumns()) {
    const held = new Set((db.pragma(`table_info(${JSON.stringify(table)})`) as { name: string }[]).map((c) => c.name));
    const missing = columns.filter((c) => !held.has(c));
    if (missing.length === 0) continue;
    const version = db.pragma("user_version", { simple: true }) as number;
    const problem =
      held.size === 0
        ? `is an aosp-sim database (schema version ${version}) without its table ${table}; it was left as it is`
        : `is an aosp-sim database (schema version ${version}) whose table ${table} lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; it was changed outside aosp-sim and was left as it is`;
    throw new InputError(problem, { where: file, hint: `restore it from a backup, or give ${option} a new file to start again` });
  }
}

/** Each table's columns as the migrations make them, worked out once in memory. */
let columnsOfSchema: [string, string[]][] | undefined;

/** The tables and columns of a database at the latest schema version. */
function expectedColumns(): [string, string[]][] {
  if (columnsOfSchema) return columnsOfSchema;
  const fresh = new Database(MEMORY_DB);
  try {
    migrate(fresh);
    const tables = fresh.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
    columnsOfSchema = tables.map(({ name }) => [name, (fresh.pragma(`table_info(${JSON.stringify(name)})`) as { name: string }[]).map((c) => c.name)]);
  } finally {
    fresh.close();
  }
  return columnsOfSchema;
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

/**
 * SQL functions that compare text as Graph (and the service, in JavaScript) does, for the lists
 * the store filters in SQL: SQLite's lower(), LIKE and NOCASE fold ASCII letters only, so
 * `ÄRGER` would not equal `ärger`. They are used in queries only, never in the schema, so the
 * file stays readable by any SQLite.
 * - graph_fold(text): the text in lower case (JavaScript's toLowerCase).
 * - graph_text(test, text, needle): 1 when the folded text starts with, ends with or contains
 *   (`test`) the needle, already folded; 0 otherwise, and for NULL.
 */
function addTextFunctions(db: Db): void {
  const fold = (text: unknown) => (typeof text === "string" ? text.toLowerCase() : text);
  db.function("graph_fold", { deterministic: true }, fold);
  db.function("graph_text", { deterministic: true }, (test: unknown, text: unknown, needle: unknown) => {
    const value = fold(text);
    if (typeof value !== "string" || typeof needle !== "string") return 0;
    const found = test === "startswith" ? value.startsWith(needle) : test === "endswith" ? value.endsWith(needle) : value.includes(needle);
    return found ? 1 : 0;
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
