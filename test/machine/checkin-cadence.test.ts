import { describe, expect, it } from "vitest";
import { HOUR, MINUTE, checkInInterval, checkInSchedule, nextCheckInAt } from "../../agent/machine/checkin-cadence.js";

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

describe("check-in cadence", () => {
  it("checks in every 3 minutes for the first 15 minutes", () => {
    const times = checkInSchedule(T0, 15 * MINUTE).map((t) => (t - T0) / MINUTE);
    expect(times).toEqual([3, 6, 9, 12, 15]);
  });

  it("switches to every 15 minutes exactly at the 15-minute mark", () => {
    expect(checkInInterval(15 * MINUTE - 1)).toBe(3 * MINUTE);
    expect(checkInInterval(15 * MINUTE)).toBe(15 * MINUTE);
    expect(nextCheckInAt(T0, T0 + 15 * MINUTE) - T0).toBe(30 * MINUTE);
  });

  it("checks in every 15 minutes for 2 hours, then every 8 hours", () => {
    const times = checkInSchedule(T0, 2 * HOUR + 15 * MINUTE).map((t) => (t - T0) / MINUTE);
    expect(times.slice(5)).toEqual([30, 45, 60, 75, 90, 105, 120, 135]);
    expect(checkInInterval(2 * HOUR + 15 * MINUTE - 1)).toBe(15 * MINUTE);
    expect(checkInInterval(2 * HOUR + 15 * MINUTE)).toBe(8 * HOUR);
    expect((nextCheckInAt(T0, T0 + 135 * MINUTE) - T0) / MINUTE).toBe(135 + 8 * 60);
  });

  it("makes a day of check-ins: 5 fast, 8 quarter-hourly, then every 8 hours", () => {
    const day = checkInSchedule(T0, 24 * HOUR);
    expect(day).toHaveLength(5 + 8 + 2);
    expect((day.at(-1)! - T0) / MINUTE).toBe(135 + 16 * 60);
  });

  it("does not fire a burst of catch-up check-ins after the device was off", () => {
    const due = T0 + 6 * MINUTE;
    const now = T0 + 5 * HOUR;
    expect(nextCheckInAt(T0, due, now)).toBe(now + 8 * HOUR);
  });
});
