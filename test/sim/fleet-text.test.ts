/**
 * The fleet summary for people: failures whose cause is the set-up say what to change.
 */
import { describe, expect, it } from "vitest";
import { fleetHints, fleetSpeedHints, fleetSummaryLines } from "../../agent/sim/fleet/report-text.js";
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

describe("fleet speed hints", { timeout: 60_000 }, () => {
  it("tells a fleet whose sign-ins waited seconds on a running service how it was probably started", async () => {
    const { summary } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const signIn = { ...summary.phases["signIn"]!, p50: 2121.7 };
    // `aosp-sim serve` at its default cost, 64 devices signing in at once: every sign-in waits for the hashes before it.
    const slow: FleetSummary = { ...summary, phases: { ...summary.phases, signIn }, service: { url: "http://svc:8080", runs: "external" } };
    const hint = /^signIn took 2121\.7 ms at p50: .*if it is `aosp-sim serve`, start it with `--password-hash-cost 8`/;
    expect(fleetSpeedHints(slow)).toEqual([expect.stringMatching(hint)]);
    // Shown whether or not a device failed, and not among the failures' hints.
    expect(slow.failed).toBe(0);
    expect(fleetSummaryLines(slow, [], plain).join("\n")).toMatch(/signIn took 2121\.7 ms at p50/);
    expect(fleetHints(slow)).toEqual([]);
    // The embedded service hashes the fleet's password cheaply already; a quick sign-in says nothing.
    expect(fleetSpeedHints({ ...slow, service: { url: "http://127.0.0.1:1", runs: "worker thread" } })).toEqual([]);
    expect(fleetSpeedHints({ ...slow, phases: { ...slow.phases, signIn: { ...signIn, p50: 85.3 } } })).toEqual([]);
    expect(fleetSpeedHints(summary)).toEqual([]);
  });
});
