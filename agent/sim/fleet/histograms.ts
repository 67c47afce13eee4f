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

  record(phase: Phase, ms: number): void {
    this.histogram(phase).recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** The phase's percentiles in milliseconds (0.1 ms resolution); phases without values are left out. */
  percentiles(): Partial<Record<Phase, Percentiles>> {
    const out: Partial<Record<Phase, Percentiles>> = {};
    for (const phase of PHASES) {
      const h = this.byPhase.get(phase);
      if (!h || h.totalCount === 0) continue;
      out[phase] = {
        count: h.totalCount,
        p50: figure(h, { percentile: 50 }),
        p95: figure(h, { percentile: 95 }),
        p99: figure(h, { percentile: 99 }),
        max: figure(h, { percentile: 100 }),
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
 * its HdrHistogram bucket (three significant digits) and never above the largest, so a histogram
 * rebuilt from its encoding (merge-reports) reports the same numbers.
 */
function figure(h: hdr.Histogram, stat: LatencyStat): number {
  const max = h.getValueAtPercentile(100);
  const us = stat === "min" ? h.getValueAtPercentile(0) : stat === "avg" ? h.mean : h.getValueAtPercentile(stat.percentile);
  return Math.round(Math.min(us, max) / 100) / 10;
}

/** A figure of one phase's histogram as the summary encodes it (`histograms.wall.enroll`). */
export function figureOfEncoded(encoded: string, stat: LatencyStat): number {
  const h = hdr.decodeFromCompressedBase64(encoded);
  try {
    return figure(h, stat);
  } finally {
    h.destroy();
  }
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
      const tenths = Math.round(v.valueIteratedTo / 100);
      counts.set(tenths, (counts.get(tenths) ?? 0) + v.countAtValueIteratedTo);
    }
    return counts;
  } finally {
    h.destroy();
  }
}
