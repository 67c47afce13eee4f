/**
 * Heap a fleet device holds while alive: a fleet whose devices are all alive at once (concurrency
 * = devices, each living a simulated day), the devices' thread's heap after a full GC sampled every
 * 250 ms, its peak printed. Run it for two sizes and divide the difference by the difference in
 * devices (what the fleet and the service hold for themselves cancels out):
 *
 *   npm run build && node --expose-gc bench/fleet-heap.mjs dist 100 && node --expose-gc bench/fleet-heap.mjs dist 2100
 *
 * The first argument is a build's dist/ (another build: OTHER/dist), the second the devices.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

if (typeof globalThis.gc !== "function") {
  console.error("bench/fleet-heap.mjs: run it with node --expose-gc");
  process.exit(2);
}
const dist = pathToFileURL(`${resolve(process.argv[2] ?? "dist")}/`).href;
const devices = Number(process.argv[3] ?? 100);
const { runFleet } = await import(new URL("agent/sim/fleet/run-fleet.js", dist).href);
const { embeddedService } = await import(new URL("agent/sim/fleet/service-host.js", dist).href);
const service = await embeddedService("worker");
let peak = 0;
const sampler = setInterval(() => {
  globalThis.gc();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}, 250);
const { summary } = await runFleet({
  devices, concurrency: devices, rampMs: 0, seed: 1, shard: { index: 0, count: 1 }, faults: [], lifeMs: 24 * 3_600_000, threads: 1,
  service: { url: service.url, adminToken: service.adminToken }, rerunCommand: () => "",
});
clearInterval(sampler);
console.log(JSON.stringify({ dist: process.argv[2] ?? "dist", devices, enrolled: summary.enrolled, peakHeapMB: Math.round(peak / 1e5) / 10 }));
await service.close();
