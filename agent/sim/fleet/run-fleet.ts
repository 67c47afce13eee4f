/**
 * Runs a fleet: sets up the tenant (a licensed user the devices sign in with, an enrollment
 * profile with Wi-Fi), then drives devices through the out-of-box flow to their first check-in,
 * `concurrency` at a time, each on its own simulated clock against the real service over HTTP.
 * With `lifeMs`, each enrolled device then lives that long on its clock (check-ins, updates).
 */
import { setMaxListeners } from "node:events";
import type { Agent } from "undici";
import { AdminClient } from "../../../mock-service/admin-client.js";
import { setLongTimeout } from "../../device/clock.js";
import { formatFault } from "../../device/faults.js";
import { defaultDeviceThreads, maxDeviceThreads, startDeviceThread, THREADS_AVAILABLE, type DeviceThread } from "./device-threads.js";
import type { DeviceJob, DeviceOutcome, DeviceRecording, DeviceRunSettings } from "./drive-device.js";
import { TranscriptFile } from "../../report/transcript.js";
import { faultsFor, parseFaultRate, refuseRepeatedFaults, type FaultRate } from "./fault-rates.js";
import { PhaseHistograms } from "./histograms.js";
import { addCounts, HttpCounter, WithdrawnByFleet } from "./http-counts.js";
import { PHASES } from "./phases.js";
import { deviceDraws, emptyShardProblem, shardRange, type Shard } from "./plan.js";
import { withFleetHeapSettings } from "./heap-settings.js";
import { embeddedService, type FleetService } from "./service-host.js";
import { socketDispatcher } from "./service-socket.js";
import { givenValue } from "../../protocol/given-value.js";
import { httpBaseUrl } from "../../protocol/http-url.js";
import { InputError } from "../../protocol/errors.js";
import { checkQrAddresses, checkRunningService, SERVICE_ANSWER_TIMEOUT_MS, setUpFailure } from "../service-check.js";
import { FLEET_USER, fleetPassword, setUpTenant } from "./tenant.js";
import { fleetRerunCommand } from "./rerun.js";
import { keepLowest, TimelineNeeds } from "./timeline-needs.js";
import { samplePeakRss } from "./peak-rss.js";
import { checkOptions, optionNames } from "../../protocol/known-options.js";
import { FLEET_FORMAT, SLOWEST_KEPT, STORIES_KEPT, thisTool, TIMELINES_KEPT, type DeviceRecord, type DeviceStory, type FleetSummary } from "./summary.js";

export interface FleetOptions {
  /** The whole fleet's size. */
  devices: number;
  /** Devices in flight at once (default 64, as `aosp-sim fleet`). */
  concurrency?: number;
  /** Wall time over which device starts are spread (default 0: all at once, up to `concurrency`). */
  rampMs?: number;
  /** Device identities and fault draws follow from it (default 1; recorded in the summary). */
  seed?: number;
  /** This run's part of the fleet (default: the whole fleet, 0/1). */
  shard?: Shard;
  /** Run only these fleet indexes (re-running failed devices). */
  only?: readonly number[];
  /** Faults at rates, as the CLI writes them (`"service-5xx=5%"`) or parsed (`parseFaultRate`); default none. */
  faults?: readonly (FaultRate | string)[];
  /** After enrolling, each device lives this long on its own clock (default 0; at most MAX_LIFE_MS). */
  lifeMs?: number;
  /**
   * A running service and its admin token (and its local socket, which the devices then use);
   * the handle startMockService returns can be given as it is. Without one the embedded service is started.
   */
  service?: { url: string; adminToken: string; socketPath?: string };
  /**
   * How long the service gets to answer each request of the check and the set-up (the fleet's
   * user and profile), in milliseconds (default SERVICE_ANSWER_TIMEOUT_MS, 10 s): a running
   * service that takes connections but does not answer is an InputError then, not a 300 s wait.
   */
  serviceTimeoutMs?: number;
  /** Where the embedded service runs (default: a worker thread). */
  embedded?: "worker" | "inline";
  /**
   * Threads that run devices, this one included (default: one per core, less one for the
   * embedded service's thread). Run from source, devices stay on this thread.
   */
  threads?: number;
  /**
   * Aborted: start no more devices; the ones in flight finish enrolling (a device living its
   * --life stops at its next step), and the summary covers what ran.
   */
  signal?: AbortSignal;
  /**
   * Called after each device finishes. One that throws (or, async, rejects) stops the fleet as an
   * abort does, and runFleet rejects with its error once the devices in flight are done.
   */
  onProgress?: (progress: FleetProgress) => void;
  /** How a failed device's re-run is printed (default: the `aosp-sim fleet ... --only INDEX --transcript FILE` command). */
  rerunCommand?: (index: number) => string;
  /**
   * With one device in `only` (a failed device re-run alone): its run written to this file as a
   * transcript, secrets redacted, for `aosp-sim show` and `aosp-sim replay`. A fleet at large
   * records none (it would cost every device).
   */
  transcript?: string;
}

