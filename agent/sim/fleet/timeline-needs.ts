/**
 * Which finished devices' timelines a fleet's reports can show: the failed devices of lowest
 * fleet index (their stories and JUnit failures) and the slowest enrolled ones. Wording a timeline is a fair part of
 * a device's cost, so a device whose timeline no report can show is not worded at all.
 *
 * Each thread that runs devices keeps its own: what it has seen is part of what the fleet has
 * seen, so a device it turns down could not have been kept (a failure whose index is above
 * TIMELINES_KEPT lower ones this thread has seen is above as many of the fleet's; a time no
 * slower than this thread's SLOWEST_KEPT-th slowest is no slower than the fleet's). It may say
 * yes to a device the fleet then does not keep. Which devices finish first depends on the
 * threads and the machine; the lowest indexes do not, so a run's reports show the same devices.
 */
import { SLOWEST_KEPT, STORIES_KEPT, TIMELINES_KEPT } from "./summary.js";

const FAILURES_SHOWN = Math.max(STORIES_KEPT, TIMELINES_KEPT);

export class TimelineNeeds {
  /** The lowest indexes of this thread's failed devices (up to FAILURES_SHOWN), highest first. */
  private readonly failures: number[] = [];
  /** This thread's slowest enrolled devices' total times, slowest first. */
  private readonly slowest: number[] = [];

  /** Whether a device that ended so (a failure reason, or null; its total time) needs its timeline. */
  wants(index: number, reason: string | null, totalMs: number | null): boolean {
    if (reason !== null) return keepLowest(this.failures, index, FAILURES_SHOWN);
    if (totalMs === null) return false;
    if (this.slowest.length >= SLOWEST_KEPT && totalMs <= this.slowest[SLOWEST_KEPT - 1]!) return false;
    this.slowest.push(totalMs);
    this.slowest.sort((a, b) => b - a);
    this.slowest.length = Math.min(this.slowest.length, SLOWEST_KEPT);
    return true;
  }
}

/**
 * Adds `index` to `lowest` (the `limit` lowest seen, highest first) if it is among them now,
 * dropping the highest; says whether it was.
 */
export function keepLowest(lowest: number[], index: number, limit: number): boolean {
  if (lowest.length >= limit) {
    if (index >= lowest[0]!) return false;
    lowest.shift();
  }
  const at = lowest.findIndex((i) => i < index);
  lowest.splice(at < 0 ? lowest.length : at, 0, index);
  return true;
}
