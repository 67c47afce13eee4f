/**
 * The package catalog: seeded versions of the agent, Company Portal and Authenticator plus any
 * the admin publishes. Kept in memory (it is small and read on every check-in) and in the store
 * (so published versions survive a restart).
 */
import type { InstalledApp, PackageOffer } from "../../agent/protocol/device-api.js";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { AGENT_PACKAGE, compareVersionNames } from "../../agent/protocol/intune-conventions.js";
import type { ServiceContext } from "../context.js";
import { badRequest } from "../http/errors.js";
import {
  buildPackage,
  DEFAULT_SIGNER,
  isManagedPackage,
  MANAGED_PACKAGES,
  SEED_PACKAGES,
  SIGNERS,
  type ManagedPackage,
  type Signer,
} from "../packages/catalog.js";
import type { PackageRecord } from "../store/packages.js";

/** Android's versionCode is a positive 32-bit int. */
const MAX_VERSION_CODE = 2_147_483_647;

export interface PublishRequest {
  packageName: string;
  versionName: string;
  versionCode?: number;
  signedBy?: string;
}

export class PackageService {
  private versions: PackageRecord[] = [];
  private readonly archives = new Map<string, Buffer>();

  constructor(private readonly ctx: ServiceContext) {}

  /** Makes sure every seed version is stored (same bytes every time) and loads the catalog. */
  seed(): void {
    const now = this.ctx.now();
    this.ctx.store.transaction(() => {
      for (const spec of SEED_PACKAGES) {
        const built = buildPackage(spec);
        this.ctx.store.packages.insert({ ...built, published: now });
      }
    });
    this.reload();
  }

  private reload(): void {
    this.versions = this.ctx.store.packages.list();
  }

  list(): PackageRecord[] {
    return this.versions;
  }

  find(packageName: string, versionCode: number): PackageRecord | undefined {
    return this.versions.find((v) => v.packageName === packageName && v.versionCode === versionCode);
  }

  /** The newest version (highest versionCode) of a package. */
  latest(packageName: ManagedPackage): PackageRecord {
    let newest: PackageRecord | undefined;
    for (const v of this.versions) {
      if (v.packageName === packageName && (!newest || v.versionCode > newest.versionCode)) newest = v;
    }
    if (!newest) throw new Error(`no version of ${packageName} in the catalog`);
    return newest;
  }

  /**
   * A version's bytes, read from the store once: a stored version never changes (the store only
   * adds versions, and a versioned URL's content is immutable), and every device of a fleet
   * downloads the same three files.
   */
  archive(packageName: string, versionCode: number): Buffer | undefined {
    const key = `${packageName}#${versionCode}`;
    let bytes = this.archives.get(key);
    if (bytes === undefined) {
      bytes = this.ctx.store.packages.archive(packageName, versionCode);
      if (bytes !== undefined) this.archives.set(key, bytes);
    }
    return bytes;
  }

  downloadUrl(packageName: string, versionCode: number): string {
    return `${this.ctx.baseUrl()}${deviceRoutes.package(packageName, versionCode)}`;
  }

  offer(record: PackageRecord): PackageOffer {
    return {
      packageName: record.packageName,
      versionName: record.versionName,
      versionCode: record.versionCode,
      downloadUrl: this.downloadUrl(record.packageName, record.versionCode),
      packageChecksum: record.packageChecksum,
      signatureChecksum: record.signatureChecksum,
    };
  }

  /**
   * Newer versions of the managed apps a device has: for each app it reports, the newest version
   * with a higher versionCode. The agent is always installed; when the device does not list it
   * among its apps, its versionName (agentVersion) is compared instead.
   */
  updatesFor(agentVersion: string, apps: readonly InstalledApp[]): PackageOffer[] {
    const offers: PackageOffer[] = [];
    for (const packageName of MANAGED_PACKAGES) {
      const newest = this.latest(packageName);
      const installed = apps.find((a) => a.packageName === packageName);
      const outdated = installed
        ? newest.versionCode > installed.versionCode
        : packageName === AGENT_PACKAGE && compareVersionNames(newest.versionName, agentVersion) > 0;
      if (outdated) offers.push(this.offer(newest));
    }
    return offers;
  }

  /** Publishes a new version: it becomes the update offered to devices at their next check-in. */
  publish(request: PublishRequest): PackageRecord {
    const { packageName, versionName } = request;
    if (!isManagedPackage(packageName)) {
      throw badRequest(`packageName '${packageName}' is not one the service manages; use one of ${MANAGED_PACKAGES.join(", ")}`);
    }
    if (!/^\d+(\.\d+){0,3}$/.test(versionName)) {
      throw badRequest(`versionName '${versionName}' must be dotted numbers such as 24.10.0`);
    }
    const existing = this.versions.filter((v) => v.packageName === packageName);
    const newestName = existing.reduce((a, v) => (compareVersionNames(v.versionName, a) > 0 ? v.versionName : a), "0");
    if (compareVersionNames(versionName, newestName) <= 0) {
      throw badRequest(`versionName ${versionName} must be newer than ${packageName} ${newestName}, the newest published`);
    }
    const highestCode = existing.reduce((a, v) => Math.max(a, v.versionCode), 0);
    const versionCode = request.versionCode ?? highestCode + 1;
    if (versionCode <= highestCode || versionCode > MAX_VERSION_CODE) {
      throw badRequest(
        `versionCode ${versionCode} must be greater than ${highestCode} (the newest ${packageName}) and at most ${MAX_VERSION_CODE}; Android refuses to update to a lower versionCode`,
      );
    }
    const signedBy = (request.signedBy ?? DEFAULT_SIGNER) as Signer;
    if (!SIGNERS.includes(signedBy)) {
      throw badRequest(`signedBy '${request.signedBy}' is not a known certificate; use one of ${SIGNERS.join(", ")}`);
    }
    const built = buildPackage({ packageName, versionName, versionCode, signedBy });
    this.ctx.store.packages.insert({ ...built, published: this.ctx.now() });
    this.reload();
    return this.find(packageName, versionCode)!;
  }
}
