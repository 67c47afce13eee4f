/**
 * Runs a fleet: sets up the tenant (a licensed user the devices sign in with, an enrollment
 * profile with Wi-Fi), then drives devices through the out-of-box flow to their first check-in,
 * `concurrency` at a time, each on its own simulated clock against the real service over HTTP.
 * With `lifeMs`, each enrolled device then lives that long on its clock (check-ins, updates).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { AdminClient } from "../../../mock-service/admin-client.js";
import { SimulatedClock } from "../../device/clock.js";
import { createDevice, type Device } from "../../device/create-device.js";
import { formatFault } from "../../device/faults.js";
import { formatElapsed } from "../../report/timeline.js";
import { faultsFor, type FaultRate } from "./fault-rates.js";
import { PhaseHistograms } from "./histograms.js";
import { PHASES, PhaseTracker } from "./phases.js";
import { deviceDraws, fleetIdentity, shardRange, type Shard } from "./plan.js";
import { embeddedService, type FleetService } from "./service-host.js";
import { FLEET_FORMAT, SLOWEST_KEPT, STORIES_KEPT, TIMELINES_KEPT, type DeviceRecord, type DeviceStory, type FleetSummary } from "./summary.js";

export interface FleetOptions {
  /** The whole fleet's size. */
  devices: number;
  concurrency: number;
  /** Wall time over which device starts are spread (0: all at once, up to `concurrency`). */
  rampMs: number;
  seed: number;
  shard: Shard;
  /** Run only these fleet indexes (re-running failed devices). */
  only?: number[];
  faults: FaultRate[];
  lifeMs: number;
  /** A running service and its admin token; without one the embedded service is started. */
  service?: { url: string; adminToken: string };
  /** Where the embedded service runs (default: a worker thread). */
  embedded?: "worker" | "inline";
  /** Called after each device finishes. */
  onProgress?: (progress: FleetProgress) => void;
  /** How `--only` re-runs are printed (the command with the fleet's options). */
  rerunCommand: (index: number) => string;
}

export interface FleetProgress {
  done: number;
  failed: number;
  total: number;
  elapsedMs: number;
}

export const FLEET_USER = { userPrincipalName: "fleet@contoso.example", password: "Fleet-Enroll-2025!", displayName: "Fleet runner" };
const FLEET_WIFI = { ssid: "Contoso-Fleet", password: "fleet-passphrase" };
/** Longest a device may take (simulated) to reach its first check-in: far beyond any retry policy. */
const FIRST_CHECK_IN_LIMIT_MS = 24 * 3_600_000;
const TIMELINE_LINES = 12;

export interface FleetRun {
  summary: FleetSummary;
  /** Every device's result, in fleet-index order. */
  devices: DeviceRecord[];
}

