/**
 * A transcript's secrets: the wrong-wifi-key fault's KEY, whatever it holds, becomes one placeholder.
 */
import { describe, expect, it } from "vitest";
import { SecretRedactor, WRONG_WIFI_KEY_PLACEHOLDER } from "../../agent/report/redact.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";

const start = (faults: string[]) => ({ type: "start", at: "2026-01-01T00:00:00.000Z", faults, payloadText: null }) as unknown as TranscriptRecord;

describe("SecretRedactor", () => {
  // Before, a KEY that began with the placeholder's word (REDACTED...) was kept as written, and
  // replay then ran that text as the network's key.
  it("replaces the wrong-wifi-key fault's KEY, even one that begins like a placeholder", () => {
    for (const key of ["fleet-secret", "REDACTED-my-own-key", WRONG_WIFI_KEY_PLACEHOLDER]) {
      const redacted = new SecretRedactor().redact(start([`wrong-wifi-key=${key}`, "service-5xx"])) as unknown as { faults: string[] };
      expect(redacted.faults).toEqual([`wrong-wifi-key=${WRONG_WIFI_KEY_PLACEHOLDER}`, "service-5xx"]);
    }
  });

  // Before, a key with " or \ stood escaped in the payload's JSON text (quote\"key1), and was
  // written to the transcript in clear: only the key itself was looked for.
  it("replaces a Wi-Fi key however the payload's JSON text escapes it", () => {
    const payload = (key: string) => `{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.microsoft.intune.aospagent/.AdminReceiver","android.app.extra.PROVISIONING_WIFI_SSID":"Lab","android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE":"WPA","android.app.extra.PROVISIONING_WIFI_PASSWORD":${key}}`;
    for (const [written, key] of [
      [JSON.stringify('quote"key1'), 'quote"key1'],
      [JSON.stringify("back\\slash1"), "back\\slash1"],
      ['"a\\/b\\/c-key"', "a/b/c-key"],
      ['"\\u0071uote\\"key2"', 'quote"key2'],
    ] as const) {
      const text = payload(written);
      expect(JSON.parse(text)["android.app.extra.PROVISIONING_WIFI_PASSWORD"]).toBe(key);
      const redactor = new SecretRedactor();
      const scan = redactor.redact({ type: "scan", at: "2026-01-01T00:00:00.000Z", text } as unknown as TranscriptRecord) as unknown as { text: string };
      const again = redactor.redact({ type: "state", at: "x", detail: `joined with ${written} and ${key}` } as unknown as TranscriptRecord);
      const out = JSON.stringify([scan, again]);
      expect(JSON.parse(scan.text)["android.app.extra.PROVISIONING_WIFI_PASSWORD"], written).toBe("REDACTED-WIFI-KEY");
      for (const leak of [key, written.slice(1, -1), JSON.stringify(key).slice(1, -1)]) expect(out, written).not.toContain(leak);
    }
  });
});
