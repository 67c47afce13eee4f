/**
 * `aosp-sim emulator verify --serial emulator-5554 [--json]`: what the device ended with after
 * an enrollment, in the shape of `aosp-sim enroll --json`, so `aosp-sim compare` can put a real
 * enrollment next to a simulated one.
 *
 *   apps          dumpsys package NAME (versionName, versionCode, firstInstallTime) for the agent,
 *                 Company Portal and Authenticator
 *   deviceOwner   dumpsys device_policy ("Device Owner:" admin=ComponentInfo{...})
 *   Wi-Fi         cmd wifi status ('Wifi is connected to "SSID"')
 *   identity      getprop ro.serialno, ro.product.model, ro.product.manufacturer, ro.build.version.release
 *
 * The device keeps no log of its provisioning steps, so the timeline is rebuilt from what it does
 * keep: install times order the apps; the Wi-Fi join and the device owner, which leave no time,
 * are placed where provisioning does them (the join first, the owner right after the agent), and
 * their entries say so.
 */
import { InputError } from "../agent/protocol/errors.js";
import { Adb } from "../agent/device/adb/adb.js";
import { readAdbIdentity } from "../agent/device/adb/index.js";
import { MANAGED_PACKAGES } from "../agent/device/adb/packages.js";
import { formatComponent, parseDeviceOwner, parseFocusedActivity, parsePackageDump, parseWifiStatus, propValue, type PackageInfo } from "../agent/device/adb/parse.js";
import type { Failure } from "../agent/machine/types.js";
import { AGENT_PACKAGE } from "../agent/protocol/intune-conventions.js";
import { appLabel } from "../agent/report/describe.js";
import type { DeviceJson } from "../agent/report/device-output.js";
import { componentOption, requireBooted, saveScreenshot, withScreenshotOnFailure, type ScriptIo } from "./common.js";

export interface VerifyOptions {
  serial: string;
  /** The device owner an enrolled device has (`package/class`). */
  expectOwner: string;
  /** The network the device must be on, when given. */
  expectSsid?: string;
  /** One adb command's time limit (default 30 s): fixed for users, shorter in tests. */
  commandTimeoutMs?: number;
}

export interface VerifyResult {
  summary: DeviceJson;
  /** The screen saved when the device is not as expected. */
  screenshot: string | null;
  ssid: string | null;
}

export const VERIFY_HELP = `
Reads the apps (dumpsys package), the device owner (dumpsys device_policy) and the Wi-Fi network
(cmd wifi status) and prints them in the shape of \`aosp-sim enroll --json\` (with --json), for
\`aosp-sim compare\`. finalState is "enrolled" when the agent, Company Portal and Authenticator are
installed and the owner is --expect-owner; otherwise the state provisioning stopped in, and
"failure" says what is missing.
Exit: 0 enrolled as expected, 1 not (a screenshot is saved), 2 bad options.`;

interface Observed {
  packages: PackageInfo[];
  owner: string | null;
  ssid: string | null;
  screen: string | null;
  utcOffset: string;
}

export async function verify(given: VerifyOptions, io: ScriptIo): Promise<VerifyResult> {
  // In full (package/package.Class), as dumpsys names the owner it is compared with.
  const options = { ...given, expectOwner: formatComponent(componentOption(given.expectOwner, "--expect-owner")) };
  // No network has an empty name: the device would be read only to be judged on the wrong one.
  if (given.expectSsid === "") {
    throw new InputError("the network name is empty", { where: "--expect-ssid", hint: "give the SSID the device should be on, e.g. --expect-ssid Contoso-Staging, or leave --expect-ssid out" });
  }
  const adb = new Adb(options.serial, options.commandTimeoutMs);
  return withScreenshotOnFailure(adb, "verify", io, async () => {
    await requireBooted(adb);
    const identity = await readAdbIdentity(adb);
    const observed = await observe(adb);
    const now = Date.now();
    const { finalState, failure } = judge(observed, options, now);
    const summary: DeviceJson = {
      deviceId: null,
      finalState,
      finalStatePath: finalState,
      timeline: rebuildTimeline(observed, finalState, now),
      apps: observed.packages.map((p) => ({ package: p.packageName, versionName: p.versionName, versionCode: p.versionCode })),
      deviceOwner: observed.owner,
      identity,
      failure,
      faults: [],
      // A real device has no seed: its identity is its own.
      seed: null,
      faultsNotFired: [],
    };
    const ok = finalState === "enrolled" && failure === null;
    return { summary, screenshot: ok ? null : await saveScreenshot(adb, "verify", io), ssid: observed.ssid };
  });
}

