/**
 * The time the device's software set (the payload's LOCAL_TIME, agent/device/system-settings.ts),
 * kept with the device. Android's clock runs on across reboots once AlarmManager.setTime has set
 * it; a device resumed from its storage in another process (`enroll --device-dir`) starts on a
 * new base clock, and without this it would read that base's time instead of the time it was set
 * to, run on since.
 */
import { SkewedClock } from "./clock.js";
import type { StoragePort } from "./ports.js";
import { readJson, writeJson, type StoredJson } from "./virtual/storage.js";

/**
 * How far the device's clock is from its base clock because of what was set on it, in ms: the
 * clock's offset less the clock-skew fault's it started with, which each run applies anew.
 */
export const CLOCK_SETTING: StoredJson<number> = {
  key: "system/clock-setting.json",
  holds: "how many milliseconds the time set on the device moved its clock (a whole number)",
  is: (value): value is number => Number.isSafeInteger(value),
};

/**
 * Moves `clock` by the setting `storage` holds, and keeps each later setting there (through
 * `flash`, whose writes a power cut holds back as it holds back the step that set the time; the
 * step runs again at the next boot and sets it again). The whole offset is written, not the
 * change, so a setting made twice is kept once. Returns what writes the setting again after a
 * factory reset, which erases the storage but not the clock: a device's clock keeps its time.
 */
export function keepClockSetting(clock: SkewedClock, storage: StoragePort, flash: StoragePort): () => void {
  const started = clock.offset;
  const kept = readJson(storage, CLOCK_SETTING);
  if (kept !== null) clock.jump(kept);
  let set = kept !== null;
  const setting = () => Math.round(clock.offset - started);
  clock.onSetTime(() => {
    set = true;
    writeJson(flash, CLOCK_SETTING.key, setting());
  });
  return () => {
    if (set) writeJson(storage, CLOCK_SETTING.key, setting());
  };
}