/** `aosp-sim fleet`'s default. */
export const DEFAULT_CONCURRENCY = 64;
/**
 * The largest fleet, for `--devices` and `runFleet` alike: ten million devices, shards together.
 * A typo beyond it (1e8) would otherwise run for days.
 */
export const MAX_DEVICES = 10_000_000;
/** The most devices in flight at once, for `--concurrency` and `runFleet` alike. */
export const MAX_CONCURRENCY = 100_000;
/**
 * The longest --life: ten years of a device's check-ins (about 11,000), far past any policy's
 * horizon. Beyond it a typo (`--life 24d` is a month, `--life 1000000d` millennia) would keep a
 * fleet busy for hours, and past some 270,000 years a device's dates are no longer dates.
 */
export const MAX_LIFE_MS = 3650 * 24 * 3_600_000;

/**
 * The longest --ramp: a week of wall time over which the fleet's device starts are spread, for a
 * soak run of days. Beyond it a typo (`--ramp 99999999d`) would start devices for centuries, the
 * fleet never finishing; a ramp, unlike a life, passes on the real clock.
 */
export const MAX_RAMP_MS = 7 * 24 * 3_600_000;

/** The largest fleet seed: 32 bits, as `--seed` and the summary's schema take it. */
export const MAX_SEED = 2 ** 32 - 1;

type SettledOptions = Omit<FleetOptions, "faults"> &
  Required<Pick<FleetOptions, "concurrency" | "rampMs" | "seed" | "shard" | "lifeMs" | "serviceTimeoutMs" | "rerunCommand">> & { faults: FaultRate[] };

/** Every option runFleet takes (a misspelled one is refused, not ignored). */
const FLEET_OPTIONS = optionNames<FleetOptions>({
  devices: true, concurrency: true, rampMs: true, seed: true, shard: true, only: true, faults: true, lifeMs: true, service: true,
  serviceTimeoutMs: true, embedded: true, threads: true, signal: true, onProgress: true, rerunCommand: true, transcript: true,
});

