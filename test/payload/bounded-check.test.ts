/**
 * The library's checks are bounded like the CLI: megabytes of text get a size refusal at once,
 * and key suggestions never measure a key against candidates too different in length to match.
 */
import { describe, expect, it } from "vitest";
import { checkPayloadText, MAX_CHECKED_TEXT_BYTES } from "../../agent/payload/check.js";
import { closestKnownKey } from "../../agent/payload/rules/keys.js";

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

  it("suggests nothing for a key far longer than any known one, and still finds a near miss", () => {
    expect(closestKnownKey("x".repeat(3000))).toBeNull();
    expect(closestKnownKey("android.app.extra.PROVISIONING_WIFI_SSDI")).toBe("android.app.extra.PROVISIONING_WIFI_SSID");
  });
});
