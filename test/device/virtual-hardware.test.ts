/**
 * The virtual hardware on its own: the Wi-Fi radio's environment and AOSP's add-network retries,
 * and the package manager's rules.
 */
import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../../agent/device/clock.js";
import { ACTION_DEVICE_ADMIN_ENABLED, BIND_DEVICE_ADMIN, encodePackageArchive, PackageParseError, readPackageManifest } from "../../agent/protocol/package-archive.js";
import type { WifiNetworkConfig } from "../../agent/device/ports.js";
import { VirtualPackageManager } from "../../agent/device/virtual/packages.js";
import { MemoryStorage, readJson, writeJson, type StoredJson } from "../../agent/device/virtual/storage.js";
import { DEFAULT_ENVIRONMENT, intendedSecurity, VirtualWifi } from "../../agent/device/virtual/wifi.js";
import { HttpTransport } from "../../agent/client/http.js";
import type { HttpMiddleware } from "../../agent/client/http.js";
import { LAB_WIFI } from "../helpers/device-model.js";

const network = (over: Partial<WifiNetworkConfig> = {}): WifiNetworkConfig => ({ ...LAB_WIFI, ...over });

describe("the network the payload's author meant", () => {
  it("reads an unrecognised security type the way the validator's suggestion does", () => {
    const meant = (written: string) => intendedSecurity(network({ securityType: "NONE", securityTypeAsWritten: written }));
    expect(meant("WPA2")).toBe("WPA");
    expect(meant("wpa")).toBe("WPA");
    expect(meant("SAE")).toBe("WPA");
    expect(meant("WPA2-EAP")).toBe("EAP");
    expect(meant("OPEN")).toBe("NONE");
    expect(meant("???")).toBe("NONE");
  });
});

describe("the virtual Wi-Fi radio", () => {
  it("joins the payload's network with the payload's key and remembers it", async () => {
    const clock = new SimulatedClock(0);
    const storage = new MemoryStorage();
    const wifi = new VirtualWifi(DEFAULT_ENVIRONMENT, clock, storage);
    const joining = wifi.join(network(), () => {}, new AbortController().signal);
    await clock.runUntil(() => false);
    await expect(joining).resolves.toMatchObject({ ssid: "Lab" });
    expect(await wifi.currentConnection()).toMatchObject({ ssid: "Lab" });
  });

  it("gives up adding a network with an unusable key after AOSP's six retries (31.5 s)", async () => {
    const clock = new SimulatedClock(0);
    const wifi = new VirtualWifi(DEFAULT_ENVIRONMENT, clock, new MemoryStorage());
    const joining = wifi.join(network({ securityType: "WEP", password: "bad" }), () => {}, new AbortController().signal);
    const settled = joining.catch((e: unknown) => e);
    await clock.runUntil(() => false);
    expect(await settled).toMatchObject({ code: "wifiAddFailed" });
    expect(clock.now()).toBe(500 + 31_500);
  });

  it("keeps trying a network that rejects the key until the caller gives up", async () => {
    const clock = new SimulatedClock(0);
    const wifi = new VirtualWifi({ ...DEFAULT_ENVIRONMENT, payloadNetwork: { wrongKey: null } }, clock, new MemoryStorage());
    const controller = new AbortController();
    const reports: string[] = [];
    const joining = wifi.join(network(), (p) => reports.push(p.status), controller.signal).catch((e: unknown) => e);
    await clock.advance(60_000);
    controller.abort(new Error("timeout"));
    expect(await joining).toBeInstanceOf(Error);
    expect(reports.filter((s) => s === "authenticationFailed").length).toBeGreaterThan(3);
  });
});

function archive(versionCode: number, cert = "Y2VydA==") {
  return encodePackageArchive({
    packageName: "com.example.dpc",
    versionName: `${versionCode}.0`,
    versionCode,
    label: "DPC",
    receivers: [{ name: "com.example.dpc.Admin", permission: BIND_DEVICE_ADMIN, actions: [ACTION_DEVICE_ADMIN_ENABLED] }],
    signingCertificates: [cert],
  });
}

/** A package manager whose downloads are answered from a map of URL -> bytes. */
function packageManager(files: Record<string, Uint8Array>) {
  const serve: HttpMiddleware = async (req) => {
    const body = files[req.url];
    return body ? { status: 200, headers: {}, body } : { status: 404, headers: {}, body: new Uint8Array() };
  };
  const clock = new SimulatedClock(0);
  return new VirtualPackageManager(new MemoryStorage(), new HttpTransport({ clock, middleware: [serve] }), clock);
}

const signal = () => new AbortController().signal;

