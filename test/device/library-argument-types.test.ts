/**
 * Library calls given an argument of the wrong kind: a TypeError naming the call and the argument,
 * never the complaint of a dependency deep inside (Buffer.from's for renderQrPng, xstate's for
 * machineMermaid) nor, for new SkewedClock, a clock that fails only at the device's first reading.
 */
import { describe, expect, it } from "vitest";
import { loose, thrown } from "../helpers/thrown.js";
import { deviceMachine, machineDiagram, machineMermaid, parseFault, parseFaults, renderQrPng, SimulatedClock, SkewedClock } from "../../agent/index.js";


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
