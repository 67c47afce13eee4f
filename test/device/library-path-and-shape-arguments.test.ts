/**
 * Library calls given a file path, a constructor's arguments or an identity of the wrong kind:
 * a TypeError (a RangeError for a number out of range) naming the call, the argument and what to
 * give. Before, a path that was a number or an object came back as an InputError quoting Node's
 * `The "path" argument must be of type string` with "[object Object]" as the file and "check that
 * the file exists" as the fix; new AdminClient(5), new DeviceLog(5), new TimelineRenderer({ bogus: 1 })
 * and resolveIdentity({ serial: "X" }) were taken without a word, failing at the first request,
 * rendering nothing, or giving a random device.
 */
import { describe, expect, it } from "vitest";
import { loose, thrown } from "../helpers/thrown.js";
import {
  AdminClient,
  DeviceLog,
  DirectoryStorage,
  identityFromSeed,
  loadScenario,
  readFleetSummary,
  readQrImageFile,
  resolveIdentity,
  startMockService,
  TimelineRenderer,
  TranscriptFile,
} from "../../agent/index.js";

const make = (c: unknown) => (...args: unknown[]) => new (c as new (...a: unknown[]) => unknown)(...args);

describe("a file path of the wrong kind is refused naming the call and the argument", () => {
  it.each([
    ["readQrImageFile(5)", () => loose(readQrImageFile)(5), 'readQrImageFile: path must be a file path as a string, e.g. "qr.png" (got 5)'],
    ["readQrImageFile({})", () => loose(readQrImageFile)({}), 'readQrImageFile: path must be a file path as a string, e.g. "qr.png" (got an object {})'],
    ["readQrImageFile(new URL('file:///x.png'))", () => loose(readQrImageFile)(new URL("file:///x.png")), 'readQrImageFile: path must be a file path as a string, e.g. "qr.png"; for a file: URL, give fileURLToPath(url) (got an object "file:///x.png")'],
    ["loadScenario(5)", () => loose(loadScenario)(5), 'loadScenario: path must be a file path as a string, e.g. "scenario.json" (got 5)'],
    ["readFleetSummary({})", () => loose(readFleetSummary)({ a: 1 }), 'readFleetSummary: file must be a file path as a string, e.g. "fleet.json" (got an object {"a":1})'],
    ["new TranscriptFile(5)", () => make(TranscriptFile)(5), 'new TranscriptFile: path must be a file path as a string, e.g. "enrollment.jsonl" (got 5)'],
    ["new DirectoryStorage({})", () => make(DirectoryStorage)({}), 'new DirectoryStorage: dir must be a file path as a string, e.g. "device-1" (got an object {})'],
  ])("%s", async (_name, call, message) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });

  it("startMockService({ dbFile: 5 }) names the option, not [object Object]", async () => {
    const error = await thrown(() => loose(startMockService)({ dbFile: 5 }));
    expect((error as Error).message).toBe("startMockService dbFile: is 5, not a file path");
    expect((error as { hint?: string }).hint).toBe('give the SQLite file\'s path as a string, e.g. "state.db", or leave it out to keep the state in memory');
  });
});

describe("constructors and identities of the wrong shape are refused at the call", () => {
  it.each([
    ["new AdminClient(5, 'tok')", () => make(AdminClient)(5, "tok"), TypeError, 'new AdminClient: baseUrl must be the service\'s URL as a string, e.g. "http://127.0.0.1:8080" (a MockService\'s url, or what aosp-sim serve printed) (got 5)'],
    ["new AdminClient('http://127.0.0.1:1')", () => make(AdminClient)("http://127.0.0.1:1"), TypeError, "new AdminClient: adminToken must be the service's admin token as a string (a MockService's adminToken, or what aosp-sim serve printed) (got undefined)"],
    ["new AdminClient('localhost:8080', 'tok')", () => make(AdminClient)("localhost:8080", "tok"), Error, /^new AdminClient baseUrl: "localhost:8080" is not an http or https URL/],
    ["new AdminClient(url, tok, { timeoutMs: '5s' })", () => make(AdminClient)("http://127.0.0.1:1", "tok", { timeoutMs: "5s" }), RangeError, 'new AdminClient: timeoutMs must be a whole number of milliseconds above 0, e.g. 10000 (got the string "5s")'],
    ["new DeviceLog(5)", () => make(DeviceLog)(5), TypeError, "new DeviceLog: records must be a device's records, a list such as device.records (got 5)"],
    ["new DeviceLog([], { bogus: 1 })", () => make(DeviceLog)([], { bogus: 1 }), TypeError, 'new DeviceLog: unknown option "bogus"; it takes sharedTime'],
    ["new TimelineRenderer({ bogus: 1 })", () => make(TimelineRenderer)({ bogus: 1 }), TypeError, 'new TimelineRenderer: unknown option "bogus"; it takes sharedTime'],
    ["new TimelineRenderer({ sharedTime: 'no' })", () => make(TimelineRenderer)({ sharedTime: "no" }), TypeError, 'new TimelineRenderer: sharedTime must be true (the device and its service share one clock) or false (a fleet\'s simulated clocks) (got the string "no")'],
    ["resolveIdentity({ serial: 'X' })", () => loose(resolveIdentity)({ serial: "X" }), TypeError, 'resolveIdentity: unknown option "serial"; it takes seed, identity'],
    ["resolveIdentity(5)", () => loose(resolveIdentity)(5), TypeError, 'resolveIdentity takes its options as an object, e.g. { seed: 1 } or { identity: { serialNumber: "R58N12345" } } (got 5)'],
    ["resolveIdentity({ identity: { serialNumber: 5 } })", () => loose(resolveIdentity)({ identity: { serialNumber: 5 } }), TypeError, 'resolveIdentity identity: serialNumber must be a string, e.g. "R58N12345" (got 5)'],
    ["resolveIdentity({ identity: { serialNumber: 'a b' } })", () => loose(resolveIdentity)({ identity: { serialNumber: "a b" } }), Error, 'resolveIdentity identity.serialNumber: "a b" is not a serial number'],
    ["resolveIdentity({ seed: -1 })", () => loose(resolveIdentity)({ seed: -1 }), RangeError, "resolveIdentity: seed must be a whole number from 0 to 4294967295 (got -1)"],
    ["identityFromSeed('7')", () => loose(identityFromSeed)("7"), TypeError, 'identityFromSeed: seed must be a whole number from 0 to 4294967295 (got the string "7")'],
  ])("%s", async (_name, call, kind, message) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(kind);
    if (typeof message === "string") expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it("still take what they are given right", () => {
    expect(new AdminClient("http://127.0.0.1:8080/", "tok").baseUrl).toBe("http://127.0.0.1:8080");
    expect(new DeviceLog([], { sharedTime: false }).timeline).toEqual([]);
    expect(new TimelineRenderer().entryFor({ kind: "note", state: "welcome", event: "x", text: "y", at: 0, elapsedMs: 0 } as never)).not.toBeNull();
    expect(resolveIdentity({ seed: 7, identity: { serialNumber: "R58N12345" } })).toEqual({ ...identityFromSeed(7), serialNumber: "R58N12345" });
  });
});
