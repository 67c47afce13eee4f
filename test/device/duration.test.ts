import { describe, expect, it } from "vitest";
import { exactDuration, formatDuration, formatDurationExactly, parseDuration } from "../../agent/device/duration.js";

describe("durations", () => {
  it("exactDuration reads back as the same milliseconds, as one word (a command line's)", () => {
    for (const ms of [1, 999, 1_000, 1_500, 90_000, 5_400_000, 90_000_000, 86_400_000, 315_360_000_000, 3_723_004]) {
      const text = exactDuration(ms);
      expect(text).not.toContain(" ");
      expect(parseDuration(text)).toBe(ms);
    }
    expect(exactDuration(5_400_000)).toBe("1h30m");
    expect(exactDuration(1_500)).toBe("1s500ms");
    // formatDuration is for people: rounded to two units, spaced.
    expect(formatDuration(1_500)).toBe("1s");
    expect(formatDuration(5_400_000)).toBe("1h 30m");
  });

  it("formatDurationExactly keeps formatDuration's words unless they round", () => {
    expect(formatDurationExactly(5_400_000)).toBe("1h 30m");
    expect(formatDurationExactly(20 * 60_000)).toBe("20m");
    expect(formatDurationExactly(1_500)).toBe("1s500ms");
    expect(formatDurationExactly(90_000_000 + 60_000)).toBe("1d1h1m");
  });
});
