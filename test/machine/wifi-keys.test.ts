import { describe, expect, it } from "vitest";
import { deriveWifiKey, keysMatch, wpaPsk } from "../../agent/android/wifi-keys.js";

function key(ssid: string, type: "NONE" | "WPA" | "WEP" | "EAP", password: string | null) {
  const result = deriveWifiKey(ssid, type, password);
  if (!result.ok) throw new Error(result.problem);
  return result.key;
}

describe("Wi-Fi key semantics", () => {
  it("uses a WEP key of 10 or 26 hex digits raw", () => {
    for (const hex of ["0123456789", "0123456789abcdef0123456789"]) {
      const k = key("Lab", "WEP", hex);
      expect(k.kind).toBe("wep");
      expect(Buffer.from((k as { key: Uint8Array }).key).toString("hex")).toBe(hex.toLowerCase());
    }
  });

  it("uses a WEP key of 5 or 13 other characters as ASCII text", () => {
    const k = key("Lab", "WEP", "abcde");
    expect(Buffer.from((k as { key: Uint8Array }).key).toString("latin1")).toBe("abcde");
    expect(Buffer.from((key("Lab", "WEP", "thirteen-char") as { key: Uint8Array }).key).toString("latin1")).toBe("thirteen-char");
    // 10 characters that are not all hex are ASCII, and 10 bytes is no WEP key length.
    expect(deriveWifiKey("Lab", "WEP", "123456789g").ok).toBe(false);
  });

  // Before, 58 hex digits (29 bytes raw) and 29 ASCII characters were added and joined, although
  // Android's Wi-Fi service adds only 5- and 13-byte WEP keys (docs/provisioning-facts.md §1).
  it.each([
    ["58 hex digits", "A".repeat(58), "58 hex digits, which the device passes raw: a 29-byte (232-bit) key"],
    ["29 ASCII characters", "z".repeat(29), "29 characters, which the device uses as ASCII text: a 29-byte key"],
    ["16 ASCII characters", "abcdefghijklmnop", "16 characters, which the device uses as ASCII text: a 16-byte key"],
  ])("cannot add a WEP network with %s, and says what the key is", (_case, password, what) => {
    const result = deriveWifiKey("Lab", "WEP", password);
    expect(result).toEqual({
      ok: false,
      problem: `the WEP key is ${what}; Android adds a WEP key of text of 5 or 13 bytes in UTF-8 (5 or 13 ASCII characters), or 10 or 26 hex digits only`,
    });
  });

  it("uses a text WEP key's UTF-8 bytes, so 5 or 13 of them are a key whatever the characters", () => {
    const k = key("Lab", "WEP", "clé1");
    expect(Buffer.from((k as { key: Uint8Array }).key).toString("hex")).toBe(Buffer.from("clé1", "utf8").toString("hex"));
    expect(keysMatch(k, key("Lab", "WEP", Buffer.from("clé1", "utf8").toString("hex")))).toBe(true);
  });

  it("treats a hex WEP key and its ASCII spelling as the same key", () => {
    expect(keysMatch(key("Lab", "WEP", "abcde"), key("Lab", "WEP", Buffer.from("abcde").toString("hex")))).toBe(true);
  });

  it("derives the WPA pre-shared key from the passphrase and the SSID (IEEE 802.11i test vector)", () => {
    expect(Buffer.from(wpaPsk("IEEE", "password")).toString("hex")).toBe("f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e");
  });

  it("accepts 64 hex digits as a network's own WPA pre-shared key", () => {
    const psk = Buffer.from(wpaPsk("Lab", "lab-passphrase")).toString("hex");
    expect(keysMatch(key("Lab", "WPA", psk), key("Lab", "WPA", "lab-passphrase"))).toBe(true);
  });

  // Before, a payload's 64 hex digits were configured as the key itself; ManagedProvisioning quotes
  // them as a passphrase, which the Wi-Fi service refuses (validatePsk: over 65 characters quoted).
  it("refuses 64 hex digits given by a provisioning payload", () => {
    const psk = Buffer.from(wpaPsk("Lab", "lab-passphrase")).toString("hex");
    const result = deriveWifiKey("Lab", "WPA", psk, null, "payload");
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/^the WPA key is 64 hex digits, .*at most 65/) as unknown });
    expect(deriveWifiKey("Lab", "WPA", "lab-passphrase", null, "payload").ok).toBe(true);
  });

  it("refuses WPA passphrases shorter than 8 or longer than 63 characters", () => {
    expect(deriveWifiKey("Lab", "WPA", "short").ok).toBe(false);
    expect(deriveWifiKey("Lab", "WPA", "x".repeat(64)).ok).toBe(false);
    expect(deriveWifiKey("Lab", "WPA", "x".repeat(63)).ok).toBe(true);
  });

  it("ignores the password of an open network, which never matches a secured one", () => {
    const open = key("Lab", "NONE", "whatever");
    expect(open).toEqual({ kind: "open" });
    expect(keysMatch(open, key("Lab", "WPA", "lab-passphrase"))).toBe(false);
  });

  it("does not match a WPA key derived for another SSID", () => {
    expect(keysMatch(key("Lab", "WPA", "lab-passphrase"), key("Lab2", "WPA", "lab-passphrase"))).toBe(false);
  });
});
