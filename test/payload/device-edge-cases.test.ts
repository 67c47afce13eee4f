/**
 * Payloads a device vendor writes by mistake, checked against what Android's own code does with
 * them (ExtrasProvisioningDataParser, VerifyPackageTask, DownloadManager.Request): the verdict and
 * the message must match the device, not just the rule's usual case.
 */
import { describe, expect, it } from "vitest";
import { check, findingOf, HELLO_CHECKSUM, HELLO_SHA256, KEYS, payloadWith, rulesOf } from "./support/payloads.js";

const location = (url: string) => payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: url });

describe("a long key of the wrong type next to its short alias", () => {
  // getStringExtraFromLongName reads the alias when the long key holds no string.
  const payload = payloadWith({ [KEYS.WIFI_SSID]: 1234, "a.a.e.PWS": "Staging" });

  it("says the device reads the alias instead, not that the setting is absent", () => {
    expect(check(payload).params?.wifi?.ssid).toBe("Staging");
    const wrongType = findingOf(payload, "wrong-type");
    expect(wrongType.message).toContain("a.a.e.PWS");
    expect(wrongType.message).not.toMatch(/absent/);
  });

  it("does not tell the author to remove the alias the device actually uses", () => {
    const shadowed = findingOf(payload, "alias-shadowed");
    expect(shadowed.message).toMatch(/reads a\.a\.e\.PWS/);
    expect(shadowed.hint).not.toBe("remove a.a.e.PWS");
    expect(shadowed.hint).toContain(KEYS.WIFI_SSID);
  });

  it("says a mistyped alias is ignored because the device reads the long key", () => {
    const f = findingOf(payloadWith({ "a.a.e.PWH": "true", [KEYS.WIFI_HIDDEN]: true }), "wrong-type");
    expect(f.path).toBe("/a.a.e.PWH");
    expect(f.message).toContain("WIFI_HIDDEN");
    expect(f.message).not.toMatch(/silently uses false/);
  });
});

describe("a WIFI_SSID of the wrong type", () => {
  // Before, each other Wi-Fi key said it "is given without WIFI_SSID", though WIFI_SSID was given.
  it("tells the other Wi-Fi keys that WIFI_SSID is not a string, not that it is missing", () => {
    const payload = payloadWith({ [KEYS.WIFI_SSID]: 12, [KEYS.WIFI_SECURITY_TYPE]: "WPA", [KEYS.WIFI_PASSWORD]: "correct horse" });
    const f = findingOf(payload, "wifi-keys-without-ssid");
    expect(f.message).toMatch(/^WIFI_\w+ is given, but WIFI_SSID is not a string, which the device reads as no SSID \(Wi-Fi off\)/);
    expect(f.message).not.toMatch(/without WIFI_SSID/);
    expect(f.hint).toMatch(/^write WIFI_SSID as a string in quotes/);
    expect(findingOf(payloadWith({ [KEYS.WIFI_SSID]: undefined, [KEYS.WIFI_HIDDEN]: true }), "wifi-keys-without-ssid").message)
      .toMatch(/is given without WIFI_SSID/);
  });
});

describe("wrong types, in the device's numbers", () => {
  // The QR (trusted-source) flow reads SUPPORTED_MODES with FLAG_SUPPORTED_MODES_ORGANIZATION_OWNED as the
  // default (AOSP ExtrasProvisioningDataParser.getInitiatorRequestedProvisioningModes); 0 is the other actions'.
  it("gives Android's default for a mistyped or absent SUPPORTED_MODES: 1, organization-owned", () => {
    const f = findingOf(payloadWith({ [KEYS.SUPPORTED_MODES]: "4" }), "wrong-type");
    expect(f.message).toMatch(/uses 1 \(organization-owned/);
    expect(check(payloadWith({ [KEYS.SUPPORTED_MODES]: "4" })).params?.supportedModes).toBe(1);
    expect(check(payloadWith({})).params?.supportedModes).toBe(1);
  });

  it("calls a fractional proxy port a number that is not whole, not 'not a number'", () => {
    const f = findingOf(payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", [KEYS.WIFI_PROXY_PORT]: 8080.5 }), "wifi-proxy-port");
    expect(f.message).not.toMatch(/not a number/);
    expect(f.message).toMatch(/not a whole number/);
  });
});

describe("numbers out of every range", () => {
  it("does not call a number too large for a double null", () => {
    const f = findingOf(`{"${KEYS.DEVICE_ADMIN_COMPONENT_NAME}":"com.example.dpc/.A","${KEYS.LOCAL_TIME}":1e400}`, "wrong-type");
    expect(f.message).not.toMatch(/null/);
    expect(f.message).toMatch(/too large/);
  });

  it("does not suggest LOCAL_TIME 0 in milliseconds as the fix for LOCAL_TIME 0", () => {
    expect(findingOf(payloadWith({ [KEYS.LOCAL_TIME]: 0 }), "local-time").hint).not.toMatch(/^use 0/);
  });
});

describe("a bad signature checksum next to a good package checksum", () => {
  // VerifyPackageTask compares the package checksum when it has one and never looks at the signature checksum.
  const payload = payloadWith({
    [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_CHECKSUM,
    [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex"),
  });

  it("is not an error: the device verifies the package checksum and provisions", () => {
    const result = check(payload);
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Buffer.from(result.params!.download!.packageChecksum!).equals(HELLO_SHA256)).toBe(true);
  });

  it("still says the signature checksum is malformed, with the re-encoded digest", () => {
    const f = findingOf(payload, "checksum-both");
    expect(f.message).toMatch(/hex/);
    expect(f.hint).toContain(HELLO_CHECKSUM);
  });

  it("stays an error when the signature checksum does not decode at all (the device refuses while parsing)", () => {
    const undecodable = payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_CHECKSUM, [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: "abcde" });
    expect(findingOf(undecodable, "checksum-encoding").severity).toBe("error");
    expect(check(undecodable).params).toBeNull();
  });

  it("stays an error when the package checksum is the malformed one", () => {
    const badPackage = payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_SHA256.toString("hex") });
    expect(findingOf(badPackage, "checksum-encoding").path).toBe(`/${KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM}`);
    expect(check(badPackage).valid).toBe(false);
  });
});

