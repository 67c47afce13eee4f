/**
 * `validate` and `enroll` of the same payload file tell the same story: a finding's severity and
 * the screen it names are where the simulated device stops (docs/provisioning-facts.md §1).
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import {
  USER_PKCS12_TWO_ENTRIES_3DES_BASE64, USER_PKCS12_TWO_ENTRIES_BASE64, USER_PKCS12_TWO_ENTRIES_LEGACY_RC2_BASE64,
} from "../../fixtures/eap-stores.js";
import { CA_CERTIFICATE_BASE64, USER_PKCS12_BASE64, USER_PKCS12_PASSWORD_BASE64 } from "../payload/support/eap-certificates.js";

const temp = deviceTempDir("aosp-validate-device-");

interface Finding {
  severity: string;
  rule: string;
  path: string;
  message: string;
}

function payloadFile(name: string, wifi: Record<string, string>): string {
  const file = temp.file(name);
  writeFileSync(file, JSON.stringify({
    "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
    ...Object.fromEntries(Object.entries(wifi).map(([k, v]) => [`android.app.extra.PROVISIONING_WIFI_${k}`, v])),
  }));
  return file;
}

async function validate(file: string): Promise<{ code: number | null; findings: Finding[] }> {
  const result = await aospSim(["validate", file, "--json"]);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

async function enroll(file: string): Promise<{ finalState: string; failure: { code: string; screen: string; message: string } | null }> {
  const result = await aospSim(["enroll", file, "--clock", "simulated", "--seed", "1", "--json"]);
  return JSON.parse(result.stdout) as { finalState: string; failure: { code: string; screen: string; message: string } | null };
}

describe("a WEP key: validate, the device and the service apply one rule", () => {
  // Before, 16 characters were a warning (valid) while the device could never add the network,
  // and 29 characters or 58 hex digits were a warning while the device joined with them.
  it.each([
    ["16 ASCII characters", "abcdefghijklmnop", /16 characters, which the device uses as ASCII text: a 16-byte key/],
    ["29 ASCII characters", "z".repeat(29), /29 characters, which the device uses as ASCII text: a 29-byte key/],
    ["29 hex digits", "a".repeat(29), /29 hex digits, not 10, 26 or 58 of them, so the device uses them as ASCII text: a 29-byte key/],
    ["58 hex digits", "0a".repeat(29), /58 hex digits, which the device passes raw: a 29-byte \(232-bit\) key/],
    // Before, any character outside printable ASCII was refused as such; Android counts the text's UTF-8 bytes.
    ["5 characters, one of them 2 bytes in UTF-8", "clé12", /5 characters, which the device uses as text: 6 bytes in UTF-8, a 6-byte key/],
    ["a lone surrogate", "\ud800abcd", /text with a lone UTF-16 surrogate \(\\ud800, half of a pair\), which has no UTF-8 form/],
  ])("a key of %s is an error, and the device cannot add the network", async (_case, key, what) => {
    const file = payloadFile("wep-bad.json", { SSID: "Lab", SECURITY_TYPE: "WEP", PASSWORD: key });
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-wep-key");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toMatch(what);
    expect(finding?.message).toContain("Couldn't connect to Wi-Fi");
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.code).toBe("wifiAddFailed");
    expect(device.failure?.screen).toBe("Couldn't connect to Wi-Fi");
    expect(device.failure?.message).toMatch(what);
  });

  it.each([
    ["5", "abcde"],
    ["13", "thirteen-char"],
    ["10 hex", "0123456789"],
    ["26 hex", "0123456789abcdef0123456789"],
    // Before, refused for characters outside printable ASCII: Android adds any text of 5 or 13 UTF-8 bytes.
    ["4 (5 bytes in UTF-8)", "clé1"],
    ["5 (a control character among them)", "\u0001abcd"],
  ])(
    "a key of %s characters passes, and the device gets past Wi-Fi",
    async (_case, key) => {
      const file = payloadFile("wep-good.json", { SSID: "Lab", SECURITY_TYPE: "WEP", PASSWORD: key });
      expect((await validate(file)).findings.map((f) => f.rule)).not.toContain("wifi-wep-key");
      const device = await enroll(file);
      expect(device.finalState).not.toBe("wifiFailed");
      expect(device.failure?.code).toBe("adminAppMissing");
    },
  );
});

describe("an empty WIFI_SSID", () => {
  // Before, validate named "Couldn't connect to Wi-Fi" while the device showed "Can't set up device".
  it("names the screen the device stops at: Can't set up device", async () => {
    const file = payloadFile("ssid-empty.json", { SSID: "" });
    const finding = (await validate(file)).findings.find((f) => f.rule === "wifi-ssid-empty");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain("Can't set up device");
    expect(finding?.message).not.toContain("Couldn't connect to Wi-Fi");
    const device = await enroll(file);
    expect(device.finalState).toBe("cantSetUpDevice");
    expect(device.failure?.screen).toMatch(/^Can't set up device/);
  });
});

const BASE = {
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "https://mdm.example.com/dpc.apk",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM": "wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro",
};

/** A payload with a download (BASE) and the given keys, written to a file. */
function downloadPayloadFile(name: string, more: Record<string, unknown>): string {
  const file = temp.file(name);
  writeFileSync(file, JSON.stringify({ ...BASE, ...more }));
  return file;
}

