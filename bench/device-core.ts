/**
 * Where a fleet device's CPU goes: the device's core (its machine, runtime and records) against
 * the whole device as a fleet runs it, in alternating rounds of one process.
 *
 *   core   devices from power-on to their first check-in, 64 at a time as a fleet's, over the
 *          hand-made ports of test/helpers/port-doubles.ts: no HTTP, no virtual radio or package
 *          manager, no fleet
 *   fleet  the same number of devices as `aosp-sim fleet` runs them (this build's dist/): the
 *          virtual hardware, the device's HTTP to the embedded service on its worker thread, the
 *          fleet's own bookkeeping (phases, histograms, stories)
 *
 * Both run on this process's main thread, whose CPU time is read from /proc (Linux), so the
 * service's thread, its password hashing and V8's helper threads are left out of both; the
 * ratio core/fleet is the share of a fleet device's thread that no HTTP client or virtual
 * hardware change can reach. A warm-up of 300 devices of each runs first.
 *
 *   npm run build && npx tsx bench/device-core.ts [--devices 1500] [--rounds 6]
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { benchOptions } from "./options.js";
import { createDevice } from "../agent/device/create-device.js";
import { doubles } from "../test/helpers/port-doubles.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");
type ServiceHostModule = typeof import("../agent/sim/fleet/service-host.js");

const args = benchOptions("bench/device-core.ts", { devices: { kind: "count", default: 1500 }, rounds: { kind: "count", default: 6 } });
const devices = args.devices;
const rounds = args.rounds;

/** CPU time of this process's main thread (ms). /proc counts in ticks of 10 ms (USER_HZ 100). */
function mainThreadCpuMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const dist = pathToFileURL(`${resolve("dist")}/`).href;
const { runFleet } = (await import(new URL("agent/sim/fleet/run-fleet.js", dist).href)) as RunFleetModule;
const { embeddedService } = (await import(new URL("agent/sim/fleet/service-host.js", dist).href)) as ServiceHostModule;
const service = await embeddedService("worker");

/** Devices in flight at once, in both workloads (the fleet's default). */
const CONCURRENCY = 64;

async function fleet(n: number): Promise<void> {
  const { summary } = await runFleet({
    devices: n, concurrency: CONCURRENCY, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0, threads: 1,
    service: { url: service.url, adminToken: service.adminToken }, rerunCommand: () => "",
  });
  if (summary.enrolled !== n) throw new Error(`fleet: ${summary.enrolled} of ${n} enrolled`);
}

// Every core device scans the same picture (rendered once), each over its own doubles (its own
// package manager and flash: a device already provisioned would stop at once).
const first = doubles();
await first.setPicture();

/** Main-thread CPU (ms) of `n` core devices enrolling; making their doubles is left out. */
async function core(n: number): Promise<number> {
  const worlds = Array.from({ length: n }, () => {
    const world = doubles();
    world.ports.camera = first.ports.camera;
    return world;
  });
  const started = mainThreadCpuMs();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) await enrollOver(worlds[i]!, i);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return mainThreadCpuMs() - started;
}

async function enrollOver(world: ReturnType<typeof doubles>, i: number): Promise<void> {
  const device = await createDevice({
    // A fleet device's settings (agent/sim/fleet/drive-device.ts), its flash the virtual one.
    ports: { ...world.ports, storage: undefined },
    seed: i + 1,
    user: { userPrincipalName: "alex@contoso.example", password: "pw" },
    persistEveryStep: false,
    keepStepData: false,
    timelineWindow: 32,
  });
  const report = await device.enroll();
  if (report.finalState !== "enrolled") throw new Error(`core device ${i}: ${report.finalStatePath}`);
  // As far as a fleet device goes: its first check-in (three simulated minutes on).
  await device.runUntil(() => device.context.checkIns > 0, { limitMs: 24 * 3_600_000 });
  if (device.context.checkIns === 0) throw new Error(`core device ${i}: no first check-in`);
  device.dispose();
}

await core(300);
await fleet(300);
const perDevice = { core: [] as number[], fleet: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const kind of round % 2 ? (["fleet", "core"] as const) : (["core", "fleet"] as const)) {
    if (kind === "core") {
      perDevice.core.push((await core(devices)) / devices);
    } else {
      const started = mainThreadCpuMs();
      await fleet(devices);
      perDevice.fleet.push((mainThreadCpuMs() - started) / devices);
    }
  }
}
await service.close();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const shares = perDevice.core.map((c, i) => c / perDevice.fleet[i]!);
console.log(`\ndevice core against fleet device, ${devices} devices a round, ${rounds} rounds (main-thread CPU per device)\n`);
console.log("| workload | ms per device (median) | rounds |");
console.log("|---|---:|---|");
for (const kind of ["core", "fleet"] as const) {
  console.log(`| ${kind} | ${median(perDevice[kind]).toFixed(2)} | ${perDevice[kind].map((v) => v.toFixed(2)).join(", ")} |`);
}
console.log(`\ncore / fleet, median of the rounds: ${median(shares).toFixed(2)} (rounds: ${shares.map((v) => v.toFixed(2)).join(", ")})`);
