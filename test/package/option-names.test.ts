/**
 * The library's options objects as a JavaScript caller mistypes them: an option name the call
 * does not know is refused with a TypeError naming it, the closest known name and the known ones
 * (the CLI refuses an unknown flag alike), instead of the default taken silently: a service that
 * keeps nothing for `db`, a random fleet for `sead`. And a refusal of the database file names it
 * as the caller did (`dbFile`), not as the CLI's `--db`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  AdminClient, buildIntunePayload, checkPayloadBytes, checkPayloadText, createDevice, deviceMachine, InputError, machineMermaid, renderQrPng,
  runFleet, runScenario, SimulatedClock, startMockService, type Scenario,
} from "../../agent/index.js";
import { ROOT } from "../payload/support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "aosp-sim-option-names-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `call` rejects with for options of any shape (a JavaScript caller's). */
async function rejection(call: (options: never) => Promise<unknown>, options: object): Promise<Error> {
  const error = await call(options as never).then(
    () => new Error(`accepted ${JSON.stringify(options)}`),
    (e: unknown) => e as Error,
  );
  return error;
}

describe("an option name the call does not know", () => {
  it("is refused by startMockService, with the closest known name", async () => {
    // Before: started in memory, and nothing was ever written to x.db.
    const error = await rejection(startMockService, { db: join(dir, "x.db") });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^startMockService: unknown option "db" \(did you mean dbFile\?\); it takes port, host, dbFile, adminToken, /);
    expect((await rejection(startMockService, { adminTokn: "abc" })).message).toMatch(/^startMockService: unknown option "adminTokn" \(did you mean adminToken\?\)/);
  });

  it("is refused by runFleet before any device runs", async () => {
    // Before: ran on seed 1, the default, with the caller's seed ignored.
    const error = await rejection(runFleet, { devices: 1, sead: 3 });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^runFleet: unknown option "sead" \(did you mean seed\?\); it takes devices, concurrency, rampMs, seed, /);
  });

  it("is refused by createDevice, and one far from any known name is listed with them", async () => {
    const error = await rejection(createDevice, { qr: { payload: "{}" }, sede: 1 });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^createDevice: unknown option "sede" \(did you mean seed\?\)/);
    expect((await rejection(createDevice, { qr: { payload: "{}" }, colour: "red" })).message).toMatch(/^createDevice: unknown option "colour"; it takes qr, seed, /);
  });
});

describe("an option name a call on its way does not know", () => {
  it("is refused by runScenario before its service starts", async () => {
    // Before: ran for the default 30 days, the caller's limit ignored.
    const error = await rejection((options) => runScenario({} as Scenario, options), { limit: 60_000 });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('runScenario: unknown option "limit" (did you mean limitMs?); it takes service, clock, transcript, transcriptSecrets, onProgress, limitMs, stop');
    expect((await rejection((options) => runScenario({} as Scenario, options), { servce: { url: "http://127.0.0.1:1", adminToken: "x" } })).message).toMatch(
      /^runScenario: unknown option "servce" \(did you mean service\?\)/,
    );
    await expect(runScenario({} as Scenario, null as never)).rejects.toThrow(new TypeError("runScenario takes its options as an object, e.g. { limitMs: 86400000 } (got null)"));
  });

  it("is refused by a device's enroll, which leaves the device off", async () => {
    const device = await createDevice({ qr: { payload: "{}" }, seed: 1 });
    try {
      // Before: ran on to the end of enrollment, read as having stopped where asked.
      const error = await rejection((options) => device.enroll(options), { untill: "welcome" });
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('device.enroll: unknown option "untill" (did you mean until?); it takes limitMs, until, signal');
      await expect(device.enroll("welcome" as never)).rejects.toThrow(new TypeError('device.enroll takes its options as an object, e.g. { until: "enrolled" } (got the string "welcome")'));
      expect(device.state).toBe("off");
    } finally {
      device.dispose();
    }
  });

  it("is refused by renderQrPng", async () => {
    // Before: rendered at level M, the default, for a caller who asked for H.
    const error = await rejection((options) => renderQrPng("payload", options), { ecLevl: "H" });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('renderQrPng: unknown option "ecLevl" (did you mean ecLevel?); it takes ecLevel, scale, margin, eci');
    expect((await rejection((options) => renderQrPng("payload", options), { size: 4 })).message).toBe('renderQrPng: unknown option "size"; it takes ecLevel, scale, margin, eci');
  });
});