export async function runFleet(options: FleetOptions): Promise<FleetRun> {
  const started = performance.now();
  const service: FleetService = options.service
    ? { ...options.service, where: "external", close: async () => {} }
    : await embeddedService(options.embedded ?? "worker");
  const http = countHttp();
  const rss = sampleRss();
  try {
    const admin = new AdminClient(service.url, service.adminToken);
    const png = await setUpTenant(admin, options.seed, options.shard);
    const indexes = fleetIndexes(options);
    const wall = new PhaseHistograms();
    const device = new PhaseHistograms();
    const failedByReason: Record<string, number> = {};
    const faultCounts = new Map<string, number>();
    const failures: DeviceStory[] = [];
    const slowest: DeviceStory[] = [];
    const bySecond: { enrolled: number; failed: number }[] = [];
    const records: DeviceRecord[] = [];
    let enrolled = 0;
    let failed = 0;
    let checkIns = 0;
    let next = 0;
    const runStart = performance.now();

    const runOne = async (index: number) => {
      const faults = faultsFor(options.faults, deviceDraws(options.seed, index));
      for (const f of faults) faultCounts.set(formatFault(f), (faultCounts.get(formatFault(f)) ?? 0) + 1);
      const outcome = await driveDevice(png, index, options, faults);
      checkIns += outcome.checkIns;
      const s = outcome.story;
      records.push({ index, serialNumber: s.serialNumber, reason: s.reason, totalMs: s.totalMs, rerun: s.rerun, timeline: s.reason !== null && failed < TIMELINES_KEPT ? s.timeline : null });
      const second = Math.floor((performance.now() - runStart) / 1000);
      while (bySecond.length <= second) bySecond.push({ enrolled: 0, failed: 0 });
      if (outcome.story.reason === null) {
        enrolled++;
        bySecond[second]!.enrolled++;
        for (const phase of PHASES) {
          const w = outcome.times.wallMs[phase];
          const d = outcome.times.deviceMs[phase];
          if (w !== undefined) wall.record(phase, w);
          if (d !== undefined) device.record(phase, d);
        }
        keepSlowest(slowest, outcome.story);
      } else {
        failed++;
        bySecond[second]!.failed++;
        failedByReason[outcome.story.reason] = (failedByReason[outcome.story.reason] ?? 0) + 1;
        if (failures.length < STORIES_KEPT) failures.push(outcome.story);
      }
      options.onProgress?.({ done: enrolled + failed, failed, total: indexes.length, elapsedMs: performance.now() - started });
    };

    const lane = async () => {
      for (;;) {
        const position = next++;
        if (position >= indexes.length) return;
        if (options.rampMs > 0) await waitUntil(runStart + (options.rampMs * position) / indexes.length);
        await runOne(indexes[position]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, indexes.length) }, () => lane()));

    const wallSeconds = (performance.now() - started) / 1000;
    const runSeconds = (performance.now() - runStart) / 1000;
    failures.sort((a, b) => a.index - b.index);
    records.sort((a, b) => a.index - b.index);
    const summary: FleetSummary = {
      format: FLEET_FORMAT,
      devices: indexes.length,
      enrolled,
      failed,
      failedByReason,
      devicesPerSecond: round(indexes.length / Math.max(runSeconds, 1e-3), 1),
      wallSeconds: round(wallSeconds, 3),
      phases: wall.percentiles(),
      phasesDeviceTime: device.percentiles(),
      http: http.summary(runSeconds),
      peakRssBytes: rss.stop(),
      seed: options.seed,
      fleetDevices: options.devices,
      shards: [`${options.shard.index}/${options.shard.count}`],
      lifeMs: options.lifeMs,
      checkIns,
      faults: options.faults.map((r) => ({ spec: r.spec, rate: r.rate, devices: faultCounts.get(r.spec) ?? 0 })),
      service: { url: service.url, runs: service.where },
      timelineBySecond: bySecond,
      failures,
      slowest,
      histograms: { wall: wall.encode(), device: device.encode() },
    };
    return { summary, devices: records };
  } finally {
    http.stop();
    rss.stop();
    await service.close();
  }
}

function fleetIndexes(options: FleetOptions): number[] {
  if (options.only && options.only.length > 0) return [...options.only];
  const { first, end } = shardRange(options.devices, options.shard);
  return Array.from({ length: end - first }, (_, i) => first + i);
}

/**
 * The tenant the fleet enrolls into: one licensed user (created once; a running service may have
 * it from an earlier shard) and one profile per shard, whose QR code every device of the shard scans.
 */
async function setUpTenant(admin: AdminClient, seed: number, shard: Shard): Promise<Buffer> {
  const existing = await admin.request("GET", `/beta/users/${encodeURIComponent(FLEET_USER.userPrincipalName)}`).catch(() => null);
  if (!existing) {
    await admin.createLicensedUser(FLEET_USER).catch(async (error: unknown) => {
      // Another shard created it between our look-up and our create: use theirs.
      const again = await admin.request("GET", `/beta/users/${encodeURIComponent(FLEET_USER.userPrincipalName)}`).catch(() => null);
      if (!again) throw error;
    });
  }
  const profile = await admin.createProfile({
    displayName: `Fleet ${seed} shard ${shard.index}/${shard.count}`,
    enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
    configureWifi: true,
    wifiSsid: FLEET_WIFI.ssid,
    wifiHidden: false,
    wifiSecurityType: "wpa",
    wifiPassword: FLEET_WIFI.password,
  });
  return admin.profileQrPng(profile.id);
}

interface DeviceOutcome {
  story: DeviceStory;
  times: PhaseTracker["times"];
  checkIns: number;
}