describe("download locations as Android's DownloadManager takes them", () => {
  // DownloadManager.Request compares Uri.getScheme() with "http" and "https", case-sensitively.
  it.each([
    ["an upper-case scheme", "HTTP://mdm.example.com/dpc.apk"],
    ["a mixed-case scheme", "Https://mdm.example.com/dpc.apk"],
    ["a leading space", " https://mdm.example.com/dpc.apk"],
    ["a trailing line break", "https://mdm.example.com/dpc.apk\n"],
    ["no host", "https:///dpc.apk"],
    ["one slash", "https:/mdm.example.com/dpc.apk"],
  ])("refuses %s", (_what, url) => {
    expect(rulesOf(location(url))).toContain("download-location-scheme");
  });

  it("names the exact scheme the device compares, and the fix", () => {
    const f = findingOf(location("HTTPS://mdm.example.com/dpc.apk"), "download-location-scheme");
    expect(f.message).toContain("\"HTTPS\"");
    expect(f.message).toMatch(/case/);
    expect(f.hint).toContain("https://mdm.example.com/dpc.apk");
  });

  it.each([
    "https://mdm.example.com:8443/dpc.apk",
    "https://user:secret@mdm.example.com/dpc.apk",
    "http://[::1]:8080/dpc.apk",
    "https://mdm.example.com/dpc.apk?sig=a%2Fb#frag",
  ])("accepts %s", (url) => {
    expect(rulesOf(location(url))).not.toContain("download-location-scheme");
  });
});

describe("JSON syntax errors", () => {
  it.each([
    ["a Wi-Fi QR text", "WIFI:S:Lab;T:WPA;P:secret;;", 1, 1],
    ["a misspelt literal", "{\"a\":tru}", 1, 9],
    ["a second line", "{\n  \"a\": 1,\n  oops\n}", 3, 3],
    ["text after the object", "{\"a\":1} x", 1, 9],
  ])("points at the character where %s breaks", (_what, text, line, column) => {
    const f = findingOf(text, "json-syntax");
    expect(f.message).toContain(`line ${line} column ${column}`);
  });

  it("quotes no mangled fragment of the text in the message", () => {
    const f = findingOf("{\"a\":tru}", "json-syntax");
    expect(f.message).not.toMatch(/"\{"a/);
    expect(f.message).not.toMatch(/position \d/);
  });
});

describe("size", () => {
  it("says 1 byte, not 1 bytes", () => {
    const padded = (n: number) => payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(n) } });
    const base = Buffer.byteLength(JSON.stringify(padded(0)));
    expect(findingOf(padded(2954 - base), "payload-too-large").hint).toMatch(/^remove 1 byte or more/);
  });
});

describe("security types the device reads as an open network", () => {
  it("does not predict a failed join for \"none\" or \"OPEN\", which mean an open network anyway", () => {
    for (const written of ["none", "OPEN"]) {
      const f = findingOf(payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: written }), "wifi-security-type");
      expect(f.message).not.toMatch(/fails/);
      expect(f.hint).toBe("write \"NONE\"");
    }
  });

  it("still predicts the failed join for \"WPA2\"", () => {
    const f = findingOf(payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WPA2", [KEYS.WIFI_PASSWORD]: "correct horse" }), "wifi-security-type");
    expect(f.message).toMatch(/fails after a timeout/);
  });

  it("says a password with an unrecognised security type is ignored, as the device reads the type as NONE", () => {
    const payload = payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WPA2", [KEYS.WIFI_PASSWORD]: "correct horse" });
    expect(rulesOf(payload)).toEqual(expect.arrayContaining(["wifi-security-type", "wifi-password-ignored"]));
    const f = findingOf(payload, "wifi-password-ignored");
    expect(f).toMatchObject({ severity: "warning", path: `/${KEYS.WIFI_PASSWORD}` });
    expect(f.message).toMatch(/WIFI_SECURITY_TYPE is "WPA2", which the device does not know and reads as NONE: .*ignores the password/);
    expect(f.hint).toBe("write WIFI_SECURITY_TYPE \"WPA\" so that the password is used");
    expect(findingOf(payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "open", [KEYS.WIFI_PASSWORD]: "x" }), "wifi-password-ignored").hint)
      .toMatch(/^remove the password/);
  });

  it("says an empty security type is empty, not absent", () => {
    const f = findingOf(payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "", [KEYS.WIFI_PASSWORD]: "correct horse" }), "wifi-password-ignored");
    expect(f.message).not.toMatch(/absent/);
    expect(f.message).toMatch(/empty/);
  });
});

