/**
 * The payload's LOCALE, TIME_ZONE and LOCAL_TIME, set on the device as Android sets them
 * (docs/provisioning-facts.md §1, "Locale, time zone and time"):
 *
 * - Android 10 and 11 set them in the first provisioning task, DeviceOwnerInitializeProvisioningTask,
 *   before the network; Android 12 and later pass them to DevicePolicyManager's
 *   provisionFullyManagedDevice (ProvisionFullyManagedDeviceTask), the step that makes the admin
 *   app device owner, after the download.
 * - The time zone and the time are set in one try block: an id AlarmManager refuses is skipped,
 *   and so is the time after it. A time of 0 or less is not set. A failure never stops provisioning.
 * - The locale is set unless it is the device's own already.
 */
import type { DeviceIdentity, ProvisioningPlan, SettingsOutput, SystemSettings } from "../machine/types.js";
import { timeZoneProblem } from "../payload/index.js";
import { parseJavaLanguageTag } from "../payload/java-locale.js";
import type { ClockPort } from "./ports.js";

/** The locale a virtual device starts in (the setup wizard's language): an assumption, said in the README. */
export const DEVICE_LOCALE = "en-US";

/** What the device set when the payload sets nothing. */
const NOTHING_SET: SystemSettings = { locale: null, timeZone: null, clockSetTo: null };

/**
 * Whether this Android release sets the payload's settings as provisioning starts (10 and 11)
 * rather than with the device owner (12 and later, and a version that is no number).
 */
export function setsSettingsAtStart(identity: DeviceIdentity): boolean {
  const major = Number.parseInt(identity.osVersion, 10);
  return Number.isInteger(major) && major <= 11;
}

/** A clock the device's software may set (a virtual device's: agent/device/clock.ts SkewedClock). */
export interface SettableClock extends ClockPort {
  setTime(ms: number): void;
}

function isSettable(clock: ClockPort): clock is SettableClock {
  return typeof (clock as Partial<SettableClock>).setTime === "function";
}

/** A language tag as Android builds it from LOCALE ("de_DE" is de-DE, "en-USA" is usa). */
function languageTag(locale: string): string {
  const parsed = parseJavaLanguageTag(locale.replace(/_/g, "-"));
  return parsed.ok ? parsed.tag : locale;
}

/**
 * Sets the plan's locale, time zone and time on the device, as far as Android would, and says
 * what it did. `current` is what an earlier setting left (the device's locale is DEVICE_LOCALE
 * until one is set).
 */
export function applySystemSettings(plan: ProvisioningPlan | null, clock: ClockPort, current: SystemSettings | null): SettingsOutput {
  const applied: SystemSettings = { ...(current ?? NOTHING_SET) };
  const said: string[] = [];
  const timeZone = plan?.timeZone ?? null;
  const localTime = plan?.localTime ?? null;
  const zoneProblem = timeZone === null ? null : timeZoneProblem(timeZone);
  if (timeZone !== null && zoneProblem === null) {
    applied.timeZone = timeZone;
    said.push(`time zone set to ${timeZone}`);
  } else if (timeZone !== null) {
    said.push(`TIME_ZONE "${timeZone}" not set: ${zoneProblem}, and AlarmManager refuses it`);
  }
  if (localTime !== null && zoneProblem !== null) {
    said.push("LOCAL_TIME not set either: Android sets the time after the time zone, in the same step, so the refusal skips it");
  } else if (localTime !== null && localTime <= 0) {
    said.push(`LOCAL_TIME ${localTime} not set: Android sets the clock only to a time after the epoch`);
  } else if (localTime !== null && !isSettable(clock)) {
    said.push("LOCAL_TIME not set: this device's clock is not the simulator's to set");
  } else if (localTime !== null && isSettable(clock)) {
    clock.setTime(localTime);
    applied.clockSetTo = localTime;
    said.push(`clock set to ${new Date(localTime).toISOString()}`);
  }
  const locale = plan?.locale ?? null;
  // An empty LOCALE never gets here: Android refuses the payload (the locale-format rule).
  if (locale !== null && locale !== "") {
    const tag = languageTag(locale);
    const before = applied.locale ?? DEVICE_LOCALE;
    if (tag === before) {
      said.push(`locale ${tag} is the device's already`);
    } else {
      applied.locale = tag;
      said.push(`locale set to ${tag} (was ${before})`);
    }
  }
  if (said.length === 0) return { applied, said: null };
  const text = said.join("; ");
  return { applied, said: text.charAt(0).toUpperCase() + text.slice(1) };
}
