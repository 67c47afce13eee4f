/**
 * The device over ports it is given: every port a hand-made test double (no virtual hardware,
 * no HTTP, no service), driven end to end by createDevice and the Device facade. This is the
 * seam an adb-backed device, a replay or a fleet plugs into.
 */
import { describe, expect, it } from "vitest";
import { createDevice } from "../../agent/device/create-device.js";
import { SimulatedClock } from "../../agent/device/clock.js";
import type { DevicePorts, InstalledApp, StoragePort, WifiNetworkConfig } from "../../agent/device/ports.js";
import { StepError } from "../../agent/machine/step-error.js";
import { KEYS } from "../../agent/payload/index.js";
import {
  AGENT_ADMIN_COMPONENT,
  AGENT_ADMIN_RECEIVER,
  AGENT_PACKAGE,
  AUTHENTICATOR_PACKAGE,
  COMPANY_PORTAL_PACKAGE,
  EXTRA_ENROLLMENT_TOKEN,
  EXTRA_SERVICE_URL,
} from "../../agent/protocol/intune-conventions.js";
import type { PackageOffer } from "../../agent/protocol/device-api.js";
import {
  ACTION_DEVICE_ADMIN_ENABLED,
  BIND_DEVICE_ADMIN,
  encodePackageArchive,
  packageChecksum,
  parsePackageArchive,
} from "../../agent/protocol/package-archive.js";
import { renderQrPng } from "../../agent/qr/render.js";

const CERT = Buffer.from("a test signing certificate").toString("base64");

function archive(packageName: string, versionName: string, versionCode: number, admin = false): Buffer {
  return encodePackageArchive({
    packageName,
    versionName,
    versionCode,
    label: packageName,
    receivers: admin ? [{ name: AGENT_ADMIN_RECEIVER, permission: BIND_DEVICE_ADMIN, actions: [ACTION_DEVICE_ADMIN_ENABLED] }] : [],
    signingCertificates: [CERT],
  });
}

