/**
 * The library's checks are bounded like the CLI: megabytes of text get a size refusal at once,
 * and key suggestions never measure a key against candidates too different in length to match.
 */
import { describe, expect, it } from "vitest";
import { checkPayloadText, MAX_CHECKED_TEXT_BYTES } from "../../agent/payload/check.js";
import { closestKnownKey } from "../../agent/payload/rules/keys.js";

/** A DER element: tag, length, content. */
const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
};
const oid = (hex: string) => der(0x06, Buffer.from(hex, "hex"));

/**
 * A PKCS#12 store without a MAC (nothing to verify) whose AuthenticatedSafe holds `count`
 * encryptedData contents, each under pbeWithSHAAnd3-KeyTripleDES-CBC with a million iterations.
 */
function hostileStore(count: number): string {
  const algorithm = der(0x30, oid("2a864886f70d010c0103"), der(0x30, der(0x04, Buffer.alloc(8, 1)), der(0x02, Buffer.from("0f4240", "hex"))));
  const encrypted = der(0x30, oid("2a864886f70d010706"), der(0xa0, der(0x30, der(0x02, Buffer.from([0])),
    der(0x30, oid("2a864886f70d010701"), algorithm, der(0x80, Buffer.alloc(8))))));
  const safe = der(0x30, ...Array.from({ length: count }, () => encrypted));
  return der(0x30, der(0x02, Buffer.from([3])), der(0x30, oid("2a864886f70d010701"), der(0xa0, der(0x04, safe)))).toString("base64");
}

const ADMIN = "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME";

describe("bounded payload checks", () => {
  it("refuses 1,000 unknown 3,000-character keys (3 MB) for their size alone, without checking each key", () => {
    const json = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`${i}${"k".repeat(3000)}`, 1])));
    expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_CHECKED_TEXT_BYTES);
    const result = checkPayloadText(json);
    expect(result.valid).toBe(false);
    expect(result.findings.map((f) => f.rule)).toEqual(["payload-too-large"]);
    expect(result.json).toBeNull();
  });

  it("still checks every key of text up to the limit", () => {
    const json = JSON.stringify({ [ADMIN]: "a.b/.C", ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${i}${"k".repeat(3000)}`, 1])) });
    expect(Buffer.byteLength(json)).toBeLessThan(MAX_CHECKED_TEXT_BYTES);
    const rules = checkPayloadText(json).findings.map((f) => f.rule);
    expect(rules).toContain("payload-too-large");
    expect(rules.filter((r) => r === "unknown-key")).toHaveLength(40);
  });

  // Before, each encrypted content of a Wi-Fi user key store cost its own key derivation, so a
  // QR-sized store of 24 contents at a million iterations each kept validate busy for a minute.
  it("spends a bounded number of key-derivation iterations on a Wi-Fi user key store", () => {
    const json = JSON.stringify({
      [ADMIN]: "a.b/.C", "android.app.extra.PROVISIONING_WIFI_SSID": "Corp", "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE": "EAP",
      "android.app.extra.PROVISIONING_WIFI_EAP_METHOD": "TLS", "android.app.extra.PROVISIONING_WIFI_USER_CERTIFICATE": hostileStore(24),
    });
    expect(Buffer.byteLength(json)).toBeLessThan(2953);
    const started = performance.now();
    checkPayloadText(json);
    expect(performance.now() - started).toBeLessThan(8000);
  }, 120_000);

  it("suggests nothing for a key far longer than any known one, and still finds a near miss", () => {
    expect(closestKnownKey("x".repeat(3000))).toBeNull();
    expect(closestKnownKey("android.app.extra.PROVISIONING_WIFI_SSDI")).toBe("android.app.extra.PROVISIONING_WIFI_SSID");
  });
});
