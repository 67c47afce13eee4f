/**
 * The device ports over adb (agent/device/adb/), each on its own against the fake adb: what they
 * ask the device, what they make of its answers, and what they say they did instead when adb
 * cannot do what the device would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Adb, AdbError } from "../../agent/device/adb/adb.js";
import { AdbCamera } from "../../agent/device/adb/camera.js";
import { AdbNotes } from "../../agent/device/adb/notes.js";
import { AdbPackages } from "../../agent/device/adb/packages.js";
import { AdbPower } from "../../agent/device/adb/power.js";
import { AdbWifi } from "../../agent/device/adb/wifi.js";
import { RealClock } from "../../agent/device/clock.js";
import { StepError } from "../../agent/machine/step-error.js";
import type { StagedPackage } from "../../agent/device/ports.js";
import type { WifiNetworkConfig } from "../../agent/machine/types.js";
import { encodePackageArchive } from "../../agent/protocol/package-archive.js";
import { adb, bootedDevice, file, FIXTURES, offlineDevice, sets, shell, text, useFakeAndroid, when } from "./support/fake-android.js";

vi.setConfig({ testTimeout: 60_000 });

const android = useFakeAndroid();
const device = new Adb("emulator-5554");
const QR_IMAGE = join(FIXTURES, "..", "..", "..", "fixtures", "images", "intune-valid.png");

const network = (overrides: Partial<WifiNetworkConfig> = {}): WifiNetworkConfig => ({
  ssid: "Contoso-Staging",
  hidden: false,
  securityType: "WPA",
  securityTypeAsWritten: null,
  password: "correct horse",
  eapMethod: null,
  proxy: null,
  pacUrl: null,
  ...overrides,
});

/** Host-side staging holding given bytes as "download-1". */
function stagingOf(bytes: Uint8Array) {
  return {
    download: async (): Promise<StagedPackage> => ({ stagedId: "download-1", bytes: bytes.length }),
    readStaged: async () => bytes,
  };
}

describe("Wi-Fi over adb", () => {
  it("connects with cmd wifi connect-network and waits until cmd wifi status names the network", async () => {
    android.scenario([
      sets(["joined"], shell("cmd wifi connect-network 'Contoso-Staging' wpa2 'correct horse'", file("wifi-connect.txt"))),
      when(["joined"], shell("cmd wifi status", file("wifi-status-disconnected.txt"), file("wifi-status-staging.txt"))),
    ]);
    const notes = new AdbNotes();
    const progress: string[] = [];
    const connection = await new AdbWifi(device, new RealClock(), notes).join(network(), (p) => progress.push(p.detail), new AbortController().signal);
    expect(connection).toEqual({ ssid: "Contoso-Staging", ipAddress: "192.168.232.2" });
    expect(progress).toEqual(["cmd wifi: Connection initiated"]);
    expect(notes.all()).toEqual(["Wi-Fi joined over adb (`cmd wifi connect-network`), not by the setup wizard's provisioning"]);
  });

  it("keeps waiting until the caller gives up (the machine owns the Wi-Fi timeout)", async () => {
    android.scenario([shell("cmd wifi connect-network 'Hidden Lab' open -h", file("wifi-connect.txt")), shell("cmd wifi status", file("wifi-status-default.txt"))]);
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error("Wi-Fi timeout")), 2_500);
    await expect(new AdbWifi(device, new RealClock(), new AdbNotes()).join(network({ ssid: "Hidden Lab", hidden: true, securityType: "NONE", password: null }), () => {}, stop.signal)).rejects.toThrow("Wi-Fi timeout");
  });

  it("cannot add an EAP network and says so as the Wi-Fi step's failure", async () => {
    android.scenario([]);
    const error = await new AdbWifi(device, new RealClock(), new AdbNotes()).join(network({ securityType: "EAP" }), () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect(error).toMatchObject({ code: "wifiAddFailed", message: expect.stringMatching(/cannot add a EAP network/) });
    expect(android.calls()).toEqual([]);
  });
});

