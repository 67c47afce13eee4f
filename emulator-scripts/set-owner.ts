/**
 * `aosp-sim emulator set-owner --serial emulator-5554 --apk agent.apk [--apk portal.apk ...]`:
 * the path for images whose setup wizard has no QR reader (AOSP images). Installs the APKs
 * (`adb install -r`) and makes the admin component device owner (`dpm set-device-owner`), which
 * Android allows only while the device has no accounts and one user; then checks
 * `dumpsys device_policy` names it.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { fileReadError, InputError } from "../agent/protocol/errors.js";
import { Adb } from "../agent/device/adb/adb.js";
import { formatComponent, parseDeviceOwner, parseInstallResult, parseSetOwnerResult } from "../agent/device/adb/parse.js";
import { shellQuote } from "../agent/device/adb/shell-quote.js";
import { componentOption, requireBooted, ScriptFailure, withScreenshotOnFailure, type ScriptIo } from "./common.js";

export interface SetOwnerOptions {
  serial: string;
  apks: string[];
  admin: string;
  installTimeoutMs: number;
}

export const SET_OWNER_HELP = `
Installs each --apk (adb install -r) and runs \`dpm set-device-owner ADMIN\`, for images whose setup
wizard has no QR reader. Android refuses a device owner once an account is on the device: use a
freshly wiped emulator (aosp-sim emulator reset).
Exit: 0 the owner is set, 1 failed (a screenshot is saved), 2 bad options.`;

export async function setOwner(options: SetOwnerOptions, io: ScriptIo): Promise<string> {
  const admin = componentOption(options.admin, "--admin");
  for (const apk of options.apks) requireApkFile(apk);
  const adb = new Adb(options.serial);
  return withScreenshotOnFailure(adb, "set-owner", io, async () => {
    await requireBooted(adb);
    for (const apk of options.apks) {
      io.progress(`installing ${apk}`);
      const result = await adb.run(["install", "-r", resolve(apk)], { timeoutMs: options.installTimeoutMs, timeoutFix: "allow longer with --install-timeout (a large APK on a slow emulator takes minutes)" });
      const outcome = parseInstallResult(result.stdout.toString("utf8"), result.stderr);
      if (!outcome.ok) throw new ScriptFailure(`${apk} did not install: ${outcome.reason}`, installFix(outcome.reason));
    }
    const component = formatComponent(admin);
    const said = parseSetOwnerResult((await adb.shellOutput(`dpm set-device-owner ${shellQuote(component)}`)).text);
    if (!said.ok) {
      throw new ScriptFailure(`dpm set-device-owner ${component} was refused: ${said.reason}`, `use a freshly wiped emulator (aosp-sim emulator reset --serial ${options.serial}), and check ${admin.packageName} is installed with that receiver`);
    }
    const owner = parseDeviceOwner(await adb.shell("dumpsys device_policy"));
    if (!owner || formatComponent(owner) !== component) {
      throw new ScriptFailure(`wrong device owner: dumpsys device_policy names ${owner ? formatComponent(owner) : "none"}, expected ${component}`);
    }
    return `${component} is device owner of ${options.serial}`;
  });
}

/** The fix for an install Android refused, by its reason (the signature one is the common case on a reused emulator). */
function installFix(reason: string): string {
  if (reason.includes("INSTALL_FAILED_UPDATE_INCOMPATIBLE")) return "another signature of the package is installed: reset the emulator first (aosp-sim emulator reset)";
  if (reason.includes("INSTALL_FAILED_VERSION_DOWNGRADE")) return "a newer version is installed: reset the emulator first, or install that version or a newer one";
  return "adb's reason above says why; `adb install -r APK` by hand shows the whole answer";
}

/** An --apk must be a file adb can push: not missing, not a folder, not a pipe. */
function requireApkFile(apk: string): void {
  const where = `--apk ${apk}`;
  let stats;
  try {
    stats = statSync(apk);
  } catch (error) {
    throw fileReadError(error, where, "an APK file");
  }
  if (stats.isDirectory()) throw new InputError("is a folder, not an APK file", { where, hint: "give the path of an .apk file" });
  if (!stats.isFile()) throw new InputError("is not a regular file", { where, hint: "give the path of an .apk file" });
}
