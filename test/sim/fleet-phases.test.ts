/**
 * When a fleet device's first check-in is done: power lost while checking in is not a check-in.
 */
import { describe, expect, it } from "vitest";
import { PhaseTracker } from "../../agent/sim/fleet/phases.js";
import { runFleet } from "../../agent/index.js";

describe("the first check-in", () => {
  it("is not done when the device leaves it for power lost, but when it leaves it powered after power is back", () => {
    const tracker = new PhaseTracker();
    tracker.onState("scanningQr", 0, 0);
    tracker.onState("enrolled.checkingIn.requesting", 1_000, 10);
    tracker.onState("off", 2_000, 11);
    expect(tracker.firstCheckInDone).toBe(false);
    tracker.onState("enrolled.checkingIn.requesting", 7_202_000, 12);
    tracker.onState("enrolled.idle", 7_203_000, 13);
    expect(tracker.firstCheckInDone).toBe(true);
    // Both stays in the check-in, and the scan to its end with the time without power.
    expect(tracker.times.deviceMs).toMatchObject({ firstCheckIn: 2_000, total: 7_203_000 });
  });

  it("counts a device that loses power while checking in as enrolled only once it checked in powered, however long it was off", async () => {
    // Before, both fleets read "20 of 20 enrolled and checked in": leaving the check-in for "off"
    // counted as the check-in done. Then, a device off for more than a day failed as noFirstCheckIn,
    // though it checks in once back.
    const lost = await runFleet({ devices: 4, seed: 5, embedded: "inline", faults: ["power-loss=2d@enrolled.checkingIn=100%"] });
    expect(lost.summary).toMatchObject({ enrolled: 4, failed: 0 });
    expect(lost.summary.phasesDeviceTime.total!.p50).toBeGreaterThan(2 * 86_400_000);
    const back = await runFleet({ devices: 4, seed: 5, embedded: "inline", faults: ["power-loss=2h@enrolled.checkingIn=100%"] });
    expect(back.summary).toMatchObject({ enrolled: 4, failed: 0 });
    // The device-clock total runs to the end of the check-in made after the two hours without power.
    expect(back.summary.phasesDeviceTime.total!.p50).toBeGreaterThan(2 * 3_600_000);
  });
});