async function driveDevice(png: Buffer, index: number, options: FleetOptions, faults: ReturnType<typeof faultsFor>): Promise<DeviceOutcome> {
  const clock = new SimulatedClock(Date.now());
  const tracker = new PhaseTracker();
  let device: Device | null = null;
  try {
    device = await createDevice({
      qr: { image: png, label: "the fleet profile's QR code" },
      clock,
      identity: fleetIdentity(options.seed, index),
      faults,
      user: { userPrincipalName: FLEET_USER.userPrincipalName, password: FLEET_USER.password },
      // Nothing reads a fleet device's storage mid-run: its snapshot is written only as power is cut.
      persistEveryStep: false,
    });
    const d = device;
    d.onChange(() => tracker.onState(d.state, clock.now(), performance.now()));
    const report = await d.enroll();
    let reason = report.failure?.code ?? (report.finalState === "enrolled" ? null : `stoppedAt:${report.finalStatePath}`);
    if (reason === null) {
      await d.runUntil(() => tracker.firstCheckInDone || d.context.failure !== null || !d.state.startsWith("enrolled"), {
        limitMs: FIRST_CHECK_IN_LIMIT_MS,
      });
      if (!tracker.firstCheckInDone) reason = d.context.failure?.code ?? "noFirstCheckIn";
    }
    if (reason === null && options.lifeMs > 0) await d.runFor(options.lifeMs);
    const checkIns = d.state === "off" ? 0 : d.context.checkIns;
    return { story: story(d, index, reason, tracker, faults, options), times: tracker.times, checkIns };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      story: { index, serialNumber: fleetIdentity(options.seed, index).serialNumber, reason: "simulatorError", finalState: "-", totalMs: null, faults: faults.map(formatFault), rerun: options.rerunCommand(index), timeline: [message] },
      times: tracker.times,
      checkIns: 0,
    };
  } finally {
    device?.dispose();
  }
}

function story(d: Device, index: number, reason: string | null, tracker: PhaseTracker, faults: ReturnType<typeof faultsFor>, options: FleetOptions): DeviceStory {
  return {
    index,
    serialNumber: d.identity.serialNumber,
    reason,
    finalState: d.state,
    totalMs: tracker.times.wallMs.total === undefined ? null : round(tracker.times.wallMs.total, 1),
    faults: faults.map(formatFault),
    rerun: options.rerunCommand(index),
    timeline: d.timeline.slice(-TIMELINE_LINES).map((e) => `${formatElapsed(e.elapsedMs).padStart(11)}  ${e.state}  ${e.event}  ${e.detail}`),
  };
}

function keepSlowest(slowest: DeviceStory[], s: DeviceStory): void {
  if (s.totalMs === null) return;
  if (slowest.length >= SLOWEST_KEPT && s.totalMs <= slowest[slowest.length - 1]!.totalMs!) return;
  slowest.push(s);
  slowest.sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0));
  slowest.length = Math.min(slowest.length, SLOWEST_KEPT);
}

function waitUntil(at: number): Promise<void> {
  const ms = at - performance.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * HTTP requests and errors by route, as the service answered them, from undici's diagnostics
 * channels (every device request goes through undici): no wrapper in the request path.
 * Errors: 5xx answers and requests that got no answer. Path segments that are ids become {id}.
 */
function countHttp() {
  const byRoute: Record<string, { requests: number; errors: number }> = {};
  let requests = 0;
  let errors = 0;
  const routeOf = (request: { method: string; path: string }) => `${request.method} ${routePath(request.path)}`;
  const entry = (route: string) => (byRoute[route] ??= { requests: 0, errors: 0 });
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: { method: string; path: string }; response: { statusCode: number } };
    const e = entry(routeOf(request));
    e.requests++;
    requests++;
    if (response.statusCode >= 500) {
      e.errors++;
      errors++;
    }
  };
  const onError = (message: unknown) => {
    const { request } = message as { request: { method: string; path: string } };
    const e = entry(routeOf(request));
    e.requests++;
    e.errors++;
    requests++;
    errors++;
  };
  subscribe("undici:request:headers", onHeaders);
  subscribe("undici:request:error", onError);
  return {
    summary: (seconds: number) => ({ requests, errors, requestsPerSecond: round(requests / Math.max(seconds, 1e-3), 1), byRoute }),
    stop: () => {
      unsubscribe("undici:request:headers", onHeaders);
      unsubscribe("undici:request:error", onError);
    },
  };
}

export function routePath(path: string): string {
  const clean = path.split("?")[0] ?? path;
  return clean
    .split("/")
    .map((segment) => (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(segment) || /^\d+$/.test(segment) || segment.length > 64 ? "{id}" : segment))
    .join("/");
}

/** The process's peak resident set size, sampled every 100 ms (and at the end). */
function sampleRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}
