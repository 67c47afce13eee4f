/**
 * A damaged --db file: refused at start in one line (exit 2 from serve), and damage found later
 * answers Graph's 503 shape, not a 500.
 */
import { openSync, closeSync, writeSync } from "node:fs";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { makeErrorHandler } from "../../mock-service/http/errors.js";
import { openStore } from "../../mock-service/store/index.js";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-corrupt-db-");

/** A service database whose fourth page (a table's b-tree page) is overwritten with garbage. */
function damagedDatabase(name: string): string {
  const file = temp.file(name);
  openStore(file).close();
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.concat([Buffer.from([0x0d]), Buffer.alloc(4095, 0x5a)]), 0, 4096, 3 * 4096);
  closeSync(fd);
  return file;
}

describe("a damaged database file", () => {
  it("is refused when the store opens, naming the file and SQLite's finding", () => {
    const file = damagedDatabase("damaged.db");
    let error: unknown;
    try {
      openStore(file).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe(file);
    expect((error as InputError).problem).toMatch(/^is damaged: SQLite's integrity check \(quick_check\) says: Tree \d+ page 4: /);
    expect((error as InputError).hint).toMatch(/backup|new --db/);
  });

  it("makes serve exit 2 with one line and a fix", async () => {
    const file = damagedDatabase("serve.db");
    const result = await runCli(["serve", "--port", "0", "--db", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^aosp-sim: ${file.replace(/[.]/g, "\\.")}: is damaged: `));
    expect(result.stderr).toMatch(/\n {2}fix: restore the file from a backup, or give --db a new file to start again\n$/);
  });

  it("answers damage found while serving with 503 (serviceNotAvailable on Graph, serviceUnavailable on the device API)", async () => {
    const logged: string[] = [];
    const app = Fastify();
    app.setErrorHandler(makeErrorHandler((line) => logged.push(line), "--db"));
    const corrupt = () => Object.assign(new Error("database disk image is malformed"), { code: "SQLITE_CORRUPT" });
    app.get("/beta/users", async () => {
      throw corrupt();
    });
    app.get("/device/v1/x", async () => {
      throw corrupt();
    });
    const admin = await app.inject({ method: "GET", url: "/beta/users" });
    expect(admin.statusCode).toBe(503);
    expect(admin.json().error).toMatchObject({ code: "serviceNotAvailable", message: expect.stringMatching(/database file is damaged/) });
    const device = await app.inject({ method: "GET", url: "/device/v1/x" });
    expect(device.statusCode).toBe(503);
    expect(device.json().error.code).toBe("serviceUnavailable");
    expect(logged).toHaveLength(2);
    await app.close();
  });
});
