import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatElapsed, formatTimelineEntry, type TimelineEntry } from "../../agent/report/timeline.js";
import { describeState, eventLabel } from "../../agent/report/describe.js";
import { TranscriptFile, TRANSCRIPT_FORMAT } from "../../agent/report/transcript.js";
import { initialContext } from "../../agent/machine/context-updates.js";
import { failure } from "../../agent/machine/failures.js";

const plain = { red: (s: string) => s, yellow: (s: string) => s, green: (s: string) => s, cyan: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
const context = initialContext({ identity: { serialNumber: "S1", model: "Navigator 500", manufacturer: "RealWear", osVersion: "11" } });

describe("the human timeline", () => {
  it("shows elapsed time compactly, from seconds to days", () => {
    expect(formatElapsed(3_200)).toBe("0:03.2");
    expect(formatElapsed(12 * 60_000 + 4_000)).toBe("12:04.0");
    expect(formatElapsed(2 * 3_600_000 + 15 * 60_000)).toBe("2:15:00");
    expect(formatElapsed(32 * 3_600_000 + 15 * 60_000)).toBe("1d 08:15:00");
  });

  it("prints one aligned line per step: elapsed, state, event, detail", () => {
    const entry: TimelineEntry = { at: "2025-01-06T09:00:03.200Z", elapsedMs: 3200, state: "enrolling.requesting", event: "setDeviceOwner done", detail: "Enrolling with service", kind: "state" };
    const line = formatTimelineEntry(entry, plain);
    expect(line).toMatch(/^\s+0:03\.2 {2}enrolling {32}setDeviceOwner done {6}Enrolling with service$/);
  });

  it("names events the way a person reads them", () => {
    expect(eventLabel({ type: "xstate.done.actor.enroll" })).toBe("enroll done");
    expect(eventLabel({ type: "xstate.error.actor.checkIn" })).toBe("checkIn failed");
    expect(eventLabel({ type: "xstate.after.retryDelay.device.enrolling.waitingToRetry" })).toBe("retry timer");
    expect(eventLabel({ type: "xstate.init" })).toBe("power on");
  });

  it("says what the screen shows and why on a failure screen", () => {
    const withFailure = { ...context, failure: failure("verifyAgent", "checksumError", "the package's SHA-256 is X, the payload expects Y", 0) };
    expect(describeState("provisioningFailed", withFailure, { type: "x" }, 0)).toBe(
      "Couldn't use the admin app due to a checksum error. For help, contact your IT admin. (checksumError: the package's SHA-256 is X, the payload expects Y)",
    );
  });

  it("describes a retry with the cause, the pause and the attempt", () => {
    const retrying = {
      ...context,
      retry: { step: "enroll", attempt: 1, delayMs: 2000, dueAt: 2000, cause: { code: "serviceUnavailable", message: "HTTP 503", retryable: true, at: 0 } },
    };
    expect(describeState("enrolling.waitingToRetry", retrying, { type: "x" }, 0)).toBe("HTTP 503; trying again in 2s (attempt 2 of 5)");
  });

  // Before, a device killed in the wait and resumed after its retry was due said "trying again in
  // 2s", as if it waited anew, and tried again at once.
  it("describes a retry a device is powered on in by what is left of its wait", () => {
    const retrying = {
      ...context,
      retry: { step: "enroll", attempt: 1, delayMs: 8000, dueAt: 8000, cause: { code: "serviceUnavailable", message: "HTTP 503", retryable: true, at: 0 } },
    };
    const poweredOn = { type: "POWER_ON" };
    expect(describeState("enrolling.waitingToRetry", retrying, poweredOn, 3000)).toBe("HTTP 503; trying again in 5s (attempt 2 of 5)");
    expect(describeState("enrolling.waitingToRetry", retrying, poweredOn, 8000)).toBe("HTTP 503; trying again now (attempt 2 of 5)");
    expect(describeState("enrolling.waitingToRetry", retrying, poweredOn, 20_000)).toBe("HTTP 503; trying again now, 12s after it was due (attempt 2 of 5)");
  });
});

describe("transcripts", () => {
  it("are JSON lines, one record per line, written as they happen", () => {
    const dir = mkdtempSync(join(tmpdir(), "aosp-transcript-"));
    try {
      const file = new TranscriptFile(join(dir, "t.jsonl"));
      file.write({ type: "start", format: TRANSCRIPT_FORMAT, at: "a", identity: context.identity, faults: [], clock: "simulated", payloadText: "{}", seed: 1 });
      file.write({ type: "note", at: "b", text: "hello" });
      const lines = readFileSync(join(dir, "t.jsonl"), "utf8").trim().split("\n");
      expect(lines.map((l) => JSON.parse(l).type)).toEqual(["start", "note"]);
      file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
