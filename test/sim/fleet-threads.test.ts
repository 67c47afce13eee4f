/**
 * Devices on several threads: the built fleet (dist/, as `aosp-sim fleet` runs; `npm test`
 * builds it first) spreads its lanes over device threads. The fleet it reports is the same
 * fleet as on one thread: the same devices, faults, failures, requests and re-run commands.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deviceTempDir } from "../helpers/device-cli.js";

type RunFleetModule = typeof import("../../agent/sim/fleet/run-fleet.js");
type FaultRatesModule = typeof import("../../agent/sim/fleet/fault-rates.js");
const dist = new URL("../../dist/agent/sim/fleet/", import.meta.url);

describe("a fleet on device threads", { timeout: 180_000 }, () => {
  const temp = deviceTempDir("aosp-fleet-threads-");
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

  // Device threads start with the fleet, before its tenant is set up; a fleet that fails there
  // (here a service that refuses the admin token) must stop them, or the process never exits.
  it("stops its device threads when it fails before running them", async () => {
    const { startMockService } = await import("../../mock-service/index.js");
    const service = await startMockService();
    try {
      const script = `
        const { runFleet } = await import(${JSON.stringify(new URL("run-fleet.js", dist).href)});
        await runFleet({
          devices: 8, concurrency: 8, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
          threads: 3, service: { url: ${JSON.stringify(service.url)}, adminToken: "not-the-token" }, rerunCommand: String,
        }).then(() => console.log("ran"), (error) => console.log("refused:", error.message));`;
      // A file, not --eval: worker threads inherit the process's flags, and --input-type stops them.
      writeFileSync(temp.file("fleet.mjs"), script);
      const child = spawn(process.execPath, [temp.file("fleet.mjs")]);
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
      const code = await new Promise<number | "still running">((resolve) => {
        const timer = setTimeout(() => {
          child.kill();
          resolve("still running");
        }, 20_000);
        child.on("exit", (c) => {
          clearTimeout(timer);
          resolve(c ?? -1);
        });
      });
      expect(stdout).toMatch(/^refused: .*401/);
      expect(code).toBe(0);
    } finally {
      await service.close();
    }
  });
});
