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
 * The base clock's reading when the time was set, from the setting `storage` holds, or null
 * (no time set, or kept as a bare offset). For a device stored before its snapshot kept `clockAt`
 * (by a build between the setting's `setTo` and `clockAt`, which held the resumed clock at or
 * after `setTo`): its resumed base clock runs on from here, as from `clockAt`, so the clock reads
 * no earlier than the time set, and a clock-skew fault of the resumed run still moves it.
 */
export function clockSetAt(storage: StoragePort): number | null {
  const stored = readJson(storage, CLOCK_SETTING);
  return stored === null || typeof stored === "number" ? null : stored.setTo - stored.offsetMs;
}

/**
 * Moves `clock` by the setting `storage` holds, and keeps each later setting there (through
 * `flash`, whose writes a power cut holds back as it holds back the step that set the time; the
 * step runs again at the next boot and sets it again). The whole offset is written, not the
 * change, so a setting made twice is kept once. Returns what writes the setting again after a
 * factory reset, which erases the storage but not the clock: a device's clock keeps its time.
 *
 * A resumed simulated clock is not held at or after `setTo` here: the stored snapshot's `clockAt`
 * (stored-snapshot.ts) already runs the base clock on from the time the device lived to, with or
 * without a time set on it. A second floor at the time set would swallow a clock-skew fault the
 * resumed run is given (`--fault clock-skew=-1h` read the time set, not an hour before it).
 * `setTo` is still written, so a device folder stays readable by a version that reads it.
 */
export function keepClockSetting(clock: SkewedClock, storage: StoragePort, flash: StoragePort): () => void {
  // The clock-skew fault this run started with, which the kept setting leaves out (each run
  // applies its own anew). Setting the time replaces whatever skew the clock had: from then on
  // the whole offset is the setting's.
  let started = clock.offset;
  const stored = readJson(storage, CLOCK_SETTING);
  const kept = typeof stored === "number" ? { offsetMs: stored, setTo: Number.MIN_SAFE_INTEGER } : stored;
  if (kept !== null) clock.jump(kept.offsetMs);
  let setTo = kept?.setTo ?? null;
  const setting = (): KeptClockSetting => ({ offsetMs: Math.round(clock.offset - started), setTo: setTo ?? Math.round(clock.now()) });
  clock.onSetTime(() => {
    setTo = Math.round(clock.now());
    started = 0;
    writeJson(flash, CLOCK_SETTING.key, setting());
  });
  return () => {
    if (setTo !== null) writeJson(storage, CLOCK_SETTING.key, setting());
  };
}
