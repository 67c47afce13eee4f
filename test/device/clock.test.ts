import { describe, expect, it, vi } from "vitest";
import { RealClock, SimulatedClock, SkewedClock } from "../../agent/device/clock.js";
import type { ClockPort } from "../../agent/device/ports.js";
import { LightAbort } from "../../agent/protocol/light-abort.js";

describe("the simulated clock", () => {
  it("fires timers in order of their deadline, jumping straight to each", async () => {
    const clock = new SimulatedClock(1000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(["b", clock.now()]), 500);
    clock.setTimeout(() => fired.push(["a", clock.now()]), 100);
    clock.setTimeout(() => fired.push(["c", clock.now()]), 500);
    expect(await clock.runUntil(() => false)).toBe("idle");
    expect(fired).toEqual([["a", 1100], ["b", 1500], ["c", 1500]]);
  });

  it("keeps deadline order (ties in the order set) across many timers, some cleared", async () => {
    const clock = new SimulatedClock(0);
    const fired: number[] = [];
    const handles: unknown[] = [];
    // A fixed pseudo-random spread of deadlines, many equal, enough to rebuild the queue.
    for (let i = 0; i < 500; i++) handles.push(clock.setTimeout(() => fired.push(i), ((i * 7919) % 97) * 10));
    const cleared = new Set<number>();
    for (let i = 0; i < 500; i++) {
      if (i % 3 === 0) continue;
      clock.clearTimeout(handles[i]);
      cleared.add(i);
    }
    expect(clock.pendingTimers).toBe(500 - cleared.size);
    expect(await clock.runUntil(() => false)).toBe("idle");
    const expected = [...Array(500).keys()]
      .filter((i) => !cleared.has(i))
      .sort((a, b) => ((a * 7919) % 97) - ((b * 7919) % 97) || a - b);
    expect(fired).toEqual(expected);
    expect(clock.pendingTimers).toBe(0);
  });

  it("does not move while tracked work is in flight", async () => {
    const clock = new SimulatedClock(0);
    let fired = false;
    clock.setTimeout(() => (fired = true), 60_000);
    let finish!: () => void;
    const work = clock.track(new Promise<void>((resolve) => (finish = resolve)));
    const running = clock.runUntil(() => fired);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    expect(clock.now()).toBe(0);
    finish();
    await work;
    expect(await running).toBe("done");
    expect(clock.now()).toBe(60_000);
  });

  it("runs timers set by timers, and stops exactly at a limit", async () => {
    const clock = new SimulatedClock(0);
    let count = 0;
    const tick = () => {
      count++;
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    expect(await clock.runUntil(() => false, { limitMs: 10_500 })).toBe("limit");
    expect(count).toBe(10);
    expect(clock.now()).toBe(10_500);
  });

  it("sleeps on simulated time and aborts a sleep", async () => {
    const clock = new SimulatedClock(0);
    const slept = clock.sleep(5000);
    await clock.advance(5000);
    await expect(slept).resolves.toBeUndefined();
    const controller = new AbortController();
    const aborted = clock.sleep(5000, controller.signal);
    controller.abort(new Error("power lost"));
    await expect(aborted).rejects.toThrow("power lost");
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("a skewed clock", () => {
  it("reads off by its offset, jumps, and keeps timer durations", async () => {
    const base = new SimulatedClock(0);
    const skewed = new SkewedClock(base, 2 * 3_600_000);
    expect(skewed.now()).toBe(7_200_000);
    skewed.jump(-3_600_000);
    expect(skewed.now()).toBe(3_600_000);
    let at = -1;
    skewed.setTimeout(() => (at = base.now()), 1000);
    await base.advance(1000);
    expect(at).toBe(1000);
  });
  it("hands a clock it did not make (a library user's) a real AbortSignal, aborting with the step's", async () => {
    const base = new SimulatedClock(0);
    const signals: AbortSignal[] = [];
    const theirs: ClockPort = {
      now: () => base.now(),
      setTimeout: (fn, ms) => base.setTimeout(fn, ms),
      clearTimeout: (handle) => base.clearTimeout(handle),
      track: (work) => base.track(work),
      sleep(ms, signal) {
        if (signal) signals.push(AbortSignal.any([signal]));
        return base.sleep(ms, signal);
      },
    };
    const step = new LightAbort();
    const sleeping = new SkewedClock(theirs, 0).sleep(1000, step);
    step.abort(new Error("power lost"));
    await expect(sleeping).rejects.toThrow("power lost");
    expect(signals.map((s) => s.aborted)).toEqual([true]);
  });
});

describe("the real clock", () => {
  it("keeps a wait longer than Node's longest timer (--timeout 30d) instead of firing at once", () => {
    vi.useFakeTimers();
    try {
      const clock = new RealClock();
      let fired = false;
      const DAY = 86_400_000;
      clock.setTimeout(() => (fired = true), 30 * DAY);
      vi.advanceTimersByTime(29 * DAY);
      expect(fired).toBe(false);
      vi.advanceTimersByTime(DAY);
      expect(fired).toBe(true);
      const cancelled = clock.setTimeout(() => (fired = false), 40 * DAY);
      vi.advanceTimersByTime(30 * DAY);
      clock.clearTimeout(cancelled);
      vi.advanceTimersByTime(20 * DAY);
      expect(fired).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