describe("an admin component whose class has no package and no leading dot", () => {
  // Before, "com.example.dpc/AdminReceiver" passed: unflattenFromString keeps the class as written,
  // and the package parser names every receiver in full, so no receiver matches it.
  it("is an admin-component-format error whose fix is the relative form", () => {
    const payload = payloadWith({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.example.dpc/AdminReceiver" });
    const finding = findingOf(payload, "admin-component-format");
    expect(finding.severity).toBe("error");
    expect(finding.message).toContain('the class "AdminReceiver" has no package and no leading "."');
    expect(finding.hint).toMatch(/^write "com\.example\.dpc\/\.AdminReceiver"/);
    // Android goes on to download the app, and fails when no receiver matches: not a refusal at parse.
    expect(check(payload).params).not.toBeNull();
  });

  it.each(["com.example.dpc/.AdminReceiver", "com.example.dpc/com.example.dpc.AdminReceiver", "com.example.dpc/com.other.Admin$Inner"])(
    "%s still passes", (component) => {
      expect(rulesOf(payloadWith({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: component }))).not.toContain("admin-component-format");
    },
  );
});

describe("a checksum that decodes to no bytes (only spaces)", () => {
  // Before, "   " counted as a checksum: beside a good signature checksum it was a checksum-length
  // error, and alone it was predicted to fail after the download with "checksum error".
  it("beside a good signature checksum is no checksum at all: valid, as Android verifies the signature", () => {
    const payload = payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: "   " });
    expect(check(payload).valid).toBe(true);
    expect(rulesOf(payload)).not.toContain("checksum-length");
    expect(rulesOf(payload)).not.toContain("checksum-both");
  });

  it("alone is refused while parsing, as no checksum is (PackageDownloadInfo.validateFields)", () => {
    const payload = payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: " " });
    const finding = findingOf(payload, "download-checksum-missing");
    expect(finding.message).toContain('SIGNATURE_CHECKSUM " " decodes to no bytes');
    expect(finding.message).toContain("Can't set up device");
    expect(rulesOf(payload)).not.toContain("checksum-length");
    expect(check(payload).params).toBeNull();
  });
});

describe("LOCAL_TIME 0", () => {
  // Before, "looks like seconds ... would set its clock to 1970"; Android sets the time only when it is above 0.
  it("is said to be ignored, as a negative time is", () => {
    const finding = findingOf(payloadWith({ [KEYS.LOCAL_TIME]: 0 }), "local-time");
    expect(finding.message).toContain("is 0: the device sets the clock only to a time above 0, so it ignores it and keeps its clock");
    expect(finding.message).not.toContain("1970");
  });
});

describe("PROVISIONING_SHOULD_LAUNCH_RESULT_INTENT", () => {
  // Before, unknown-key ("not a provisioning key Android knows ... check the spelling"), which --strict failed.
  it("is a key Android 13 knows: ignored-for-qr, not unknown-key, and --strict passes", () => {
    const payload = payloadWith({ "android.app.extra.PROVISIONING_SHOULD_LAUNCH_RESULT_INTENT": false });
    expect(rulesOf(payload)).toContain("ignored-for-qr");
    expect(rulesOf(payload)).not.toContain("unknown-key");
    expect(check(payload, { strict: true }).valid).toBe(true);
  });
});

describe("WIFI_PROXY_BYPASS outside Android's exclusion-list grammar", () => {
  const proxy = (bypass: string) => payloadWith({
    [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", [KEYS.WIFI_PROXY_PORT]: 8080, [KEYS.WIFI_PROXY_BYPASS]: bypass,
  });
  // Before, any bypass list passed without a word.
  it.each(["*.example.com;localhost", "*.example.com, localhost", "a.com|b.com", "10.0.0.0/8"])("%j gets wifi-proxy-bypass", (bypass) => {
    const finding = findingOf(proxy(bypass), "wifi-proxy-bypass");
    expect(finding.severity).toBe("warning");
    expect(finding.hint).toContain('"*.example.com,localhost"');
  });

  it("a comma-separated list passes", () => {
    expect(rulesOf(proxy("*.example.com,localhost"))).not.toContain("wifi-proxy-bypass");
  });
});
