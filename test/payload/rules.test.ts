/**
 * Every payload rule, both ways: a payload that triggers it and a close neighbour that does not.
 * (Image-only rules are in qr-findings.test.ts; text-level rules in text.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { RULES, ruleInfo, type RuleSetName } from "../../agent/payload/index.js";
import { EXTRA_ENROLLMENT_TOKEN, EXTRA_SERVICE_URL } from "../../agent/protocol/intune-conventions.js";
import {
  USER_PKCS12_CERTIFICATE_ONLY_BASE64, USER_PKCS12_LEGACY_RC2_BASE64, USER_PKCS12_TWO_ENTRIES_BASE64,
  USER_PKCS12_TWO_ENTRIES_LEGACY_RC2_BASE64,
} from "../../fixtures/eap-stores.js";
import { CA_CERTIFICATE_BASE64, USER_PKCS12_BASE64 } from "./support/eap-certificates.js";
import { check, findingOf, HELLO_CHECKSUM, HELLO_SHA256, KEYS, payloadWith, rulesOf, type Payload } from "./support/payloads.js";

const wpa = (password: string): Payload => ({ [KEYS.WIFI_SECURITY_TYPE]: "WPA", [KEYS.WIFI_PASSWORD]: password });
const eap = (more: Payload = {}): Payload => ({
  [KEYS.WIFI_SECURITY_TYPE]: "EAP", [KEYS.WIFI_EAP_METHOD]: "PEAP", [KEYS.WIFI_IDENTITY]: "d@example.com", ...more,
});
const noWifi: Payload = { [KEYS.WIFI_SSID]: undefined, [KEYS.WIFI_SECURITY_TYPE]: undefined };
const padding = (n: number): Payload => ({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(n) } });

function intune(changes: Payload = {}, extras?: Record<string, unknown>): Payload {
  return payloadWith({
    [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.microsoft.intune.aospagent/.AospDeviceAdminReceiver",
    [KEYS.ADMIN_EXTRAS_BUNDLE]: extras ?? { [EXTRA_ENROLLMENT_TOKEN]: "tok-123", [EXTRA_SERVICE_URL]: "https://enroll.example.com" },
    ...changes,
  });
}

interface Case {
  rule: string;
  triggers: Payload | string;
  doesNot: Payload | string;
  rules?: RuleSetName;
}

const CASES: Case[] = [
  { rule: "payload-too-large", triggers: payloadWith(padding(3000)), doesNot: payloadWith(padding(2000)) },
  { rule: "qr-high-version", triggers: payloadWith(padding(1600)), doesNot: payloadWith(padding(700)) },
  { rule: "wrong-type", triggers: payloadWith({ [KEYS.WIFI_HIDDEN]: "true" }), doesNot: payloadWith({ [KEYS.WIFI_HIDDEN]: true }) },
  { rule: "unknown-key", triggers: payloadWith({ "android.app.extra.PROVISIONING_WIFI_SSD": "x" }), doesNot: payloadWith({ [KEYS.WIFI_HIDDEN]: false }) },
  { rule: "short-alias", triggers: payloadWith({ "a.a.e.PSE": true }), doesNot: payloadWith({ [KEYS.SKIP_ENCRYPTION]: true }) },
  { rule: "alias-shadowed", triggers: payloadWith({ "a.a.e.PWS": "Other" }), doesNot: payloadWith({ [KEYS.WIFI_SSID]: undefined, "a.a.e.PWS": "Other" }) },
  { rule: "ignored-for-qr", triggers: payloadWith({ "android.app.extra.PROVISIONING_MAIN_COLOR": 255 }), doesNot: payloadWith({ [KEYS.ORGANIZATION_NAME]: "Example" }) },
  { rule: "admin-component-missing", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: undefined }), doesNot: payloadWith({}) },
  { rule: "admin-component-format", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.example.dpc/" }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.example.dpc/com.example.dpc.receivers.Admin$Inner" }) },
  { rule: "admin-package-name-ignored", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_NAME]: "com.example.dpc" }), doesNot: payloadWith({}) },
  { rule: "admin-package-name-mismatch", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_NAME]: "com.other" }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_NAME]: "com.example.dpc" }) },
  { rule: "download-location-empty", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "" }), doesNot: payloadWith({}) },
  { rule: "download-location-scheme", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "file:///sdcard/dpc.apk" }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "https://x.example/dpc.apk" }) },
  { rule: "download-cleartext", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "http://x.example/dpc.apk" }), doesNot: payloadWith({}) },
  { rule: "download-checksum-missing", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: "" }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined, [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_CHECKSUM }) },
  { rule: "download-keys-without-location", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: undefined }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: undefined, [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined }) },
  { rule: "no-download-location", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: undefined }), doesNot: payloadWith({}) },
  { rule: "checksum-encoding", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("base64") }),
    doesNot: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: `${HELLO_CHECKSUM}=` }) },
  { rule: "checksum-length", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_CHECKSUM.slice(0, 40) }), doesNot: payloadWith({}) },
  { rule: "checksum-stray-characters", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: `${HELLO_CHECKSUM}\n` }), doesNot: payloadWith({}) },
  { rule: "role-holder-download", triggers: payloadWith({ [KEYS.ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION]: "", [KEYS.ROLE_HOLDER_SIGNATURE_CHECKSUM]: HELLO_CHECKSUM }),
    doesNot: payloadWith({ [KEYS.ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION]: "https://x.example/rh.apk", [KEYS.ROLE_HOLDER_SIGNATURE_CHECKSUM]: HELLO_CHECKSUM }) },
  { rule: "checksum-both", triggers: payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_CHECKSUM }), doesNot: payloadWith({}) },
  { rule: "no-network", triggers: payloadWith(noWifi), doesNot: payloadWith({ ...noWifi, [KEYS.USE_MOBILE_DATA]: true }) },
  { rule: "wifi-ssid-empty", triggers: payloadWith({ [KEYS.WIFI_SSID]: "" }), doesNot: payloadWith({ [KEYS.WIFI_SSID]: " " }) },
  { rule: "wifi-ssid-too-long", triggers: payloadWith({ [KEYS.WIFI_SSID]: "é".repeat(17) }), doesNot: payloadWith({ [KEYS.WIFI_SSID]: "é".repeat(16) }) },
  { rule: "wifi-security-type", triggers: payloadWith({ ...wpa("correct horse"), [KEYS.WIFI_SECURITY_TYPE]: "SAE" }), doesNot: payloadWith(wpa("correct horse")) },
  { rule: "wifi-password-missing", triggers: payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WEP" }), doesNot: payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WEP", [KEYS.WIFI_PASSWORD]: "abcde" }) },
  { rule: "wifi-wpa-passphrase", triggers: payloadWith(wpa("x".repeat(64))), doesNot: payloadWith(wpa("x".repeat(63))) },
  { rule: "wifi-wpa-hex-key", triggers: payloadWith(wpa("ab".repeat(32))), doesNot: payloadWith(wpa("ab".repeat(31))) },
  { rule: "wifi-wep-key", triggers: payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WEP", [KEYS.WIFI_PASSWORD]: "0a".repeat(29) }),
    doesNot: payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WEP", [KEYS.WIFI_PASSWORD]: "0123456789abcdef0123456789" }) },
  { rule: "wifi-password-ignored", triggers: payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: undefined, [KEYS.WIFI_PASSWORD]: "secret-secret" }),
    doesNot: payloadWith({ [KEYS.WIFI_PASSWORD]: "" }) },
  { rule: "wifi-eap-method", triggers: payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "peap" })), doesNot: payloadWith(eap()) },
  { rule: "wifi-eap-phase2", triggers: payloadWith(eap({ [KEYS.WIFI_PHASE2_AUTH]: "EAP-GTC" })), doesNot: payloadWith(eap({ [KEYS.WIFI_PHASE2_AUTH]: "GTC" })) },
  // Before, EAP-TLS without a user certificate passed clean; the device has no certificate to present.
  { rule: "wifi-eap-tls-client-certificate", triggers: payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "TLS" })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "TLS", [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_BASE64 })) },
  // Before, a store of certificates alone passed clean with TLS; Android finds no key entry and sets no client key.
  { rule: "wifi-eap-tls-client-certificate",
    triggers: payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "TLS", [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_CERTIFICATE_ONLY_BASE64 })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "PEAP", [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_CERTIFICATE_ONLY_BASE64 })) },
  { rule: "wifi-eap-fields-ignored", triggers: payloadWith({ [KEYS.WIFI_DOMAIN]: "example.com" }), doesNot: payloadWith(eap({ [KEYS.WIFI_DOMAIN]: "example.com" })) },
  { rule: "wifi-eap-certificate", triggers: payloadWith(eap({ [KEYS.WIFI_CA_CERTIFICATE]: "not base64!" })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_CA_CERTIFICATE]: Buffer.from("fake DER bytes").toString("base64") })) },
  // Before, base64 that decodes to anything passed; Android parses the bytes, fails, and drops the EAP settings.
  { rule: "wifi-eap-certificate-unreadable", triggers: payloadWith(eap({ [KEYS.WIFI_CA_CERTIFICATE]: "ZmFrZQ==" })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_CA_CERTIFICATE]: CA_CERTIFICATE_BASE64 })) },
  { rule: "wifi-eap-certificate-unreadable", triggers: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: CA_CERTIFICATE_BASE64 })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_BASE64 })) },
  // Before, a store of two entries passed; findAliasFromKeystore refuses it and the EAP settings are dropped.
  { rule: "wifi-eap-certificate-unreadable", triggers: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_TWO_ENTRIES_BASE64 })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_LEGACY_RC2_BASE64 })) },
  // Before, a store whose certificates are under RC2 (OpenSSL 1.1's default) was left unjudged; node cannot run RC2.
  { rule: "wifi-eap-certificate-unreadable", triggers: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_TWO_ENTRIES_LEGACY_RC2_BASE64 })),
    doesNot: payloadWith(eap({ [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_LEGACY_RC2_BASE64 })) },
  { rule: "wifi-keys-without-ssid", triggers: payloadWith({ ...noWifi, [KEYS.WIFI_PASSWORD]: "x" }), doesNot: payloadWith(noWifi) },
  { rule: "wifi-credentials-in-qr", triggers: payloadWith(wpa("correct horse")), doesNot: payloadWith({}) },
  { rule: "wifi-proxy-port", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: 65536 }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: 65535 }) },
  { rule: "wifi-proxy-host", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy:8080", [KEYS.WIFI_PROXY_PORT]: 8080 }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "10.0.0.5", [KEYS.WIFI_PROXY_PORT]: 8080 }) },
  // Before, an IPv6 address passed validate while the device, as Android's proxy settings, took
  // none (android.net.Proxy's host check): a payload validate passed always failed at the download.
  { rule: "wifi-proxy-host", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "[2001:db8::1]", [KEYS.WIFI_PROXY_PORT]: 8080 }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy-1.corp.example", [KEYS.WIFI_PROXY_PORT]: 8080 }) },
  { rule: "wifi-proxy-host", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "::1", [KEYS.WIFI_PROXY_PORT]: 8080 }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "localhost", [KEYS.WIFI_PROXY_PORT]: 8080 }) },
  { rule: "wifi-proxy-pac-ignored", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: 1, [KEYS.WIFI_PAC_URL]: "https://x/p.pac" }),
    doesNot: payloadWith({ [KEYS.WIFI_PAC_URL]: "https://x/p.pac" }) },
  { rule: "wifi-proxy-without-host", triggers: payloadWith({ [KEYS.WIFI_PROXY_BYPASS]: "*.local" }), doesNot: payloadWith({}) },
  { rule: "wifi-pac-not-simulated", triggers: payloadWith({ [KEYS.WIFI_PAC_URL]: "http://wpad/wpad.dat" }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy", [KEYS.WIFI_PROXY_PORT]: 3128 }) },
  { rule: "wifi-proxy-bypass", triggers: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", [KEYS.WIFI_PROXY_PORT]: 8080, [KEYS.WIFI_PROXY_BYPASS]: "a.example.com;b" }),
    doesNot: payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", [KEYS.WIFI_PROXY_PORT]: 8080, [KEYS.WIFI_PROXY_BYPASS]: "*.example.com,localhost" }) },
  { rule: "locale-format", triggers: payloadWith({ [KEYS.LOCALE]: "en_U" }), doesNot: payloadWith({ [KEYS.LOCALE]: "en_US" }) },
  { rule: "locale-shape", triggers: payloadWith({ [KEYS.LOCALE]: "zh-Hant-TW" }), doesNot: payloadWith({ [KEYS.LOCALE]: "es-419" }) },
  // A language alone is not the xx_YY shape either (before, "en" passed without a word).
  { rule: "locale-shape", triggers: payloadWith({ [KEYS.LOCALE]: "en" }), doesNot: payloadWith({ [KEYS.LOCALE]: "en_US" }) },
  { rule: "time-zone", triggers: payloadWith({ [KEYS.TIME_ZONE]: "GMT+2" }), doesNot: payloadWith({ [KEYS.TIME_ZONE]: "UTC" }) },
  { rule: "local-time", triggers: payloadWith({ [KEYS.LOCAL_TIME]: -1 }), doesNot: payloadWith({ [KEYS.LOCAL_TIME]: 1_700_000_000_000 }) },
  { rule: "supported-modes", triggers: payloadWith({ [KEYS.SUPPORTED_MODES]: 0 }), doesNot: payloadWith({ [KEYS.SUPPORTED_MODES]: 4 }) },
  { rule: "skip-education-screens-qr", triggers: payloadWith({ [KEYS.SKIP_EDUCATION_SCREENS]: true }), doesNot: payloadWith({ [KEYS.SKIP_EDUCATION_SCREENS]: false }) },
  { rule: "intune-admin-component", rules: "intune-aosp", triggers: intune({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.microsoft.intune.aospagent/.Other" }), doesNot: intune() },
  { rule: "intune-download-location", rules: "intune-aosp",
    triggers: intune({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: undefined, [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined }), doesNot: intune() },
  { rule: "intune-enrollment-token", rules: "intune-aosp", triggers: intune({}, { [EXTRA_ENROLLMENT_TOKEN]: 123, [EXTRA_SERVICE_URL]: "https://e.example" }), doesNot: intune() },
  { rule: "intune-service-url", rules: "intune-aosp", triggers: intune({}, { [EXTRA_ENROLLMENT_TOKEN]: "t", [EXTRA_SERVICE_URL]: "mailto:a@b.c" }),
    doesNot: intune({}, { [EXTRA_ENROLLMENT_TOKEN]: "t", [EXTRA_SERVICE_URL]: "http://127.0.0.1:8080" }) },
  { rule: "intune-wifi-security", rules: "intune-aosp", triggers: intune({ ...wpa("correct horse"), [KEYS.WIFI_SECURITY_TYPE]: "WPA3" }), doesNot: intune(wpa("correct horse")) },
  { rule: "intune-extras-unknown", rules: "intune-aosp",
    triggers: intune({}, { [EXTRA_ENROLLMENT_TOKEN]: "t", [EXTRA_SERVICE_URL]: "https://e.example", "com.microsoft.intune.aosp.serviceURL": "x" }),
    doesNot: intune({}, { [EXTRA_ENROLLMENT_TOKEN]: "t", [EXTRA_SERVICE_URL]: "https://e.example", "com.example.other": "x" }) },
];

describe("each payload rule fires on its case and not on its neighbour", () => {
  it.each(CASES)("$rule", ({ rule, triggers, doesNot, rules }) => {
    expect(rulesOf(triggers, { rules })).toContain(rule);
    expect(rulesOf(doesNot, { rules })).not.toContain(rule);
  });

  it("covers every payload rule in the catalog (image and text-level rules are tested elsewhere)", () => {
    const elsewhere = new Set(["text-encoding", "byte-order-mark", "file-byte-order-mark", "json-syntax", "json-not-object",
      "json-too-deep", "duplicate-key"]);
    const payloadRules = RULES.filter((r) => !r.image && !elsewhere.has(r.id)).map((r) => r.id).sort();
    expect([...new Set(CASES.map((c) => c.rule))].sort()).toEqual(payloadRules);
  });
});

// Before, an empty location without a checksum got download-checksum-missing too, a second
// refusal with another message: only a non-empty location asks for a checksum (PROVISIONING.md).
describe("an empty download location", () => {
  it("is refused for itself alone, with or without a checksum", () => {
    const empty = payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "", [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined });
    expect(rulesOf(empty)).toEqual(["download-location-empty"]);
    expect(rulesOf(payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "" }))).toEqual(["download-location-empty"]);
  });
});

// Before, the device refused such a payload at parse time ("Can't set up device"), and a string
// port got wrong-type besides: Android reads the port with getIntExtra (default 0) and checks only
// the SSID while parsing, so the payload is accepted and the download through the proxy fails.
describe("a proxy port Android reads as 0 or cannot use", () => {
  it.each([
    ["missing", {}],
    ["a string", { [KEYS.WIFI_PROXY_PORT]: "3128" }],
    ["0", { [KEYS.WIFI_PROXY_PORT]: 0 }],
    ["70000", { [KEYS.WIFI_PROXY_PORT]: 70000 }],
  ])("is one error, predicted at the download, when it is %s", (_name, port) => {
    const result = check(payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", ...port }));
    expect(result.findings.filter((f) => f.severity !== "info").map((f) => f.rule)).toEqual(["wifi-proxy-port"]);
    expect(ruleInfo("wifi-proxy-port").deviceFailsAt).toBe("download");
    expect(result.params?.wifi?.proxy).toMatchObject({ host: "proxy.example.com" });
  });

  it("says how to write a quoted port", () => {
    const f = check(payloadWith({ [KEYS.WIFI_PROXY_HOST]: "proxy.example.com", [KEYS.WIFI_PROXY_PORT]: "3128" })).findings.find((x) => x.rule === "wifi-proxy-port");
    expect(f?.hint).toBe("write 3128 without quotes");
  });
});

describe("an EAP-TLS user key store of certificates only", () => {
  it("is a warning at the user certificate that says to export the private key with it", () => {
    const f = findingOf(payloadWith(eap({ [KEYS.WIFI_EAP_METHOD]: "TLS", [KEYS.WIFI_USER_CERTIFICATE]: USER_PKCS12_CERTIFICATE_ONLY_BASE64 })),
      "wifi-eap-tls-client-certificate");
    expect(f.severity).toBe("warning");
    expect(f.path).toBe(`/${KEYS.WIFI_USER_CERTIFICATE}`);
    expect(f.message).toMatch(/^WIFI_EAP_METHOD is TLS but WIFI_USER_CERTIFICATE holds no private key \(a PKCS#12 key store of certificates only\)/);
    expect(f.hint).toContain("without -nokeys");
  });
});

describe("rule sets", () => {
  it("runs the intune-aosp rules only when asked", () => {
    const payload = payloadWith({});
    expect(rulesOf(payload)).toEqual([]);
    expect(rulesOf(payload, { rules: "intune-aosp" })).toEqual(
      expect.arrayContaining(["intune-admin-component", "intune-enrollment-token", "intune-service-url"]));
  });

  // Before: "the device must already be online", which a device without a setup wizard never is.
  it("says under intune-aosp that a QR code without Wi-Fi stops a device without a setup wizard, such as RealWear", () => {
    const finding = findingOf(intune(noWifi), "no-network", { rules: "intune-aosp" });
    expect(finding.severity).toBe("info");
    expect(finding.message).toMatch(/A device without a setup wizard, such as RealWear, is on no network when it scans the code, so it stops there\.$/);
    expect(finding.hint).toMatch(/a RealWear device always needs them$/);
  });

  it("replaces the preinstalled-app note with an error under intune-aosp", () => {
    const payload = intune({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: undefined, [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: undefined });
    expect(rulesOf(payload)).toEqual(["no-download-location"]);
    expect(rulesOf(payload, { rules: "intune-aosp" })).toEqual(["intune-download-location"]);
  });

  it("accepts package/.Class and package/full.Class alike as the agent's component", () => {
    const full = intune({ [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver" });
    expect(rulesOf(full, { rules: "intune-aosp" })).toEqual([]);
    expect(rulesOf(intune(), { rules: "intune-aosp" })).toEqual([]);
  });

  it("tells an author who put the token at the top level to move it into the bundle", () => {
    const payload = intune({ [EXTRA_ENROLLMENT_TOKEN]: "tok" }, { [EXTRA_SERVICE_URL]: "https://e.example" });
    const rules = rulesOf(payload, { rules: "intune-aosp" });
    expect(rules).toEqual(["intune-enrollment-token", "unknown-key"]);
  });
});
