/**
 * What the garbage collector does for fleet devices, on the devices' own isolate: V8's trace of
 * every young-generation collection (`--trace-gc-nvp`) while a fleet runs on the main thread
 * (`threads: 1`) against the embedded service on its worker thread, after a warm-up of 300
 * devices. Per collection: how much was allocated since the last one, how much of it survived
 * (copied within the young generation) and how much was promoted to the old one; per device: the
 * CPU the collections took, on this thread and on V8's helper threads.
 *
 *   npm run build && npm run bench:fleet-gc
 *   npm run bench:fleet-gc -- --devices 3000 --concurrency 1 --fault wrong-wifi-key=100%
 *   npm run bench:fleet-gc -- --v8=--max-semi-space-size=64     # a V8 flag for the fleet's process (repeatable)
 *
 * A collection's cost is mostly the copying of what survives it, so "survived" and "promoted" say
 * what a change to the device's path can save there. `--concurrency 1` runs one device at a time:
 * what survives a collection then is not devices in flight.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fleetBuild, importFromBuild } from "./build.js";
import { benchOptions } from "./options.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");
type ServiceHostModule = typeof import("../agent/sim/fleet/service-host.js");

const args = benchOptions("bench:fleet-gc", {
  devices: { kind: "count", default: 3000 },
  concurrency: { kind: "count", default: 64 },
  fault: { kind: "list", arg: "NAME=RATE" },
  // A V8 flag for the fleet's process, written `--v8=--flag` (parseArgs takes a value that starts
  // with a dash only after `=`, and says so).
  v8: { kind: "list", arg: "=--FLAG" },
  dist: { kind: "text", default: "dist", arg: "DIR" },
  // Set by this script for its own child process.
  child: { kind: "flag", internal: true },
});
const MARK = "fleet-gc: main isolate above";
const START = "fleet-gc: measured run starts";
const END = "fleet-gc: measured run ends";

if (args.child) {
  // The trace names each isolate by address; a forced collection just before the mark names ours.
  (globalThis as { gc?: (options: { type: string }) => void }).gc?.({ type: "minor" });
  console.log(MARK);
  const { runFleet } = await importFromBuild<RunFleetModule>(args.dist, "agent/sim/fleet/run-fleet.js");
  const { embeddedService } = await importFromBuild<ServiceHostModule>(args.dist, "agent/sim/fleet/service-host.js");
  const service = await embeddedService("worker");
  const run = (devices: number) =>
    runFleet({ devices, concurrency: args.concurrency, threads: 1, faults: args.fault, service: { url: service.url, adminToken: service.adminToken } });
  await run(300);
  console.log(START);
  const { summary } = await run(args.devices);
  console.log(END);
  console.log(JSON.stringify({ devices: summary.devices, enrolled: summary.enrolled }));
  await service.close();
  process.exit(0);
}

fleetBuild("bench:fleet-gc", args.dist);
const here = fileURLToPath(import.meta.url);
const childArgs = ["--devices", String(args.devices), "--concurrency", String(args.concurrency), "--dist", args.dist, ...args.fault.flatMap((f) => ["--fault", f])];
const child = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", "--trace-gc-nvp", ...args.v8, here, "--child", ...childArgs], {
  encoding: "utf8",
  maxBuffer: 512 * 1024 * 1024,
});
if (child.status !== 0) {
  console.error(`bench:fleet-gc: the fleet's process failed (exit ${child.status}):\n${child.stderr}`);
  process.exit(1);
}
const lines = child.stdout.split("\n");
const markAt = lines.indexOf(MARK);
const startAt = lines.indexOf(START);
const endAt = lines.indexOf(END);
const isolate = lines
  .slice(0, Math.max(markAt, 0))
  .reverse()
  .map((l) => /\[\d+:(0x[0-9a-f]+)\]/.exec(l)?.[1])
  .find((a) => a !== undefined);
if (markAt < 0 || startAt < 0 || endAt < 0 || isolate === undefined) {
  console.error("bench:fleet-gc: the fleet's output lacks its markers or V8's trace (was --trace-gc-nvp dropped?)");
  process.exit(1);
}
const measured = lines.slice(startAt, endAt);
const result = JSON.parse(lines[endAt + 1]!) as { devices: number; enrolled: number };

/** The name=value pairs of one trace line. */
const fields = (line: string) => Object.fromEntries([...line.matchAll(/(\S+)=(\S+)/g)].map((m) => [m[1]!, Number(m[2])]));
const ours = measured.filter((l) => l.includes(`:${isolate}]`)).map((l) => ({ kind: /gc=(\w+)/.exec(l)?.[1], f: fields(l) }));
const scavenges = ours.filter((g) => g.kind === "s").map((g) => g.f);
const majors = ours.filter((g) => g.kind === "mc").map((g) => g.f);
const sum = (rows: Record<string, number>[], ...keys: string[]) => rows.reduce((t, r) => t + keys.reduce((s, k) => s + (r[k] ?? 0), 0), 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const perDevice = (ms: number) => `${(ms / result.devices).toFixed(3)} ms`;

const allocated = median(scavenges.map((s) => s["allocated"]!));
const survived = median(scavenges.map((s) => s["new_space_survived"]!));
const promoted = median(scavenges.map((s) => s["promoted"]!));
console.log(`\nfleet GC: ${result.enrolled}/${result.devices} devices enrolled, concurrency ${args.concurrency}${args.fault.length ? `, ${args.fault.join(" ")}` : ""}${args.v8.length ? `, node ${args.v8.join(" ")}` : ""}\n`);
console.log("| figure | value |\n|---|---:|");
console.log(`| young-generation collections (scavenges) | ${scavenges.length} |`);
console.log(`| allocated between two, median | ${mb(allocated)} |`);
console.log(`| survived (copied in the young generation), median | ${mb(survived)} |`);
console.log(`| promoted to the old generation, median | ${mb(promoted)} |`);
console.log(`| share of the allocation kept, median | ${((100 * (survived + promoted)) / allocated).toFixed(1)} % |`);
console.log(`| scavenge pause per device (this thread) | ${perDevice(sum(scavenges, "pause"))} |`);
console.log(`| scavenge work on V8's helper threads per device | ${perDevice(sum(scavenges, "background.scavenge.parallel"))} |`);
console.log(`| full collections (mark-compact) | ${majors.length} |`);
console.log(`| mark-compact pause plus helper marking, per device | ${perDevice(sum(majors, "pause", "background.mark"))} |`);