describe("the package manager over adb", () => {
  const archive = (packageName: string, versionName: string) =>
    new Uint8Array(encodePackageArchive({ packageName, versionName, versionCode: 1, label: packageName, signingCertificates: [Buffer.from("cert").toString("base64")], receivers: [] }));

  it("reads the managed apps' versions with dumpsys package", async () => {
    android.scenario([
      shell("dumpsys package com.microsoft.intune.aospagent", file("package-agent.txt")),
      shell("dumpsys package com.microsoft.windowsintune.companyportal", file("package-company-portal.txt")),
      shell("dumpsys package com.azure.authenticator", file("package-missing-authenticator.txt")),
    ]);
    const apps = await new AdbPackages(device, stagingOf(new Uint8Array()), new AdbNotes()).installedApps();
    expect(apps).toEqual([
      { packageName: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 },
      { packageName: "com.microsoft.windowsintune.companyportal", versionName: "5.0.6235.0", versionCode: 50623500 },
    ]);
  });

  it("uses the device's own app for a simulated archive Android cannot install, and says so", async () => {
    android.scenario([shell("dumpsys package com.microsoft.intune.aospagent", file("package-agent.txt"))]);
    const notes = new AdbNotes();
    const packages = new AdbPackages(device, stagingOf(archive("com.microsoft.intune.aospagent", "24.9.2")), notes);
    expect(await packages.install("download-1", new AbortController().signal)).toEqual({ packageName: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 });
    expect(notes.all()).toEqual([
      "com.microsoft.intune.aospagent 24.9.2 came as a simulated archive, which Android cannot install: the device's own com.microsoft.intune.aospagent 24.9.2 stands in for it",
    ]);
  });

  it("fails the install, naming the app, when the device lacks the app a simulated archive stands for", async () => {
    android.scenario([shell("dumpsys package com.microsoft.intune.aospagent", file("package-missing-agent.txt"))]);
    const packages = new AdbPackages(device, stagingOf(archive("com.microsoft.intune.aospagent", "24.9.2")), new AdbNotes());
    await expect(packages.install("download-1", new AbortController().signal)).rejects.toMatchObject({
      code: "installFailed",
      message: expect.stringMatching(/^com\.microsoft\.intune\.aospagent 24\.9\.2 came as a simulated package archive, not an APK/),
    });
  });

  const apk = Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(64)]);

  it("installs an APK with adb install -r", async () => {
    android.scenario([
      sets(["installed"], { tool: "adb", prefix: "-s emulator-5554 install -r ", replies: [file("install-success.txt")] }),
      when(["installed"], shell("dumpsys package com.microsoft.intune.aospagent", file("package-agent.txt"))),
      shell("dumpsys package com.microsoft.intune.aospagent", file("package-missing-agent.txt")),
      shell("dumpsys package com.microsoft.windowsintune.companyportal", file("package-missing-company-portal.txt")),
      shell("dumpsys package com.azure.authenticator", file("package-missing-authenticator.txt")),
    ]);
    const installed = await new AdbPackages(device, stagingOf(apk), new AdbNotes()).install("download-1", new AbortController().signal);
    expect(installed).toEqual({ packageName: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 });
  });

  it("turns adb install's Failure [...] into the install step's failure", async () => {
    android.scenario([
      { tool: "adb", prefix: "-s emulator-5554 install -r ", replies: [{ stderr: readFileSync(join(FIXTURES, "install-failed.txt"), "utf8"), exit: 1 }] },
      { tool: "adb", prefix: "-s emulator-5554 shell dumpsys package ", replies: [file("package-missing-agent.txt")] },
    ]);
    await expect(new AdbPackages(device, stagingOf(apk), new AdbNotes()).install("download-1", new AbortController().signal)).rejects.toMatchObject({
      code: "installFailed",
      message: expect.stringMatching(/^adb install: INSTALL_FAILED_UPDATE_INCOMPATIBLE/),
    });
  });

  it("sets the device owner with dpm, and reports Android's refusal", async () => {
    android.scenario([
      // As dpm answers: the exception on stderr, exit 255 (before, a generic "failed (exit 255)").
      shell("dpm set-device-owner 'com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver'", { stderr: readFileSync(join(FIXTURES, "dpm-set-owner-accounts.txt"), "utf8"), exit: 255 }),
      shell("dumpsys device_policy", file("device-policy-testdpc.txt")),
    ]);
    const packages = new AdbPackages(device, stagingOf(apk), new AdbNotes());
    await expect(packages.setDeviceOwner({ packageName: "com.microsoft.intune.aospagent", className: "com.microsoft.intune.aospagent.AospDeviceAdminReceiver" })).rejects.toMatchObject({
      code: "deviceOwnerFailed",
      message: expect.stringMatching(/already some accounts on the device$/),
    });
    expect(await packages.deviceOwner()).toEqual({ packageName: "com.afwsamples.testdpc", className: "com.afwsamples.testdpc.DeviceAdminReceiver" });
  });
});