/** The options with their defaults, checked: a library caller gets a clear error, not an empty run. */
function settle(given: FleetOptions): SettledOptions {
  // A misspelled seed (`sead`) ran the fleet on the default seed, unsaid.
  checkOptions("runFleet", given, FLEET_OPTIONS, "at least { devices: N }");
  const whole = (value: number, name: string, min: number) => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`runFleet: ${name} must be a whole number of at least ${min} (got ${givenValue(value)})`);
    return value;
  };
  // As --devices (the CLI reads the same MAX_DEVICES): before, 1e8 ran here although the CLI refused it.
  const devices = atMost(whole(given.devices, "devices", 1), MAX_DEVICES, "devices");
  const seed = whole(given.seed ?? 1, "seed", 0);
  // As --seed: a fleet's seed is 32 bits (its draws wrapped past it: 2^32 ran seed 0's faults),
  // and the summary's schema, and so merge-reports, hold it to that.
  if (seed > MAX_SEED) throw new RangeError(`runFleet: seed must be at most ${MAX_SEED} (got ${seed})`);
  // As --threads: four per core at most.
  if (given.threads !== undefined) atMost(whole(given.threads, "threads", 1), maxDeviceThreads(), "threads", "four per core this process may use");
  const rampMs = given.rampMs ?? 0;
  if (!Number.isFinite(rampMs) || rampMs < 0 || rampMs > MAX_RAMP_MS) {
    throw new RangeError(`runFleet: rampMs must be a number of milliseconds from 0 to ${MAX_RAMP_MS} (${MAX_RAMP_MS / 86_400_000} days) (got ${givenValue(rampMs)})`);
  }
  const serviceTimeoutMs = given.serviceTimeoutMs ?? SERVICE_ANSWER_TIMEOUT_MS;
  if (typeof serviceTimeoutMs !== "number" || !(serviceTimeoutMs > 0) || !Number.isFinite(serviceTimeoutMs)) {
    throw new RangeError(`runFleet: serviceTimeoutMs must be a number of milliseconds above 0 (got ${givenValue(serviceTimeoutMs)})`);
  }
  if (given.embedded !== undefined && given.embedded !== "worker" && given.embedded !== "inline") {
    throw new RangeError(`runFleet: embedded must be "worker" or "inline" (got ${JSON.stringify(given.embedded)})`);
  }
  if (given.faults !== undefined && !Array.isArray(given.faults)) throw new RangeError("runFleet: faults must be a list (of strings such as \"service-5xx=5%\", or parseFaultRate's results)");
  if (given.only !== undefined && !Array.isArray(given.only)) throw new RangeError(`runFleet: only must be a list of device indexes, e.g. [3, 7] (got ${givenValue(given.only)})`);
  // An empty list would run the whole fleet, not none of it.
  if (given.only?.length === 0) throw new RangeError("runFleet: only is empty: name the devices to run, e.g. [3], or leave it out to run the whole fleet");
  for (const index of given.only ?? []) whole(index, "an index in only", 0);
  const outside = (given.only ?? []).find((index) => index >= devices);
  if (outside !== undefined) throw new RangeError(`runFleet: only holds ${outside}, but a fleet of ${devices} has devices 0 to ${devices - 1}`);
  const shard = given.shard ?? { index: 0, count: 1 };
  if (typeof shard !== "object" || shard === null) throw new RangeError(`runFleet: shard must be { index, count }, e.g. { index: 0, count: 4 } (got ${givenValue(shard)})`);
  if (whole(shard.count, "shard.count", 1) <= whole(shard.index, "shard.index", 0)) {
    throw new RangeError(`runFleet: shard ${shard.index} of ${shard.count} does not exist (shard.index counts from 0 to shard.count - 1)`);
  }
  const empty = emptyShardProblem(devices, shard);
  if (empty) throw new RangeError(`runFleet: ${empty.problem}: ${empty.hint}`);
  // As --only with --shard: a device of another shard would enroll with this shard's profile.
  const { first, end } = shardRange(devices, shard);
  const elsewhere = (given.only ?? []).find((index) => index < first || index >= end);
  if (elsewhere !== undefined) {
    throw new RangeError(`runFleet: only holds ${elsewhere}, which is not in shard ${shard.index}/${shard.count} (devices ${first} to ${end - 1}); to re-run any device of the fleet, leave out shard`);
  }
  if (given.transcript !== undefined) {
    if (typeof given.transcript !== "string" || given.transcript === "") {
      throw new RangeError(`runFleet: transcript must be the path of the file to write, e.g. "fleet-device-3.jsonl" (got ${givenValue(given.transcript)})`);
    }
    if (new Set(given.only ?? []).size !== 1) {
      throw new RangeError(`runFleet: transcript records one device: give it with only: [INDEX], one device of the fleet (got ${given.only === undefined ? "no only" : `only: ${givenValue(given.only)}`})`);
    }
  }
  if (given.signal !== undefined && !isAbortSignal(given.signal)) throw new RangeError(`runFleet: signal must be an AbortSignal (an AbortController's signal) (got ${givenValue(given.signal)})`);
  for (const name of ["onProgress", "rerunCommand"] as const) {
    if (given[name] !== undefined && typeof given[name] !== "function") throw new RangeError(`runFleet: ${name} must be a function (got ${givenValue(given[name])})`);
  }
  // A fault given as an object is read again from its spelling and rate, as a string would be: a
  // rate of 2 or NaN, or an unknown fault, is refused as `--fault` refuses it.
  const faults = (given.faults ?? []).map((f, i) => {
    if (typeof f === "string") return asLibraryFault(libraryFaultWhere(i, f), () => parseFaultRate(f));
    if (typeof f !== "object" || f === null || typeof f.spec !== "string") {
      throw new RangeError(`runFleet: faults[${i}] is ${JSON.stringify(f) ?? String(f)}, neither a string such as "service-5xx=5%" nor what parseFaultRate returns`);
    }
    return asLibraryFault(libraryFaultWhere(i, f), () => parseFaultRate(`${f.spec}=${f.rate}`));
  });
  // A clash is named by the list item that clashes (its `where`).
  asLibraryFault(null, () => refuseRepeatedFaults(faults, given.faults, (_, i) => libraryFaultWhere(i, given.faults![i])));
  const lifeMs = given.lifeMs ?? 0;
  if (!Number.isInteger(lifeMs) || lifeMs < 0 || lifeMs > MAX_LIFE_MS) {
    throw new RangeError(`runFleet: lifeMs must be whole milliseconds from 0 to ${MAX_LIFE_MS} (${MAX_LIFE_MS / 86_400_000} days) (got ${givenValue(lifeMs)})`);
  }
  // As --service: "http://host:8080/" is that service, not a path under it.
  const service = given.service === undefined ? undefined : runningService(given.service);
  // As --embedded with --service: the embedded service's place means nothing when a running one is driven.
  if (service && given.embedded !== undefined) {
    throw new RangeError(`runFleet: embedded places the embedded service, and service drives a running one instead (got embedded: ${JSON.stringify(given.embedded)}); leave out one of them`);
  }
  return {
    ...given,
    ...(service ? { service } : {}),
    concurrency: atMost(whole(given.concurrency ?? DEFAULT_CONCURRENCY, "concurrency", 1), MAX_CONCURRENCY, "concurrency"),
    rampMs,
    seed,
    shard,
    faults,
    lifeMs,
    serviceTimeoutMs,
    rerunCommand:
      given.rerunCommand ??
      ((index) =>
        fleetRerunCommand(
          {
            devices,
            seed,
            // As the faults were given: the user's own spelling ("service-5xx=5%"), or a parsed one's.
            faults: (given.faults ?? []).map((f) => (typeof f === "string" ? f : `${f.spec}=${f.rate}`)),
            lifeMs,
            ...(service ? { serviceUrl: service.url } : {}),
          },
          index,
        )),
  };
}

