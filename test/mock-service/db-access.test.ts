/**
 * Who may use a --db file, and what a file the store cannot use is said to be: one service
 * process per file (a second is refused at start, a killed one leaves no lock behind), a file
 * or folder that cannot be written, a truncated file, and a table changed by hand, each one line
 * naming the file and the fix, exit 2 from serve, never an internal error.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, truncateSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { openStore } from "../../mock-service/store/index.js";
import { CLI, ROOT, runCli, useTempDir } from "../payload/support/cli.js";
import { startServe, stop } from "./support/serve-process.js";

const temp = useTempDir("aosp-db-access-");

/** The InputError openStore throws for `file`. */
function refusal(file: string): InputError {
  try {
    openStore(file).close();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`${file} was opened`);
}

/** A closed aosp-sim database file. */
function database(name: string): string {
  const file = temp.file(name);
  openStore(file).close();
  return file;
}

/** Nobody's ids: root may write any file, so read-only is tried as an unprivileged user. */
const NOBODY = 65534;

/** `aosp-sim serve --port 0 --db file` run as nobody, in a folder nobody may enter. */
function serveAsNobody(file: string) {
  chmodSync(temp.dir(), 0o755);
  return spawnSync(process.execPath, [CLI, "serve", "--port", "0", "--db", file], { cwd: ROOT, uid: NOBODY, gid: NOBODY, encoding: "utf8", timeout: 15_000 });
}

describe("a --db file", () => {
  // Before: both started; the second kept its own package catalog and answered a publish 201
  // with the other process's version.
  it("is refused to a second service while one holds it, and free again once that one is killed", async () => {
    const file = database("two.db");
    const first = await startServe(["--port", "0", "--db", file]);
    try {
      const second = await runCli(["serve", "--port", "0", "--db", file]);
      expect(second.code).toBe(2);
      expect(second.stdout).toBe("");
      expect(second.stderr).toBe(
        `aosp-sim: ${file}: is in use by another process (another aosp-sim serve?): one service owns a database file at a time\n  fix: stop the other service, or give this one another file as --db\n`,
      );
    } finally {
      expect(await stop(first, "SIGKILL")).toBe("SIGKILL");
    }
    // The lock was the killed process's own: the OS dropped it.
    openStore(file).close();
  });

  // Before: "internal error: attempt to write a readonly database", and the failed start left
  // read-only -wal and -shm files that failed the next start after the file was made writable.
  it("that cannot be written is said so, naming what to make writable, and leaves no -wal or -shm", () => {
    const file = database("read-only.db");
    chownSync(file, NOBODY, NOBODY);
    chmodSync(file, 0o444);
    const result = serveAsNobody(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `aosp-sim: ${file}: cannot use the database: the file is not writable\n  fix: make it writable (chmod u+w), or copy it to a writable folder and give --db that path\n`,
    );
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });

  it("in a folder that cannot be written is said so, naming the folder", () => {
    const file = database("in-folder.db");
    chownSync(file, NOBODY, NOBODY);
    const result = serveAsNobody(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/: cannot use the database: its folder \S+ \(SQLite writes the database's -wal and -shm files there\) is not writable\n {2}fix: make \S+ writable, or give --db a path in a writable folder\n$/);
  });

  // Before: "database disk image is malformed", with the fix for another program's file.
  it("cut short is said to be damaged, with the fix for a damaged file", () => {
    const file = database("truncated.db");
    truncateSync(file, 50_000);
    const error = refusal(file);
    expect(error.where).toBe(file);
    expect(error.problem).toBe("is damaged: SQLite says: database disk image is malformed");
    expect(error.hint).toBe("restore the file from a backup, or give --db a new file to start again");
  });

  // Before: "internal error: table users has no column named user_principal_name".
  it("whose table was made anew with other columns names the table and the columns it lacks", () => {
    const file = database("other-columns.db");
    const db = new Database(file);
    db.exec("ALTER TABLE users RENAME TO users_old; CREATE TABLE users (id TEXT)");
    db.close();
    const error = refusal(file);
    expect(error.problem).toMatch(/^is an aosp-sim database \(schema version \d+\) whose table users lacks the columns user_principal_name, .*; it was changed outside aosp-sim and was left as it is$/);
    expect(error.hint).toBe("restore it from a backup, or give --db a new file to start again");
  });
});
