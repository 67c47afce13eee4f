/**
 * Reading Android's shell output: each parser against output recorded from Android 14 images
 * (test/emulator/fixtures/), and the variants older images print.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  parseComponent,
  parseDeviceOwner,
  parseDevices,
  parseFocusedActivity,
  parseInstallResult,
  parsePackageDump,
  parseSetOwnerResult,
  parseWifiStatus,
  parseWmSize,
} from "../../agent/device/adb/parse.js";
import { FIXTURES } from "./support/fake-android.js";

const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

describe("reading what adb and Android's shell print", () => {
  it("lists attached devices with their states", () => {
    expect(parseDevices(fixture("devices.txt")).get("emulator-5554")).toBe("device");
    expect(parseDevices(fixture("devices-offline.txt")).get("emulator-5554")).toBe("offline");
    expect(parseDevices("* daemon not running; starting now at tcp:5037\n* daemon started successfully\nList of devices attached\n\n").size).toBe(0);
  });

  it("takes the override screen size over the physical one (taps land in the override)", () => {
    expect(parseWmSize(fixture("wm-size.txt"))).toEqual({ width: 1080, height: 2400 });
    expect(parseWmSize("Physical size: 1080x2400\nOverride size: 720x1600\n")).toEqual({ width: 720, height: 1600 });
    expect(parseWmSize("")).toBeNull();
  });

  it("reads a package's versions and install time, and knows a missing package", () => {
    expect(parsePackageDump("com.microsoft.intune.aospagent", fixture("package-agent.txt"))).toEqual({
      packageName: "com.microsoft.intune.aospagent",
      versionName: "24.9.2",
      versionCode: 2409002,
      firstInstallTime: "2026-12-02 04:20:11",
      lastUpdateTime: "2026-12-02 04:20:11",
    });
    expect(parsePackageDump("com.microsoft.intune.aospagent", fixture("package-missing-agent.txt"))).toBeNull();
    // Another package's dump does not answer for this one.
    expect(parsePackageDump("com.azure.authenticator", fixture("package-agent.txt"))).toBeNull();
  });

  it("finds the device owner, or none", () => {
    expect(parseDeviceOwner(fixture("device-policy-intune.txt"))).toEqual({
      packageName: "com.microsoft.intune.aospagent",
      className: "com.microsoft.intune.aospagent.AospDeviceAdminReceiver",
    });
    expect(parseDeviceOwner(fixture("device-policy-testdpc.txt"))?.packageName).toBe("com.afwsamples.testdpc");
    expect(parseDeviceOwner(fixture("device-policy-none.txt"))).toBeNull();
  });

  it("reads the connected network and its address, or none", () => {
    expect(parseWifiStatus(fixture("wifi-status-default.txt"))).toEqual({ ssid: "AndroidWifi", ipAddress: "10.0.2.16" });
    expect(parseWifiStatus(fixture("wifi-status-staging.txt"))?.ssid).toBe("Contoso-Staging");
    expect(parseWifiStatus(fixture("wifi-status-disconnected.txt"))).toBeNull();
  });

  it("reads the focused activity", () => {
    expect(parseFocusedActivity(fixture("window-qr-scanner.txt"))?.className).toMatch(/QrCodeScannerActivity$/);
    expect(parseFocusedActivity(fixture("window-aosp-provision.txt"))?.packageName).toBe("com.android.provision");
  });

  it("reads install and set-device-owner results, failures with their reason", () => {
    expect(parseInstallResult(fixture("install-success.txt"), "")).toEqual({ ok: true });
    expect(parseInstallResult("", fixture("install-failed.txt"))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^INSTALL_FAILED_UPDATE_INCOMPATIBLE/),
    });
    expect(parseSetOwnerResult(fixture("dpm-set-owner-success.txt"))).toEqual({ ok: true });
    expect(parseSetOwnerResult(fixture("dpm-set-owner-accounts.txt"))).toEqual({
      ok: false,
      reason: "Not allowed to set the device owner because there are already some accounts on the device",
    });
  });

  it("makes a short class name absolute", () => {
    expect(parseComponent("com.example/.Admin")).toEqual({ packageName: "com.example", className: "com.example.Admin" });
    expect(parseComponent("not a component")).toBeNull();
  });
});
