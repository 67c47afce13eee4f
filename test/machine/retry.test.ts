import { describe, expect, it } from "vitest";
import { backoffDelay, mayRetry, nextRetry } from "../../agent/machine/retry.js";
import { DEFAULT_SETTINGS } from "../../agent/machine/types.js";

const cause = (retryable: boolean) => ({ code: "serviceUnavailable", message: "503", retryable, at: 1000 });

describe("service retries", () => {
  it("waits 2, 4, 8, 16 s between the five attempts", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(DEFAULT_SETTINGS.retry, n))).toEqual([2000, 4000, 8000, 16000]);
  });

  it("gives up after the fifth attempt", () => {
    let retry = null;
    let attempts = 1;
    while (mayRetry(DEFAULT_SETTINGS, retry, "enroll", cause(true))) {
      retry = nextRetry(DEFAULT_SETTINGS, retry, "enroll", cause(true));
      attempts++;
    }
    expect(attempts).toBe(5);
  });

  it("never retries a refusal", () => {
    expect(mayRetry(DEFAULT_SETTINGS, null, "enroll", cause(false))).toBe(false);
  });

  it("stores when the next attempt is due, not a timer", () => {
    expect(nextRetry(DEFAULT_SETTINGS, null, "checkIn", cause(true))).toMatchObject({ attempt: 1, delayMs: 2000, dueAt: 3000 });
  });

  it("counts attempts per step", () => {
    const first = nextRetry(DEFAULT_SETTINGS, null, "enroll", cause(true));
    expect(nextRetry(DEFAULT_SETTINGS, first, "signIn", cause(true)).attempt).toBe(1);
  });
});
