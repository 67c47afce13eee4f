/**
 * The fleet summary for people: failures whose cause is the set-up say what to change.
 */
import { describe, expect, it } from "vitest";
import { fleetHints, fleetSummaryLines } from "../../agent/sim/fleet/report-text.js";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import type { FleetSummary } from "../../agent/sim/fleet/summary.js";

const plain = { red: String, yellow: String, green: String, bold: String, dim: String, cyan: String } as unknown as Parameters<typeof fleetSummaryLines>[2];

describe("fleet hints", { timeout: 60_000 }, () => {
  it("tells a fleet run against a running service how to stop its lockout from failing the devices", async () => {
    const { summary } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const locked: FleetSummary = { ...summary, failed: 2, enrolled: 0, failedByReason: { accountLocked: 2 }, service: { url: "http://svc:8080", runs: "external" } };
    const hint = /accountLocked: .*start it with `aosp-sim serve --lockout-threshold 1000000`/;
    expect(fleetHints(locked)).toEqual([expect.stringMatching(hint)]);
    expect(fleetSummaryLines(locked, [], plain).join("\n")).toMatch(hint);
    // The embedded service is started with that threshold; nothing to say when nothing was locked.
    expect(fleetHints({ ...locked, service: { url: "http://127.0.0.1:1", runs: "worker thread" } })).toEqual([]);
    expect(fleetHints(summary)).toEqual([]);
  });
});
