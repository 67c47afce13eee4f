/**
 * The packages the service serves: the Intune agent, Company Portal and Authenticator as
 * simulated package archives (agent/protocol/package-archive.ts).
 *
 * Archives are deterministic: the same package name, version and signer always give the same
 * bytes, so checksums are stable across restarts and machines, and a QR code issued yesterday
 * still matches what is served today.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  ACTION_DEVICE_ADMIN_ENABLED,
  BIND_DEVICE_ADMIN,
  encodePackageArchive,
  packageChecksum,
  sha256Base64Url,
  type PackageReceiver,
} from "../../agent/protocol/package-archive.js";
import {
  AGENT_ADMIN_RECEIVER,
  AGENT_PACKAGE,
  AUTHENTICATOR_PACKAGE,
  COMPANY_PORTAL_PACKAGE,
} from "../../agent/protocol/intune-conventions.js";

/** The signing certificates in mock-service/packages/certs, by file stem. */
export const SIGNERS = ["microsoft-apps", "other-publisher"] as const;
export type Signer = (typeof SIGNERS)[number];
export const DEFAULT_SIGNER: Signer = "microsoft-apps";

export const MANAGED_PACKAGES = [AGENT_PACKAGE, COMPANY_PORTAL_PACKAGE, AUTHENTICATOR_PACKAGE] as const;
export type ManagedPackage = (typeof MANAGED_PACKAGES)[number];

export function isManagedPackage(name: string): name is ManagedPackage {
  return (MANAGED_PACKAGES as readonly string[]).includes(name);
}

export const PACKAGE_LABELS: Record<ManagedPackage, string> = {
  [AGENT_PACKAGE]: "Intune",
  [COMPANY_PORTAL_PACKAGE]: "Company Portal",
  [AUTHENTICATOR_PACKAGE]: "Authenticator",
};

export interface PackageVersionSpec {
  packageName: ManagedPackage;
  versionName: string;
  versionCode: number;
  signedBy?: Signer;
}

/**
 * Seeded on every start (present in every database). The agent 24.5.0 is older than
 * MIN_SYNC_AGENT_VERSION (24.7.0), for tests of the sync refusal and of self-update.
 */
export const SEED_PACKAGES: readonly PackageVersionSpec[] = [
  { packageName: AGENT_PACKAGE, versionName: "24.5.0", versionCode: 2405000 },
  { packageName: AGENT_PACKAGE, versionName: "24.7.0", versionCode: 2407000 },
  { packageName: AGENT_PACKAGE, versionName: "24.9.2", versionCode: 2409002 },
  { packageName: COMPANY_PORTAL_PACKAGE, versionName: "5.0.6168.0", versionCode: 50616800 },
  { packageName: COMPANY_PORTAL_PACKAGE, versionName: "5.0.6235.0", versionCode: 50623500 },
  { packageName: AUTHENTICATOR_PACKAGE, versionName: "6.2408.5541", versionCode: 20245541 },
  { packageName: AUTHENTICATOR_PACKAGE, versionName: "6.2410.6530", versionCode: 20246530 },
];

export interface BuiltPackage {
  packageName: ManagedPackage;
  versionName: string;
  versionCode: number;
  label: string;
  signedBy: Signer;
  archive: Buffer;
  packageChecksum: string;
  signatureChecksum: string;
}

const built = new Map<string, BuiltPackage>();

/** Builds the archive for one version, the same bytes every time (so built once per process). */
export function buildPackage(spec: PackageVersionSpec): BuiltPackage {
  const signedBy = spec.signedBy ?? DEFAULT_SIGNER;
  const key = `${spec.packageName}@${spec.versionName}#${spec.versionCode}/${signedBy}`;
  let result = built.get(key);
  if (!result) {
    result = assemble(spec, signedBy);
    built.set(key, result);
  }
  return result;
}

function assemble(spec: PackageVersionSpec, signedBy: Signer): BuiltPackage {
  const certificate = loadCertificate(signedBy);
  const archive = encodePackageArchive({
    packageName: spec.packageName,
    versionName: spec.versionName,
    versionCode: spec.versionCode,
    label: PACKAGE_LABELS[spec.packageName],
    receivers: receiversOf(spec.packageName),
    signingCertificates: [certificate.toString("base64")],
    filler: filler(`${spec.packageName}@${spec.versionName}#${spec.versionCode}`, FILLER_BYTES),
  });
  return {
    packageName: spec.packageName,
    versionName: spec.versionName,
    versionCode: spec.versionCode,
    label: PACKAGE_LABELS[spec.packageName],
    signedBy,
    archive,
    packageChecksum: packageChecksum(archive),
    signatureChecksum: sha256Base64Url(certificate),
  };
}

function receiversOf(packageName: ManagedPackage): PackageReceiver[] {
  if (packageName !== AGENT_PACKAGE) return [];
  return [
    { name: AGENT_ADMIN_RECEIVER, permission: BIND_DEVICE_ADMIN, actions: [ACTION_DEVICE_ADMIN_ENABLED] },
    {
      name: `${AGENT_PACKAGE}.BootCompletedReceiver`,
      actions: ["android.intent.action.BOOT_COMPLETED"],
    },
  ];
}

/** Archives are about 8 KiB: big enough to look like a download, small enough for fleets. */
const FILLER_BYTES = 6 * 1024;

/** Deterministic pseudo-random text: a SHA-256 chain seeded by the package identity. */
function filler(seed: string, bytes: number): string {
  const parts: string[] = [];
  let block = createHash("sha256").update(seed).digest();
  let length = 0;
  while (length < bytes) {
    const text = block.toString("base64url");
    parts.push(text);
    length += text.length;
    block = createHash("sha256").update(block).digest();
  }
  return parts.join("").slice(0, bytes);
}

const certificates = new Map<Signer, Buffer>();

function loadCertificate(signer: Signer): Buffer {
  const cached = certificates.get(signer);
  if (cached) return cached;
  const file = fileURLToPath(new URL(`${signer}.der`, certificatesFolder()));
  const der = readFileSync(file);
  certificates.set(signer, der);
  return der;
}

/**
 * The certificates live in the source tree (mock-service/packages/certs). This module runs
 * either from there (tsx, vitest) or compiled to dist/mock-service/packages: look in both.
 */
function certificatesFolder(): URL {
  const candidates = [
    new URL("./certs/", import.meta.url),
    new URL("../../../mock-service/packages/certs/", import.meta.url),
  ];
  for (const folder of candidates) {
    if (existsSync(fileURLToPath(new URL(`${DEFAULT_SIGNER}.der`, folder)))) return folder;
  }
  throw new Error("mock-service/packages/certs/*.der not found next to the service's code");
}
