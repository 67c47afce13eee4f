/**
 * Reading what Android's shell commands print. Pure functions over text, one per command, so
 * each is tested against recorded output (test/emulator/fixtures/). The formats are those of
 * Android 10-15 system images; where they vary the parser takes every known variant.
 */

/** `adb:SERIAL` -> SERIAL, or null when the text is not an adb device selector. */
export function parseAdbDevice(text: string): string | null {
  const match = /^adb:([\x21-\x7e]{1,64})$/.exec(text);
  return match ? match[1]! : null;
}

/** `adb devices`: serial -> state ("device", "offline", "unauthorized"). */
export function parseDevices(text: string): Map<string, string> {
  const devices = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\S+)\t(\S+)/.exec(line);
    if (match) devices.set(match[1]!, match[2]!);
  }
  return devices;
}

/** `wm size`: "Physical size: 1080x2400", and "Override size: ..." when set (the override is what taps hit). */
export function parseWmSize(text: string): { width: number; height: number } | null {
  const override = /Override size:\s*(\d+)x(\d+)/.exec(text);
  const physical = /Physical size:\s*(\d+)x(\d+)/.exec(text);
  const match = override ?? physical;
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

export interface PackageInfo {
  packageName: string;
  versionName: string;
  versionCode: number;
  /** "2024-10-01 12:03:44" as the device prints it (device local time), or null. */
  firstInstallTime: string | null;
  lastUpdateTime: string | null;
}

/**
 * `dumpsys package NAME`: the "Package [NAME]" block's versionCode/versionName/install times.
 * Null when the package is not installed (Android prints "Unable to find package: NAME", or no
 * Package block at all on older images).
 */
export function parsePackageDump(packageName: string, text: string): PackageInfo | null {
  const start = text.indexOf(`Package [${packageName}]`);
  if (start < 0) return null;
  // The block ends where the next package's (or the next section's) begins.
  const rest = text.slice(start + packageName.length + 10);
  const end = rest.search(/\n\s{0,2}Package \[|\n\S/);
  const block = end < 0 ? rest : rest.slice(0, end);
  const versionCode = /versionCode=(\d+)/.exec(block);
  const versionName = /versionName=(.*)/.exec(block);
  if (!versionCode || !versionName) return null;
  return {
    packageName,
    versionName: versionName[1]!.trim(),
    versionCode: Number(versionCode[1]),
    firstInstallTime: /firstInstallTime=(.*)/.exec(block)?.[1]?.trim() ?? null,
    lastUpdateTime: /lastUpdateTime=(.*)/.exec(block)?.[1]?.trim() ?? null,
  };
}

export interface ComponentName {
  packageName: string;
  className: string;
}

/** "pkg/.Receiver" or "pkg/pkg.Receiver" -> its parts, the class name made absolute. */
export function parseComponent(text: string): ComponentName | null {
  const match = /^([\w.]+)\/([\w.$]+)$/.exec(text.trim());
  if (!match) return null;
  const packageName = match[1]!;
  const className = match[2]!.startsWith(".") ? `${packageName}${match[2]}` : match[2]!;
  return { packageName, className };
}

export function formatComponent(component: ComponentName): string {
  return `${component.packageName}/${component.className}`;
}

/**
 * `dumpsys device_policy`: the "Device Owner:" section's admin, e.g.
 *   Device Owner:
 *     admin=ComponentInfo{com.example/com.example.AdminReceiver}
 * Null when the section is absent (no device owner).
 */
export function parseDeviceOwner(text: string): ComponentName | null {
  const section = /Device Owner:\s*\n([\s\S]*?)(?:\n\S|\n {2}\S|$)/.exec(text);
  if (!section) return null;
  const admin = /admin=ComponentInfo\{([^}]+)\}/.exec(section[1]!);
  return admin ? parseComponent(admin[1]!) : null;
}

/**
 * `cmd wifi status`: the SSID after 'Wifi is connected to "..."' (Android 11+), or null when
 * not connected ("Wifi is not connected", "Wifi is disabled"). The IP address from the WifiInfo
 * line when present.
 */
export function parseWifiStatus(text: string): { ssid: string; ipAddress: string } | null {
  const connected = /Wifi is connected to "(.*)"/.exec(text);
  if (!connected) return null;
  const ip = /IP: \/?([\d.]+)/.exec(text)?.[1] ?? "unknown";
  return { ssid: connected[1]!, ipAddress: ip };
}

/**
 * `dumpsys window`: the focused window's component from
 *   mCurrentFocus=Window{4f2c1a u0 com.android.settings/com.android.settings.Settings}
 * Null when nothing has focus (or the focus is not an activity, e.g. the status bar).
 */
export function parseFocusedActivity(text: string): ComponentName | null {
  const match = /mCurrentFocus=Window\{\S+ \S+ ([^}\s]+)\}/.exec(text);
  return match ? parseComponent(match[1]!) : null;
}

/** `adb install`: "Success", or the Failure [...] reason adb prints. */
export function parseInstallResult(stdout: string, stderr: string): { ok: true } | { ok: false; reason: string } {
  const text = `${stdout}\n${stderr}`;
  if (/^Success\s*$/m.test(text)) return { ok: true };
  const failure = /Failure \[([^\]]+)\]/.exec(text);
  const reason = failure?.[1] ?? text.trim().split("\n").filter(Boolean).pop() ?? "no answer";
  return { ok: false, reason };
}

/** `dpm set-device-owner`: "Success: Device owner set to package ..." or the exception it printed. */
export function parseSetOwnerResult(text: string): { ok: true } | { ok: false; reason: string } {
  if (/^Success: Device owner set to/m.test(text)) return { ok: true };
  const exception = /(?:java\.lang\.\w+|Error): (.*)/.exec(text);
  return { ok: false, reason: exception?.[1]?.trim() ?? (text.trim() || "no answer") };
}

/** `getprop NAME`: the value without its line end ("" when unset). */
export function propValue(text: string): string {
  return text.replace(/\r/g, "").trim();
}

/** `getprop` with no name: every property as "[name]: [value]", one a line. */
export function parseGetprop(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const match of text.matchAll(/^\[([^\]]+)\]: \[(.*)\]\r?$/gm)) props.set(match[1]!, match[2]!);
  return props;
}
