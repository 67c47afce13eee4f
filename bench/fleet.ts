/**
 * Fleet benchmark: N devices from QR scan to first check-in against the embedded service (on its
 * worker thread, as `aosp-sim fleet` runs it), measured against the same service's raw ceiling in
 * the same run, so the figures are ratios that travel between (noisy) machines.
 *
 *   npm run build && npm run bench:fleet                          # 10,000 devices
 *   npm run bench:fleet -- --devices 2000 --concurrency 64
 *   npm run bench:fleet -- --devices 2000 --life 24h --concurrency 2000   # all alive at once, a day each
 *   npm run bench:fleet -- --dist ../old/dist                     # another build, the same way
 *
 * Reported: wall time and devices/s; peak RSS of this process (devices and service together);
 * p99 of GET /health polled every 20 ms from a separate thread during the run (is the service's
 * event loop free?); the fleet's HTTP request rate against the service's raw ceiling on the same
 * routes (autocannon after the fleet, weighted by the fleet's own route mix, connected as the
 * fleet's devices are: to the service's local socket, service-socket.ts). The ceiling is the
 * median of three rounds (each route 2 s per round, the routes taking turns): on this shared
 * machine, with one 3 s measurement per route, runs of one build gave ceilings from 2,394 to 5,251
 * requests/s, and the ratio moved with them.
 */
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import type { EnrollResponse, InstalledApp, PackageOffer } from "../agent/protocol/device-api.js";
import { AGENT_PACKAGE } from "../agent/protocol/intune-conventions.js";
import { SEED_PACKAGES } from "../mock-service/packages/catalog.js";
import { fleetBuild, importFromBuild, OWN_BUILD } from "./build.js";
import { benchOptions } from "./options.js";

type RunFleetModule = typeof import("../agent/sim/fleet/run-fleet.js");
type ServiceHostModule = typeof import("../agent/sim/fleet/service-host.js");

const args = benchOptions("bench:fleet", {
  devices: { kind: "count", default: 10000 },
  // The fleet command's default.
  concurrency: { kind: "count", default: 64 },
  life: { kind: "duration", default: "0s" },
  seconds: { kind: "number", default: 2, arg: "S" },
  rounds: { kind: "count", default: 3 },
  // Another build's dist/ (inside a checkout with node_modules), to measure it the same way.
  dist: { kind: "text", arg: "DIR" },
});

const dist = fleetBuild("bench:fleet", args.dist ?? OWN_BUILD);
const { runFleet, FLEET_USER, fleetPassword } = await importFromBuild<RunFleetModule>(dist, "agent/sim/fleet/run-fleet.js");
const { embeddedService } = await importFromBuild<ServiceHostModule>(dist, "agent/sim/fleet/service-host.js");

const { devices, concurrency, seconds, rounds, life: lifeMs } = args;

/** Polls GET /health from its own thread (the fleet's busy loop must not delay the poller). */
function healthPoller(url: string): { stop(): Promise<number[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const latencies = []; let running = true;
     parentPort.on("message", () => { running = false; });
     (async () => {
       while (running) {
         const t = performance.now();
         try { const r = await fetch(workerData + "/health"); await r.arrayBuffer(); latencies.push(performance.now() - t); }
         catch { latencies.push(Infinity); }
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage(latencies);
     })();`,
    { eval: true, workerData: url },
  );
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once("message", (latencies: number[]) => void worker.terminate().then(() => resolve(latencies)));
        worker.postMessage("stop");
      }),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The local socket the fleet's devices reached the service through; the ceiling is measured there too. */
let socketPath: string | undefined;

async function rate(options: autocannon.Options): Promise<number> {
  const result = await autocannon({ connections: 16, duration: seconds, ...(socketPath ? { socketPath } : {}), ...options });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** The service's raw rate on each device-API route the fleet uses (enroll, sign-in, packages, check-in), one figure per round. */
async function rawCeilings(url: string, adminToken: string): Promise<Record<string, number[]>> {
  const admin = await fetch(`${url}/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ displayName: "ceiling", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }),
  });
  const token = ((await admin.json()) as { tokenValue: string }).tokenValue;
  let serial = 0;
  const enrollBody = () => JSON.stringify({ enrollmentToken: token, serialNumber: `CEIL${serial++}`, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" });
  const one = (await (await fetch(`${url}/device/v1/enroll`, { method: "POST", headers: { "content-type": "application/json" }, body: enrollBody() })).json()) as EnrollResponse;
  const auth = { authorization: `Bearer ${one.deviceCredential}`, "content-type": "application/json" };
  const signIn = await fetch(`${url}/device/v1/devices/${one.deviceId}/signIn`, { method: "POST", headers: auth, body: JSON.stringify({ userPrincipalName: FLEET_USER.userPrincipalName, password: fleetPassword(adminToken) }) });
  const offers = ((await signIn.json()) as { requiredApps: PackageOffer[] }).requiredApps;
  const packagePath = new URL(offers[0]!.downloadUrl).pathname;
  // A check-in as a fleet device sends it: the apps it has installed (the newest agent, which its
  // QR code downloads, and the apps sign-in offered), sorted as the device lists them.
  const agent = SEED_PACKAGES.filter((p) => p.packageName === AGENT_PACKAGE).at(-1)!;
  const apps: InstalledApp[] = [agent, ...offers]
    .map(({ packageName, versionName, versionCode }) => ({ packageName, versionName, versionCode }))
    .sort((a, b) => a.packageName.localeCompare(b.packageName));
  const routes: Record<string, () => Promise<number>> = {
    "POST /device/v1/enroll": () => rate({ url, requests: [{ method: "POST", setupRequest: (r) => ({ ...r, path: "/device/v1/enroll", headers: { "content-type": "application/json" }, body: enrollBody() }) }] }),
    "POST /device/v1/devices/{id}/signIn": () => rate({ url: `${url}/device/v1/devices/${one.deviceId}/signIn`, method: "POST", headers: auth, body: JSON.stringify({ userPrincipalName: FLEET_USER.userPrincipalName, password: fleetPassword(adminToken) }) }),
    "GET /device/v1/packages": () => rate({ url: `${url}${packagePath}`, headers: { authorization: auth.authorization } }),
    "POST /device/v1/devices/{id}/checkIn": () => rate({ url: `${url}/device/v1/devices/${one.deviceId}/checkIn`, method: "POST", headers: auth, body: JSON.stringify({ agentVersion: agent.versionName, apps }) }),
  };
  // Rounds, the routes taking turns within each, so a slow spell of the machine lands on every route.
  const measured: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [route, measure] of Object.entries(routes)) (measured[route] ??= []).push(await measure());
  }
  return measured;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const service = await embeddedService("worker");