describe("an empty LOCALE", () => {
  // Before, an info ("the device keeps its current locale") and the device went on to download:
  // Locale.Builder.setLanguageTag("") throws "Empty subtag", and ManagedProvisioning refuses the payload.
  it.each([
    ["alone", { "android.app.extra.PROVISIONING_LOCALE": "" }],
    ["beside the short alias", { "android.app.extra.PROVISIONING_LOCALE": "", "a.a.e.PL": "de_DE" }],
  ])("%s is refused by validate and by the device: Can't set up device", async (_case, keys) => {
    const file = downloadPayloadFile("locale-empty.json", keys);
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "locale-format");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toMatch(/LOCALE is empty.*Android refuses the payload \("Invalid locale format!"\)/);
    expect(checked.findings.map((f) => f.rule)).not.toContain("locale-shape");
    const device = await enroll(file);
    expect(device.finalState).toBe("cantSetUpDevice");
    expect(device.failure?.screen).toMatch(/^Can't set up device/);
  });
});

describe("a WPA key of 64 hex digits", () => {
  // Before, an info ("some Android versions cannot join") and the device joined the network:
  // ManagedProvisioning quotes it as a passphrase, and the Wi-Fi service's validatePsk refuses a
  // quoted one over 65 characters, so addNetwork fails on every version.
  it("is an error, and the device cannot add the network", async () => {
    const file = payloadFile("wpa-64hex.json", { SSID: "Corp", SECURITY_TYPE: "WPA", PASSWORD: "0123456789abcdef".repeat(4) });
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-wpa-hex-key");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toMatch(/66 characters with the quotes.*at most 65.*Couldn't connect to Wi-Fi/);
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.code).toBe("wifiAddFailed");
    expect(device.failure?.message).toMatch(/64 hex digits, which Android's provisioning passes quoted/);
  });
});

describe("an EAP certificate, as java.util.Base64's basic decoder reads it", () => {
  const eap = (cert: string) => ({ SSID: "Corp", SECURITY_TYPE: "EAP", EAP_METHOD: "TLS", CA_CERTIFICATE: cert });

  // Before, whitespace was stripped first, so a line-wrapped certificate passed clean and the device
  // joined; Java's decoder throws on the line break, uncaught by ManagedProvisioning's Wi-Fi step.
  it("with a line break is an error, and the device stops at the Wi-Fi step", async () => {
    const file = payloadFile("eap-ca-linebreak.json", eap("MIIBszCCAVmg\nAwIBAgIUQQ=="));
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-eap-certificate");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain("a line break at character 13, which is not in the base64 alphabet");
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.code).toBe("provisioningCrashed");
    expect(device.failure?.message).toMatch(/WIFI_CA_CERTIFICATE cannot be decoded by java\.util\.Base64 \(a line break at character 13/);
  });

  // Before, a warning ("is not standard base64"): Java's basic decoder accepts missing padding.
  it("without its padding passes", async () => {
    const file = payloadFile("eap-ca-unpadded.json", eap("aGVsbG8gd29ybGQ"));
    expect((await validate(file)).findings.map((f) => f.rule)).not.toContain("wifi-eap-certificate");
  });
});

