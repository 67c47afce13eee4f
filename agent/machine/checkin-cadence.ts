/**
 * When an enrolled device checks in next (docs/provisioning-facts.md §3): every 3 minutes for the first
 * 15 minutes after enrollment, then every 15 minutes for 2 hours, then about every 8 hours.
 *
 * "Then every 15 minutes for 2 hours" is read as a phase of its own: it starts when the
 * 3-minute phase ends (15 min) and lasts 2 hours (to 2 h 15 min after enrollment). Pure: time
 * comes in as numbers (ms on the device's clock), so the machine and tests share one rule.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface CadencePhase {
  /** Elapsed time since enrollment at which this phase ends (Infinity for the last). */
  until: number;
  /** Interval between check-ins during the phase. */
  every: number;
}

export const CHECK_IN_CADENCE: readonly CadencePhase[] = [
  { until: 15 * MINUTE, every: 3 * MINUTE },
  { until: 15 * MINUTE + 2 * HOUR, every: 15 * MINUTE },
  { until: Number.POSITIVE_INFINITY, every: 8 * HOUR },
];

/** The interval that applies at `elapsed` ms after enrollment. */
export function checkInInterval(elapsed: number): number {
  const phase = CHECK_IN_CADENCE.find((p) => elapsed < p.until) ?? CHECK_IN_CADENCE[CHECK_IN_CADENCE.length - 1]!;
  return phase.every;
}

/**
 * The next check-in deadline after the one at `previousDue` (or enrollment itself for the first).
 * Deadlines follow the schedule, not the moment the last check-in happened to finish, so a slow
 * network does not make the schedule drift. A device that was off past its deadline (`now` later
 * than the computed one) checks in one interval from now instead of firing a burst of catch-ups.
 */
export function nextCheckInAt(enrolledAt: number, previousDue: number, now: number = previousDue): number {
  const due = previousDue + checkInInterval(Math.max(0, previousDue - enrolledAt));
  if (due >= now) return due;
  return now + checkInInterval(Math.max(0, now - enrolledAt));
}

/** Every check-in time within `horizon` ms after enrollment: handy for docs and tests. */
export function checkInSchedule(enrolledAt: number, horizon: number): number[] {
  const times: number[] = [];
  let due = nextCheckInAt(enrolledAt, enrolledAt);
  while (due - enrolledAt <= horizon) {
    times.push(due);
    due = nextCheckInAt(enrolledAt, due);
  }
  return times;
}

/**
 * How long until the check-in due at `due` fires, read at `now` on the device's clock. A clock
 * set back (a clock-skew jump) must not postpone it by more than one interval, as the device's
 * alarm would otherwise wait out the time the clock lost; a deadline past fires at once (0).
 */
export function checkInDelay(enrolledAt: number, due: number, now: number): number {
  return Math.min(checkInInterval(Math.max(0, now - enrolledAt)), Math.max(0, due - now));
}
