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
export const CLOCK_SETTING: StoredJson<KeptClockSetting | number> = {
  key: "system/clock-setting.json",
  holds: "how many milliseconds the time set on the device moved its clock, and the time it was set to ({\"offsetMs\": whole number, \"setTo\": whole number})",
  // A bare number: the offset alone, as the first version kept it.
  is: (value): value is KeptClockSetting | number =>
    Number.isSafeInteger(value) ||
    (typeof value === "object" && value !== null && Number.isSafeInteger((value as KeptClockSetting).offsetMs) && Number.isSafeInteger((value as KeptClockSetting).setTo)),
};

/** The clock's offset from its base because of the setting, and the time it was set to. */
export interface KeptClockSetting {
  offsetMs: number;
  setTo: number;
}

/**
 * Moves `clock` by the setting `storage` holds, and keeps each later setting there (through
 * `flash`, whose writes a power cut holds back as it holds back the step that set the time; the
 * step runs again at the next boot and sets it again). The whole offset is written, not the
 * change, so a setting made twice is kept once. Returns what writes the setting again after a
 * factory reset, which erases the storage but not the clock: a device's clock keeps its time.
 */
export function keepClockSetting(clock: SkewedClock, storage: StoragePort, flash: StoragePort): () => void {
  const started = clock.offset;
  const stored = readJson(storage, CLOCK_SETTING);
  const kept = typeof stored === "number" ? { offsetMs: stored, setTo: Number.MIN_SAFE_INTEGER } : stored;
  if (kept !== null) {
    clock.jump(kept.offsetMs);
    // A simulated base clock starts at each process's real time, which can be behind the simulated
    // time the last run reached: the resumed clock read up to seconds before the time set on it.
    // A clock that runs on never reads earlier than the time it was set to.
    const behind = kept.setTo - clock.now();
    if (behind > 0) clock.jump(behind);
  }
  let setTo = kept?.setTo ?? null;
  const setting = (): KeptClockSetting => ({ offsetMs: Math.round(clock.offset - started), setTo: setTo ?? Math.round(clock.now()) });
  clock.onSetTime(() => {
    setTo = Math.round(clock.now());
    writeJson(flash, CLOCK_SETTING.key, setting());
  });
  return () => {
    if (setTo !== null) writeJson(storage, CLOCK_SETTING.key, setting());
  };
}
