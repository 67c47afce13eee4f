/**
 * Listing benchmark of the admin API: with N enrolled devices, the time and size of one
 * GET /beta/deviceManagement/managedDevices answer (the default page) and of a filtered page,
 * against GET /health in the same run, so the figures are ratios that travel between machines.
 * It shows the list is always paged: a client that asks for everything gets 1,000 devices.
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
const row = (name: string, r: { ms: number; bytes: number; items: number | undefined }) =>
  `${name.padEnd(34)} ${r.ms.toFixed(1).padStart(8)} ms  ${(r.ms / health.ms).toFixed(0).padStart(5)}x health  ${String(r.bytes).padStart(9)} bytes  ${r.items ?? "-"} items`;
console.log(`${count} devices, median of ${rounds} requests each`);
console.log(row("GET /health", health));
console.log(row("GET managedDevices (default page)", page));
console.log(row("GET managedDevices $filter+$count", filtered));
await pool.close();
await service.close();