socketPath = service.socketPath;
try {
  const poller = healthPoller(service.url);
  const { summary } = await runFleet({
    devices,
    concurrency,
    rampMs: 0,
    seed: 1,
    shard: { index: 0, count: 1 },
    faults: [],
    lifeMs,
    service: { url: service.url, adminToken: service.adminToken },
    rerunCommand: (i) => `--only ${i}`,
  });
  const health = await poller.stop();
  const measured = await rawCeilings(service.url, service.adminToken);
  const ceilings = Object.fromEntries(Object.entries(measured).map(([route, rates]) => [route, median(rates)]));
  // Seconds the service would need at its raw rate for the fleet's own requests, route by route.
  let rawSeconds = 0;
  let counted = 0;
  for (const [route, r] of Object.entries(summary.http.byRoute)) {
    if (!route.includes("/device/v1/")) continue;
    const key = Object.keys(ceilings).find((k) => (k.endsWith("packages") ? route.includes("/packages/") : route === k));
    if (!key) continue;
    rawSeconds += r.requests / ceilings[key]!;
    counted += r.requests;
  }
  const ceiling = counted / rawSeconds;
  const runSeconds = summary.devices / summary.devicesPerSecond;
  const fleetRate = counted / runSeconds;
  const mb = (b: number) => `${Math.round(b / 1024 ** 2)} MB`;
  console.log(`\nfleet benchmark: ${devices} devices, concurrency ${concurrency}${lifeMs > 0 ? `, life ${args.life}` : ""}, service on a ${service.where}${socketPath ? ", reached over its local socket" : ""}\n`);
  console.log("| figure | value |");
  console.log("|---|---:|");
  console.log(`| enrolled / failed | ${summary.enrolled} / ${summary.failed} |`);
  console.log(`| wall (QR scan to first check-in${lifeMs > 0 ? " and the life" : ""}) | ${runSeconds.toFixed(1)} s |`);
  console.log(`| devices per second | ${summary.devicesPerSecond} |`);
  console.log(`| peak RSS (devices + service) | ${mb(summary.peakRssBytes)} |`);
  console.log(`| check-ins | ${summary.checkIns} |`);
  console.log(`| GET /health p99 during the run (${health.length} polls) | ${percentile(health, 99).toFixed(1)} ms |`);
  console.log(`| fleet device-API requests/s | ${fleetRate.toFixed(0)} |`);
  console.log(`| raw ceiling on the same route mix (autocannon, median of ${rounds} rounds) | ${ceiling.toFixed(0)} |`);
  console.log(`| fleet rate / raw ceiling | ${(fleetRate / ceiling).toFixed(2)} |`);
  // The same once V8 has compiled the hot code (README "Benchmarks", Fleet: a run's first seconds
  // cost a device several times its steady CPU): devices finished per whole second over the run's
  // second half, its last (partial) second left out. Shown beside the target's figure, not for it.
  const steady = summary.timelineBySecond.slice(Math.ceil(summary.timelineBySecond.length / 2), -1);
  if (lifeMs === 0 && steady.length >= 2) {
    const steadyDevices = steady.reduce((n, s) => n + s.enrolled + s.failed, 0) / steady.length;
    console.log(`| the same over the run's second half (warm-up left out; not the target's figure) | ${((steadyDevices * (counted / summary.devices)) / ceiling).toFixed(2)} |`);
  }
  for (const [route, r] of Object.entries(ceilings)) {
    const rates = measured[route]!;
    console.log(`|   raw ${route} | ${r.toFixed(0)}/s (rounds ${Math.round(Math.min(...rates))} to ${Math.round(Math.max(...rates))}) |`);
  }
  console.log(`\nphases (wall ms): ${Object.entries(summary.phases).map(([p, v]) => `${p} p50 ${v.p50} p99 ${v.p99}`).join("; ")}`);
} finally {
  await service.close();
}
