/**
 * Bytes a fleet device allocates, on the devices' thread: V8's sampling heap profiler, counting
 * the objects garbage collection has already freed too (what the garbage collector works
 * through), over a fleet run after a warm-up of 300 devices. Allocation is far steadier than
 * time on this shared machine, so it shows small changes to a device's hot path.
 *
 *   npm run build && npm run bench:fleet-alloc -- [--devices 1000] [--dist OTHER/dist] [--top 12]
 *
 * Devices run on the main thread (threads: 1) against the embedded service on its worker
 * thread, whose allocations are its own isolate's and not counted.
 */
import { Session } from "node:inspector/promises";
import { fleetBuild, importFromBuild } from "./build.js";
import { benchOptions } from "./options.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");
type ServiceHostModule = typeof import("../agent/sim/fleet/service-host.js");

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: ProfileNode[];
}

const args = benchOptions("bench:fleet-alloc", {
  devices: { kind: "count", default: 1000 },
  dist: { kind: "text", default: "dist", arg: "DIR" },
  top: { kind: "count", default: 12, arg: "ROWS" },
});
const devices = args.devices;
const dist = fleetBuild("bench:fleet-alloc", args.dist);
const { runFleet } = await importFromBuild<RunFleetModule>(dist, "agent/sim/fleet/run-fleet.js");
const { embeddedService } = await importFromBuild<ServiceHostModule>(dist, "agent/sim/fleet/service-host.js");

const service = await embeddedService("worker");
const run = (n: number) =>
  runFleet({
    devices: n, concurrency: 64, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0, threads: 1,
    service: { url: service.url, adminToken: service.adminToken }, rerunCommand: () => "",
  });
await run(300);
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const { summary } = await run(devices);
const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: ProfileNode } };
session.disconnect();
await service.close();

const bySite = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const site = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children ?? []) walk(child);
};
walk(profile.head);
console.log(`\nfleet allocation: ${summary.enrolled}/${devices} devices enrolled (${args.dist}), ${(total / 1000 / devices).toFixed(0)} KB allocated per device\n`);
console.log("| allocation site (self) | share |\n|---|---:|");
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, args.top)) console.log(`| ${site} | ${((100 * bytes) / total).toFixed(1)} % |`);
