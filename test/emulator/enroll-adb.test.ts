/**
 * `aosp-sim enroll qr.png --device adb:emulator-5554` end to end: the built CLI, the mock service
 * over HTTP, and the fake adb standing for an emulator that has the agent, Company Portal and
 * Authenticator installed (the mock service's simulated archives cannot be installed on Android).
 * The timeline must say which steps adb could not perform and what was done instead.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim } from "../helpers/device-cli.js";
import { bootedDevice, file, FIXTURES, offlineDevice, sets, shell, text, useFakeAndroid, when, type Rule, managedAppsInstalled } from "./support/fake-android.js";

const android = useFakeAndroid();
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
const OWNER = "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver";
let service: MockService;
let qr: string;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Contoso-Staging", wifiSecurityType: "wpa", wifiPassword: "staging-passphrase" });
  qr = `${android.dir}/qr.png`;
  writeFileSync(qr, Buffer.from(profile.qrCodeImage.value, "base64"));
});
afterAll(() => service.close());

/** An emulator at its welcome screen with the three apps installed, joining the payload's network. */
const emulatorWithApps = (overrides: Rule[] = []): Rule[] => [
  ...overrides,
  ...bootedDevice(),
  when(["owner"], shell("dumpsys device_policy", file("device-policy-intune.txt"))),
  shell("dumpsys device_policy", file("device-policy-none.txt")),
  sets(["owner"], shell(`dpm set-device-owner '${OWNER}'`, file("dpm-set-owner-success.txt"))),
  sets(["joined"], shell("cmd wifi connect-network 'Contoso-Staging' wpa2 'staging-passphrase'", file("wifi-connect.txt"))),
  when(["joined"], shell("cmd wifi status", file("wifi-status-staging.txt"))),
  shell("cmd wifi status", file("wifi-status-default.txt")),
  ...managedAppsInstalled(),
  { tool: "adb", prefix: "-s emulator-5554 shell monkey -p ", replies: [{ stdout: "  bash arg: -p\n  bash arg: com.microsoft.intune.aospagent\nEvents injected: 1\n## Network stats: elapsed time=41ms (0ms mobile, 0ms wifi, 41ms not connected)\n" }] },
];

interface EnrollJson {
  finalState: string;
  deviceOwner: string | null;
  identity: { serialNumber: string; model: string };
  apps: { package: string; versionName: string }[];
  timeline: { state: string; event: string; detail: string }[];
  failure: { code: string; message: string } | null;
}

