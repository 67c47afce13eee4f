/**
 * What a fleet device's timeline says: nothing its simulation makes up.
 */
import { describe, expect, it } from "vitest";
import { runFleet } from "../../agent/index.js";

describe("a fleet device's timeline", () => {
  it("does not compare the device's simulated clock with the service's real one", async () => {
    // Before: "Checked in (#5, 3 apps reported); the device's clock is 2h 15m ahead of the
    // service's" on devices with no clock-skew fault, and a figure that moved with the wall clock.
    const { summary } = await runFleet({ devices: 3, seed: 5, embedded: "inline", lifeMs: 6 * 3_600_000 });
    const lines = summary.slowest.flatMap((d) => d.timeline ?? []);
    expect(lines.some((line) => line.includes("Checked in (#"))).toBe(true);
    expect(lines.filter((line) => line.includes("the service's"))).toEqual([]);
  });
});
