/**
 * The library API as a user's own vitest suite would use it (the README's example).
 */
import { describe, expect, it } from "vitest";
import { FAULT_NAMES, HOUR, SimulatedClock, createDevice, machineMermaid, deviceMachine, parseFault, startMockService } from "../../agent/index.js";

describe("the library API", () => {
  it("runs the README example: a device enrolls through a 503 and checks in for a day", async () => {
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
    const service = await startMockService({ now: () => new Date(clock.now()) });
    try {
      await service.admin.createLicensedUser({ displayName: "Alex", userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" });
      const profile = await service.admin.createProfile({ displayName: "Lab", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
      const device = await createDevice({
        qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") },
        clock,
        seed: 1,
        faults: ["service-5xx", parseFault("clock-skew=+5m")],
        user: { userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" },
      });
      const report = await device.enroll();
      expect(report.finalState).toBe("enrolled");
      await device.runFor(24 * HOUR);
      expect(device.context.checkIns).toBe(15);
      device.dispose();
    } finally {
      await service.close();
    }
  });

  it("refuses two faults of one kind, as the CLI does (before, the second was ignored)", async () => {
    await expect(createDevice({ seed: 1, faults: ["service-5xx=1", "service-5xx=always"] })).rejects.toThrow(
      "gives service-5xx a second time (service-5xx=1 before it)",
    );
    await expect(createDevice({ seed: 1, faults: [parseFault("power-loss@enrolling"), "power-loss=2h@enrolling"] })).rejects.toMatchObject({
      where: "fault power-loss=2h@enrolling",
    });
  });

  it("runs a clock-skew from the start beside one at a state, whichever is written first", async () => {
    const base = new SimulatedClock(Date.UTC(2026, 0, 1));
    // Before, the one at a state, written first, hid the other: the clock started unskewed.
    const device = await createDevice({ qr: { payload: "{}" }, seed: 1, clock: base, faults: ["clock-skew=-1h@enrolling", "clock-skew=+2h"] });
    try {
      expect(device.clock.now() - base.now()).toBe(2 * HOUR);
    } finally {
      device.dispose();
    }
  });

  it("exposes the faults, the machine and its diagram", () => {
    expect(FAULT_NAMES).toContain("power-loss");
    expect(machineMermaid(deviceMachine)).toMatch(/^stateDiagram-v2/);
  });
});
