/**
 * Which fleet devices get their timeline worded: every device a report could show (the failures
 * of lowest index, the slowest enrolled), judged by what one thread has seen.
 */
import { describe, expect, it } from "vitest";
import { SLOWEST_KEPT, TIMELINES_KEPT } from "../../agent/sim/fleet/summary.js";
import { keepLowest, TimelineNeeds } from "../../agent/sim/fleet/timeline-needs.js";

describe("timeline needs", () => {
  it("wants the failures' timelines while they are among the lowest indexes seen, as many as a report shows", () => {
    const needs = new TimelineNeeds();
    const wanted = Array.from({ length: TIMELINES_KEPT + 3 }, (_, i) => needs.wants(1000 + i, "serviceTimeout", null));
    expect(wanted.filter(Boolean).length).toBe(TIMELINES_KEPT);
    expect(wanted.slice(0, TIMELINES_KEPT).every(Boolean)).toBe(true);
    // Devices finish out of order: a failure of lower index than those kept is still wanted.
    expect(needs.wants(7, "serviceTimeout", null)).toBe(true);
    expect(needs.wants(1000 + TIMELINES_KEPT - 1, "serviceTimeout", null)).toBe(false);
    expect(needs.wants(8, "serviceTimeout", null)).toBe(true);
  });

  it("keepLowest keeps the lowest indexes, highest first", () => {
    const lowest: number[] = [];
    expect([5, 9, 1, 10, 3].map((i) => keepLowest(lowest, i, 3))).toEqual([true, true, true, false, true]);
    expect(lowest).toEqual([5, 3, 1]);
  });

  it("wants an enrolled device's timeline only while it is among the slowest seen", () => {
    const needs = new TimelineNeeds();
    const times = [50, 40, 60, 30, 20];
    expect(times.map((t) => needs.wants(0, null, t))).toEqual(times.map(() => true));
    expect(times.length).toBe(SLOWEST_KEPT);
    // The fifth slowest is now 20: no faster device, nor an equal one, can be among the slowest.
    expect(needs.wants(0, null, 20)).toBe(false);
    expect(needs.wants(0, null, 10)).toBe(false);
    expect(needs.wants(0, null, 25)).toBe(true);
    expect(needs.wants(0, null, 22)).toBe(false);
    expect(needs.wants(0, null, null)).toBe(false);
  });
});
