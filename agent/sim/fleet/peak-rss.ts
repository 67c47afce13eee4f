/**
 * The process's peak resident set size over a fleet run (the summary's `peakRssBytes`).
 *
 * The kernel keeps the process's high-water mark itself (getrusage's `ru_maxrss`, Node's
 * `process.resourceUsage().maxRSS`, in KiB): once the run has pushed it past where it stood at
 * the start, that mark is the run's peak, exact to the page, and costs a few microseconds to read.
 * Reading the current size instead (`process.memoryUsage.rss()`, which parses /proc/self/stat)
 * took 3 to 7 ms a call on the 2-core machine while a fleet ran (its threads' collectors mapping
 * and unmapping memory), 84 ms at worst: sampled every 100 ms, 6 % of the thread that also runs
 * devices (a CPU profile of 3,000 devices). So the current size is sampled only while the run is
 * still below the process's earlier high (a library caller's second fleet, say, after a larger
 * one): then the mark says nothing of this run and the samples are all there is.
 */

/** Where the readings come from: the process's own, or a test's. */
export interface RssReadings {
  /** The resident set size now, in bytes. */
  current(): number;
  /** The process's high-water mark of its resident set size so far, in KiB. */
  highWaterKiB(): number;
}

export const processRss: RssReadings = {
  current: () => process.memoryUsage.rss(),
  highWaterKiB: () => process.resourceUsage().maxRSS,
};

export interface PeakRssSampler {
  /** Stops sampling and gives the run's peak in bytes; later calls give the same figure. */
  stop(): number;
}

/** Starts following the peak; `everyMs` is how often the current size is sampled while needed. */
export function samplePeakRss(readings: RssReadings = processRss, everyMs = 100): PeakRssSampler {
  const highAtStart = readings.highWaterKiB();
  let sampled = readings.current();
  // Set once the high-water mark moves past its start: from then on it is the run's peak.
  let markIsThisRun = false;
  let peak: number | undefined;
  const look = (): void => {
    if (markIsThisRun) return;
    if (readings.highWaterKiB() > highAtStart) {
      markIsThisRun = true;
      clearInterval(timer);
      return;
    }
    sampled = Math.max(sampled, readings.current());
  };
  const timer = setInterval(look, everyMs);
  timer.unref();
  return {
    stop: () => {
      if (peak !== undefined) return peak;
      clearInterval(timer);
      look();
      peak = markIsThisRun ? Math.max(sampled, readings.highWaterKiB() * 1024) : sampled;
      return peak;
    },
  };
}
