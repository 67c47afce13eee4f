/**
 * `--db` names another program's SQLite file: refused (exit 2 from serve) before anything is
 * written to it, neither its journal mode nor a table. A new file, or an aosp-sim database,
 * opens as before; a read-only one is told what to make writable.
 */
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { databaseError } from "../../mock-service/store/database.js";
import { openStore } from "../../mock-service/store/index.js";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-foreign-db-");

/** Another program's database: its own tables, in the rollback journal (not WAL). */
function foreignDatabase(name: string, tables: string[]): string {
  const file = temp.file(name);
  const db = new Database(file);
  for (const table of tables) db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO ${table} (name) VALUES ('kept')`);
  db.close();
  return file;
}

function refusal(file: string): InputError {
  try {
    openStore(file).close();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`${file} was opened`);
}

/** The file as SQLite left it: its tables, schema version and journal mode (header bytes 18-19: 2 is WAL). */
function state(file: string) {
  const header = readFileSync(file).subarray(18, 20);
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    return { tables, userVersion: db.pragma("user_version", { simple: true }), wal: header[0] === 2 && header[1] === 2 };
  } finally {
    db.close();
  }
}

/** A file SQLite made with `sql` run in it (no table of aosp-sim's). */
function sqliteFile(name: string, sql: string): string {
  const file = temp.file(name);
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

describe("a --db file of another program", () => {
  // Before, a file with a view only was taken over (tables, version, WAL), and one with a schema
  // version and nothing else was switched to WAL before it was refused.
  it.each([
    ["view.db", "CREATE VIEW v AS SELECT 1", /holds other tables or views \(view "v"\) and no aosp-sim schema version/],
    ["versioned.db", "PRAGMA user_version = 2", /has schema version 2 but none of aosp-sim's tables/],
    ["newer.db", "PRAGMA user_version = 99", /has schema version 99, newer than this build knows/],
  ])("%s is refused and left exactly as it was", (name, sql, problem) => {
    const file = sqliteFile(name, sql);
    const before = state(file);
    expect(refusal(file).problem).toMatch(problem);
    expect(state(file)).toEqual(before);
    expect(state(file).wal).toBe(false);
  });

  it.each([
    ["notes.db", ["notes", "tags"]],
    ["accounts.db", ["users"]],
  ])("%s is refused and left exactly as it was", (name, tables) => {
    const file = foreignDatabase(name, tables);
    const before = state(file);
    const error = refusal(file);
    expect(error.where).toBe(file);
    expect(error.problem).toBe(
      `is not an aosp-sim database: it holds other tables or views (${tables.map((t) => `table "${t}"`).join(", ")}) and no aosp-sim schema version; it was left as it is`,
    );
    expect(error.hint).toBe("give --db an aosp-sim database, or a new file to start one");
    expect(state(file)).toEqual(before);
    expect(before).toMatchObject({ userVersion: 0, wal: false });
  });

  it("makes serve exit 2 with one line and the fix", async () => {
    const file = foreignDatabase("serve-notes.db", ["notes"]);
    const result = await runCli(["serve", "--port", "0", "--db", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `aosp-sim: ${file}: is not an aosp-sim database: it holds other tables or views (table "notes") and no aosp-sim schema version; it was left as it is\n` +
        "  fix: give --db an aosp-sim database, or a new file to start one\n",
    );
  });

  it("still makes a new file an aosp-sim database, and opens it again", () => {
    const file = temp.file("new.db");
    openStore(file).close();
    openStore(file).close();
    expect(state(file)).toMatchObject({ wal: true, tables: expect.arrayContaining(["tenant", "profiles", "devices"]) });
  });
});

// Before: "is not an aosp-sim database: it holds other tables or views (table "devices", ...)
// and schema version N without aosp-sim's tables", listing aosp-sim's own tables.
describe("an aosp-sim --db file with a table dropped by hand", () => {
  it("is said to be an aosp-sim database with tables missing, and left as it was", () => {
    const file = temp.file("dropped.db");
    openStore(file).close();
    const db = new Database(file);
    db.exec("PRAGMA foreign_keys = OFF; DROP TABLE tokens");
    db.close();
    const before = state(file);
    const error = refusal(file);
    expect(error.problem).toMatch(/^is an aosp-sim database \(schema version \d+\) with tables missing: tokens; it was left as it is$/);
    expect(error.hint).toBe("restore it from a copy, or give --db a new file to start again");
    expect(state(file)).toEqual(before);
  });
});

describe("a read-only --db file", () => {
  it("is told to make the file and its folder writable", () => {
    const readOnly = Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" });
    const error = databaseError(readOnly, "state.db", "--db");
    expect(error.problem).toBe("cannot use the database: attempt to write a readonly database");
    expect(error.hint).toBe("make the file writable, and its folder (SQLite writes its -wal and -shm files beside it)");
    expect(databaseError(Object.assign(new Error("file is not a database"), { code: "SQLITE_NOTADB" }), "x.db", "--db").hint).toBe(
      "--db must name an aosp-sim database or a new file",
    );
  });
});