describe("the virtual package manager", () => {
  it("installs, updates and refuses a downgrade", async () => {
    const pm = packageManager({ "http://s/1": archive(1), "http://s/2": archive(2) });
    await pm.install((await pm.download({ url: "http://s/2", headers: {}, purpose: "app" }, signal())).stagedId, signal());
    const older = await pm.download({ url: "http://s/1", headers: {}, purpose: "app" }, signal());
    await expect(pm.install(older.stagedId, signal())).rejects.toMatchObject({ code: "installFailed", message: expect.stringMatching(/DOWNGRADE/) });
  });

  it("refuses an update signed by another certificate", async () => {
    const pm = packageManager({ "http://s/1": archive(1), "http://s/2": archive(2, "b3RoZXI=") });
    await pm.install((await pm.download({ url: "http://s/1", headers: {}, purpose: "app" }, signal())).stagedId, signal());
    const other = await pm.download({ url: "http://s/2", headers: {}, purpose: "app" }, signal());
    await expect(pm.install(other.stagedId, signal())).rejects.toMatchObject({ message: expect.stringMatching(/UPDATE_INCOMPATIBLE/) });
  });

  it("fetches only http and https, like Android's download manager", async () => {
    const pm = packageManager({});
    await expect(pm.download({ url: "ftp://s/agent.apk", headers: {}, purpose: "agent" }, signal())).rejects.toMatchObject({ code: "downloadFailed" });
    await expect(pm.download({ url: "http://s/missing", headers: {}, purpose: "agent" }, signal())).rejects.toMatchObject({ code: "downloadFailed", status: 404 });
  });

  it("sets a device owner only on an installed package's admin receiver", async () => {
    const pm = packageManager({ "http://s/1": archive(1) });
    await expect(pm.setDeviceOwner({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" })).rejects.toMatchObject({ code: "adminAppMissing" });
    await pm.install((await pm.download({ url: "http://s/1", headers: {}, purpose: "agent" }, signal())).stagedId, signal());
    await expect(pm.setDeviceOwner({ packageName: "com.example.dpc", className: "com.example.dpc.Other" })).rejects.toMatchObject({ code: "adminComponentMissing" });
    await pm.setDeviceOwner({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
    expect(await pm.deviceOwner()).toEqual({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
  });
});

describe("files parsed once", () => {
  it("gives the same frozen manifest for the same bytes, and parses other bytes anew", () => {
    const bytes = archive(3);
    const manifest = readPackageManifest(bytes);
    expect(readPackageManifest(bytes)).toBe(manifest);
    expect(Object.isFrozen(manifest) && Object.isFrozen(manifest.receivers[0]) && Object.isFrozen(manifest.signingCertificates)).toBe(true);
    expect(() => (manifest.signingCertificates as string[]).push("x")).toThrow(TypeError);
    const copy = new Uint8Array(bytes);
    expect(readPackageManifest(copy)).not.toBe(manifest);
    expect(readPackageManifest(copy)).toEqual(manifest);
  });

  it("refuses bytes that are not a package every time they are read", () => {
    const junk = new TextEncoder().encode("not a package");
    expect(() => readPackageManifest(junk)).toThrow(PackageParseError);
    expect(() => readPackageManifest(junk)).toThrow(PackageParseError);
  });

  it("reads a stored JSON file once until it is written again", () => {
    const storage = new MemoryStorage();
    const file: StoredJson<{ n: number }> = { key: "x.json", holds: "a count", is: (v): v is { n: number } => typeof (v as { n?: unknown }).n === "number" };
    writeJson(storage, file.key, { n: 1 });
    const first = readJson(storage, file);
    expect(readJson(storage, file)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    writeJson(storage, file.key, { n: 2 });
    expect(readJson(storage, file)).toEqual({ n: 2 });
    // The storage copies what it is given: changing the written array changes nothing stored.
    const given = new TextEncoder().encode('{"n":3}');
    storage.write(file.key, given);
    given[5] = "4".charCodeAt(0);
    expect(readJson(storage, file)).toEqual({ n: 3 });
  });

  it("stores bytes it handed out again without a copy, so their parsed form goes with them", () => {
    const storage = new MemoryStorage();
    const staging: StoredJson<{ n: number }> = { key: "staging/1", holds: "a count", is: (v): v is { n: number } => typeof (v as { n?: unknown }).n === "number" };
    storage.write(staging.key, new TextEncoder().encode('{"n":1}'));
    const parsed = readJson(storage, staging);
    const staged = storage.read(staging.key)!;
    storage.write("system/apk/x", staged);
    storage.remove(staging.key);
    expect(storage.read("system/apk/x")).toBe(staged);
    expect(readJson(storage, { ...staging, key: "system/apk/x" })).toBe(parsed);
  });

  it("installs and makes device owner a package whose stored file it parsed once", async () => {
    const pm = packageManager({ "http://s/1": archive(1) });
    const staged = await pm.download({ url: "http://s/1", headers: {}, purpose: "agent" }, signal());
    const bytes = await pm.readStaged(staged.stagedId);
    expect(await pm.readStaged(staged.stagedId)).toBe(bytes);
    await pm.install(staged.stagedId, signal());
    await pm.setDeviceOwner({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
    expect(await pm.installedApps()).toEqual([{ packageName: "com.example.dpc", versionName: "1.0", versionCode: 1 }]);
    expect(await pm.deviceOwner()).toEqual({ packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
  });
});
