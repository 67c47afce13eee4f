/**
 * The time set on a device (LOCAL_TIME), kept with it and read by a device resumed in another
 * process, whose simulated base clock starts at that process's real time.
 */
import { describe, expect, it } from "vitest";
import { SimulatedClock, SkewedClock } from "../../agent/device/clock.js";
import { keepClockSetting } from "../../agent/device/clock-setting.js";
import { MemoryStorage } from "../../agent/device/virtual/storage.js";

const SET_TO = Date.UTC(2025, 5, 1, 8, 0, 0);

describe("the time set on a device, kept with it", () => {
  // A resumed device's base clock is moved on to the time it had lived to by create-device.ts
  // (the stored snapshot's clockAt, test/e2e/enroll-resumed-clock.test.ts); the setting itself
  // puts no floor under the clock, which would swallow a clock-skew fault of the resumed run.
  it("takes the resumed run's clock-skew fault on top of the time set", () => {
    const storage = new MemoryStorage();
    const first = new SkewedClock(new SimulatedClock(1_000_000), 0);
    keepClockSetting(first, storage, storage);
    first.setTime(SET_TO);
    const resumed = new SkewedClock(new SimulatedClock(1_000_000), -3_600_000);
    keepClockSetting(resumed, storage, storage);
    expect(resumed.now()).toBe(SET_TO - 3_600_000);
  });

  // Before, the offset kept left out the skew the first run started with, though the time set
  // had replaced it: resumed without the fault, the clock read two hours before the time set.
  it("keeps the time set, not the skew it replaced", () => {
    const storage = new MemoryStorage();
    const first = new SkewedClock(new SimulatedClock(1_000_000), 2 * 3_600_000);
    keepClockSetting(first, storage, storage);
    first.setTime(SET_TO);
    const resumed = new SkewedClock(new SimulatedClock(1_005_000), 0);
    keepClockSetting(resumed, storage, storage);
    expect(resumed.now()).toBe(SET_TO + 5_000);
  });

  it("runs on from the time set when the new base is later, and reads a setting kept as a bare offset", () => {
    const storage = new MemoryStorage();
    const first = new SkewedClock(new SimulatedClock(1_000_000), 0);
    keepClockSetting(first, storage, storage);
    first.setTime(SET_TO);
    const resumed = new SkewedClock(new SimulatedClock(1_060_000), 0);
    keepClockSetting(resumed, storage, storage);
    expect(resumed.now()).toBe(SET_TO + 60_000);
    const legacy = new MemoryStorage();
    legacy.write("system/clock-setting.json", Buffer.from(JSON.stringify(SET_TO - 1_000_000), "utf8"));
    const old = new SkewedClock(new SimulatedClock(1_000_000), 0);
    keepClockSetting(old, legacy, legacy);
    expect(old.now()).toBe(SET_TO);
  });
});
