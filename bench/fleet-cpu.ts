/**
 * Fleet CPU per device, one build against another: what a change to the device's hot path saves,
 * measured as work rather than wall time (this 2-core machine is shared; wall time mostly
 * measures the other jobs). Each round runs the fleet once per build, each in its own process,
 * the builds taking turns; a warm-up fleet of 300 devices runs first in each process.
 *
 *   npm run build && npm run bench:fleet-cpu                              # this build alone
 *   npm run bench:fleet-cpu -- --base ../old/dist --devices 3000 --rounds 3
 *
 *   npm run bench:fleet-cpu -- --base ../old/dist --together --devices 1500 --rounds 10
 *
 * `--base DIR` is another build's dist/ (for example a worktree of an earlier commit, built);
 * it must sit inside a checkout with node_modules, as dist/ does. `--together` runs both builds'
 * fleets in this one process instead, taking turns against one embedded service (this build's),
 * each run seconds after the other's, so that a slow stretch of this shared machine reaches both;
 * each build's code is loaded and optimized by V8 separately, the libraries they import (XState,
 * undici) once, so it compares changes to the project's code. Devices run on the main thread
 * (`threads: 1`) against the embedded service on its worker thread, so "devices' thread" is the
 * device side alone (read from /proc, Linux) and "process" adds the service (its thread, its
 * thread pool's password hashing) and garbage collection on helper threads.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fleetBuild, importFromBuild, OWN_BUILD } from "./build.js";
import { benchOptions } from "./options.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");
type ServiceHostModule = typeof import("../agent/sim/fleet/service-host.js");

interface Measure {
  dist: string;
  devices: number;
  enrolled: number;
  deviceThreadMs: number | null;
  processMs: number;
  wallS: number;
}

const args = benchOptions("bench:fleet-cpu", {
  devices: { kind: "count", default: 3000 },
  rounds: { kind: "count", default: 3 },
  base: { kind: "text", arg: "DIR" },
  // Set by this script for its own child processes: one build each.
  child: { kind: "text", arg: "DIR", internal: true },
  together: { kind: "flag" },
});

/** CPU time of this process's main thread (ms), or null off Linux. /proc counts in ticks of 10 ms (USER_HZ 100). */
function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** A build's fleet against `service`, devices on this thread (lanes of `concurrency`). */
async function fleetOf(dist: string, service: { url: string; adminToken: string }) {
  const { runFleet } = await importFromBuild<RunFleetModule>(dist, "agent/sim/fleet/run-fleet.js");
  return (n: number) =>
    runFleet({
      devices: n,
      concurrency: 256,
      rampMs: 0,
      seed: 1,
      shard: { index: 0, count: 1 },
      faults: [],
      lifeMs: 0,
      threads: 1,
      service,
      rerunCommand: (i) => `--only ${i}`,
    });
}

async function embeddedServiceOf(dist: string) {
  const { embeddedService } = await importFromBuild<ServiceHostModule>(dist, "agent/sim/fleet/service-host.js");
  return embeddedService("worker");
}

/** One measured fleet of `devices` (after the warm-up its caller ran). */
async function measureRun(dist: string, run: Awaited<ReturnType<typeof fleetOf>>, devices: number): Promise<Measure> {
  const thread0 = mainThreadCpuMs();
  const process0 = process.cpuUsage();
  const wall0 = performance.now();
  const { summary } = await run(devices);
  const thread1 = mainThreadCpuMs();
  const used = process.cpuUsage(process0);
  const wall = performance.now() - wall0;
  return {
    dist,
    devices,
    enrolled: summary.enrolled,
    deviceThreadMs: thread0 === null || thread1 === null ? null : (thread1 - thread0) / devices,
    processMs: (used.user + used.system) / 1000 / devices,
    wallS: wall / 1000,
  };
}

async function measure(dist: string, devices: number): Promise<Measure> {
  const service = await embeddedServiceOf(dist);
  const run = await fleetOf(dist, service);
  await run(300);
  const m = await measureRun(dist, run, devices);
  await service.close();
  return m;
}

if (args.child !== undefined) {
  // One build, in a process of its own: print the measure as JSON for the parent.
  console.log(JSON.stringify(await measure(args.child, args.devices)));
  process.exit(0);
}

const here = fleetBuild("bench:fleet-cpu", OWN_BUILD);
const builds = [here, ...(args.base === undefined ? [] : [fleetBuild("bench:fleet-cpu", args.base)])];
const rounds = args.rounds;
const results = new Map<string, Measure[]>(builds.map((b) => [b, []]));
const report = (round: number, dist: string, m: Measure) =>
  console.log(
    `round ${round} ${dist === here ? "this build" : "base"}: ${m.enrolled}/${m.devices} enrolled, devices' thread ${m.deviceThreadMs?.toFixed(2) ?? "-"} ms/device, process ${m.processMs.toFixed(2)} ms/device, ${m.wallS.toFixed(1)} s`,
  );
// The base first in odd rounds, this build first in even ones.
const orderOf = (round: number) => (round % 2 === 1 ? [...builds].reverse() : builds);
if (args.together) {
  const service = await embeddedServiceOf(here);
  const runs = new Map(await Promise.all(builds.map(async (dist) => [dist, await fleetOf(dist, service)] as const)));
  for (const dist of builds) await runs.get(dist)!(300);
  for (let round = 1; round <= rounds; round++) {
    for (const dist of orderOf(round)) {
      const m = await measureRun(dist, runs.get(dist)!, args.devices);
      results.get(dist)!.push(m);
      report(round, dist, m);
    }
  }
  await service.close();
} else {
  for (let round = 1; round <= rounds; round++) {
    for (const dist of orderOf(round)) {
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", dist, "--devices", String(args.devices)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      const line = child.stdout.trim().split("\n").at(-1) ?? "";
      if (child.status !== 0 || !line.startsWith("{")) {
        console.error(`bench:fleet-cpu: the run of ${dist} failed (exit ${child.status})`);
        process.exit(1);
      }
      const m = JSON.parse(line) as Measure;
      results.get(dist)!.push(m);
      report(round, dist, m);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log("\n| build | devices' thread CPU / device | process CPU / device | wall |\n|---|---:|---:|---:|");
for (const dist of builds) {
  const ms = results.get(dist)!;
  const thread = ms.every((m) => m.deviceThreadMs !== null) ? `${median(ms.map((m) => m.deviceThreadMs!)).toFixed(2)} ms` : "-";
  console.log(`| ${dist === here ? "this build" : `base (${dist})`} | ${thread} | ${median(ms.map((m) => m.processMs)).toFixed(2)} ms | ${median(ms.map((m) => m.wallS)).toFixed(1)} s |`);
}
if (args.base !== undefined) {
  const [now, base] = builds.map((b) => results.get(b)!);
  // Ratios round by round (each round's two runs saw the same machine), then their median.
  const ratio = (pick: (m: Measure) => number | null) => {
    const rs = now!.map((m, i) => (pick(m) ?? NaN) / (pick(base![i]!) ?? NaN));
    return rs.some(Number.isNaN) ? "-" : `${median(rs).toFixed(2)}x (rounds: ${rs.map((r) => r.toFixed(2)).join(", ")})`;
  };
  console.log(`\nthis build / base, median of the rounds: devices' thread ${ratio((m) => m.deviceThreadMs)}; process ${ratio((m) => m.processMs)}; wall ${ratio((m) => m.wallS)}`);
}
