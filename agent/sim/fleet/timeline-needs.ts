/**
 * Which finished devices' timelines a fleet's reports can show: the first failed devices (their
 * stories and JUnit failures) and the slowest enrolled ones. Wording a timeline is a fair part of
 * a device's cost, so a device whose timeline no report can show is not worded at all.
 *
 * Each thread that runs devices keeps its own: what it has seen is part of what the fleet has
 * seen, so a device it turns down could not have been kept (a failure after this thread's own
 * first TIMELINES_KEPT failures comes after the fleet's first TIMELINES_KEPT too; a time no
 * slower than this thread's SLOWEST_KEPT-th slowest is no slower than the fleet's). It may say
 * yes to a device the fleet then does not keep.
 */
import { SLOWEST_KEPT, STORIES_KEPT, TIMELINES_KEPT } from "./summary.js";

const FAILURES_SHOWN = Math.max(STORIES_KEPT, TIMELINES_KEPT);

export class TimelineNeeds {
  private failures = 0;
  /** This thread's slowest enrolled devices' total times, slowest first. */
  private readonly slowest: number[] = [];

  /** Whether a device that ended so (a failure reason, or null; its total time) needs its timeline. */
  wants(reason: string | null, totalMs: number | null): boolean {
    if (reason !== null) return ++this.failures <= FAILURES_SHOWN;
    if (totalMs === null) return false;
    if (this.slowest.length >= SLOWEST_KEPT && totalMs <= this.slowest[SLOWEST_KEPT - 1]!) return false;
    this.slowest.push(totalMs);
    this.slowest.sort((a, b) => b - a);
    this.slowest.length = Math.min(this.slowest.length, SLOWEST_KEPT);
    return true;
  }
}