async function observe(adb: Adb): Promise<Observed> {
  const packages: PackageInfo[] = [];
  for (const name of MANAGED_PACKAGES) {
    const info = parsePackageDump(name, await adb.shell(`dumpsys package ${name}`));
    if (info) packages.push(info);
  }
  const owner = parseDeviceOwner(await adb.shell("dumpsys device_policy"));
  const focus = parseFocusedActivity(await adb.shell("dumpsys window"));
  return {
    packages,
    owner: owner ? formatComponent(owner) : null,
    ssid: parseWifiStatus(await adb.shell("cmd wifi status"))?.ssid ?? null,
    screen: focus ? formatComponent(focus) : null,
    utcOffset: propValue(await adb.shell("date +%z")) || "+0000",
  };
}

/** Where provisioning stopped, judged from what the device holds. */
function judge(observed: Observed, options: VerifyOptions, now: number): { finalState: string; failure: Failure | null } {
  const has = (name: string) => observed.packages.some((p) => p.packageName === name);
  const fail = (finalState: string, code: string, message: string, step: string) => ({
    finalState,
    failure: { code, screen: observed.screen ?? "unknown", message, step, at: now },
  });
  if (observed.owner !== null && observed.owner !== options.expectOwner) {
    return fail("provisioningFailed", "wrongDeviceOwner", `the device owner is ${observed.owner}, expected ${options.expectOwner}`, "setDeviceOwner");
  }
  if (observed.owner === null) {
    if (!has(AGENT_PACKAGE)) return fail("welcome", "notProvisioned", "no device owner and no agent: the device was not provisioned", "setDeviceOwner");
    return fail("settingDeviceOwner", "deviceOwnerMissing", `${AGENT_PACKAGE} is installed but is not the device owner`, "setDeviceOwner");
  }
  const missing = MANAGED_PACKAGES.filter((name) => !has(name));
  if (missing.length > 0) return fail("installingApps", "appMissing", `not installed: ${missing.join(", ")}`, "installApp");
  if (options.expectSsid !== undefined && observed.ssid !== options.expectSsid) {
    return fail("enrolled", "wrongNetwork", `on ${observed.ssid === null ? "no network" : `"${observed.ssid}"`}, expected "${options.expectSsid}"`, "joinWifi");
  }
  return { finalState: "enrolled", failure: null };
}

type Entry = DeviceJson["timeline"][number];

/** The major steps in the order the device's records put them (see the file's comment). */
function rebuildTimeline(observed: Observed, finalState: string, now: number): Entry[] {
  const byInstall = [...observed.packages].sort((a, b) => installMs(a, observed.utcOffset, now) - installMs(b, observed.utcOffset, now));
  const agent = byInstall.find((p) => p.packageName === AGENT_PACKAGE);
  const start = byInstall.length > 0 ? installMs(byInstall[0]!, observed.utcOffset, now) : now;
  const entries: { ms: number; state: string; detail: string }[] = [];
  if (observed.ssid !== null) entries.push({ ms: start, state: "connectingWifi", detail: `on "${observed.ssid}" (the join time is not kept by the device)` });
  for (const app of byInstall) {
    const ms = installMs(app, observed.utcOffset, now);
    const state = app.packageName === AGENT_PACKAGE ? "installingAgent" : "installingApps";
    entries.push({ ms, state, detail: `${appLabel(app.packageName)} ${app.versionName} installed at ${app.firstInstallTime ?? "an unknown time"}` });
    if (app === agent && observed.owner !== null) {
      entries.push({ ms, state: "settingDeviceOwner", detail: `device owner ${observed.owner} (set after the agent's install; the time is not kept)` });
    }
  }
  if (finalState === "enrolled") entries.push({ ms: Math.max(start, ...entries.map((e) => e.ms)), state: "enrolled", detail: "the agent, Company Portal and Authenticator are installed and the agent is device owner" });
  return entries.map((e) => ({ at: new Date(e.ms).toISOString(), elapsedMs: e.ms - start, state: e.state, event: "observed", detail: e.detail }));
}

/** "2026-12-02 04:20:11" in the device's zone (`date +%z`, e.g. "+0100") as epoch ms. */
function installMs(info: PackageInfo, utcOffset: string, fallback: number): number {
  const text = info.firstInstallTime;
  const offset = /^[+-]\d{4}$/.test(utcOffset) ? `${utcOffset.slice(0, 3)}:${utcOffset.slice(3)}` : "Z";
  const ms = text ? Date.parse(`${text.replace(" ", "T")}${offset}`) : Number.NaN;
  return Number.isFinite(ms) ? ms : fallback;
}
