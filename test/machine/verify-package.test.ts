import { describe, expect, it } from "vitest";
import {
  ACTION_DEVICE_ADMIN_ENABLED,
  BIND_DEVICE_ADMIN,
  encodePackageArchive,
  packageChecksum,
  sha256Base64Url,
} from "../../agent/protocol/package-archive.js";
import { verifyPackage } from "../../agent/android/verify-package.js";

const CERT_A = Buffer.from("certificate A");
const CERT_B = Buffer.from("certificate B");

function archive(options: { receivers?: { name: string; permission?: string; actions: string[] }[]; cert?: Buffer } = {}) {
  return encodePackageArchive({
    packageName: "com.example.dpc",
    versionName: "1.0",
    versionCode: 1,
    label: "DPC",
    receivers: options.receivers ?? [{ name: "com.example.dpc.Admin", permission: BIND_DEVICE_ADMIN, actions: [ACTION_DEVICE_ADMIN_ENABLED] }],
    signingCertificates: [(options.cert ?? CERT_A).toString("base64")],
  });
}

const expect_ = { packageName: "com.example.dpc", adminReceiver: "com.example.dpc.Admin" };

describe("package verification, in Android's order", () => {
  it("accepts a package whose checksum matches", () => {
    const bytes = archive();
    const verdict = verifyPackage(bytes, { ...expect_, packageChecksum: packageChecksum(bytes) });
    expect(verdict).toMatchObject({ ok: true, checkedBy: "packageChecksum" });
  });

  it("refuses a file that does not parse before looking at any checksum", () => {
    const garbage = Buffer.from("not a package");
    const verdict = verifyPackage(garbage, { ...expect_, packageChecksum: packageChecksum(garbage) });
    expect(verdict).toMatchObject({ ok: false, failure: { code: "packageInvalid" } });
  });

  it("refuses a package without the named admin component even when the checksum matches", () => {
    const bytes = archive({ receivers: [] });
    const verdict = verifyPackage(bytes, { ...expect_, packageChecksum: packageChecksum(bytes) });
    expect(verdict).toMatchObject({ ok: false, failure: { code: "adminComponentMissing" } });
  });

  it("refuses a receiver that is not guarded by BIND_DEVICE_ADMIN", () => {
    const bytes = archive({ receivers: [{ name: "com.example.dpc.Admin", actions: [] }] });
    expect(verifyPackage(bytes, { ...expect_, packageChecksum: packageChecksum(bytes) })).toMatchObject({ ok: false, failure: { code: "adminComponentMissing" } });
  });

  it("resolves a .Class component against the package", () => {
    const bytes = archive();
    expect(verifyPackage(bytes, { ...expect_, adminReceiver: ".Admin", packageChecksum: packageChecksum(bytes) }).ok).toBe(true);
  });

  it("uses the package checksum when both are given, ignoring a matching signature", () => {
    const bytes = archive();
    const verdict = verifyPackage(bytes, { ...expect_, packageChecksum: sha256Base64Url(Buffer.from("other")), signatureChecksum: sha256Base64Url(CERT_A) });
    expect(verdict).toMatchObject({ ok: false, failure: { code: "checksumMismatch" } });
  });

  it("falls back to the signing certificate when only a signature checksum is given", () => {
    expect(verifyPackage(archive(), { ...expect_, signatureChecksum: sha256Base64Url(CERT_A) })).toMatchObject({ ok: true, checkedBy: "signatureChecksum" });
    expect(verifyPackage(archive({ cert: CERT_B }), { ...expect_, signatureChecksum: sha256Base64Url(CERT_A) })).toMatchObject({
      ok: false,
      failure: { code: "checksumMismatch" },
    });
  });

  it("refuses a package that is another app than the one named", () => {
    const bytes = archive();
    expect(verifyPackage(bytes, { packageName: "com.other", packageChecksum: packageChecksum(bytes) })).toMatchObject({ ok: false, failure: { code: "packageNameMismatch" } });
  });
});
