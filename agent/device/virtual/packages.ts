/**
 * The virtual package manager: downloads into a staging area, installs simulated package
 * archives (agent/protocol/package-archive.ts), keeps the installed list and the device owner in
 * storage (so they survive power loss and vanish with a factory reset). Starting and stopping an
 * app changes nothing it keeps (it models no processes): launching checks the app is installed.
 *
 * Android's rules it keeps: only http and https downloads; an update must be signed by the same
 * certificate and must not be a downgrade; a device owner must be an installed package's
 * receiver guarded by BIND_DEVICE_ADMIN; there is at most one device owner.
 */
import { downloadUrlProblem } from "../../payload/index.js";
import { BIND_DEVICE_ADMIN, findReceiver, PackageParseError, readPackageManifest, type PackageManifest } from "../../protocol/package-archive.js";
import { StepError } from "../../machine/step-error.js";
import { signalFor, TAKES_LIGHT_SIGNALS, type LightSignal } from "../../protocol/light-abort.js";
import type { HttpTransport } from "../../client/http.js";
import type { ClockPort, DownloadRequest, InstalledApp, PackagePort, StagedPackage, StoragePort } from "../ports.js";
import { INSTANT_TIMINGS, type HardwareTimings } from "./timings.js";
import { hasStrings, readJson, writeJson, type StoredJson } from "./storage.js";

interface InstalledRecord extends InstalledApp {
  signingCertificates: string[];
  label: string;
}

type Component = { packageName: string; className: string };

const INSTALLED: StoredJson<InstalledRecord[]> = {
  key: "system/packages.json",
  holds: "a JSON list of installed packages (packageName, versionName, versionCode, signingCertificates, label)",
  is: (value): value is InstalledRecord[] => Array.isArray(value) && value.every((r) =>
    hasStrings(r, ["packageName", "versionName"]) && Number.isSafeInteger(r["versionCode"]) &&
    typeof r["label"] === "string" && Array.isArray(r["signingCertificates"]) &&
    (r["signingCertificates"] as unknown[]).every((c) => typeof c === "string")),
};
const OWNER: StoredJson<Component> = {
  key: "system/device-owner.json",
  holds: "the device owner's component ({\"packageName\": ..., \"className\": ...})",
  is: (value): value is Component => hasStrings(value, ["packageName", "className"]),
};
const NEXT_STAGING: StoredJson<number> = {
  key: "system/next-staging-id",
  holds: "the next download's number (a whole number from 1)",
  is: (value): value is number => Number.isSafeInteger(value) && (value as number) >= 1,
};
const STAGING_PREFIX = "staging/";

/**
 * A download's status, naming the proxy when one is in the path: a 502 or 504 there is most often
 * the proxy's own answer (RFC 9110 §15.6.3 and §15.6.5: a gateway or proxy that got no valid, or
 * no timely, answer from the server), so the message says what it means.
 */
function downloadStatus(proxy: string | null, status: number): string {
  if (proxy === null) return `HTTP ${status}`;
  const meaning =
    status === 502 ? " (Bad Gateway: usually the proxy's own answer, when it got no valid answer from the server)" : status === 504 ? " (Gateway Timeout: usually the proxy's own answer, when the server did not answer it in time)" : "";
  return `through the proxy ${proxy}: HTTP ${status}${meaning}`;
}

/** The JSON files the package manager keeps, for a check when the device boots. */
export const PACKAGE_FILES: readonly StoredJson<unknown>[] = [INSTALLED, OWNER, NEXT_STAGING];

