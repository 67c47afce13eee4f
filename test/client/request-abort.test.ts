/**
 * The transport's per-request abort: AbortController's behaviour (listeners run once, on the
 * first abort; a listener added after it never runs; no reason is an AbortError), without Node's
 * EventTarget.
 */
import { describe, expect, it } from "vitest";
import { RequestAbort } from "../../agent/client/request-abort.js";

describe("RequestAbort", () => {
  it("runs each listener once, on the first abort, with that abort's reason", () => {
    const abort = new RequestAbort();
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
    const abort = new RequestAbort();
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
    const abort = new RequestAbort();
    abort.abort();
    const native = new AbortController();
    native.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe((native.signal.reason as DOMException).name);
  });
});