/** `service` as runFleet takes it: `{ url, adminToken }`, the URL read as --service reads it. */
function runningService(service: unknown): { url: string; adminToken: string; socketPath?: string } {
  if (typeof service !== "object" || service === null || Array.isArray(service)) {
    throw new RangeError(`runFleet: service must be { url, adminToken }, the URL and admin token \`aosp-sim serve\` printed (got ${givenValue(service)})`);
  }
  // The handle startMockService returns is taken whole (it has close, admin, port, ...), its local
  // socket used as the embedded service's is; any other object names only these fields, so a
  // misspelled or misplaced one (timeout) is said rather than ignored.
  const handle = typeof (service as { close?: unknown }).close === "function";
  const extra = handle ? undefined : Object.keys(service).find((key) => key !== "url" && key !== "adminToken" && key !== "socketPath");
  if (extra !== undefined) throw new RangeError(`runFleet: service takes only url, adminToken and socketPath (got ${JSON.stringify(extra)} too); a request's time limit is serviceTimeoutMs`);
  const { url, adminToken, socketPath } = service as { url?: unknown; adminToken?: unknown; socketPath?: unknown };
  if (socketPath !== undefined && (typeof socketPath !== "string" || socketPath === "")) {
    throw new RangeError(`runFleet: service.socketPath must be the path of the service's local socket, as startMockService returns it (got ${givenValue(socketPath)})`);
  }
  if (typeof url !== "string") throw new RangeError(`runFleet: service.url must be the service's base URL, e.g. "http://127.0.0.1:8080" (got ${givenValue(url)})`);
  if (typeof adminToken !== "string" || adminToken === "") {
    throw new RangeError(`runFleet: service.adminToken must be the admin token \`aosp-sim serve\` printed on its first line (got ${givenValue(adminToken)})`);
  }
  return { url: httpBaseUrl(url, "runFleet service.url"), adminToken, ...(typeof socketPath === "string" ? { socketPath } : {}) };
}

