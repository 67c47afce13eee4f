/**
 * Android's verification of a downloaded package, in its order (docs/provisioning-facts.md §1): the file
 * must parse as a package, hold the named admin component (a receiver guarded by
 * BIND_DEVICE_ADMIN), and then the package checksum must match if the payload gives one, else
 * one of the package's signing certificates must match the signature checksum.
 * Pure: bytes and expectations in, a verdict out (the bytes' manifest is parsed once and shared:
 * see readPackageManifest).
 */
import {
  BIND_DEVICE_ADMIN,
  PackageParseError,
  findReceiver,
  readPackageManifest,
  sha256Base64Url,
  signatureChecksums,
  type PackageManifest,
} from "../protocol/package-archive.js";

export interface PackageExpectations {
  /** The package the file must be. */
  packageName: string;
  /** Fully qualified admin receiver class, when the package is to become device owner. */
  adminReceiver?: string | null;
  /** SHA-256 of the file, URL-safe base64 unpadded (as decoded from the payload), or null. */
  packageChecksum?: string | null;
  /** SHA-256 of a signing certificate, URL-safe base64 unpadded, or null. */
  signatureChecksum?: string | null;
}

export type VerificationFailureCode =
  | "packageInvalid"
  | "packageNameMismatch"
  | "adminComponentMissing"
  | "checksumMismatch"
  | "noChecksum";

export interface VerificationFailure {
  code: VerificationFailureCode;
  message: string;
}

export type VerificationResult =
  | { ok: true; manifest: Readonly<PackageManifest>; checkedBy: "packageChecksum" | "signatureChecksum" }
  | { ok: false; failure: VerificationFailure };

export function verifyPackage(bytes: Uint8Array, expect: PackageExpectations): VerificationResult {
  let manifest: Readonly<PackageManifest>;
  try {
    manifest = readPackageManifest(bytes);
  } catch (error) {
    const detail = error instanceof PackageParseError ? error.message : "the file does not parse as a package";
    return fail("packageInvalid", detail);
  }
  if (manifest.packageName !== expect.packageName) {
    return fail(
      "packageNameMismatch",
      `the downloaded package is ${manifest.packageName}, but ${expect.packageName} was expected`,
    );
  }
  if (expect.adminReceiver) {
    const receiver = findReceiver(manifest, expect.adminReceiver);
    if (!receiver || receiver.permission !== BIND_DEVICE_ADMIN) {
      return fail(
        "adminComponentMissing",
        receiver
          ? `${expect.adminReceiver} is not guarded by ${BIND_DEVICE_ADMIN}, so it cannot be a device admin`
          : `${manifest.packageName} ${manifest.versionName} has no receiver ${expect.adminReceiver}`,
      );
    }
  }
  // The package checksum wins when both are given: the signature is then not consulted.
  if (expect.packageChecksum) {
    const actual = sha256Base64Url(bytes);
    if (actual !== expect.packageChecksum) {
      return fail(
        "checksumMismatch",
        `the package's SHA-256 is ${actual}, the payload expects ${expect.packageChecksum}`,
      );
    }
    return { ok: true, manifest, checkedBy: "packageChecksum" };
  }
  if (expect.signatureChecksum) {
    const signers = signatureChecksums(manifest);
    if (!signers.includes(expect.signatureChecksum)) {
      return fail(
        "checksumMismatch",
        `no signing certificate of the package hashes to ${expect.signatureChecksum} (it is signed by ${signers.join(", ")})`,
      );
    }
    return { ok: true, manifest, checkedBy: "signatureChecksum" };
  }
  return fail("noChecksum", "neither a package nor a signature checksum was given to check the download against");
}

function fail(code: VerificationFailureCode, message: string): VerificationResult {
  return { ok: false, failure: { code, message } };
}
