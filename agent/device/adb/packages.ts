/**
 * The package manager over adb. What adb can do on the device, it does there: `adb install -r`
 * for an APK, `dumpsys package` for versions, `dpm set-device-owner` and `dumpsys device_policy`
 * for the device owner, `am force-stop` and `monkey` to stop and start apps.
 *
 * What it cannot, it does on the host and says so (AdbNotes): downloads go through the host's
 * HTTP stack into a host-side staging area (adb cannot drive the device's download manager),
 * where the machine verifies them. The mock service serves simulated package archives, not APKs;
 * Android cannot install those, so for one of them the adapter uses the app the device already
 * has (installed beforehand with `adb install` or `aosp-sim emulator set-owner`) and fails with
 * installFailed, naming the app, when there is none.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StepError } from "../../machine/step-error.js";
import { AGENT_PACKAGE, COMPANION_PACKAGES } from "../../protocol/intune-conventions.js";
import { parsePackageArchive } from "../../protocol/package-archive.js";
import type { DownloadRequest, InstalledApp, PackagePort, StagedPackage } from "../ports.js";
import type { Adb } from "./adb.js";
import type { AdbNotes } from "./notes.js";
import { formatComponent, parseDeviceOwner, parseInstallResult, parsePackageDump, parseSetOwnerResult, type ComponentName } from "./parse.js";
import { shellQuote } from "./shell-quote.js";

/** The apps an enrollment installs and reports: the agent and its companions. */
export const MANAGED_PACKAGES: readonly string[] = [AGENT_PACKAGE, ...COMPANION_PACKAGES];

/** `adb install` of a large APK over a slow link takes a while. */
const INSTALL_TIMEOUT_MS = 180_000;

export class AdbPackages implements PackagePort {
  constructor(
    private readonly adb: Adb,
    /** Downloads and staged files, kept on the host. */
    private readonly staging: Pick<PackagePort, "download" | "readStaged">,
    private readonly notes: AdbNotes,
  ) {}

  download(request: DownloadRequest, signal: AbortSignal): Promise<StagedPackage> {
    this.notes.say("packages are downloaded and verified on the host: adb cannot drive the device's download manager");
    return this.staging.download(request, signal);
  }

  readStaged(stagedId: string): Promise<Uint8Array> {
    return this.staging.readStaged(stagedId);
  }

  async install(stagedId: string, signal: AbortSignal): Promise<InstalledApp> {
    const bytes = await this.staging.readStaged(stagedId);
    if (isApk(bytes)) return this.installApk(bytes, signal);
    const manifest = parsePackageArchive(bytes);
    const present = await this.installedPackage(manifest.packageName);
    if (!present) {
      throw new StepError(
        "installFailed",
        `${manifest.packageName} ${manifest.versionName} came as a simulated package archive, not an APK, and the device has no ${manifest.packageName} to use instead; install the real app first (adb install, or aosp-sim emulator set-owner --apk)`,
      );
    }
    this.notes.say(
      `${manifest.packageName} ${manifest.versionName} came as a simulated archive, which Android cannot install: the device's own ${manifest.packageName} ${present.versionName} stands in for it`,
    );
    return present;
  }

  async installedPackage(packageName: string): Promise<InstalledApp | null> {
    const info = parsePackageDump(packageName, await this.adb.shell(`dumpsys package ${packageName}`));
    return info ? { packageName, versionName: info.versionName, versionCode: info.versionCode } : null;
  }

  /** The managed apps the device has (the agent, Company Portal, Authenticator), by name. */
  async installedApps(): Promise<InstalledApp[]> {
    const apps: InstalledApp[] = [];
    for (const name of MANAGED_PACKAGES) {
      const app = await this.installedPackage(name);
      if (app) apps.push(app);
    }
    return apps.sort((a, b) => a.packageName.localeCompare(b.packageName));
  }

  async setDeviceOwner(component: ComponentName): Promise<void> {
    const { text: said } = await this.adb.shellOutput(`dpm set-device-owner ${shellQuote(formatComponent(component))}`);
    const result = parseSetOwnerResult(said);
    if (result.ok) return;
    const code = /Unknown admin/i.test(result.reason) ? "adminComponentMissing" : "deviceOwnerFailed";
    throw new StepError(code, `dpm set-device-owner ${formatComponent(component)}: ${result.reason}`);
  }

  async deviceOwner(): Promise<ComponentName | null> {
    return parseDeviceOwner(await this.adb.shell("dumpsys device_policy"));
  }

  async stopApp(packageName: string): Promise<void> {
    await this.adb.shell(`am force-stop ${packageName}`);
  }

  async launchApp(packageName: string): Promise<void> {
    // monkey starts the app's launcher activity without knowing its name. For an app with none (a
    // headless DPC) it prints "** No activities found to run, monkey aborted." and exits 252
    // (Monkey.run() returns -4, main() hands it to System.exit), and adb passes that status on: so
    // that answer is read whatever the exit; any other failure still throws.
    const noLauncher = /No activities found/i;
    const said = await this.adb.shell(`monkey -p ${packageName} -c android.intent.category.LAUNCHER 1`, { accept: noLauncher });
    if (noLauncher.test(said)) {
      this.notes.say(`${packageName} has no launcher activity to start; left as it is`);
    }
  }

  private async installApk(bytes: Uint8Array, signal: AbortSignal): Promise<InstalledApp> {
    const dir = mkdtempSync(join(tmpdir(), "aosp-sim-apk-"));
    try {
      const file = join(dir, "package.apk");
      writeFileSync(file, bytes);
      const before = await this.namesOnDevice();
      const result = await this.adb.run(["install", "-r", file], { timeoutMs: INSTALL_TIMEOUT_MS, signal });
      const outcome = parseInstallResult(result.stdout.toString("utf8"), result.stderr);
      if (!outcome.ok) throw new StepError("installFailed", `adb install: ${outcome.reason}`);
      const installed = await this.newestManagedApp(before);
      if (!installed) throw new StepError("installFailed", "adb install said Success, but no managed app (agent, Company Portal, Authenticator) is on the device");
      return installed;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async namesOnDevice(): Promise<Map<string, number>> {
    return new Map((await this.installedApps()).map((a) => [a.packageName, a.versionCode]));
  }

  /** The managed app the install added or changed (an APK's package name is not read on the host). */
  private async newestManagedApp(before: Map<string, number>): Promise<InstalledApp | null> {
    const after = await this.installedApps();
    return after.find((a) => before.get(a.packageName) !== a.versionCode) ?? after.find((a) => before.has(a.packageName)) ?? null;
  }
}

/** An APK is a zip file: it starts with "PK\x03\x04". */
export function isApk(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
