/**
 * A hand-made port set (test doubles: no virtual hardware, no HTTP, no service) and the world the
 * doubles share, for driving createDevice end to end through its injected ports.
 */
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
/** The doubles' world; `clock` is the device's (default: simulated, from 2026-01-05 09:00 UTC). */
export function doubles(clock: SimulatedClock = new SimulatedClock(Date.UTC(2026, 0, 5, 9))) {
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

