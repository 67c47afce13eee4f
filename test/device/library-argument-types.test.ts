/**
 * Library calls given an argument of the wrong kind: a TypeError naming the call and the argument,
 * never the complaint of a dependency deep inside (Buffer.from's for renderQrPng, xstate's for
 * machineMermaid) nor, for new SkewedClock, a clock that fails only at the device's first reading.
 */
import { describe, expect, it } from "vitest";
import { loose, thrown } from "../helpers/thrown.js";
import {
  deviceMachine,
  formatFault,
  formatTimelineEntry,
  isFragile,
  isImageBytes,
  isSettled,
  machineDiagram,
  machineMermaid,
  parseDuration,
  parseFault,
  parseFaults,
  renderQrPng,
  resolveStatePath,
  SimulatedClock,
  SkewedClock,
  statePaths,
  TimelineRenderer,
  toFault,
  transcriptLines,
  wireDevice,
} from "../../agent/index.js";


describe("library calls refuse arguments of the wrong kind, naming them", () => {
  it.each([
    ["renderQrPng(5)", () => loose(renderQrPng)(5), "renderQrPng: payload must be the payload's text as a string (JSON.stringify an object first) or its bytes as a Uint8Array (got 5)"],
    ["renderQrPng({...})", () => loose(renderQrPng)({ a: 1 }), 'renderQrPng: payload must be the payload\'s text as a string (JSON.stringify an object first) or its bytes as a Uint8Array (got an object {"a":1})'],
    ["machineMermaid()", () => loose(machineMermaid)(), "machineMermaid: machine must be an xstate machine, such as the package's deviceMachine (got undefined)"],
    ["machineMermaid('welcome')", () => loose(machineMermaid)("welcome"), 'machineMermaid: machine must be an xstate machine, such as the package\'s deviceMachine (got the string "welcome")'],
    ["machineDiagram({})", () => loose(machineDiagram)({}), "machineDiagram: machine must be an xstate machine, such as the package's deviceMachine (got an object {})"],
    ["new SkewedClock(null, 5)", () => new (SkewedClock as unknown as new (...args: unknown[]) => unknown)(null, 5), "new SkewedClock: base must be a clock port, such as new SimulatedClock() or new RealClock(), with now, setTimeout, clearTimeout, sleep, track (got null)"],
  ])("%s", async (_name, call, message) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });

  it("still take what they are given right", async () => {
    expect((await renderQrPng(new TextEncoder().encode("{}"))).png.subarray(1, 4).toString()).toBe("PNG");
    expect(machineMermaid(deviceMachine, { depth: 1 })).toMatch(/^stateDiagram-v2\n/);
    const clock = new SimulatedClock(1000);
    expect(new SkewedClock(clock, 5).now()).toBe(1005);
  });
});

describe("parseFault and parseFaults refuse what is no fault text", () => {
  it.each([
    ["parseFault(5)", () => loose(parseFault)(5), "parseFault takes a string such as \"service-5xx\" or \"power-loss@downloadingAgent\" (got 5)"],
    ["parseFaults(\"service-5xx\")", () => loose(parseFaults)("service-5xx"), "parseFaults takes a list of strings such as [\"service-5xx\"] (got the string \"service-5xx\")"],
  ])("%s is a TypeError naming the call, not an unknown --fault", async (_name, call, message) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });

  it("still read fault text", () => {
    expect(parseFault("service-5xx").name).toBe("service-5xx");
    expect(parseFaults(["service-5xx"])).toHaveLength(1);
  });
});