describe("aosp-sim enroll --device adb:SERIAL", { timeout: 180_000 }, () => {
  it("enrolls the emulator over adb and says in the timeline what the host did instead", async () => {
    android.scenario(emulatorWithApps());
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as EnrollJson;
    expect(doc.finalState).toBe("enrolled");
    expect(doc.deviceOwner).toBe(OWNER);
    expect(doc.identity).toMatchObject({ serialNumber: "EMULATOR35X1X11X0", model: "sdk_gphone64_x86_64" });
    expect(doc.apps.map((a) => `${a.package} ${a.versionName}`)).toEqual([
      "com.azure.authenticator 6.2410.6530",
      "com.microsoft.intune.aospagent 24.9.2",
      "com.microsoft.windowsintune.companyportal 5.0.6235.0",
    ]);
    const notes = doc.timeline.filter((e) => e.event === "note").map((e) => e.detail);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/six taps are not sent/),
        expect.stringMatching(/calls to the service .* are made from the host/),
        expect.stringMatching(/^adb cannot read the camera and the screen shows no QR code: the scan used .*qr\.png, the picture in front of the camera$/),
        "Wi-Fi joined over adb (`cmd wifi connect-network`), not by the setup wizard's provisioning",
        "packages are downloaded and verified on the host: adb cannot drive the device's download manager",
        expect.stringMatching(/^com\.microsoft\.intune\.aospagent 24\.9\.2 came as a simulated archive, which Android cannot install: the device's own/),
        "factory reset protection cannot be read over adb: assumed off",
      ]),
    );
    // Its security patch level was read (getprop.txt has one): nothing to say about it.
    expect(notes.filter((n) => /security patch level/.test(n))).toEqual([]);
    expect(android.lines()).toContain(`adb -s emulator-5554 shell dpm set-device-owner '${OWNER}'`);
    // The service sees the emulator, by the serial number it reports.
    const devices = await service.admin.listManagedDevices();
    expect(devices.map((d) => d.serialNumber)).toContain("EMULATOR35X1X11X0");
  });

  // Before, monkey's exit 252 failed setDeviceOwner (internalError) after the owner was already set.
  it("goes on with a note when the agent has no launcher activity (monkey exits 252, as on a device)", async () => {
    android.scenario(emulatorWithApps([{ tool: "adb", prefix: "-s emulator-5554 shell monkey -p ", replies: [{ stdoutFile: "monkey-no-activities.txt", exit: 252 }] }]));
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as EnrollJson;
    expect(doc.finalState).toBe("enrolled");
    expect(doc.timeline.filter((e) => e.event === "note").map((e) => e.detail)).toContain("com.microsoft.intune.aospagent has no launcher activity to start; left as it is");
  });

  it("still fails when monkey fails for another reason", async () => {
    android.scenario(emulatorWithApps([{ tool: "adb", prefix: "-s emulator-5554 shell monkey -p ", replies: [{ stderr: "/system/bin/sh: monkey: inaccessible or not found\n", exit: 127 }] }]));
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as EnrollJson).failure?.message).toMatch(/`adb shell monkey -p com\.microsoft\.intune\.aospagent .*` failed \(exit 127\): \/system\/bin\/sh: monkey: inaccessible or not found/);
  });

  it("says in the timeline when the emulator reports no security patch level", async () => {
    const listing = readFileSync(join(FIXTURES, "getprop.txt"), "utf8").replace(/^\[ro\.build\.version\.security_patch\].*\n/m, "");
    android.scenario(emulatorWithApps([shell("getprop", text(listing))]));
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.code).toBe(0);
    const notes = (JSON.parse(result.stdout) as EnrollJson).timeline.filter((e) => e.event === "note").map((e) => e.detail);
    expect(notes).toContain(
      "the device reports no security patch level (getprop ro.build.version.security_patch is empty or not YYYY-MM-DD): a compliance policy's minimum patch level is reported not applicable",
    );
  });

  it("stops at the install when the emulator lacks an app the service sent as a simulated archive (exit 1)", async () => {
    android.scenario(emulatorWithApps([shell("dumpsys package com.azure.authenticator", file("package-missing-authenticator.txt"))]));
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as EnrollJson;
    expect(doc.failure?.message).toMatch(/com\.azure\.authenticator .* came as a simulated package archive, not an APK/);
  });

  // Before, "aosp-sim: internal error: no device emulator-5554 is attached", exit 2 (usage), from
  // the report read after the failed step; --json printed no summary and no error document.
  it("says the device went away mid-enrollment in adb's terms (exit 1), not as an internal error", async () => {
    const gone = () => emulatorWithApps([when(["owner"], { tool: "adb", prefix: "-s emulator-5554 ", replies: [{ stderr: "adb: device 'emulator-5554' not found\n", exit: 1 }] })]);
    android.scenario(gone());
    const result = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).toMatch(/^aosp-sim: --device adb:emulator-5554: no device emulator-5554 is attached$/m);
    expect(result.stderr).toMatch(/^ {2}fix: start it/m);
    expect(result.code).toBe(1);
    android.scenario(gone());
    const json = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { where: string; message: string } }).error).toMatchObject({ where: "--device adb:emulator-5554", message: "no device emulator-5554 is attached" });
  });

  it("says the device is offline (exit 1) and refuses options a real device cannot take (exit 2)", async () => {
    android.scenario(offlineDevice());
    const offline = await aospSim(["enroll", qr, "--device", "adb:emulator-5554"]);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/emulator-5554 is offline/);
    expect(offline.stderr).toMatch(/fix: /);
    // With --json, stdout holds the error document (before, it was empty).
    const offlineJson = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--json"]);
    expect(offlineJson.code).toBe(1);
    const doc = JSON.parse(offlineJson.stdout) as { error: { kind: string; message: string; where: string; fix: string } };
    expect(doc.error).toMatchObject({ kind: "input", where: "--device adb:emulator-5554" });
    expect(doc.error.message).toMatch(/emulator-5554 is offline/);
    expect(doc.error.fix).not.toBe("");
    const faulty = await aospSim(["enroll", qr, "--device", "adb:emulator-5554", "--fault", "corrupt-download"]);
    expect(faulty.code).toBe(2);
    expect(faulty.stderr).toMatch(/--fault: faults are injected into the virtual device/);
    const bad = await aospSim(["enroll", qr, "--device", "usb"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--device: "usb" is not a device/);
  });
});
