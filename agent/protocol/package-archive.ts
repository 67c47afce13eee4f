/**
 * Simulated package archives: the stand-in for an APK that the mock service serves and the
 * virtual device's package manager installs.
 *
 * An archive is a UTF-8 JSON document (the "manifest"). It carries what provisioning checks on a
 * real device: the package name, version name/code, the receivers (so the device can look for
 * the named admin component) and the DER signing certificates. Android's two checksums are then
 * computed exactly as on a device:
 *   - package checksum   = SHA-256 of the whole archive file;
 *   - signature checksum = SHA-256 of one DER signing certificate;
 * both written as URL-safe base64 without padding.
 */
import { createHash } from "node:crypto";
import { deepFreeze } from "./deep-freeze.js";
import { utf8Text } from "./utf8.js";

export const PACKAGE_ARCHIVE_FORMAT = "aosp-sim-package/1";
export const PACKAGE_MIME_TYPE = "application/vnd.android.package-archive";

/** Android's device-admin receivers hold this permission and answer this action. */
export const BIND_DEVICE_ADMIN = "android.permission.BIND_DEVICE_ADMIN";
export const ACTION_DEVICE_ADMIN_ENABLED = "android.app.action.DEVICE_ADMIN_ENABLED";

export interface PackageReceiver {
  /** Fully qualified class name. */
  name: string;
  permission?: string;
  actions: string[];
}

export interface PackageManifest {
  format: typeof PACKAGE_ARCHIVE_FORMAT;
  packageName: string;
  versionName: string;
  versionCode: number;
  label: string;
  receivers: PackageReceiver[];
  /** DER X.509 certificates, standard base64. */
  signingCertificates: string[];
  /** Stands in for the code and resources, so archives have a size and distinct checksums. */
  filler?: string;
}

export class PackageParseError extends Error {
  override readonly name = "PackageParseError";
}

export function encodePackageArchive(manifest: Omit<PackageManifest, "format">): Buffer {
  const full: PackageManifest = { format: PACKAGE_ARCHIVE_FORMAT, ...manifest };
  return Buffer.from(JSON.stringify(full), "utf8");
}

/** Parses an archive the way a package manager would: anything malformed is a parse failure. */
export function parsePackageArchive(bytes: Uint8Array): PackageManifest {
  let value: unknown;
  try {
    value = JSON.parse(utf8Text(bytes));
  } catch {
    throw new PackageParseError("the package file is not a valid archive (it does not parse)");
  }
  const m = value as Partial<PackageManifest> | null;
  if (typeof m !== "object" || m === null || Array.isArray(m) || m.format !== PACKAGE_ARCHIVE_FORMAT) {
    throw new PackageParseError(`the package file is not a ${PACKAGE_ARCHIVE_FORMAT} archive`);
  }
  const problems: string[] = [];
  if (typeof m.packageName !== "string" || m.packageName === "") problems.push("packageName");
  if (typeof m.versionName !== "string") problems.push("versionName");
  if (!Number.isSafeInteger(m.versionCode)) problems.push("versionCode");
  if (typeof m.label !== "string") problems.push("label");
  if (!Array.isArray(m.receivers) || !m.receivers.every(isReceiver)) problems.push("receivers");
  if (!Array.isArray(m.signingCertificates) || m.signingCertificates.length === 0 ||
      !m.signingCertificates.every((c) => typeof c === "string")) {
    problems.push("signingCertificates");
  }
  if (problems.length > 0) {
    throw new PackageParseError(`the package manifest is missing or has bad ${problems.join(", ")}`);
  }
  return m as PackageManifest;
}

/**
 * The manifests of archives already parsed, by the bytes object they were parsed from: a device
 * parses the same downloaded file when it verifies it, installs it and makes it device owner, and
 * a fleet's thousands of devices would otherwise decode and parse each file several times over.
 * Weak: a manifest goes with its bytes.
 */
const parsed = new WeakMap<Uint8Array, Readonly<PackageManifest>>();

/**
 * parsePackageArchive, once per bytes object: the same manifest (frozen, shared, less its
 * filler) for the same object. For bytes nobody modifies after they are read (a device's stored
 * files and downloads); bytes modified in place would keep their old manifest.
 */
export function readPackageManifest(bytes: Uint8Array): Readonly<PackageManifest> {
  const known = parsed.get(bytes);
  if (known !== undefined) return known;
  // Without the filler: it stands in for the code, nothing reads it once the file parsed, and kept
  // for as long as the file is stored it would be a second copy of most of the file's bytes.
  const { filler, ...manifest } = parsePackageArchive(bytes);
  void filler;
  deepFreeze(manifest);
  parsed.set(bytes, manifest);
  return manifest;
}

function isReceiver(r: unknown): r is PackageReceiver {
  const v = r as Partial<PackageReceiver> | null;
  return typeof v === "object" && v !== null && typeof v.name === "string" &&
    Array.isArray(v.actions) && v.actions.every((a) => typeof a === "string");
}

/** SHA-256 as URL-safe base64 without padding: the form Android's checksum extras use. */
export function sha256Base64Url(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url");
}

/** PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM for this archive file. */
export function packageChecksum(archive: Uint8Array): string {
  return sha256Base64Url(archive);
}

/** PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM values, one per signing certificate. */
export function signatureChecksums(manifest: PackageManifest): string[] {
  return manifest.signingCertificates.map((der) => sha256Base64Url(Buffer.from(der, "base64")));
}

/**
 * Finds a receiver by the class part of an admin component. Android accepts `package/.Class`
 * as shorthand for `package/package.Class`, so the class is resolved against the package first.
 */
export function findReceiver(manifest: PackageManifest, className: string): PackageReceiver | undefined {
  const full = className.startsWith(".") ? `${manifest.packageName}${className}` : className;
  return manifest.receivers.find((r) => r.name === full);
}
