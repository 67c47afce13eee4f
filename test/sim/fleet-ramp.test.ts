/**
 * `--ramp`: device starts spread over the ramp, with the run's stop signal (Ctrl+C) heard by
 * every lane waiting for its start, through one listener: 64 lanes each adding their own made
 * Node warn of a listener leak on stderr.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MAX_RAMP_MS, runFleet, type FleetProgress } from "../../agent/sim/fleet/run-fleet.js";

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

const fleet = (devices: number, rampMs: number, signal: AbortSignal, onProgress?: (p: FleetProgress) => void) =>
  runFleet({
    devices, concurrency: devices, rampMs, seed: 8, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
    embedded: "inline", rerunCommand: (i) => `--only ${i}`, signal, ...(onProgress ? { onProgress } : {}),
  });

describe("a fleet with a ramp", { timeout: 60_000 }, () => {
  it("spreads the starts over the ramp, with no listener-leak warning however many lanes wait", async () => {
    process.on("warning", onWarning);
    const stop = new AbortController();
    const { summary } = await fleet(24, 2400, stop.signal);
    expect(summary.enrolled).toBe(24);
    // The last device starts 23/24 of the ramp in (2.3 s; 24 devices without a ramp take under
    // one here). The run's seconds, from the first start, are devices over devices a second.
    expect(summary.devices / summary.devicesPerSecond).toBeGreaterThanOrEqual(2.3);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("stops waiting as soon as the run is stopped: the devices not yet started do not run", async () => {
    const stop = new AbortController();
    const started = performance.now();
    const running = fleet(20, 60_000, stop.signal);
    setTimeout(() => stop.abort(), 1500);
    const { summary } = await running;
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(summary.interrupted).toBe(true);
    expect(summary.devices).toBeLessThan(20);
  });

  it("waits out the longest ramp it takes (a week), with no overflow warning, and refuses a longer one", async () => {
    // About 248 days: before, taken (the second device some 124 days in); --ramp 99999999d never finished.
    await expect(fleet(2, 10 * 2 ** 31, new AbortController().signal)).rejects.toThrow(/runFleet: rampMs must be a number of milliseconds from 0 to 604800000 \(7 days\)/);
    process.on("warning", onWarning);
    const stop = new AbortController();
    // The second device starts 3.5 days in. Before the cap, a ramp past setTimeout's 24.8-day limit
    // made Node warn (TimeoutOverflowWarning), fire the timer after 1 ms and start it at once.
    // Stopped once the first device is done, not after a fixed time: on a loaded machine the
    // service's start alone took longer, and no device had started when the stop came.
    const running = fleet(2, MAX_RAMP_MS, stop.signal, (p) => {
      if (p.done >= 1) stop.abort();
    });
    const { summary } = await running;
    expect(summary.interrupted).toBe(true);
    expect(summary.devices).toBe(1);
    expect(warnings.map((w) => w.name)).not.toContain("TimeoutOverflowWarning");
  });
});
