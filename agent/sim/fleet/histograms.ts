/**
 * Latency distributions that can be merged: one HdrHistogram per phase (values in microseconds,
 * three significant digits), encoded in the summary as HdrHistogram's compressed base64 so that
 * `merge-reports` recomputes percentiles from the merged counts, never from averages.
 */
import * as hdr from "hdr-histogram-js";
import { PHASES, type Phase } from "./phases.js";

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** 1 microsecond to about 2 years, in microseconds. */
function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 46, numberOfSignificantValueDigits: 3, autoResize: true });
}

export class PhaseHistograms {
  private readonly byPhase = new Map<Phase, hdr.Histogram>();
  /**
   * Each phase's largest value, exactly (ms to 0.1): a histogram knows only its bucket, whose top
   * is up to 0.1 % above it (2844.7 ms for a slowest device of 2843.7), so `max.total<2844ms`
   * failed on a fleet whose every device took less. The figures are capped by it.
   */
  private readonly largest = new Map<Phase, number>();

  record(phase: Phase, ms: number): void {
    this.histogram(phase).recordValue(Math.max(1, Math.round(ms * 1000)));
    this.addLargest(phase, tenths(ms));
  }

  /** Largest values known from elsewhere: a shard summary's `max` per phase, when merging. */
  addMaxima(phases: Partial<Record<Phase, Percentiles>>): void {
    for (const phase of PHASES) {
      const p = phases[phase];
      if (p !== undefined) this.addLargest(phase, p.max);
    }
  }

  private addLargest(phase: Phase, ms: number): void {
    const before = this.largest.get(phase);
    if (before === undefined || ms > before) this.largest.set(phase, ms);
  }

  /** The phase's percentiles in milliseconds (0.1 ms resolution); phases without values are left out. */
  percentiles(): Partial<Record<Phase, Percentiles>> {
    const out: Partial<Record<Phase, Percentiles>> = {};
    for (const phase of PHASES) {
      const h = this.byPhase.get(phase);
      if (!h || h.totalCount === 0) continue;
      const max = this.largest.get(phase) ?? figure(h, { percentile: 100 });
      out[phase] = {
        count: h.totalCount,
        p50: figure(h, { percentile: 50 }, max),
        p95: figure(h, { percentile: 95 }, max),
        p99: figure(h, { percentile: 99 }, max),
        max,
      };
    }
    return out;
  }

  encode(): Partial<Record<Phase, string>> {
    const out: Partial<Record<Phase, string>> = {};
    for (const [phase, h] of this.byPhase) out[phase] = hdr.encodeIntoCompressedBase64(h);
    return out;
  }

  /** Adds encoded histograms (from another shard's summary, checked by `encodingProblem`) into these. */
  addEncoded(encoded: Partial<Record<string, string>>): void {
    for (const phase of PHASES) {
      const text = encoded[phase];
      if (text === undefined) continue;
      const other = hdr.decodeFromCompressedBase64(text);
      this.histogram(phase).add(other);
      other.destroy();
    }
  }

  private histogram(phase: Phase): hdr.Histogram {
    let h = this.byPhase.get(phase);
    if (!h) {
      h = newHistogram();
      this.byPhase.set(phase, h);
    }
    return h;
  }
}

/** Why `text` is not a histogram as the summary encodes one, or null when it is. */
export function encodingProblem(text: string): string | null {
  try {
    hdr.decodeFromCompressedBase64(text).destroy();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A latency figure: a percentile (0 to 100), the smallest value, or the mean. */
export type LatencyStat = { percentile: number } | "min" | "avg";

/**
 * A figure of a histogram in milliseconds (0.1 ms resolution). Every figure is the upper bound of
 * its HdrHistogram bucket (three significant digits), so a histogram rebuilt from its encoding
 * (merge-reports) reports the same numbers; none is above `largestMs`, the largest value itself
 * when it is known, else the top of its bucket.
 */
function figure(h: hdr.Histogram, stat: LatencyStat, largestMs?: number): number {
  const top = h.getValueAtPercentile(100);
  const percentile = stat === "min" ? 0 : stat === "avg" ? null : stat.percentile;
  // HdrHistogram answers percentile 0 with the bottom of the smallest value's bucket, every other
  // percentile with the top of its bucket: min and p0 were then below every value recorded (3498
  // ms for devices that all took 3500, so `min.wifi>=3500ms` failed). The smallest percentile
  // above 0 reaches the same first value and answers with its bucket's top, as the others do.
  const us = percentile === null ? meanOfBucketTops(h) : h.getValueAtPercentile(percentile === 0 ? Number.MIN_VALUE : percentile);
  const ms = tenths(Math.min(us, top) / 1000);
  return largestMs === undefined ? ms : Math.min(ms, largestMs);
}

/**
 * The mean, each value counted at the top of its bucket as every other figure is. HdrHistogram's
 * own `mean` counts each at its bucket's middle, so for devices that all took 3500 ms it said 3499,
 * below `min` (3500): `avg.wifi>=3500ms` failed where `min.wifi>=3500ms` passed.
 */
function meanOfBucketTops(h: hdr.Histogram): number {
  // build() and decodeFromCompressedBase64() make JsHistogram unless WebAssembly is asked for.
  if (!(h instanceof hdr.JsHistogram) || h.totalCount === 0) return h.mean;
  const values = h.recordedValuesIterator;
  values.reset();
  let total = 0;
  while (values.hasNext()) {
    const at = values.next();
    total += h.highestEquivalentValue(at.valueIteratedTo) * at.countAtValueIteratedTo;
  }
  return total / h.totalCount;
}

/** A figure of one phase's histogram as the summary encodes it (`histograms.wall.enroll`), capped by the phase's `max` when given. */
export function figureOfEncoded(encoded: string, stat: LatencyStat, largestMs?: number): number {
  const h = hdr.decodeFromCompressedBase64(encoded);
  try {
    return figure(h, stat, largestMs);
  } finally {
    h.destroy();
  }
}

/** Milliseconds to the 0.1 ms the summary keeps. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * How many values an encoded histogram holds at each latency, in tenths of a ms, each value taken
 * as the top of its HdrHistogram bucket (as `figure` takes the percentiles): the HTML report's bars.
 */
export function countsByTenthOfMs(encoded: string): Map<number, number> {
  // Decoded without WebAssembly, the histogram is a JsHistogram, which iterates its recorded values.
  const h = hdr.decodeFromCompressedBase64(encoded) as hdr.JsHistogram;
  try {
    const counts = new Map<number, number>();
    const recorded = h.recordedValuesIterator;
    recorded.reset();
    while (recorded.hasNext()) {
      const v = recorded.next();
      const at = Math.round(v.valueIteratedTo / 100);
      counts.set(at, (counts.get(at) ?? 0) + v.countAtValueIteratedTo);
    }
    return counts;
  } finally {
    h.destroy();
  }
}
