/**
 * The device's light abort: AbortController's behaviour (listeners run once, on the first abort;
 * a listener added after it never runs; no reason is an AbortError), without Node's EventTarget;
 * and the real AbortSignal made from it for code that needs one.
 */
import { describe, expect, it } from "vitest";
import { LightAbort, signalFor, TAKES_LIGHT_SIGNALS, toAbortSignal } from "../../agent/protocol/light-abort.js";

describe("LightAbort", () => {
  it("runs each listener once, on the first abort, with that abort's reason", () => {
    const abort = new LightAbort();
    const seen: unknown[] = [];
    abort.addEventListener("abort", () => seen.push(abort.reason));
    abort.addEventListener("abort", () => seen.push("second"));
    expect(abort.aborted).toBe(false);
    const reason = new Error("timed out");
    abort.abort(reason);
    abort.abort(new Error("later"));
    expect(seen).toEqual([reason, "second"]);
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(reason);
  });

  it("does not run a removed listener, or one added after the abort", () => {
    const abort = new LightAbort();
    let runs = 0;
    const listener = () => runs++;
    abort.addEventListener("abort", listener);
    abort.removeEventListener("abort", listener);
    abort.removeEventListener("abort", () => {});
    abort.abort();
    abort.addEventListener("abort", listener);
    expect(runs).toBe(0);
  });

  it("gives an AbortError as the reason when none is given, as AbortController does", () => {
    const abort = new LightAbort();
    abort.abort();
    const native = new AbortController();
    native.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe((native.signal.reason as DOMException).name);
  });
});

describe("toAbortSignal", () => {
  it("gives a real AbortSignal that aborts with the light one, with its reason", () => {
    const light = new LightAbort();
    const real = toAbortSignal(light);
    expect(real).toBeInstanceOf(AbortSignal);
    // What fetch and child_process do with a signal: only a real one passes.
    expect(() => AbortSignal.any([real])).not.toThrow();
    expect(real.aborted).toBe(false);
    const reason = new Error("the device left the step");
    light.abort(reason);
    expect(real.aborted).toBe(true);
    expect(real.reason).toBe(reason);
  });

  it("gives an aborted one for a light signal that already aborted, and the same one each time", () => {
    const light = new LightAbort();
    light.abort(new Error("gone"));
    expect(toAbortSignal(light).aborted).toBe(true);
    expect(toAbortSignal(light)).toBe(toAbortSignal(light));
  });

  it("gives back a real AbortSignal unchanged", () => {
    const signal = new AbortController().signal;
    expect(toAbortSignal(signal)).toBe(signal);
  });
});

describe("signalFor", () => {
  it("hands a port that takes light signals the light one, and any other port a real one", () => {
    const light = new LightAbort();
    expect(signalFor({ [TAKES_LIGHT_SIGNALS]: true }, light)).toBe(light);
    const given = signalFor({ capture: () => {} }, light);
    expect(given).toBeInstanceOf(AbortSignal);
    light.abort();
    expect(given.aborted).toBe(true);
  });
});
