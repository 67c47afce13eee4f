/**
 * What a QR payload's USE_MOBILE_DATA, LOCALE, TIME_ZONE and LOCAL_TIME do to the virtual device,
 * as AOSP's ManagedProvisioning does it (docs/provisioning-facts.md §1): mobile data instead of
 * Wi-Fi, waited for 10 minutes; the locale, time zone and clock set where the Android release
 * sets them (Android 10/11 before the network, 12+ with the device owner).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpTenant, tearDownTenant, T0, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
let noWifi: Record<string, unknown>;
beforeAll(async () => {
  t = await setUpTenant();
  noWifi = (await t.newProfile({ displayName: "Headsets", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: false })).payload;
});
afterAll(tearDownTenant);

const KEY = "android.app.extra.PROVISIONING_";
const MINUTE = 60_000;

describe("USE_MOBILE_DATA without Wi-Fi", () => {
  // Before: noNetwork ("Couldn't connect to Wi-Fi") whatever USE_MOBILE_DATA said.
  it("connects a RealWear device (on no network) over mobile data, and it enrolls", async () => {
    const device = await t.device({ qr: { payload: { ...noWifi, [`${KEY}USE_MOBILE_DATA`]: true } }, seed: 8 });
    expect(device.identity.manufacturer).toBe("RealWear");
    const report = await device.enroll();
    expect(report.failure).toBeNull();
    expect(report.finalState).toBe("enrolled");
    const states = report.timeline.map((e) => e.state);
    expect(states).toContain("connectingMobileData");
    expect(states).not.toContain("checkingNetwork");
    expect(report.timeline.find((e) => e.state === "preparingAgent")?.detail).toMatch(/over mobile data/);
  });

  // Before: the device enrolled over the network its setup wizard joined, as if the payload said nothing.
  it("waits 10 minutes for a mobile network on a device without mobile data, then fails with a reset needed", async () => {
    const device = await t.device({ qr: { payload: { ...noWifi, [`${KEY}USE_MOBILE_DATA`]: true } }, seed: 1, mobileData: false });
    // seed 1 went through its setup wizard and is on its Wi-Fi: for a QR code AOSP waits for mobile data only.
    expect(device.identity.manufacturer).not.toBe("RealWear");
    const report = await device.enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "mobileDataTimeout", step: "connectMobileData", screen: "Can't set up device. Contact your IT admin for help." });
    expect(report.failure?.message).toMatch(/^no mobile network reached the internet within 10 min: .*no SIM, no data plan or no coverage/);
    const started = report.timeline.find((e) => e.state === "connectingMobileData")!;
    const failed = report.timeline.find((e) => e.state === "provisioningFailed")!;
    expect(failed.elapsedMs - started.elapsedMs).toBe(10 * MINUTE);
    expect(report.apps.some((a) => a.package === "com.microsoft.intune")).toBe(false);
  });

  it("uses the payload's Wi-Fi when it names one (Wi-Fi wins), mobile data or not", async () => {
    const device = await t.device({ qr: { payload: { ...t.payload, [`${KEY}USE_MOBILE_DATA`]: true } }, seed: 8, mobileData: false });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    const states = report.timeline.map((e) => e.state);
    expect(states).toContain("connectingWifi");
    expect(states).not.toContain("connectingMobileData");
  });

  it("refuses a mobileData option that is not a boolean, naming it", async () => {
    await expect(t.device({ mobileData: "no" as unknown as boolean })).rejects.toThrow(/createDevice: mobileData must be true .* or false .* \(got the string "no"\)/);
  });
});

/** The payload's locale, time zone and time: a day after the tenant's clock started. */
const LOCAL_TIME = T0 + 24 * 60 * MINUTE;
const SETTINGS = { [`${KEY}LOCALE`]: "de_DE", [`${KEY}TIME_ZONE`]: "Europe/Berlin", [`${KEY}LOCAL_TIME`]: LOCAL_TIME };

describe("LOCALE, TIME_ZONE and LOCAL_TIME", () => {
  // Before: validated, then ignored: no line, the device's clock untouched, nothing in the report.
  it("are set with the device owner on Android 12+: the clock, not the service's, reads LOCAL_TIME from there", async () => {
    const device = await t.device({ qr: { payload: { ...t.payload, ...SETTINGS } }, seed: 2 });
    expect(Number(device.identity.osVersion)).toBeGreaterThanOrEqual(12);
    const serviceBefore = t.clock.now();
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    const index = report.timeline.findIndex((e) => e.kind === "note" && e.event === "settings");
    const note = report.timeline[index]!;
    expect(note.state).toBe("settingDeviceOwner");
    expect(note.detail).toBe(`Time zone set to Europe/Berlin; clock set to ${new Date(LOCAL_TIME).toISOString()}; locale set to de-DE (was en-US)`);
    // The lines before it are on the old clock (Wi-Fi, download), the ones after on the new one.
    expect(Date.parse(report.timeline[index - 1]!.at)).toBeLessThan(LOCAL_TIME - 23 * 60 * MINUTE);
    expect(Date.parse(note.at)).toBe(LOCAL_TIME);
    expect(Date.parse(report.timeline.at(-1)!.at)).toBeGreaterThanOrEqual(LOCAL_TIME);
    // The service kept its own time.
    expect(t.clock.now() - serviceBefore).toBeLessThan(60 * MINUTE);
    expect(report.systemSettings).toEqual({ locale: "de-DE", timeZone: "Europe/Berlin", clockSetTo: LOCAL_TIME });
  });

  it("are set as provisioning starts on Android 10 and 11, before the network", async () => {
    const device = await t.device({ qr: { payload: { ...t.payload, ...SETTINGS } }, seed: 1 });
    expect(Number(device.identity.osVersion)).toBeLessThanOrEqual(11);
    const report = await device.enroll();
    const index = report.timeline.findIndex((e) => e.kind === "note" && e.event === "settings");
    expect(report.timeline[index]?.state).toBe("checkingPreconditions");
    expect(report.timeline[index + 1]?.state).toBe("connectingWifi");
    expect(report.systemSettings).toEqual({ locale: "de-DE", timeZone: "Europe/Berlin", clockSetTo: LOCAL_TIME });
  });

  it("skips the time with a time zone Android refuses, as they are set in one step", async () => {
    const device = await t.device({ qr: { payload: { ...t.payload, [`${KEY}TIME_ZONE`]: "Mars/Olympus", [`${KEY}LOCAL_TIME`]: LOCAL_TIME } }, seed: 1 });
    const report = await device.enroll();
    const note = report.timeline.find((e) => e.kind === "note" && e.event === "settings");
    expect(note?.detail).toMatch(/^TIME_ZONE "Mars\/Olympus" not set: it is not an IANA time zone id, and AlarmManager refuses it; LOCAL_TIME not set either/);
    expect(Date.parse(report.timeline.at(-1)!.at)).toBeLessThan(LOCAL_TIME - 23 * 60 * MINUTE);
    expect(report.systemSettings).toEqual({ locale: null, timeZone: null, clockSetTo: null });
  });

  it("leave a payload without them as it was: no line, no settings in the report", async () => {
    const report = await (await t.device({ seed: 2 })).enroll();
    expect(report.timeline.some((e) => e.event === "settings")).toBe(false);
    expect(report.systemSettings).toBeUndefined();
  });
});
