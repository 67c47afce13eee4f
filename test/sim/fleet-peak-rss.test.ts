import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { processRss, samplePeakRss, type RssReadings } from "../../agent/sim/fleet/peak-rss.js";

const MiB = 1024 * 1024;

/** Readings a test moves by hand, counting how often the current size is read. */
function fakeProcess(currentBytes: number, highKiB: number) {
  const state = { currentBytes, highKiB, currentReads: 0 };
  const readings: RssReadings = {
    current: () => {
      state.currentReads++;
      return state.currentBytes;
    },
    highWaterKiB: () => state.highKiB,
  };
  return { state, readings };
}

describe("the fleet's peak RSS", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is the kernel's high-water mark once the run has pushed it up, a spike between samples included", () => {
    const { state, readings } = fakeProcess(200 * MiB, 300 * 1024);
    const peak = samplePeakRss(readings, 100);
    // 700 MB for a moment, gone before any sample: only the mark saw it.
    state.highKiB = 700 * 1024;
    state.currentBytes = 250 * MiB;
    vi.advanceTimersByTime(1_000);
    expect(peak.stop()).toBe(700 * MiB);
  });

  it("stops reading the current size (slow while a fleet runs) once the mark is the run's", () => {
    const { state, readings } = fakeProcess(200 * MiB, 300 * 1024);
    const peak = samplePeakRss(readings, 100);
    vi.advanceTimersByTime(300);
    const before = state.currentReads;
    expect(before).toBe(4); // at the start and at 100, 200 and 300 ms
    state.highKiB = 400 * 1024;
    vi.advanceTimersByTime(10_000);
    expect(state.currentReads).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
    expect(peak.stop()).toBe(400 * MiB);
  });

  it("is the largest sample while the run stays under the process's earlier high (a second fleet after a larger one)", () => {
    const { state, readings } = fakeProcess(200 * MiB, 900 * 1024);
    const peak = samplePeakRss(readings, 100);
    state.currentBytes = 350 * MiB;
    vi.advanceTimersByTime(100);
    state.currentBytes = 240 * MiB;
    vi.advanceTimersByTime(100);
    expect(peak.stop()).toBe(350 * MiB);
  });

  it("reads once more as it stops, and gives the same figure when stopped again", () => {
    const { state, readings } = fakeProcess(200 * MiB, 900 * 1024);
    const peak = samplePeakRss(readings, 100);
    state.currentBytes = 260 * MiB;
    expect(peak.stop()).toBe(260 * MiB);
    state.currentBytes = 500 * MiB;
    expect(peak.stop()).toBe(260 * MiB);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reads this process's own figures in the units it states", () => {
    const now = processRss.current();
    const highBytes = processRss.highWaterKiB() * 1024;
    // The high-water mark is never below the size now, and both are a real process's size.
    expect(highBytes).toBeGreaterThanOrEqual(now * 0.99);
    expect(now).toBeGreaterThan(10 * MiB);
    expect(highBytes).toBeLessThan(64 * 1024 * MiB);
  });
});
