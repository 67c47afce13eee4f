/**
 * A fault at a state strikes a fleet device only if it enters that state: one that failed before
 * it must not be reported as injected with it, or its failure reads as that fault's.
 */
import { describe, expect, it } from "vitest";
import { fleetJunitXml } from "../../agent/sim/fleet/report-junit.js";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import { fleetSummaryLines } from "../../agent/sim/fleet/report-text.js";

const plain = { red: String, yellow: String, green: String, bold: String, dim: String, cyan: String } as unknown as Parameters<typeof fleetSummaryLines>[2];

describe("fleet: faults at a state that no device reached", { timeout: 60_000 }, () => {
  it("says them apart from the faults that struck, in the summary, the text and the JUnit", async () => {
    const { summary, devices } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, lifeMs: 0,
      faults: ["wrong-wifi-key=100%", "power-loss@downloadingAgent=100%", "clock-skew=+2h@enrolling=100%"],
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(summary.failed).toBe(2);
    // Every device failed at Wi-Fi: neither the download nor the enrollment was reached.
    for (const f of summary.failures) {
      expect(f.faults).toEqual(["wrong-wifi-key"]);
      expect(f.faultsNotStruck).toEqual(["power-loss=30s@downloadingAgent", "clock-skew=+2h@enrolling"]);
    }
    // Before: "wifiTimeout (faults injected: wrong-wifi-key, power-loss=30s@downloadingAgent, clock-skew=+2h@enrolling)".
    const said = "wifiTimeout (faults injected: wrong-wifi-key; never struck, its state not reached: power-loss=30s@downloadingAgent, clock-skew=+2h@enrolling)";
    expect(fleetJunitXml(summary, devices)).toContain(`<failure message="${said}" type="enrollment">`);
    expect(fleetSummaryLines(summary, [], plain).join("\n")).toContain(`# ${said}`);
    // The summary's count is still of the devices each fault was drawn for (README).
    expect(summary.faults.map((f) => f.devices)).toEqual([2, 2, 2]);
  });

  it("lists a fault at a state the device entered as injected", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, lifeMs: 0,
      faults: ["power-loss@downloadingAgent=100%", "clock-skew=+2h@enrolling=100%", "service-5xx=always=100%"],
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(summary.failures[0]!.reason).toBe("serviceUnavailable");
    expect(summary.failures[0]!.faults).toEqual(["power-loss=30s@downloadingAgent", "clock-skew=+2h@enrolling", "service-5xx=always"]);
    expect(summary.failures[0]).not.toHaveProperty("faultsNotStruck");
  });
});