describe("an option name the remaining calls with options do not know", () => {
  it("is refused by a device's runUntil, which would otherwise wait without a limit", async () => {
    const device = await createDevice({ qr: { payload: "{}" }, seed: 1 });
    try {
      // Before: `limit` was ignored and the wait had no limit at all.
      const error = await rejection((options) => device.runUntil(() => false, options), { limit: 60_000 });
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('device.runUntil: unknown option "limit" (did you mean limitMs?); it takes limitMs');
      await expect(device.runUntil(() => true, 5 as never)).rejects.toThrow(new TypeError("device.runUntil takes its options as an object, e.g. { limitMs: 3600000 } (got 5)"));
    } finally {
      device.dispose();
    }
  });

  it("is refused by SimulatedClock.runUntil", async () => {
    const error = await rejection((options) => new SimulatedClock(0).runUntil(() => true, options), { limtMs: 1 });
    expect(error.message).toBe('SimulatedClock.runUntil: unknown option "limtMs" (did you mean limitMs?); it takes limitMs');
  });

  it("is refused by checkPayloadText and checkPayloadBytes, whose rules would otherwise be android's alone", () => {
    // Before: `rule` was ignored and the payload checked by the android rules only.
    expect(() => checkPayloadText("{}", { rule: "intune-aosp" } as never)).toThrow(
      new TypeError('checkPayloadText: unknown option "rule" (did you mean rules?); it takes rules, strict, measure, conventions'),
    );
    expect(() => checkPayloadBytes(new Uint8Array([0x7b, 0x7d]), { sorce: "file" } as never)).toThrow(/^checkPayloadBytes: unknown option "sorce" \(did you mean source\?\)/);
    // Its own `source` is no option of the text check it hands on to.
    expect(checkPayloadBytes(new TextEncoder().encode("{}"), { source: "file", rules: "android" }).params).toBeNull();
  });

  // Before, any baseUrl was taken, and the first request failed with undici's "Invalid URL" or
  // "Invalid URL protocol", naming neither the client nor the URL.
  it("new AdminClient checks its baseUrl as --service is checked: a TypeError for no string, an InputError naming it", () => {
    expect(() => new AdminClient({ url: "http://127.0.0.1:1" } as never, "token")).toThrow(
      new TypeError('new AdminClient: baseUrl must be the service\'s URL as a string, e.g. "http://127.0.0.1:8080" (a MockService\'s url, or what aosp-sim serve printed) (got an object {"url":"http://127.0.0.1:1"})'),
    );
    const error = (() => {
      try {
        return new AdminClient("localhost:8080", "token");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ where: "new AdminClient baseUrl", problem: '"localhost:8080" is not an http or https URL (its scheme is "localhost")' });
    expect(new AdminClient("HTTP://127.0.0.1:8080/", "token").baseUrl).toBe("http://127.0.0.1:8080");
  });

  it("is refused by buildIntunePayload, machineMermaid and new AdminClient", () => {
    // Before: the payload was built without the checksum the caller gave.
    expect(() => buildIntunePayload({ serviceUrl: "http://s", enrollmentToken: "t", agentDownloadUrl: "http://s/a.apk", agentPackageCheckSum: "x" } as never)).toThrow(
      /^buildIntunePayload: unknown option "agentPackageCheckSum" \(did you mean agentPackageChecksum\?\)/,
    );
    expect(() => machineMermaid(deviceMachine, { dept: 1 } as never)).toThrow(new TypeError('machineMermaid: unknown option "dept" (did you mean depth?); it takes depth'));
    expect(() => new AdminClient("http://127.0.0.1:1", "token", { timeout: 10 } as never)).toThrow(
      new TypeError('new AdminClient: unknown option "timeout" (did you mean timeoutMs?); it takes dispatcher, timeoutMs, signal'),
    );
  });
});

describe("startMockService's refusal of its dbFile", () => {
  it("names dbFile, not the CLI's --db, for a file another service holds", async () => {
    const dbFile = join(dir, "held.db");
    const first = await startMockService({ dbFile });
    try {
      const error = await rejection(startMockService, { dbFile });
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).hint).toBe("stop the other service, or give this one another file as dbFile");
    } finally {
      await first.close();
    }
  });

  it("names dbFile for a file it may not write", () => {
    // Run as nobody: root may write any file. Before: "... and give --db that path".
    const dbFile = join(dir, "read-only.db");
    spawnSync(process.execPath, ["-e", `import(${JSON.stringify(join(ROOT, "dist/agent/index.js"))}).then(async (m) => (await m.startMockService({ dbFile: ${JSON.stringify(dbFile)} })).close())`]);
    chmodSync(dir, 0o755);
    chownSync(dbFile, 65534, 65534);
    chmodSync(dbFile, 0o444);
    const script = `import(${JSON.stringify(join(ROOT, "dist/agent/index.js"))}).then((m) => m.startMockService({ dbFile: ${JSON.stringify(dbFile)} })).then(() => process.exit(0), (e) => { console.log(JSON.stringify({ where: e.where, hint: e.hint })); process.exit(3); })`;
    const result = spawnSync(process.execPath, ["-e", script], { uid: 65534, gid: 65534, encoding: "utf8", timeout: 15_000 });
    expect(result.status, result.stderr).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({ where: dbFile, hint: "make it writable (chmod u+w), or copy it to a writable folder and give dbFile that path" });
  });
});
