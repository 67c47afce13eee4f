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
  // Before, the kept offset alone was applied to the new base: a first run whose simulated clock
  // had run 5 s before the setting, resumed 1 s of real time later, read 4 s before the time set.
  it("never reads earlier, resumed, than the time it was set to", async () => {
    const storage = new MemoryStorage();
    const first = new SkewedClock(new SimulatedClock(1_000_000), 0);
    keepClockSetting(first, storage, storage);
    await (first.base as SimulatedClock).advance(5_000);
    first.setTime(SET_TO);
    // The next process: its simulated base starts at the real time, 1 s after the first began.
    const resumed = new SkewedClock(new SimulatedClock(1_001_000), 0);
    keepClockSetting(resumed, storage, storage);
    expect(resumed.now()).toBeGreaterThanOrEqual(SET_TO);
    expect(resumed.now()).toBeLessThan(SET_TO + 1_000);
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