export class VirtualPackageManager implements PackagePort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(
    private readonly storage: StoragePort,
    private readonly http: HttpTransport,
    private readonly clock: ClockPort,
    private readonly timings: HardwareTimings = INSTANT_TIMINGS,
  ) {}

  async download(request: DownloadRequest, signal: LightSignal): Promise<StagedPackage> {
    const forProvisioning = request.purpose === "agent";
    // Android's download manager, not a browser: case-sensitive scheme, nothing trimmed.
    const unusable = downloadUrlProblem(request.url);
    if (unusable !== null) {
      throw new StepError("downloadFailed", `"${request.url}": the download manager cannot fetch it: ${unusable.problem}`);
    }
    let response;
    try {
      response = await this.http.send({
        method: "GET",
        url: request.url,
        headers: request.headers,
        purpose: forProvisioning ? "agent-download" : "app-download",
        signal,
      });
    } catch (error) {
      // Android's DownloadManager gives up on the provisioning download; the agent retries its own.
      if (forProvisioning && error instanceof StepError) throw new StepError("downloadFailed", error.message);
      throw error;
    }
    if (response.status !== 200) {
      const retryable = !forProvisioning && response.status >= 500;
      throw new StepError(
        forProvisioning ? "downloadFailed" : retryable ? "serviceUnavailable" : "downloadFailed",
        // The address contacted (--service moves it), and the proxy in the path: its answer may be its own.
        `GET ${this.http.routedUrl(request.url)}: ${downloadStatus(this.http.proxyLabel(request.url), response.status)}`,
        { status: response.status, retryable },
      );
    }
    const receiving = this.timings.downloadSetupMs + (1000 * response.body.length) / this.timings.downloadBytesPerSecond;
    await this.clock.sleep(Math.round(receiving), signalFor(this.clock, signal));
    const id = this.nextStagingId();
    this.storage.write(STAGING_PREFIX + id, response.body);
    return { stagedId: id, bytes: response.body.length };
  }

  async readStaged(stagedId: string): Promise<Uint8Array> {
    const bytes = this.storage.read(STAGING_PREFIX + stagedId);
    if (bytes === null) throw new StepError("installFailed", `the downloaded file ${stagedId} is gone from staging`);
    return bytes;
  }

  async install(stagedId: string, signal: LightSignal): Promise<InstalledApp> {
    const bytes = await this.readStaged(stagedId);
    await this.clock.sleep(this.timings.installMs, signalFor(this.clock, signal));
    let manifest: Readonly<PackageManifest>;
    try {
      manifest = readPackageManifest(bytes);
    } catch (error) {
      const message = error instanceof PackageParseError ? error.message : String(error);
      throw new StepError("installFailed", `INSTALL_PARSE_FAILED: ${message}`);
    }
    const previous = this.records().find((r) => r.packageName === manifest.packageName);
    if (previous) {
      if (!previous.signingCertificates.some((c) => manifest.signingCertificates.includes(c))) {
        throw new StepError("installFailed", `INSTALL_FAILED_UPDATE_INCOMPATIBLE: ${manifest.packageName} is signed by a different certificate than the installed one`);
      }
      if (manifest.versionCode < previous.versionCode) {
        throw new StepError("installFailed", `INSTALL_FAILED_VERSION_DOWNGRADE: ${manifest.versionCode} is older than the installed ${previous.versionCode}`);
      }
    }
    const app = this.record(manifest, bytes);
    this.storage.remove(STAGING_PREFIX + stagedId);
    return app;
  }

  /**
   * Puts the apps of the device's system image on it (a vendor that ships the agent
   * preinstalled): present out of the box, and again after every factory reset. Throws
   * PackageParseError for a file that is not a package.
   */
  installSystemImage(archives: readonly Uint8Array[]): void {
    for (const bytes of archives) this.record(readPackageManifest(bytes), bytes);
  }

  async installedPackage(packageName: string): Promise<InstalledApp | null> {
    const record = this.records().find((r) => r.packageName === packageName);
    return record ? toApp(record) : null;
  }

  async installedApps(): Promise<InstalledApp[]> {
    return this.records().map(toApp).sort((a, b) => a.packageName.localeCompare(b.packageName));
  }

  async setDeviceOwner(component: { packageName: string; className: string }): Promise<void> {
    const owner = readJson(this.storage, OWNER);
    if (owner && owner.packageName !== component.packageName) {
      throw new StepError("deviceOwnerFailed", `the device already has a device owner (${owner.packageName})`);
    }
    const apk = this.storage.read(`system/apk/${component.packageName}`);
    if (apk === null) throw new StepError("adminAppMissing", `${component.packageName} is not installed`);
    const receiver = findReceiver(readPackageManifest(apk), component.className);
    if (!receiver || receiver.permission !== BIND_DEVICE_ADMIN) {
      throw new StepError("adminComponentMissing", `${component.packageName} has no device admin receiver ${component.className}`);
    }
    writeJson(this.storage, OWNER.key, component);
  }

  async deviceOwner(): Promise<{ packageName: string; className: string } | null> {
    return readJson(this.storage, OWNER);
  }

  async stopApp(_packageName: string): Promise<void> {}

  async launchApp(packageName: string): Promise<void> {
    if (!this.records().some((r) => r.packageName === packageName)) {
      throw new StepError("appNotInstalled", `${packageName} is not installed`);
    }
  }

  /** Writes an installed package (file and record) to storage. */
  private record(manifest: Readonly<PackageManifest>, bytes: Uint8Array): InstalledApp {
    const record: InstalledRecord = {
      packageName: manifest.packageName,
      versionName: manifest.versionName,
      versionCode: manifest.versionCode,
      signingCertificates: manifest.signingCertificates,
      label: manifest.label,
    };
    this.storage.write(`system/apk/${manifest.packageName}`, bytes);
    writeJson(this.storage, INSTALLED.key, [...this.records().filter((r) => r.packageName !== record.packageName), record]);
    return toApp(record);
  }

  private records(): readonly InstalledRecord[] {
    return readJson(this.storage, INSTALLED) ?? [];
  }

  private nextStagingId(): string {
    const next = readJson(this.storage, NEXT_STAGING) ?? 1;
    writeJson(this.storage, NEXT_STAGING.key, next + 1);
    return `download-${next}`;
  }
}

function toApp(record: InstalledRecord): InstalledApp {
  return { packageName: record.packageName, versionName: record.versionName, versionCode: record.versionCode };
}
