/**
 * What `merge-reports` takes for many shards: mergeSummaries of one summary that holds every
 * shard of a fleet split as many ways as it has devices (its overlap check compares each shard
 * with the others), at N shards and at N/10, median of the rounds. The ratio travels between
 * machines: 10x and a little more is n log n (13 to 16x here), 100x and more is every pair compared
 * (114x before the check sorted the shards).
 *
 *   npx tsx bench/merge-reports.ts [--shards 50000] [--rounds 5]
 */
import { mergeSummaries } from "../agent/sim/fleet/merge.js";
import { FLEET_FORMAT, type FleetSummary } from "../agent/sim/fleet/summary.js";
import { benchOptions } from "./options.js";

const args = benchOptions("bench/merge-reports.ts", { shards: { kind: "count", default: 50_000, min: 10 }, rounds: { kind: "count", default: 5 } });

/** A summary holding every shard of an n-device fleet split n ways, one device each. */
function everyShard(n: number): FleetSummary {
  return {
    format: FLEET_FORMAT, devices: n, enrolled: n, failed: 0, failedByReason: {}, devicesPerSecond: 1, wallSeconds: 1,
    phases: {}, phasesDeviceTime: {}, http: { requests: 0, errors: 0, requestsPerSecond: 0, byRoute: {} }, peakRssBytes: 1, seed: 1, fleetDevices: n,
    shards: Array.from({ length: n }, (_, i) => `${i}/${n}`), lifeMs: 0, checkIns: 0, faults: [], service: { url: "http://127.0.0.1:1", runs: "inline" },
    timelineBySecond: [], failures: [], slowest: [], histograms: { wall: {}, device: {} },
  };
}

function medianMs(n: number): number {
  const summary = everyShard(n);
  const times: number[] = [];
  for (let round = 0; round <= args.rounds; round++) {
    const start = performance.now();
    const merged = mergeSummaries([{ file: "all.json", summary }]);
    if (merged.shards.length !== n) throw new Error(`merged ${merged.shards.length} of ${n} shards`);
    // The first round warms the code up; it is not counted.
    if (round > 0) times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const large = medianMs(args.shards);
const small = medianMs(Math.floor(args.shards / 10));
console.log(`merge of ${args.shards} shards in one summary: ${large.toFixed(0)} ms; of ${Math.floor(args.shards / 10)}: ${small.toFixed(1)} ms; ratio ${(large / small).toFixed(1)}x for 10x the shards`);