describe("camera, power and the device's reachability over adb", () => {
  const poster = { bytes: new Uint8Array(readFileSync(QR_IMAGE)), label: "qr.png" };

  it("scans a QR code shown on the device's screen from a screenshot", async () => {
    android.scenario([adb("exec-out screencap -p", { stdoutFile: "../../../fixtures/images/intune-valid.png" })]);
    const notes = new AdbNotes();
    const picture = await new AdbCamera(device, { bytes: new Uint8Array(), label: "unused" }, notes).capture(new AbortController().signal);
    expect(picture.label).toBe("screenshot of emulator-5554");
    expect(notes.all()).toEqual(["adb cannot read the camera: the QR code was read from a screenshot of emulator-5554"]);
  });

  it("uses the picture in front of the camera when the screen shows no QR code, and says so", async () => {
    android.scenario(bootedDevice());
    const notes = new AdbNotes();
    const picture = await new AdbCamera(device, poster, notes).capture(new AbortController().signal);
    expect(picture).toBe(poster);
    expect(notes.all()).toEqual(["adb cannot read the camera and the screen shows no QR code: the scan used qr.png, the picture in front of the camera"]);
  });

  it("cannot factory reset over adb and names the script that can", async () => {
    await expect(new AdbPower(device, new AdbNotes()).factoryReset()).rejects.toMatchObject({
      code: "factoryResetUnavailable",
      message: expect.stringContaining("aosp-sim emulator reset --serial emulator-5554"),
    });
  });

  it("says a device is offline, or not attached, in adb's terms", async () => {
    android.scenario(offlineDevice());
    await expect(device.shell("cmd wifi status")).rejects.toMatchObject({ kind: "offline", message: "emulator-5554 is offline (adb sees it but it does not answer)" });
    android.scenario([{ tool: "adb", prefix: "-s emulator-5554 ", replies: [{ stderr: "adb: device 'emulator-5554' not found\n", exit: 1 }] }]);
    const error = await device.shell("cmd wifi status").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdbError);
    expect(error).toMatchObject({ kind: "noDevice", message: "no device emulator-5554 is attached" });
  });

  it("gives up on an adb command that does not answer", async () => {
    android.scenario([shell("cmd wifi status", { sleepMs: 30_000 })]);
    await expect(new Adb("emulator-5554", 1_500).shell("cmd wifi status")).rejects.toMatchObject({
      kind: "timeout",
      message: "`adb -s emulator-5554 shell cmd wifi status` gave no answer within 1.5 s",
    });
  });

  it("reads the device's identity from one getprop listing", async () => {
    android.scenario(bootedDevice());
    const { readAdbIdentity } = await import("../../agent/device/adb/index.js");
    expect(await readAdbIdentity(device)).toEqual({ serialNumber: "EMULATOR35X1X11X0", model: "sdk_gphone64_x86_64", manufacturer: "Google", osVersion: "14" });
  });

  it("reads the security patch level from the same listing, as Android keeps it (ro.build.version.security_patch)", async () => {
    const { readAdbHardware } = await import("../../agent/device/adb/index.js");
    android.scenario(bootedDevice());
    expect(await readAdbHardware(device)).toMatchObject({ identity: { osVersion: "14" }, securityPatchLevel: "2025-03-05" });
    // Unset (an image that never set it) or not a date: unknown, not a guess.
    for (const listing of ["[ro.build.version.release]: [15]\n", "[ro.build.version.security_patch]: [March 2025]\n"]) {
      android.scenario([shell("getprop", text(listing))]);
      expect((await readAdbHardware(device)).securityPatchLevel).toBeNull();
    }
  });
});

