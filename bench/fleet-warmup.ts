/**
 * How a fleet gets up to speed: devices finished and the process's CPU per device, second by
 * second, for one fleet run as `aosp-sim fleet` runs it (the embedded service on its worker
 * thread, the default device threads), from a fresh process.
 *
 *   npm run build && npm run bench:fleet-warmup [-- --devices 10000] [--every 1s] [--dist OTHER/dist]
 *
 * The CPU is the whole process's (every thread: devices, service, password hashing, V8's
 * compiler and collector helpers), from `process.cpuUsage()`. A device costs far more in the
 * first seconds than later, while V8 compiles the hot code of each thread's isolate; the table
 * shows how long that lasts and what it costs the run, against the run's own steady rate (the
 * median CPU per device of its second half), so the figures are ratios that travel between
 * (noisy) machines.
 */
import { fleetBuild, importFromBuild } from "./build.js";
import { benchOptions } from "./options.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");

const args = benchOptions("bench:fleet-warmup", {
  devices: { kind: "count", default: 10000 },
  every: { kind: "duration", default: "1s" },
  dist: { kind: "text", default: "dist", arg: "DIR" },
});
const dist = fleetBuild("bench:fleet-warmup", args.dist);
const { runFleet } = await importFromBuild<RunFleetModule>(dist, "agent/sim/fleet/run-fleet.js");

interface Mark {
  elapsedMs: number;
  done: number;
  cpuMs: number;
}
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const start: Mark = { elapsedMs: 0, done: 0, cpuMs: cpuMs() };
const marks: Mark[] = [];
let last = 0;
const { summary } = await runFleet({
  devices: args.devices,
  onProgress: (p) => {
    if (p.elapsedMs - last < args.every) return;
    last = p.elapsedMs;
    marks.push({ elapsedMs: p.elapsedMs, done: p.done, cpuMs: cpuMs() });
  },
});

// Everything up to the first device's end is start-up (loading code, the service, the tenant, the
// QR code); the windows after it are the devices' own.
const [first, ...rest] = marks;
if (first === undefined) {
  console.error("bench:fleet-warmup: the fleet finished before its first mark; give more --devices");
  process.exit(2);
}
const windows = rest.map((m, i) => {
  const before = i === 0 ? first : rest[i - 1]!;
  const devices = m.done - before.done;
  return { until: m.elapsedMs / 1000, devices, perSecond: (1000 * devices) / (m.elapsedMs - before.elapsedMs), cpuPerDevice: devices > 0 ? (m.cpuMs - before.cpuMs) / devices : Infinity };
});
if (windows.length < 4) {
  console.error(`bench:fleet-warmup: the fleet ran ${windows.length} full window(s) of ${args.every} ms after its first device, too few to see a warm-up; give more --devices (10,000 run for some 20 windows of 1 s) or a shorter --every`);
  process.exit(2);
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const late = windows.slice(Math.floor(windows.length / 2)).filter((w) => Number.isFinite(w.cpuPerDevice));
const steadyCpu = median(late.map((w) => w.cpuPerDevice));
const steadyRate = median(late.map((w) => w.perSecond));
// What the run spent above its steady cost per device, in CPU and (over the cores it kept busy) in wall time.
const totalCpu = (marks.at(-1)?.cpuMs ?? first.cpuMs) - first.cpuMs;
const extraCpu = windows.reduce((sum, w) => sum + (Number.isFinite(w.cpuPerDevice) ? Math.max(0, w.cpuPerDevice - steadyCpu) * w.devices : 0), 0);
const runSeconds = summary.devices / summary.devicesPerSecond;

console.log(`\nfleet warm-up: ${summary.enrolled}/${summary.devices} devices in ${runSeconds.toFixed(1)} s (${summary.deviceThreads} device threads)\n`);
console.log(`start-up, until the first device finished: ${(first.elapsedMs / 1000).toFixed(1)} s, ${((first.cpuMs - start.cpuMs) / 1000).toFixed(1)} s of CPU\n`);
console.log("| until | devices | devices/s | process CPU per device | of the steady cost |");
console.log("|---:|---:|---:|---:|---:|");
for (const w of windows) {
  const cpu = Number.isFinite(w.cpuPerDevice) ? `${w.cpuPerDevice.toFixed(2)} ms` : "-";
  const ratio = Number.isFinite(w.cpuPerDevice) ? `${(w.cpuPerDevice / steadyCpu).toFixed(2)}x` : "-";
  console.log(`| ${w.until.toFixed(1)} s | ${w.devices} | ${w.perSecond.toFixed(0)} | ${cpu} | ${ratio} |`);
}
console.log(`\nsteady (median of the second half): ${steadyCpu.toFixed(2)} ms of CPU a device, ${steadyRate.toFixed(0)} devices/s`);
console.log(`after start-up, above the steady cost: ${(extraCpu / 1000).toFixed(2)} s of CPU, ${((100 * extraCpu) / totalCpu).toFixed(0)} % of the ${(totalCpu / 1000).toFixed(1)} s the devices took`);
console.log(`at the steady rate the run would take ${(summary.devices / steadyRate).toFixed(1)} s (it took ${runSeconds.toFixed(1)} s)`);