/** An AbortSignal, or one from another realm (a test runner's): what addEventListener and aborted make it. */
function isAbortSignal(value: unknown): value is AbortSignal {
  return value instanceof AbortSignal || (typeof value === "object" && value !== null && typeof (value as AbortSignal).addEventListener === "function" && typeof (value as AbortSignal).aborted === "boolean");
}

function atMost(value: number, max: number, name: string, why?: string): number {
  if (value > max) throw new RangeError(`runFleet: ${name} must be at most ${max}${why === undefined ? "" : ` (${why})`} (got ${value})`);
  return value;
}

/** A library caller's fault as its list names it: `runFleet faults[1] ("bogus=5%")`. */
function libraryFaultWhere(index: number, given: unknown): string {
  return `runFleet faults[${index}] (${JSON.stringify(given)})`;
}

/**
 * A fault the library was given, read as `--fault` reads one: its InputError names the option a
 * CLI user wrote (`--fault bogus=5%`), which a library caller never did. It is said again with
 * the caller's list item (`item`; for a clash, the `where` the check gave it) in its message,
 * where a test runner shows it.
 */
function asLibraryFault<T>(item: string | null, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const where = item ?? error.where ?? "runFleet faults";
    throw new InputError(error.problem, { where, ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error });
  }
}

export interface FleetProgress {
  done: number;
  failed: number;
  total: number;
  elapsedMs: number;
  /**
   * With --life: the devices that enrolled and are living their life now (a device is done only
   * when its life ends, so a long life shows none done for a long time). Absent without --life.
   */
  living?: number;
}

export { FLEET_USER, fleetPassword };

export interface FleetRun {
  summary: FleetSummary;
  /** Every device's result, in fleet-index order. */
  devices: DeviceRecord[];
}

/**
 * Runs a fleet and reports it. While it runs, V8's allocation-site pretenuring and parallel
 * scavenging are off for the process (agent/sim/fleet/heap-settings.ts says why).
 */
