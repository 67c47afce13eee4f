/**
 * Listing benchmark of the admin API: with N enrolled devices, the time and size of one
 * GET /beta/deviceManagement/managedDevices answer (the default page), of a filtered and counted
 * page and of a sorted one, against GET /health in the same run, so the figures are ratios that
 * travel between machines; then GET /health's p99 while two clients send sorted and filtered-and-
 * counted requests back to back (the service's target: under 50 ms). It shows the list is always
 * paged: a client that asks for everything gets 1,000 devices.
 *
 *   npm run build && npx tsx bench/managed-devices-list.ts --devices 60000
 */
import { benchOptions } from "./options.js";
import { Pool } from "undici";
import { deviceRoutes } from "../agent/protocol/device-api.js";
import { startMockService } from "../mock-service/index.js";

const args = benchOptions("bench/managed-devices-list.ts", { devices: { kind: "count", default: 20000 }, rounds: { kind: "count", default: 10 } });
const count = args.devices;
const rounds = args.rounds;

const service = await startMockService();
const profile = await service.admin.createProfile({ displayName: "Bench", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
const pool = new Pool(service.url, { connections: 16 });
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const i = next++;
    const body = JSON.stringify({
      enrollmentToken: profile.tokenValue,
      serialNumber: `BENCH${String(i).padStart(7, "0")}`,
      model: "Pixel 8",
      manufacturer: "Google",
      osVersion: "14",
      agentVersion: "24.9.2",
    });
    const res = await pool.request({ method: "POST", path: deviceRoutes.enroll(), headers: { "content-type": "application/json" }, body });
    await res.body.text();
  }
}
await Promise.all(Array.from({ length: 16 }, worker));

async function time(path: string, headers: Record<string, string> = {}): Promise<{ ms: number; bytes: number; items: number | undefined }> {
  const times: number[] = [];
  let bytes = 0;
  let items: number | undefined;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const res = await pool.request({ method: "GET", path, headers: { authorization: `Bearer ${service.adminToken}`, ...headers } });
    const text = await res.body.text();
    times.push(performance.now() - started);
    bytes = text.length;
    if (text.startsWith("{")) items = (JSON.parse(text) as { value?: unknown[] }).value?.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, bytes, items };
}

const health = await time("/health");
const page = await time("/beta/deviceManagement/managedDevices");
const filtered = await time(`/beta/deviceManagement/managedDevices?$filter=${encodeURIComponent("startswith(serialNumber,'BENCH00001')")}&$count=true`);
const sorted = await time(`/beta/deviceManagement/managedDevices?$orderby=${encodeURIComponent("deviceName desc")}&$top=5`);
const counted = await time(`/beta/deviceManagement/managedDevices?$filter=${encodeURIComponent("operatingSystem eq 'androidAOSP'")}&$count=true&$top=5`);

/** GET /health every 20 ms for `ms` while one client per path sends it back to back: its 99th percentile and maximum. */
async function healthUnderLoad(paths: string[], ms: number): Promise<{ p99: number; max: number; n: number }> {
  let running = true;
  const clients = paths.map(async (path) => {
    while (running) {
      const res = await pool.request({ method: "GET", path, headers: { authorization: `Bearer ${service.adminToken}` } });
      await res.body.text();
    }
  });
  const times: number[] = [];
  for (const end = performance.now() + ms; performance.now() < end; ) {
    const started = performance.now();
    const res = await pool.request({ method: "GET", path: "/health" });
    await res.body.text();
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  running = false;
  await Promise.all(clients);
  times.sort((a, b) => a - b);
  return { p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!, max: times[times.length - 1]!, n: times.length };
}
const loaded = await healthUnderLoad(
  [
    `/beta/deviceManagement/managedDevices?$orderby=${encodeURIComponent("lastSyncDateTime desc")}&$top=5`,
    `/beta/deviceManagement/managedDevices?$filter=${encodeURIComponent("startswith(serialNumber,'BENCH0001')")}&$count=true&$top=5`,
  ],
  10_000,
);

const row = (name: string, r: { ms: number; bytes: number; items: number | undefined }) =>
  `${name.padEnd(34)} ${r.ms.toFixed(1).padStart(8)} ms  ${(r.ms / health.ms).toFixed(0).padStart(5)}x health  ${String(r.bytes).padStart(9)} bytes  ${r.items ?? "-"} items`;
console.log(`${count} devices, median of ${rounds} requests each`);
console.log(row("GET /health", health));
console.log(row("GET managedDevices (default page)", page));
console.log(row("GET managedDevices $filter+$count", filtered));
console.log(row("GET $orderby=deviceName desc&$top=5", sorted));
console.log(row("GET $filter=operatingSystem+$count", counted));
console.log(`GET /health while 2 clients send $orderby and $filter+$count: p99 ${loaded.p99.toFixed(1)} ms, max ${loaded.max.toFixed(1)} ms (${loaded.n} requests)`);
await pool.close();
await service.close();
