/**
 * Findings speak the device's language and say how to fix the problem: re-encoded checksums,
 * the key the author probably meant, the value to write instead.
 */
import { describe, expect, it } from "vitest";
import { HELLO_CHECKSUM, HELLO_SHA256, KEYS, findingOf, payloadWith } from "./support/payloads.js";

const checksum = (value: string) => payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: value });

describe("checksum findings", () => {
  it("re-encodes a hex SHA-256 as URL-safe base64 in the fix", () => {
    const f = findingOf(checksum(HELLO_SHA256.toString("hex")), "checksum-encoding");
    expect(f.severity).toBe("error");
    expect(f.path).toBe(`/${KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM}`);
    expect(f.message).toMatch(/64 hex digits/);
    expect(f.message).toMatch(/checksum error/);
    expect(f.hint).toContain(`"${HELLO_CHECKSUM}"`);
  });

  it("re-encodes keytool's colon-separated upper-case hex too", () => {
    const keytool = HELLO_SHA256.toString("hex").toUpperCase().match(/../g)!.join(":");
    expect(findingOf(checksum(keytool), "checksum-encoding").hint).toContain(HELLO_CHECKSUM);
  });

  it("re-encodes standard base64 (+ and /) as URL-safe base64", () => {
    const f = findingOf(checksum(HELLO_SHA256.toString("base64")), "checksum-encoding");
    expect(f.message).toMatch(/standard base64/);
    expect(f.hint).toContain(HELLO_CHECKSUM);
  });

  it("names SHA-1 when a checksum is 20 bytes", () => {
    const sha1 = Buffer.alloc(20, 7).toString("base64url");
    expect(findingOf(checksum(sha1), "checksum-length").message).toMatch(/SHA-1/);
  });

  it("explains that an undecodable checksum makes the device refuse the payload", () => {
    const f = findingOf(checksum("ab=c"), "checksum-encoding");
    expect(f.message).toMatch(/Can't set up device/);
  });
});

describe("suggestions", () => {
  it.each([
    ["android.app.extra.PROVISIONING_WIFI_SSD", KEYS.WIFI_SSID],
    ["android.app.extra.provisioning_wifi_ssid", KEYS.WIFI_SSID],
    ["PROVISIONING_WIFI_PASSWORD", KEYS.WIFI_PASSWORD],
    ["WIFI_SECURITY_TYPE", KEYS.WIFI_SECURITY_TYPE],
    ["android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT", KEYS.DEVICE_ADMIN_COMPONENT_NAME],
    ["a.a.e.PWSS", "a.a.e.PWS"],
  ])("suggests the known key for %s", (typo, meant) => {
    expect(findingOf(payloadWith({ [typo]: "x" }), "unknown-key").hint).toBe(`did you mean "${meant}"?`);
  });

  it("suggests moving a namespaced key that matches nothing into the admin extras", () => {
    expect(findingOf(payloadWith({ "com.example.dpc.token": "x" }), "unknown-key").hint).toContain(KEYS.ADMIN_EXTRAS_BUNDLE);
  });

  it.each([
    ["WPA2", "WPA"], ["wpa", "WPA"], ["WPA2-PSK", "WPA"], ["SAE", "WPA"], ["open", "NONE"], ["Wep", "WEP"], ["WPA2-Enterprise", "EAP"],
  ])("suggests %s -> %s for the security type", (written, meant) => {
    const payload = payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: written, [KEYS.WIFI_PASSWORD]: "correct horse" });
    expect(findingOf(payload, "wifi-security-type").hint).toMatch(new RegExp(`^write "${meant}"`));
  });

  it("tells how to write a quoted boolean and a quoted number", () => {
    expect(findingOf(payloadWith({ [KEYS.SKIP_ENCRYPTION]: "TRUE" }), "wrong-type").hint).toBe("write true without quotes");
    expect(findingOf(payloadWith({ [KEYS.SUPPORTED_MODES]: "1" }), "wrong-type").hint).toBe("write 1 without quotes");
    expect(findingOf(payloadWith({ [KEYS.WIFI_SSID]: 1234 }), "wrong-type").hint).toBe("write it in quotes: \"1234\"");
  });

  it("gives LOCAL_TIME in milliseconds when it was written in seconds", () => {
    expect(findingOf(payloadWith({ [KEYS.LOCAL_TIME]: 1_700_000_000 }), "local-time").hint).toBe("use 1700000000000 (milliseconds)");
  });

  it("names the case-sensitive time zone id", () => {
    expect(findingOf(payloadWith({ [KEYS.TIME_ZONE]: "europe/berlin" }), "time-zone").message).toContain("Europe/Berlin");
  });
});

describe("paths", () => {
  it("points at the alias the payload actually uses", () => {
    const payload = payloadWith({ [KEYS.WIFI_SSID]: undefined, "a.a.e.PWS": "" });
    expect(findingOf(payload, "wifi-ssid-empty").path).toBe("/a.a.e.PWS");
  });

  it("escapes / and ~ in keys as RFC 6901 says", () => {
    expect(findingOf(payloadWith({ "a/b~c": 1 }), "unknown-key").path).toBe("/a~1b~0c");
  });

  it("points into the admin extras bundle for Intune extras", () => {
    const payload = payloadWith({
      [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.microsoft.intune.aospagent/.AospDeviceAdminReceiver",
      [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.microsoft.intune.aosp.enrollmentToken": "" },
    });
    expect(findingOf(payload, "intune-enrollment-token", { rules: "intune-aosp" }).path)
      .toBe(`/${KEYS.ADMIN_EXTRAS_BUNDLE}/com.microsoft.intune.aosp.enrollmentToken`);
  });
});
