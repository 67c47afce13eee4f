/**
 * A device without a setup wizard (RealWear) has had no screen to join a network on before it
 * scans: a QR code without Wi-Fi stops it at noNetwork, while a device that went through its
 * setup wizard goes on over the network it joined there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

const NO_WIFI = { displayName: "Headsets", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: false } as const;

describe("a QR code without Wi-Fi", () => {
  // Before: the RealWear device enrolled over "Setup-Wizard-Network", a network it could never have joined.
  it("stops a RealWear device at Couldn't connect to Wi-Fi, saying it has no setup wizard", async () => {
    const { qr } = await t.newProfile(NO_WIFI);
    const device = await t.device({ qr: { image: qr }, seed: 8 });
    expect(device.identity.manufacturer).toBe("RealWear");
    const report = await device.enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure).toMatchObject({ code: "noNetwork", screen: "Couldn't connect to Wi-Fi" });
    expect(report.failure?.message).toMatch(/^the payload names no Wi-Fi network and the device is on none: it has no setup wizard to join one before the QR code \(RealWear devices skip the first-time setup.*\), so the QR code must carry the Wi-Fi$/);
  });

  it("lets a device that went through its setup wizard go on over the network it joined there", async () => {
    const { qr } = await t.newProfile(NO_WIFI);
    const device = await t.device({ qr: { image: qr }, seed: 1 });
    expect(device.identity.manufacturer).not.toBe("RealWear");
    const report = await device.enroll();
    expect(report.failure).toBeNull();
    expect(report.timeline.some((e) => e.state === "checkingNetwork")).toBe(true);
  });
});
