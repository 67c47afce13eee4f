/**
 * The Android 13+ role holder download keys, as ManagedProvisioning reads them for a QR code
 * (ExtrasProvisioningDataParser.parseRoleHolderDownloadInfoFromExtras, PackageDownloadInfo.validateFields).
 */
import { describe, expect, it } from "vitest";
import { check, HELLO_CHECKSUM, payloadWith, rulesOf } from "./support/payloads.js";

const LOCATION = "android.app.extra.PROVISIONING_ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION";
const CHECKSUM = "android.app.extra.PROVISIONING_ROLE_HOLDER_SIGNATURE_CHECKSUM";
const COOKIE = "android.app.extra.PROVISIONING_ROLE_HOLDER_PACKAGE_DOWNLOAD_COOKIE_HEADER";

describe("the role holder download keys", () => {
  it("are keys Android knows, not unknown ones", () => {
    const payload = payloadWith({ [LOCATION]: "https://mdm.example.com/rh.apk", [CHECKSUM]: HELLO_CHECKSUM, [COOKIE]: "a=b" });
    expect(rulesOf(payload)).not.toContain("unknown-key");
    expect(check(payload).valid).toBe(true);
  });

  it("refuse the payload, as Android 13+ does, for an empty location beside a checksum", () => {
    const result = check(payloadWith({ [LOCATION]: "", [CHECKSUM]: HELLO_CHECKSUM }));
    expect(result.valid).toBe(false);
    expect(result.params).toBeNull();
    const f = result.findings.find((x) => x.rule === "role-holder-download")!;
    expect(f.path).toBe(`/${LOCATION}`);
    expect(f.message).toMatch(/Can't set up device/);
  });

  it("refuse the payload for a checksum that decodes to no bytes, or not at all", () => {
    for (const bad of [" ", "abcde"]) {
      const result = check(payloadWith({ [LOCATION]: "https://mdm.example.com/rh.apk", [CHECKSUM]: bad }));
      expect(result.findings.find((x) => x.rule === "role-holder-download")?.path).toBe(`/${CHECKSUM}`);
      expect(result.params).toBeNull();
    }
  });

  it("are not read at all without both a location and a checksum", () => {
    expect(rulesOf(payloadWith({ [LOCATION]: "" }))).not.toContain("role-holder-download");
    expect(check(payloadWith({ [CHECKSUM]: " " })).params).not.toBeNull();
  });
});