describe("the exported helpers refuse arguments of the wrong kind, naming the call", () => {
  // Each failed deep inside: transcriptLines(5) with "RangeError: Invalid time value", the others
  // with "Cannot read properties of undefined (reading ...)" or "x.trim is not a function".
  const record = "record must be one of a device's records, such as device.records[0] (a step, power or note record with its time in milliseconds)";
  it.each([
    ["transcriptLines(5, null)", () => loose(transcriptLines)(5, null), `transcriptLines: ${record} (got 5)`],
    ["transcriptLines()", () => loose(transcriptLines)(), `transcriptLines: ${record} (got undefined)`],
    ["transcriptLines({ kind: \"step\", at: NaN })", () => loose(transcriptLines)({ kind: "step", at: Number.NaN }, null), `transcriptLines: ${record} (got an object {"kind":"step","at":null})`],
    ["transcriptLines({ kind: \"other\", at: 0 })", () => loose(transcriptLines)({ kind: "other", at: 0 }, null), `transcriptLines: ${record} (got an object {"kind":"other","at":0})`],
    ["transcriptLines(note, 5)", () => loose(transcriptLines)({ kind: "note", at: 0, elapsedMs: 0, state: "-", event: "e", text: "t" }, 5), "transcriptLines: entry must be the record's timeline entry (new TimelineRenderer().entryFor(record)) or null (got 5)"],
    ["new TimelineRenderer().entryFor(5)", () => loose(new TimelineRenderer().entryFor.bind(new TimelineRenderer()))(5), `TimelineRenderer.entryFor: ${record} (got 5)`],
    ["formatTimelineEntry(5)", () => loose(formatTimelineEntry)(5), "formatTimelineEntry: entry must be a timeline entry, one of device.timeline (got 5)"],
    ["formatTimelineEntry(entry)", () => loose(formatTimelineEntry)({ at: "", elapsedMs: 0, state: "welcome", event: "e", detail: "d", kind: "state" }), "formatTimelineEntry: styles must be an object of functions from text to text named red, yellow, green, cyan, dim and bold (each (text) => text for no colour) (got undefined)"],
    ["isImageBytes(\"qr.png\")", () => loose(isImageBytes)("qr.png"), 'isImageBytes: bytes must be the file\'s bytes as a Uint8Array or Buffer; pass the bytes, not a path (e.g. await readFile(path)) (got the string "qr.png")'],
    ["isFragile(null)", () => loose(isFragile)(null), "isFragile: code must be a decoded code, one of decodeQrImage's codes (got null)"],
    ["parseDuration(90)", () => loose(parseDuration)(90), 'parseDuration: text must be a duration as a string, such as "90s" or "1h30m" (got 90)'],
    ["parseDuration(\"90s\", null)", () => loose(parseDuration)("90s", null), "parseDuration: options must be an object such as { signed: true } (got null)"],
    ["statePaths()", () => loose(statePaths)(), "statePaths: machine must be an xstate machine, such as the package's deviceMachine (got undefined)"],
    ["resolveStatePath(\"welcome\")", () => loose(resolveStatePath)("welcome"), 'resolveStatePath: machine must be an xstate machine, such as the package\'s deviceMachine (got the string "welcome")'],
    ["resolveStatePath(deviceMachine, 5)", () => loose(resolveStatePath)(deviceMachine, 5), 'resolveStatePath: written must be a state\'s name or dotted path as a string, such as "enrolled.checkingIn" (got 5)'],
    ["toFault(null)", () => loose(toFault)(null), 'toFault: a fault must be its text, such as "service-5xx", or a fault object as parseFault returns it (got null)'],
    ["formatFault(\"service-5xx\")", () => loose(formatFault)("service-5xx"), 'formatFault: fault must be a fault object as parseFault returns it, e.g. parseFault("service-5xx") (got the string "service-5xx")'],
    ["isSettled()", () => loose(isSettled)(), "isSettled: device must be a device, as createDevice returns it (got undefined)"],
    ["wireDevice()", () => loose(wireDevice)(), "wireDevice: ports must be an object, { wifi, packages, service, camera, clock, storage, power, policy } (got undefined)"],
  ])("%s", async (_name, call, message) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });

  it("still take what they are given right", () => {
    const note = { kind: "note", at: 0, elapsedMs: 0, wallMs: 0, state: "-", event: "e", text: "t" } as const;
    expect(transcriptLines(note, null)).toEqual([{ type: "note", at: "1970-01-01T00:00:00.000Z", elapsedMs: 0, state: "-", event: "e", text: "t" }]);
    const entry = new TimelineRenderer().entryFor(note)!;
    const plain = { red: (t: string) => t, yellow: (t: string) => t, green: (t: string) => t, cyan: (t: string) => t, dim: (t: string) => t, bold: (t: string) => t };
    expect(formatTimelineEntry(entry, plain)).toContain("t");
    expect(isImageBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("-90m", { signed: true })).toBe(-5_400_000);
    expect(statePaths(deviceMachine)).toContain("welcome");
    expect(resolveStatePath(deviceMachine, "welcome")).toEqual({ ok: true, path: "welcome" });
    expect(formatFault(toFault("service-5xx=3"))).toBe("service-5xx=3");
    expect(isFragile({ unusedErrorCorrection: 0.9, symbolContrast: null })).toBe(false);
  });
});
