/**
 * Which fleet devices get their timeline worded: every device a report could show (the first
 * failures, the slowest enrolled), judged by what one thread has seen.
 */
import { describe, expect, it } from "vitest";
import { SLOWEST_KEPT, TIMELINES_KEPT } from "../../agent/sim/fleet/summary.js";
import { TimelineNeeds } from "../../agent/sim/fleet/timeline-needs.js";

describe("timeline needs", () => {
  it("wants the first failures' timelines, as many as a report shows, and no more", () => {
    const needs = new TimelineNeeds();
    const wanted = Array.from({ length: TIMELINES_KEPT + 3 }, () => needs.wants("serviceTimeout", null));
    expect(wanted.filter(Boolean).length).toBe(TIMELINES_KEPT);
    expect(wanted.slice(0, TIMELINES_KEPT).every(Boolean)).toBe(true);
  });

  it("wants an enrolled device's timeline only while it is among the slowest seen", () => {
    const needs = new TimelineNeeds();
    const times = [50, 40, 60, 30, 20];
    expect(times.map((t) => needs.wants(null, t))).toEqual(times.map(() => true));
    expect(times.length).toBe(SLOWEST_KEPT);
    // The fifth slowest is now 20: no faster device, nor an equal one, can be among the slowest.
    expect(needs.wants(null, 20)).toBe(false);
    expect(needs.wants(null, 10)).toBe(false);
    expect(needs.wants(null, 25)).toBe(true);
    expect(needs.wants(null, 22)).toBe(false);
    expect(needs.wants(null, null)).toBe(false);
  });
});
