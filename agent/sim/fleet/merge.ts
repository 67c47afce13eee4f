/**
 * `merge-reports`: shard summaries of one fleet combined into one. Counts add up, percentiles are
 * recomputed from the merged HdrHistograms, wall time is the longest shard's (shards run side by
 * side), devices per second and HTTP rates add up, peak RSS is the largest single process's.
 */
import { InputError } from "../../protocol/errors.js";
import { PhaseHistograms } from "./histograms.js";
import { FLEET_FORMAT, SLOWEST_KEPT, STORIES_KEPT, type FleetSummary } from "./summary.js";

export function mergeSummaries(parts: readonly { file: string; summary: FleetSummary }[]): FleetSummary {
  const first = parts[0];
  if (!first) throw new InputError("no reports to merge", { hint: "give the --json output of each shard: aosp-sim merge-reports shard-0.json shard-1.json" });
  for (const { file, summary } of parts) {
    if (summary.seed !== first.summary.seed || summary.fleetDevices !== first.summary.fleetDevices) {
      throw new InputError(`is another fleet (seed ${summary.seed}, ${summary.fleetDevices} devices) than ${first.file} (seed ${first.summary.seed}, ${first.summary.fleetDevices} devices)`, {
        where: file,
        hint: "merge the shards of one run: the same --devices and --seed",
      });
    }
  }
  const seen = new Map<string, string>();
  for (const { file, summary } of parts) {
    for (const shard of summary.shards) {
      const other = seen.get(shard);
      if (other) throw new InputError(`holds shard ${shard}, which ${other} holds too`, { where: file, hint: "give each shard's report once" });
      seen.set(shard, file);
    }
  }
  const wall = new PhaseHistograms();
  const device = new PhaseHistograms();
  const sum = (f: (s: FleetSummary) => number) => parts.reduce((n, p) => n + f(p.summary), 0);
  const failedByReason: Record<string, number> = {};
  const byRoute: FleetSummary["http"]["byRoute"] = {};
  const bySecond: FleetSummary["timelineBySecond"] = [];
  const faults = new Map<string, { spec: string; rate: number; devices: number }>();
  for (const { summary } of parts) {
    wall.addEncoded(summary.histograms.wall);
    device.addEncoded(summary.histograms.device);
    for (const [reason, n] of Object.entries(summary.failedByReason)) failedByReason[reason] = (failedByReason[reason] ?? 0) + n;
    for (const [route, r] of Object.entries(summary.http.byRoute)) {
      const e = (byRoute[route] ??= { requests: 0, errors: 0 });
      e.requests += r.requests;
      e.errors += r.errors;
    }
    summary.timelineBySecond.forEach((b, i) => {
      const e = (bySecond[i] ??= { enrolled: 0, failed: 0 });
      e.enrolled += b.enrolled;
      e.failed += b.failed;
    });
    for (const f of summary.faults) {
      const e = faults.get(f.spec) ?? { ...f, devices: 0 };
      e.devices += f.devices;
      faults.set(f.spec, e);
    }
  }
  const stories = (pick: (s: FleetSummary) => FleetSummary["failures"]) => parts.flatMap((p) => pick(p.summary));
  return {
    format: FLEET_FORMAT,
    devices: sum((s) => s.devices),
    enrolled: sum((s) => s.enrolled),
    failed: sum((s) => s.failed),
    failedByReason,
    devicesPerSecond: round(sum((s) => s.devicesPerSecond)),
    wallSeconds: Math.max(...parts.map((p) => p.summary.wallSeconds)),
    ...(parts.every((p) => p.summary.deviceThreads !== undefined) ? { deviceThreads: sum((s) => s.deviceThreads ?? 0) } : {}),
    phases: wall.percentiles(),
    phasesDeviceTime: device.percentiles(),
    http: {
      requests: sum((s) => s.http.requests),
      errors: sum((s) => s.http.errors),
      requestsPerSecond: round(sum((s) => s.http.requestsPerSecond)),
      byRoute,
    },
    peakRssBytes: Math.max(...parts.map((p) => p.summary.peakRssBytes)),
    seed: first.summary.seed,
    fleetDevices: first.summary.fleetDevices,
    ...(parts.some((p) => p.summary.interrupted) ? { interrupted: true as const } : {}),
    shards: parts.flatMap((p) => p.summary.shards).sort(),
    lifeMs: first.summary.lifeMs,
    checkIns: sum((s) => s.checkIns),
    faults: [...faults.values()],
    service: first.summary.service,
    timelineBySecond: bySecond,
    failures: stories((s) => s.failures).sort((a, b) => a.index - b.index).slice(0, STORIES_KEPT),
    slowest: stories((s) => s.slowest).sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0)).slice(0, SLOWEST_KEPT),
    histograms: { wall: wall.encode(), device: device.encode() },
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
