/**
 * Check-in benchmark of the mock service: requests per second of POST .../checkIn with 10,000
 * enrolled devices, and, in the same run against the same server, the rate of its cheapest route
 * (GET /health), so the figure is also a ratio that travels between machines.
 *
 *   npm run build && npm run bench:service
 *   npm run bench:service -- --devices 10000 --duration 10 --connections 16
 *   npm run bench:service -- --db /tmp/bench.db     # file-backed store (WAL, synchronous=FULL)
 *   npm run bench:service -- --json result.json
 *
 * The service runs as users run it (`aosp-sim serve`, the built CLI, its own process), so the
 * load generator (autocannon, this process) does not compete with it for the same event loop.
 * The devices are enrolled through the device API itself (POST /device/v1/enroll), each with
 * its own credential; every check-in request takes the next device in turn, reports the three
 * managed apps and gets back its (empty) actions and updates.
 */
import { rmSync, writeFileSync } from "node:fs";
import { startServe } from "./build.js";
import { benchOptions } from "./options.js";
import autocannon from "autocannon";
import { Pool } from "undici";
import { deviceRoutes, type EnrollResponse } from "../agent/protocol/device-api.js";
import { AdminClient } from "../mock-service/admin-client.js";
import { MANAGED_PACKAGES, SEED_PACKAGES } from "../mock-service/packages/catalog.js";


const args = benchOptions("bench:service", {
  devices: { kind: "count", default: 10000 },
  duration: { kind: "count", default: 10, arg: "SECONDS" },
  connections: { kind: "count", default: 16 },
  db: { kind: "text", arg: "FILE" },
  json: { kind: "text", arg: "FILE" },
});
const { devices, duration, connections } = args;

/** The newest seeded version of each managed app (agent first): what an up-to-date device runs. */
const upToDate = MANAGED_PACKAGES.map((name) => {
  const newest = SEED_PACKAGES.filter((p) => p.packageName === name).reduce((a, b) => (b.versionCode > a.versionCode ? b : a));
  return { packageName: name, versionName: newest.versionName, versionCode: newest.versionCode };
});
const agentVersion = upToDate[0]!.versionName;
const checkInBody = JSON.stringify({ agentVersion, apps: upToDate });

async function enrollDevices(url: string, token: string, count: number): Promise<EnrollResponse[]> {
  const pool = new Pool(url, { connections: 32 });
  const enrolled: EnrollResponse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const response = await pool.request({
        method: "POST",
        path: deviceRoutes.enroll(),
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          enrollmentToken: token,
          serialNumber: `BENCH${String(index).padStart(6, "0")}`,
          model: "Pixel 8",
          manufacturer: "Google",
          osVersion: "14",
          agentVersion,
        }),
      });
      const body = (await response.body.json()) as EnrollResponse;
      if (response.statusCode !== 200) throw new Error(`enrollment ${index} failed: ${JSON.stringify(body)}`);
      enrolled.push(body);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await pool.close();
  return enrolled;
}

interface Measured {
  route: string;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function measure(route: string, options: autocannon.Options): Promise<Measured> {
  const result = await autocannon({ connections, duration, ...options });
  return {
    route,
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  if (args.db) rmSync(args.db, { force: true });
  const serve = await startServe("bench:service", args.db ? ["--db", args.db] : []);
  try {
    const admin = new AdminClient(serve.url, serve.adminToken);
    const profile = await admin.createProfile({ displayName: "Benchmark devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const enrollStart = performance.now();
    const fleet = await enrollDevices(serve.url, profile.tokenValue, devices);
    const enrollSeconds = (performance.now() - enrollStart) / 1000;
    console.error(`enrolled ${fleet.length} devices through the API in ${enrollSeconds.toFixed(1)} s (${(fleet.length / enrollSeconds).toFixed(0)}/s)`);

    // Warm both routes up (JIT, statement caches) before measuring.
    await autocannon({ url: `${serve.url}/health`, connections, duration: 1 });

    let turn = 0;
    const checkIn = await measure("POST /device/v1/devices/{id}/checkIn", {
      url: serve.url,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const device = fleet[turn++ % fleet.length]!;
            return {
              ...request,
              path: deviceRoutes.checkIn(device.deviceId),
              headers: { "content-type": "application/json", authorization: `Bearer ${device.deviceCredential}` },
              body: checkInBody,
            };
          },
        },
      ],
    });
    const baseline = await measure("GET /health (baseline)", { url: `${serve.url}/health` });

    const rows = [checkIn, baseline];
    const ratio = checkIn.requestsPerSecond / baseline.requestsPerSecond;
    console.log(
      `\nmock service, ${fleet.length} enrolled devices, ${connections} connections, ${duration} s per route, store: ${args.db ? `file (${args.db})` : "in memory"}\n`,
    );
    console.log("| route | req/s | p50 ms | p99 ms | requests | non-2xx | errors |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
      console.log(
        `| ${r.route} | ${r.requestsPerSecond.toFixed(0)} | ${r.latencyP50} | ${r.latencyP99} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
      );
    }
    console.log(`\ncheck-in rate = ${(ratio * 100).toFixed(1)}% of the baseline route's rate`);
    if (checkIn.non2xx > 0 || checkIn.errors > 0) {
      console.error("bench:service: some check-ins failed; the figure is not valid");
      process.exitCode = 1;
    }
    if (args.json) {
      writeFileSync(
        args.json,
        `${JSON.stringify({ devices: fleet.length, connections, durationSeconds: duration, store: args.db ? "file" : "memory", enrollPerSecond: fleet.length / enrollSeconds, checkIn, baseline, ratio }, null, 2)}\n`,
      );
    }
  } finally {
    serve.child.kill("SIGTERM");
  }
}

await main();