/** The world the doubles share: files by URL, and what each double was asked. */
function doubles() {
  const files = new Map<string, Buffer>();
  const agent = archive(AGENT_PACKAGE, "24.9.2", 2409002, true);
  files.set("http://mdm.test/agent.apk", agent);
  const offers: PackageOffer[] = [
    [COMPANY_PORTAL_PACKAGE, "5.0.6235.0", 50623500],
    [AUTHENTICATOR_PACKAGE, "6.2410.6530", 20246530],
  ].map(([name, versionName, versionCode]) => {
    const bytes = archive(name as string, versionName as string, versionCode as number);
    const url = `http://mdm.test/${name}.apk`;
    files.set(url, bytes);
    return { packageName: name as string, versionName: versionName as string, versionCode: versionCode as number, downloadUrl: url, packageChecksum: packageChecksum(bytes), signatureChecksum: "unused" };
  });
  const asked: string[] = [];
  const joined: WifiNetworkConfig[] = [];
  const staged = new Map<string, Buffer>();
  const installed = new Map<string, InstalledApp>();
  let owner: { packageName: string; className: string } | null = null;
  const flash = new Map<string, Uint8Array>();
  const clock = new SimulatedClock(Date.UTC(2026, 0, 5, 9));

  const storage: StoragePort = {
    read: (key) => flash.get(key) ?? null,
    write: (key, bytes) => void flash.set(key, bytes),
    remove: (key) => void flash.delete(key),
    keys: (prefix = "") => [...flash.keys()].filter((k) => k.startsWith(prefix)),
    eraseAll: () => flash.clear(),
  };
  const ports: DevicePorts = {
    clock,
    storage,
    camera: { capture: async () => ({ bytes: picture!, label: "test double camera" }) },
    policy: {
      appliedVersions: () => [],
      apply: async () => ({ passwordSet: false }),
      isRestricted: () => false,
      devicePassword: () => null,
      unlock: () => "unlocked",
    },
    wifi: {
      async join(network, onProgress) {
        joined.push(network);
        onProgress({ status: "associating", detail: `double: joining ${network.ssid}` });
        return { ssid: network.ssid, ipAddress: "10.0.0.2" };
      },
      currentConnection: async () => null,
    },
    packages: {
      async download(request) {
        asked.push(`download ${request.url}`);
        const bytes = files.get(request.url);
        if (!bytes) throw new StepError("downloadFailed", `no file at ${request.url}`);
        const stagedId = `s${staged.size + 1}`;
        staged.set(stagedId, bytes);
        return { stagedId, bytes: bytes.length };
      },
      readStaged: async (id) => staged.get(id)!,
      async install(id) {
        const m = parsePackageArchive(staged.get(id)!);
        const app = { packageName: m.packageName, versionName: m.versionName, versionCode: m.versionCode };
        installed.set(app.packageName, app);
        return app;
      },
      installedPackage: async (name) => installed.get(name) ?? null,
      installedApps: async () => [...installed.values()],
      setDeviceOwner: async (component) => void (owner = component),
      deviceOwner: async () => owner,
      stopApp: async () => {},
      launchApp: async () => {},
    },
    service: {
      async enroll(serviceUrl, request) {
        asked.push(`enroll ${serviceUrl} ${request.enrollmentToken} ${request.serialNumber}`);
        return { deviceId: "d-1", deviceCredential: "cred", deviceName: `AOSP_${request.serialNumber}`, enrollmentProfileName: "Doubles" };
      },
      async signIn(session, request) {
        asked.push(`signIn ${session.deviceId} ${request.userPrincipalName}`);
        return { userId: "u-1", userPrincipalName: request.userPrincipalName, displayName: "Alex", requiredApps: offers };
      },
      async checkIn(session, request) {
        asked.push(`checkIn ${session.deviceId} ${request.apps.length} apps`);
        return { actions: [], updates: [], serverDateTime: new Date(clock.now()).toISOString() };
      },
      getUpdates: async () => ({ updates: [] }),
      acknowledge: async () => {},
      uploadLogs: async () => ({ incidentId: "INC1" }),
      acceptTerms: async () => {},
      reportPolicyStates: async () => {},
    },
    power: { factoryReset: async () => {}, resetProtectionActive: async () => false },
  };
  let picture: Uint8Array | undefined;
  const payload = {
    [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: AGENT_ADMIN_COMPONENT,
    [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "http://mdm.test/agent.apk",
    [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: packageChecksum(agent),
    [KEYS.WIFI_SSID]: "Double-Net",
    [KEYS.WIFI_SECURITY_TYPE]: "WPA",
    [KEYS.WIFI_PASSWORD]: "double-passphrase",
    [KEYS.ADMIN_EXTRAS_BUNDLE]: { [EXTRA_ENROLLMENT_TOKEN]: "tok-1", [EXTRA_SERVICE_URL]: "http://mdm.test" },
  };
  const setPicture = async () => {
    picture = (await renderQrPng(JSON.stringify(payload))).png;
  };
  return { ports, asked, joined, installed, flash, clock, setPicture };
}

describe("a device over injected ports", () => {
  it("enrolls end to end through test doubles, with no virtual hardware assembled", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
    const report = await device.enroll();
    expect(report.finalStatePath).toBe("enrolled.idle");
    expect(report.deviceId).toBe("d-1");
    expect(world.joined.map((n) => [n.ssid, n.securityType, n.password])).toEqual([["Double-Net", "WPA", "double-passphrase"]]);
    expect(world.asked).toEqual([
      "download http://mdm.test/agent.apk",
      `enroll http://mdm.test tok-1 ${device.identity.serialNumber}`,
      "signIn d-1 alex@contoso.example",
      `download http://mdm.test/${COMPANY_PORTAL_PACKAGE}.apk`,
      `download http://mdm.test/${AUTHENTICATOR_PACKAGE}.apk`,
      // Enrollment ends with the first sync, which reports the installed apps.
      "checkIn d-1 3 apps",
    ]);
    expect(report.apps.map((a) => a.package).sort()).toEqual([AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE].sort());
    // The machine's snapshot went to the injected storage.
    expect(world.flash.size).toBeGreaterThan(0);
    // Time is the injected clock's: the first check-in is 3 minutes after enrollment.
    await device.runFor(3 * 60_000);
    expect(world.asked.at(-1)).toBe("checkIn d-1 3 apps");
    device.dispose();
  });

  it("applies a fault to an injected port (wifi-timeout decorates the given Wi-Fi)", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, faults: ["wifi-timeout"] });
    const report = await device.enroll();
    expect(report.failure?.code).toBe("wifiTimeout");
    device.dispose();
  });

  it("keeps each device on its own ports when many run at once (one shared machine)", async () => {
    // Devices share one machine definition and find their ports through their actor system:
    // two devices enrolling at the same time must never call each other's doubles.
    const worlds = [doubles(), doubles()];
    await Promise.all(worlds.map((w) => w.setPicture()));
    worlds[1]!.ports.wifi.join = async (network, onProgress) => {
      onProgress({ status: "associating", detail: "second double refuses" });
      throw new StepError("wifiAuthFailed", `wrong key for ${network.ssid}`);
    };
    const devices = await Promise.all(
      worlds.map((w, i) => createDevice({ ports: w.ports, seed: 10 + i, user: { userPrincipalName: "alex@contoso.example", password: "pw" } })),
    );
    const reports = await Promise.all(devices.map((d) => d.enroll()));
    expect(reports[0]!.finalStatePath).toBe("enrolled.idle");
    expect(reports[1]!.failure?.code).toBe("wifiAuthFailed");
    expect(worlds[0]!.asked[1]).toBe(`enroll http://mdm.test tok-1 ${devices[0]!.identity.serialNumber}`);
    expect(worlds[1]!.asked).toEqual([]);
    for (const d of devices) d.dispose();
  });

  it("needs something for the camera to see", async () => {
    await expect(createDevice({ seed: 1 })).rejects.toThrow(/camera has nothing to see/);
  });
});

describe("transcript state records", () => {
  it("carry the step as data: the state left, the XState event and the step's output", async () => {
    const world = doubles();
    await world.setPicture();
    const records: Record<string, unknown>[] = [];
    const device = await createDevice({
      ports: world.ports,
      seed: 3,
      user: { userPrincipalName: "alex@contoso.example", password: "pw" },
      transcript: (r) => records.push(r as unknown as Record<string, unknown>),
    });
    await device.enroll();
    device.dispose();
    const states = records.filter((r) => r.type === "state");
    const enrolled = states.find((r) => r.eventType === "xstate.done.actor.enroll");
    expect(enrolled).toMatchObject({ from: "enrolling.requesting", state: "signingIn.waitingForUser", output: { deviceId: "d-1", enrollmentProfileName: "Doubles" } });
    const signIn = states.find((r) => r.eventType === "SIGN_IN");
    expect(signIn).toMatchObject({ eventData: { userPrincipalName: "alex@contoso.example", password: "(redacted)" } });
    // Every step follows from the one before it: the state path can be walked again.
    for (let i = 1; i < states.length; i++) expect(states[i]!.from).toBe(states[i - 1]!.state);
  });
});
