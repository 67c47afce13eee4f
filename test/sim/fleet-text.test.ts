/**
 * The fleet summary for people: failures whose cause is the set-up say what to change.
 */
import { describe, expect, it } from "vitest";
import { fleetHints, fleetSpeedHints, fleetSummaryLines } from "../../agent/sim/fleet/report-text.js";
import { parseFaultRate } from "../../agent/sim/fleet/fault-rates.js";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import type { FleetSummary } from "../../agent/sim/fleet/summary.js";
import { evaluateThresholds, parseThreshold } from "../../agent/sim/fleet/thresholds.js";

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
    const hint = /^signIn took 2121\.7 ms at p50: .*if it is `aosp-sim serve` at its default cost, start it with `--password-hash-cost 8`.*; if it already runs so, the machine's cores were busy/;
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

describe("the summary's tables", { timeout: 60_000 }, () => {
  it("gives every phase's p50/p95/p99/max on both clocks, and the requests and errors of each route", async () => {
    const { summary } = await runFleet({ devices: 4, seed: 4, embedded: "inline" });
    const route = "POST /device/v1/enroll";
    const failing: FleetSummary = { ...summary, http: { ...summary.http, byRoute: { ...summary.http.byRoute, [route]: { requests: 19, errors: 3 } } } };
    const lines = fleetSummaryLines(failing, [], plain);
    const rowsAfter = (title: string) => {
      const at = lines.findIndex((l) => l.trim().startsWith(title));
      return lines.slice(at + 1, lines.indexOf("", at)).map((l) => l.trim().split(/\s+/));
    };
    // Before, the device clock showed its p50 alone, and the routes were in the JSON only.
    const [w, d] = [summary.phases.total!, summary.phasesDeviceTime.total!];
    expect(rowsAfter("phase (wall ms)").find((r) => r[0] === "total")).toEqual(["total", ...[w.p50, w.p95, w.p99, w.max].map(String)]);
    expect(rowsAfter("phase (device ms)").find((r) => r[0] === "total")).toEqual(["total", ...[d.p50, d.p95, d.p99, d.max].map(String)]);
    const routes = lines.slice(lines.findIndex((l) => l.trim().startsWith("HTTP route")) + 1).filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/\s+/));
    // The failing route first; every route with its counts.
    expect(routes[0]).toEqual([...route.split(" "), "19", "3"]);
    expect(Object.fromEntries(routes.map((r) => [r.slice(0, -2).join(" "), { requests: Number(r.at(-2)), errors: Number(r.at(-1)) }]))).toEqual(failing.http.byRoute);
  });
});

