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
});
