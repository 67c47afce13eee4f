/**
 * Devices on several threads: the built fleet (dist/, as `aosp-sim fleet` runs; `npm test`
 * builds it first) spreads its lanes over device threads. The fleet it reports is the same
 * fleet as on one thread: the same devices, faults, failures, requests and re-run commands.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

type RunFleetModule = typeof import("../../agent/sim/fleet/run-fleet.js");
type FaultRatesModule = typeof import("../../agent/sim/fleet/fault-rates.js");
const dist = new URL("../../dist/agent/sim/fleet/", import.meta.url);

describe("a fleet on device threads", { timeout: 180_000 }, () => {
  it("reports the same fleet as on one thread", async () => {
    expect(existsSync(fileURLToPath(new URL("device-thread.js", dist))), "run `npm run build` first").toBe(true);
    const { runFleet } = (await import(new URL("run-fleet.js", dist).href)) as RunFleetModule;
    const { parseFaultRate } = (await import(new URL("fault-rates.js", dist).href)) as FaultRatesModule;
    const run = (threads: number) =>
      runFleet({
        devices: 12,
        concurrency: 8,
        rampMs: 0,
        seed: 21,
        shard: { index: 0, count: 1 },
        faults: [parseFaultRate("network-absent=0.2"), parseFaultRate("service-5xx=0.3")],
        lifeMs: 0,
        embedded: "inline",
        threads,
        rerunCommand: (i) => `aosp-sim fleet --devices 12 --seed 21 --only ${i}`,
      });
    const one = await run(1);
    const three = await run(3);
    const outcome = (r: Awaited<ReturnType<typeof run>>) => ({
      devices: r.devices.map((d) => [d.index, d.serialNumber, d.reason, d.rerun]),
      enrolled: r.summary.enrolled,
      failedByReason: r.summary.failedByReason,
      faults: r.summary.faults,
      checkIns: r.summary.checkIns,
      requestsByRoute: Object.fromEntries(Object.entries(r.summary.http.byRoute).map(([route, c]) => [route, c.requests])),
    });
    expect([one.summary.deviceThreads, three.summary.deviceThreads]).toEqual([1, 3]);
    expect(one.summary.failed).toBeGreaterThan(0);
    expect(one.summary.enrolled).toBeGreaterThan(0);
    expect(outcome(three)).toEqual(outcome(one));
    // Whichever thread ran them, the devices a report shows carry their timelines.
    for (const run of [one, three]) {
      expect(run.summary.slowest.length).toBeGreaterThan(0);
      expect(run.summary.slowest.every((s) => s.timeline.length > 0)).toBe(true);
      expect(run.summary.failures.every((s) => s.timeline.length > 0)).toBe(true);
      expect(run.devices.filter((d) => d.reason !== null).every((d) => (d.timeline ?? []).length > 0)).toBe(true);
    }
  });
});
