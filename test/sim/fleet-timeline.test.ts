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

  it("is the same for a shard's device and for it re-run alone (--only, no shard)", async () => {
    // Before: 'Enrolled as ... (profile "Fleet 12 shard 2/3")' in the shard, "Fleet 12 shard 0/1" re-run.
    const shard = await runFleet({ devices: 30, seed: 12, shard: { index: 2, count: 3 }, embedded: "inline" });
    const device = shard.summary.slowest[0]!;
    const alone = await runFleet({ devices: 30, seed: 12, only: [device.index], embedded: "inline" });
    const profileLines = (lines: string[]) => lines.filter((line) => line.includes("profile"));
    expect(profileLines(device.timeline)).toEqual([expect.stringContaining('(profile "Fleet 12")')]);
    expect(profileLines(alone.summary.slowest[0]!.timeline)).toEqual(profileLines(device.timeline));
  });
});