export async function runFleet(given: FleetOptions): Promise<FleetRun> {
  const started = performance.now();
  const options = settle(given);
  const indexes = fleetIndexes(options);
  const lanes = Math.min(options.concurrency, indexes.length);
  const threads = THREADS_AVAILABLE ? Math.max(1, Math.min(options.threads ?? defaultDeviceThreads(!options.service), lanes)) : 1;
  // Everything that takes a while to load starts at once, on both cores: the embedded service's
  // thread, the device threads, and this thread's own device code (about 0.3 s each, README
  // "Benchmarks"); this thread's is imported here, not at the top, for that reason.
  // A running service must answer and take the admin token first: a wrong URL or token is said
  // as such (InputError), not as undici's "fetch failed" from the tenant's set-up.
  const external = options.service;
  const starting: Promise<FleetService> = external
    ? checkRunningService(external.url, external.adminToken, { timeoutMs: options.serviceTimeoutMs, tokenWhere: "runFleet service.adminToken" }).then(() => ({ ...external, where: "external", close: async () => {} }))
    : embeddedService(options.embedded ?? "worker");
  // Awaited below, after the import; a failure before then is not an unhandled rejection.
  starting.catch(() => {});
  const deviceThreads: DeviceThread[] = Array.from({ length: threads - 1 }, () => startDeviceThread());
  // This run's requests, and only these: its set-up and its devices send them through this
  // counter's dispatcher (a second fleet in this process, even against the same service, has its own).
  const http = new HttpCounter();
  const rss = samplePeakRss();
  let service: FleetService | undefined;
  // This thread's connection to the embedded service's socket, when it has one.
  let socket: Agent | undefined;
  // The fleet stops starting devices when the caller aborts, or when its onProgress throws (then
  // runFleet rejects with that error once the devices in flight are done, not while they run on).
  const halt = new AbortController();
  // Each device thread listens for the stop on this signal: past ten, Node would warn on stderr of
  // a leak (runFleet({ threads: 11 }), or the default on a 12-core machine).
  setMaxListeners(threads + 10, halt.signal);
  const stopFleet = () => halt.abort(new WithdrawnByFleet("the fleet was stopped"));
  const onCallerAbort = stopFleet;
  if (options.signal?.aborted) stopFleet();
  else options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  let progressFailure: { error: unknown } | null = null;
  const failProgress = (error: unknown) => {
    progressFailure ??= { error };
    stopFleet();
  };
  const reportProgress = (progress: FleetProgress) => {
    if (!options.onProgress || progressFailure) return;
    try {
      // An async callback's rejection is the fleet's too, not an unhandled one.
      const result: unknown = options.onProgress(progress);
      if (result instanceof Promise) result.catch(failProgress);
    } catch (error) {
      failProgress(error);
    }
  };
  const ramp = rampWaits(halt.signal);
  // Opened before any device runs (a path that cannot be written is said then); one device writes it.
  let recording: DeviceRecording | undefined;
  // Before the devices allocate anything: V8 would otherwise pretenure their state.
  const restoreHeapSettings = withFleetHeapSettings();
  try {
    if (options.transcript !== undefined) recording = new TranscriptFile(options.transcript);
    const { driveDevice } = await import("./drive-device.js");
    service = await starting;
    if (service.socketPath) socket = socketDispatcher(service.socketPath);
    const dispatcher = http.dispatcher(socket);
    // A stop during the set-up ends its requests (a slow service's set-up held a Ctrl-C for the
    // service's whole wait); the run then starts no device and says it was interrupted.
    const admin = new AdminClient(service.url, service.adminToken, { dispatcher, timeoutMs: options.serviceTimeoutMs, signal: halt.signal });
    const png = await setUpTenant(admin, options.seed).catch(async (error: unknown) => {
      if (halt.signal.aborted) return new Uint8Array(0);
      // Already said in the fleet's words (a user of the fleet's name that it did not create).
      if (error instanceof InputError) throw error;
      // A running service that refuses the set-up, answers what no aosp-sim service answers, or
      // stops answering (hung, stopped, gone) is said as such, not as an internal error.
      if (!external) throw error;
      throw await setUpFailure(error, external.url, options.serviceTimeoutMs);
    });
    if (external && !halt.signal.aborted) {
      // Loaded here, as drive-device.js is above (the device code is already loading by now).
      const { payloadOrigins, scannedText } = await import("../../device/create-device.js");
      const qrOrigins = payloadOrigins(await scannedText({ bytes: png, label: "the fleet profile's QR code" }));
      await checkQrAddresses(qrOrigins, external.url);
    }
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
    let checkInsFailed = 0;
    let livesCut = 0;
    let next = 0;
    // The tenant's set-up requests are counted by route, but the request rate is the run's own.
    const setUpRequests = http.counts.requests;
    const runStart = performance.now();

    const user = { userPrincipalName: FLEET_USER.userPrincipalName, password: fleetPassword(service.adminToken) };
    const settings: DeviceRunSettings = { seed: options.seed, lifeMs: options.lifeMs, user, ...(service.socketPath ? { serviceSocket: service.socketPath } : {}) };
    /** The next device to start (after its place in the ramp), or null when all have started. */
    const nextJob = async (): Promise<DeviceJob | null> => {
      if (halt.signal.aborted) return null;
      const position = next++;
      if (position >= indexes.length) return null;
      if (options.rampMs > 0) {
        await ramp.until(runStart + (options.rampMs * position) / indexes.length);
        if (halt.signal.aborted) return null;
      }
      const index = indexes[position]!;
      const faults = faultsFor(options.faults, deviceDraws(options.seed, index));
      for (const f of faults) faultCounts.set(formatFault(f), (faultCounts.get(formatFault(f)) ?? 0) + 1);
      return { index, faults, rerun: options.rerunCommand(index) };
    };

    // The JUnit report's failed devices keep their timelines, the TIMELINES_KEPT of lowest index.
    const timelineIndexes: number[] = [];
    const withTimeline = new Map<number, DeviceRecord>();
    const keepTimeline = (record: DeviceRecord, timeline: string[]) => {
      const dropped = timelineIndexes.length >= TIMELINES_KEPT ? timelineIndexes[0]! : undefined;
      if (!keepLowest(timelineIndexes, record.index, TIMELINES_KEPT)) return;
      record.timeline = timeline;
      withTimeline.set(record.index, record);
      if (dropped === undefined) return;
      withTimeline.get(dropped)!.timeline = null;
      withTimeline.delete(dropped);
    };

    // The devices living their --life now, by fleet index (a device leaves it as its outcome comes).
    const living = new Set<number>();
    const recordOutcome = (job: DeviceJob, outcome: DeviceOutcome) => {
      const index = job.index;
      checkIns += outcome.checkIns;
      checkInsFailed += outcome.checkInsFailed;
      if (outcome.lifeCut) livesCut++;
      const s = outcome.story;
      const record: DeviceRecord = {
        index,
        serialNumber: s.serialNumber,
        reason: s.reason,
        totalMs: s.totalMs,
        ranMs: outcome.ranMs,
        ...(s.faults.length > 0 ? { faults: s.faults } : {}),
        ...(s.faultsNotStruck ? { faultsNotStruck: s.faultsNotStruck } : {}),
        rerun: s.rerun,
        timeline: null,
        ...(outcome.lifeCut ? { lifeCut: { livedMs: outcome.lifeCut.livedMs, checkIns: outcome.checkIns } } : {}),
      };
      records.push(record);
      if (s.reason !== null) keepTimeline(record, s.timeline);
      // The second it enrolled or failed in, whichever thread ran it (a --life lived after is not counted).
      const second = Math.max(0, Math.floor((outcome.finishedAt - performance.timeOrigin - runStart) / 1000));
      while (bySecond.length <= second) bySecond.push({ enrolled: 0, failed: 0 });
      // The phases of every device that got through its first check-in, one that failed its
      // --life after it included (before, the failure dropped them: "no device finished a phase").
      if (outcome.times.wallMs.total !== undefined) {
        for (const phase of PHASES) {
          const w = outcome.times.wallMs[phase];
          const d = outcome.times.deviceMs[phase];
          if (w !== undefined) wall.record(phase, w);
          if (d !== undefined) device.record(phase, d);
        }
      }
      if (s.reason === null) {
        enrolled++;
        bySecond[second]!.enrolled++;
        keepSlowest(slowest, s);
      } else {
        failed++;
        bySecond[second]!.failed++;
        failedByReason[s.reason] = (failedByReason[s.reason] ?? 0) + 1;
        // The failures of lowest index, not the first to finish: the same devices whatever the threads.
        if (failures.length < STORIES_KEPT || index < failures[failures.length - 1]!.index) {
          failures.push(s);
          failures.sort((a, b) => a.index - b.index);
          failures.length = Math.min(failures.length, STORIES_KEPT);
        }
      }
      living.delete(index);
      progressNow();
    };
    const progressNow = () =>
      reportProgress({
        done: enrolled + failed, failed, total: indexes.length, elapsedMs: performance.now() - started,
        ...(options.lifeMs > 0 ? { living: living.size } : {}),
      });
    const startsLiving = (index: number) => {
      living.add(index);
      progressNow();
    };

    const needs = new TimelineNeeds();
    const lane = async () => {
      for (let job = await nextJob(); job; job = await nextJob()) recordOutcome(job, await driveDevice(png, job, settings, needs, halt.signal, dispatcher, startsLiving, recording));
    };
    // Lanes are shared out evenly; this thread takes its share too (and the remainder).
    const perThread = Math.floor(lanes / threads);
    const local = Array.from({ length: lanes - perThread * (threads - 1) }, () => lane());
    const others = Promise.all(deviceThreads.map((thread) => thread.run(png, settings, perThread, nextJob, recordOutcome, halt.signal, startsLiving)));
    const [, threadCounts] = await Promise.all([Promise.all(local), others]);
    for (const counts of threadCounts) addCounts(http.counts, counts);

    if (progressFailure) throw (progressFailure as { error: unknown }).error;
    const wallSeconds = (performance.now() - started) / 1000;
    const runSeconds = (performance.now() - runStart) / 1000;
    failures.sort((a, b) => a.index - b.index);
    records.sort((a, b) => a.index - b.index);
    const ran = enrolled + failed;
    const summary: FleetSummary = {
      format: FLEET_FORMAT,
      devices: ran,
      enrolled,
      failed,
      failedByReason,
      // Devices enrolled (and checked in) per second, as DESIGN.md defines the fleet's rate: a fleet
      // whose devices all fail fast has no rate to show, and `rate>100/s` must not pass on it.
      // To a thousandth: `rate>=0.33/s` was judged on 0.3 for a shard at 0.3376/s, and merge-reports
      // added the shards' rates as each had rounded them to a tenth.
      devicesPerSecond: round(enrolled / Math.max(runSeconds, 1e-3), 3),
      wallSeconds: round(wallSeconds, 3),
      runSeconds: round(runSeconds, 3),
      deviceThreads: threads,
      tool: thisTool(),
      concurrency: options.concurrency,
      rampMs: options.rampMs,
      phases: wall.percentiles(),
      phasesDeviceTime: device.percentiles(),
      http: {
        requests: http.counts.requests,
        errors: http.counts.errors,
        // Over the run's seconds, as devicesPerSecond: the set-up's few requests before it are not
        // part of the rate (a shard with no device read as thousands of requests a second).
        requestsPerSecond: round((http.counts.requests - setUpRequests) / Math.max(runSeconds, 1e-3), 1),
        byRoute: http.counts.byRoute,
      },
      peakRssBytes: rss.stop(),
      seed: options.seed,
      fleetDevices: options.devices,
      ...(options.signal?.aborted && (ran < indexes.length || livesCut > 0) ? { interrupted: true as const } : {}),
      shards: [`${options.shard.index}/${options.shard.count}`],
      // Which devices a re-run ran: the shard alone ("0/1") said nothing of them.
      ...(options.only && options.only.length > 0 ? { only: [...indexes].sort((a, b) => a - b) } : {}),
      lifeMs: options.lifeMs,
      checkIns,
      ...(options.lifeMs > 0 ? { checkInsFailed } : {}),
      faults: options.faults.map((r) => ({ spec: r.spec, rate: r.rate, devices: faultCounts.get(r.spec) ?? 0 })),
      service: { url: service.url, runs: service.where },
      timelineBySecond: bySecond,
      failures,
      slowest,
      histograms: { wall: wall.encode(), device: device.encode() },
    };
    return { summary, devices: records };
  } finally {
    options.signal?.removeEventListener("abort", onCallerAbort);
    // Finished by its device; closed here when no device ran (the fleet stopped as it was set up).
    recording?.close();
    restoreHeapSettings();
    ramp.close();
    rss.stop();
    await Promise.all(deviceThreads.map((thread) => thread.stop()));
    await socket?.close();
    // A service that failed to start has nothing to close; one still starting is closed once up.
    await (service ?? (await starting.catch(() => undefined)))?.close();
  }
}