describe("a fleet whose every device fails", { timeout: 60_000 }, () => {
  it("has no rate (devices enrolled per second), misses a rate threshold, and says so readably", async () => {
    const { summary } = await runFleet({
      devices: 4, concurrency: 4, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [parseFaultRate("wrong-wifi-key=100%")], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(summary).toMatchObject({ devices: 4, enrolled: 0, failed: 4 });
    // Before, the devices that failed counted: 4 devices in a fraction of a second read as a high rate.
    expect(summary.devicesPerSecond).toBe(0);
    const [rate] = evaluateThresholds(summary, [parseThreshold("rate>1/s")]);
    expect(rate!.passed).toBe(false);
    const text = fleetSummaryLines(summary, [], plain).join("\n");
    expect(text).toContain("  0 devices enrolled/s over a ");
    // Before: "fault wrong-wifi-key at 1: 4 devices", and a phase table header with no rows.
    expect(text).toContain("  fault wrong-wifi-key at 100%: 4 of 4 devices");
    expect(text).toContain("  (no device finished a phase)");
    // A life shorter than an hour, or not whole hours: before, "lived 0 h each" for 20 minutes.
    expect(fleetSummaryLines({ ...summary, lifeMs: 20 * 60_000 }, [], plain).join("\n")).toContain("  lived 20m each after enrolling");
    expect(fleetSummaryLines({ ...summary, lifeMs: 90 * 60_000, interrupted: true }, [], plain).join("\n")).toContain("  lived up to 1h 30m each after enrolling");
    expect(fleetSummaryLines({ ...summary, lifeMs: 1_500 }, [], plain).join("\n")).toContain("  lived 1s500ms each after enrolling");
    // Every failure kept is listed: no "of lowest index" unless some are left out.
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toContain("Re-run a failed device alone:\n");
  });

  // Before, a fault's value went raw to the terminal: `--fault $'wrong-wifi-key=a\x01b\x1bc=100%'`
  // put an escape sequence in the fault line and in each re-run line.
  it("writes control characters in a fault, a re-run command or a route as escapes", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [parseFaultRate("wrong-wifi-key=100%")], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `aosp-sim fleet --devices 1 --only ${i} --fault 'wrong-wifi-key=a\x01b\x1bc=100%'`,
    });
    const spec = "wrong-wifi-key=a\x01b\x1bc";
    const hostile: FleetSummary = {
      ...summary,
      faults: [{ spec, rate: 1, devices: 1 }],
      failures: summary.failures.map((f) => ({ ...f, faults: [spec] })),
      failedByReason: { "wifi\u009bTimeout": 1 },
      http: { ...summary.http, byRoute: { "GET /x\ny": { requests: 1, errors: 1 } } },
    };
    const text = fleetSummaryLines(hostile, [], plain).join("\n");
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain("  fault wrong-wifi-key=a\\x01b\\x1bc at 100%: 1 of 1 devices");
    expect(text).toContain("  aosp-sim fleet --devices 1 --only 0 --fault 'wrong-wifi-key=a\\x01b\\x1bc=100%'   # wifiTimeout (faults injected: wrong-wifi-key=a\\x01b\\x1bc)");
    expect(text).toContain("  wifi\\x9bTimeout");
    expect(text).toContain("  GET /x\\x0ay");
  });

  it("counts only the enrolled devices in its rate when some fail", async () => {
    const { summary } = await runFleet({
      devices: 8, concurrency: 4, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [parseFaultRate("wrong-wifi-key=50%")], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(summary.enrolled).toBeGreaterThan(0);
    expect(summary.failed).toBeGreaterThan(0);
    const runSeconds = summary.enrolled / summary.devicesPerSecond;
    // The rate's seconds are the run's (the devices' part of the wall time), so enrolled/rate is at most the wall time.
    expect(runSeconds).toBeLessThanOrEqual(summary.wallSeconds + 0.05);
    expect(summary.devices / summary.devicesPerSecond).toBeGreaterThan(runSeconds * 1.2);
    // Both times are said, so the rate does not read as enrolled / wall time.
    expect(runSeconds).toBeCloseTo(summary.runSeconds!, 1);
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toContain(`devices enrolled/s over a ${summary.runSeconds} s run, ${summary.wallSeconds} s wall with the set-up, `);
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toMatch(/fault wrong-wifi-key at 50%: \d+ of 8 devices/);
  });
});

describe("a run in which no device ran", { timeout: 60_000 }, () => {
  it("has no request rate, and the set-up's requests the stop withdrew are not the service's errors", async () => {
    // Stopped before its first device (a shard that held none ran so, before it was refused).
    const { summary } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`, signal: AbortSignal.abort(),
    });
    expect(summary).toMatchObject({ devices: 0, enrolled: 0, failed: 0, devicesPerSecond: 0, interrupted: true });
    // Before: the set-up's requests over the run's near-zero seconds, "5 HTTP requests (5000/s)";
    // then, cut short by the stop, each counted as an error of a service that never failed.
    expect(summary.http).toMatchObject({ requests: 0, errors: 0, requestsPerSecond: 0 });
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toContain("0 HTTP requests (0/s, 0 errors)");
  });

  it("rates a fleet's requests over its run, not counting the set-up's", async () => {
    const { summary } = await runFleet({
      devices: 4, concurrency: 4, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const setUp = Object.entries(summary.http.byRoute).filter(([route]) => !route.includes("/device/v1/")).reduce((n, [, c]) => n + c.requests, 0);
    const runSeconds = summary.enrolled / summary.devicesPerSecond;
    expect(setUp).toBeGreaterThan(0);
    expect(summary.http.requestsPerSecond).toBeCloseTo((summary.http.requests - setUp) / runSeconds, -1);
  });

  it("says the check-ins that failed during the lives, and what a device out of touch at its life's end means", async () => {
    const { summary } = await runFleet({ devices: 1, seed: 4, embedded: "inline" });
    const lived: FleetSummary = { ...summary, lifeMs: 86_400_000, checkIns: 1960, checkInsFailed: 100_900, failed: 2, enrolled: 0, failedByReason: { stoppedCheckingIn: 2 } };
    expect(fleetSummaryLines(lived, [], plain).join("\n")).toContain("lived 1d each after enrolling: 1960 check-ins, 100900 failed");
    expect(fleetHints(lived)).toEqual([
      "stoppedCheckingIn: 2 devices ended their --life with the last 3 check-ins failed: the service stopped answering or refused them (the timelines say which)",
    ]);
  });

  it("points a merge's reader to the shards' JUnit files for the failed devices it does not list", async () => {
    const { summary } = await runFleet({ devices: 30, seed: 21, embedded: "inline", faults: ["wrong-wifi-key=60%"] });
    expect(summary.failed).toBeGreaterThan(summary.failures.length);
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toContain("more failed devices: --junit FILE gives each one's re-run command");
    // Before, a merge said the same, but its own --junit holds only the fleet's test cases.
    const merged: FleetSummary = { ...summary, shards: ["0/2", "1/2"] };
    expect(fleetSummaryLines(merged, [], plain).join("\n")).toContain("more failed devices: the shards' own --junit files give each one's re-run command");
  });
});

// Before, an --only re-run's summary said "(seed 2, shard 0/1 of 10)": a shard of the whole
// fleet, when one device ran; and its JSON had nothing to say which.
describe("a re-run of some devices (--only)", { timeout: 60_000 }, () => {
  it("records the devices it ran, and its header names them", async () => {
    const { summary } = await runFleet({ devices: 10, seed: 2, only: [7, 3, 3], embedded: "inline", threads: 1 });
    expect(summary).toMatchObject({ devices: 2, fleetDevices: 10, shards: ["0/1"], only: [3, 7] });
    expect(fleetSummaryLines(summary, [], plain)[0]).toBe("Fleet: 2 of 2 devices enrolled and checked in, 0 failed (seed 2, devices 3, 7 of 10)");
    const { summary: shard } = await runFleet({ devices: 4, seed: 2, shard: { index: 1, count: 2 }, embedded: "inline", threads: 1 });
    expect(shard.only).toBeUndefined();
    expect(fleetSummaryLines(shard, [], plain)[0]).toMatch(/\(seed 2, shard 1\/2 of 4\)$/);
  });
});