describe("an EAP certificate that decodes but does not parse", () => {
  const eap = (more: Record<string, string>) => ({ SSID: "Corp", SECURITY_TYPE: "EAP", EAP_METHOD: "TLS", IDENTITY: "d@example.com", ...more });

  // Before, "ZmFrZQ==" (the text "fake") passed clean and the simulated device joined; Android's
  // CertificateFactory throws, WifiConfigurationProvider catches and logs it, and the network is
  // added without its EAP settings, so it never joins.
  it("is an error, and the device never joins the network", async () => {
    const file = payloadFile("eap-ca-fake.json", eap({ CA_CERTIFICATE: "ZmFrZQ==", USER_CERTIFICATE: USER_PKCS12_BASE64 }));
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-eap-certificate-unreadable");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain('decodes to 4 bytes of plain text ("fake"), not an X.509 certificate');
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.code).toBe("wifiTimeout");
    expect(device.failure?.screen).toBe("Couldn't connect to Wi-Fi");
    expect(device.failure?.message).toMatch(/WIFI_CA_CERTIFICATE cannot be parsed: .*added the network without its EAP settings/);
  });

  it("given as a certificate where a PKCS#12 key store belongs is an error that says the key is missing", async () => {
    const file = payloadFile("eap-user-cert-only.json", eap({ CA_CERTIFICATE: CA_CERTIFICATE_BASE64, USER_CERTIFICATE: CA_CERTIFICATE_BASE64 }));
    const finding = (await validate(file)).findings.find((f) => f.rule === "wifi-eap-certificate-unreadable");
    expect(finding?.path).toBe("/android.app.extra.PROVISIONING_WIFI_USER_CERTIFICATE");
    expect(finding?.message).toContain("an X.509 certificate alone, not a PKCS#12 key store holding the certificate and its private key");
  });

  // Before, a store exported with a password passed clean and the simulated device joined; Android
  // loads it with the empty password, BouncyCastle's MAC check throws, and the EAP settings are dropped.
  it("a PKCS#12 store exported with a password is an error, and the device never joins the network", async () => {
    const file = payloadFile("eap-user-password.json", eap({ CA_CERTIFICATE: CA_CERTIFICATE_BASE64, USER_CERTIFICATE: USER_PKCS12_PASSWORD_BASE64 }));
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-eap-certificate-unreadable");
    expect(finding?.path).toBe("/android.app.extra.PROVISIONING_WIFI_USER_CERTIFICATE");
    expect(finding?.message).toContain("a PKCS#12 key store protected by a password, and Android opens it with the empty password");
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.screen).toBe("Couldn't connect to Wi-Fi");
    expect(device.failure?.message).toMatch(/WIFI_USER_CERTIFICATE cannot be parsed: .*protected by a password/);
  });

  // Before, a store of two entries (a CA certificate exported with a friendly name beside the key)
  // passed clean and the simulated device joined; ManagedProvisioning's findAliasFromKeystore throws
  // "Configuration must contain only one certificate" and the EAP settings are dropped.
  it.each([
    ["OpenSSL 3's AES", USER_PKCS12_TWO_ENTRIES_BASE64],
    ["triple DES", USER_PKCS12_TWO_ENTRIES_3DES_BASE64],
    ["RC2, OpenSSL 1.1's default", USER_PKCS12_TWO_ENTRIES_LEGACY_RC2_BASE64],
  ])("a PKCS#12 store of two entries (%s) is an error, and the device never joins the network", async (_how, store) => {
    const file = payloadFile("eap-user-two-entries.json", eap({ CA_CERTIFICATE: CA_CERTIFICATE_BASE64, USER_CERTIFICATE: store }));
    const checked = await validate(file);
    expect(checked.code).toBe(1);
    const finding = checked.findings.find((f) => f.rule === "wifi-eap-certificate-unreadable");
    expect(finding?.path).toBe("/android.app.extra.PROVISIONING_WIFI_USER_CERTIFICATE");
    expect(finding?.message).toContain('a PKCS#12 key store of 2 entries, "device" (a private key), "Test CA" (a certificate)');
    expect(finding?.message).toContain("Configuration must contain only one certificate");
    const device = await enroll(file);
    expect(device.finalState).toBe("wifiFailed");
    expect(device.failure?.screen).toBe("Couldn't connect to Wi-Fi");
    expect(device.failure?.message).toMatch(/WIFI_USER_CERTIFICATE cannot be parsed: .*2 entries/);
  });

  it("a real CA certificate and PKCS#12 store pass, and the device joins", async () => {
    const file = payloadFile("eap-real.json", eap({ CA_CERTIFICATE: CA_CERTIFICATE_BASE64, USER_CERTIFICATE: USER_PKCS12_BASE64 }));
    expect((await validate(file)).findings.filter((f) => f.rule.startsWith("wifi-eap"))).toEqual([]);
    const device = await enroll(file);
    expect(device.finalState).not.toBe("wifiFailed");
  });
});

describe("a LOCALE Java's parser takes and Intl's does not", () => {
  // Before, a locale-format error, and the device stopped at "Can't set up device"; Android's
  // Locale.Builder takes "en-USA" (language en, extlang usa) and sets the locale "usa".
  it("is valid, and the device goes on to the download", async () => {
    const file = downloadPayloadFile("locale-en-USA.json", { "android.app.extra.PROVISIONING_LOCALE": "en-USA" });
    const checked = await validate(file);
    expect(checked.code).toBe(0);
    expect(checked.findings.map((f) => f.rule)).not.toContain("locale-format");
    const device = await enroll(file);
    expect(device.finalState).not.toBe("cantSetUpDevice");
    expect(device.failure?.code).not.toBe("invalidPayload");
  });
});