function fleetIndexes(options: SettledOptions): number[] {
  // An index given twice is one device: run twice, the same identity would enroll against itself.
  if (options.only && options.only.length > 0) return [...new Set(options.only)];
  const { first, end } = shardRange(options.devices, options.shard);
  return Array.from({ length: end - first }, (_, i) => first + i);
}

function keepSlowest(slowest: DeviceStory[], s: DeviceStory): void {
  if (s.totalMs === null) return;
  if (slowest.length >= SLOWEST_KEPT && s.totalMs <= slowest[slowest.length - 1]!.totalMs!) return;
  slowest.push(s);
  slowest.sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0));
  slowest.length = Math.min(slowest.length, SLOWEST_KEPT);
}

/**
 * Waits for the ramp's start times. Every lane may be waiting at once (64 by default), so one
 * listener on the stop signal wakes them all: a listener per wait made Node warn of a leak on
 * stderr past ten. A wait that ends leaves nothing behind; `close` removes the listener.
 */
function rampWaits(signal: AbortSignal | undefined): { until(at: number): Promise<void>; close(): void } {
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiting) wake();
  };
  signal?.addEventListener("abort", wakeAll, { once: true });
  return {
    /** Resolves at `at` (performance.now() time), or as soon as the signal aborts. */
    until(at) {
      const ms = at - performance.now();
      if (ms <= 0 || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          timer.clear();
          waiting.delete(done);
          resolve();
        };
        // Not setTimeout: a start months into a long ramp is past its 24.8-day limit.
        const timer = setLongTimeout(done, ms);
        waiting.add(done);
      });
    },
    close: () => signal?.removeEventListener("abort", wakeAll),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

