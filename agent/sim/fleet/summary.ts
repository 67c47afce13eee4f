/**
 * The fleet summary: what `fleet --json` prints and `merge-reports` reads (DESIGN.md "CLI",
 * contract; JSON Schema in schemas/fleet-summary.schema.json). Times are milliseconds.
 * `phases` are wall-clock latencies, `phasesDeviceTime` the same phases on the devices' clocks;
 * `histograms` carries both as HdrHistogram compressed base64, so shards merge exactly.
 */
import { counted } from "../../protocol/counted.js";
import { packageVersion, toolBuild } from "../../protocol/version.js";
import type { Percentiles } from "./histograms.js";
import type { Phase } from "./phases.js";

export const FLEET_FORMAT = "aosp-sim-fleet/1";

export interface DeviceStory {
  index: number;
  serialNumber: string;
  /** The failure code ("wifiAuthFailed"), or null for a device that enrolled. */
  reason: string | null;
  finalState: string;
  /** QR scan to the end of the first check-in, wall clock (null when it never got there). */
  totalMs: number | null;
  /** The faults that struck it, as `--fault` spells them. */
  faults: string[];
  /** The faults at a state (power-loss@STATE, clock-skew@STATE) drawn for it whose state it never entered; absent when none. */
  faultsNotStruck?: string[];
  /** Re-runs this device alone: same identity, same faults. */
  rerun: string;
  /** The last lines of its timeline. */
  timeline: string[];
}

export interface FleetSummary {
  format: typeof FLEET_FORMAT;
  devices: number;
  enrolled: number;
  failed: number;
  failedByReason: Record<string, number>;
  /** Devices enrolled (through their first check-in) per second of the run (`runSeconds`; DESIGN.md). */
  devicesPerSecond: number;
  /** The whole command: the embedded service's start and the tenant's set-up, then the run. */
  wallSeconds: number;
  /**
   * The run: the first device's start to the last device's end, without the set-up; the rates
   * are over these seconds. After a merge, the longest shard's. Absent in earlier summaries.
   */
  runSeconds?: number;
  /** Threads that ran devices, the main thread included (absent in summaries from before threads). */
  deviceThreads?: number;
  /**
   * The aosp-sim that ran the devices: its version and its build (a digest of its code, since the
   * version is not bumped for every build). merge-reports merges only shards of one build; the
   * merged summary carries theirs. Absent in summaries of earlier builds.
   */
  tool?: FleetTool;
  /**
   * Devices in flight at once in this run (--concurrency), and the wall time their starts were
   * spread over (--ramp, ms): the load the latencies were measured under. A merge keeps them when
   * every shard ran with the same (and warns when not). Absent in summaries of earlier builds.
   */
  concurrency?: number;
  rampMs?: number;
  phases: Partial<Record<Phase, Percentiles>>;
  phasesDeviceTime: Partial<Record<Phase, Percentiles>>;
  http: {
    requests: number;
    errors: number;
    requestsPerSecond: number;
    byRoute: Record<string, { requests: number; errors: number }>;
  };
  peakRssBytes: number;
  seed: number;
  /** The whole fleet's size (all shards). */
  fleetDevices: number;
  /**
   * Present (true) when the run was stopped (Ctrl-C, SIGTERM, --abort-on-fail) before all its
   * devices ran, or while devices lived their --life: the devices in flight finished enrolling, no
   * more started, lives ended at the stop, and `devices` counts those that ran.
   */
  interrupted?: true;
  /** The shards this summary covers ("0/4", or several after a merge). */
  shards: string[];
  /**
   * Present for a run limited to some devices (`--only`, runFleet's `only`): their fleet indexes,
   * ascending, each once (after a merge of such runs, all of theirs). `shards` then names the
   * shard they were taken from, not the devices that ran.
   */
  only?: number[];
  /** Simulated time each enrolled device lived after enrolling (--life), or 0. */
  lifeMs: number;
  /** Check-ins made by all devices (first check-in and --life). */
  checkIns: number;
  /**
   * With --life: check-ins that failed during the devices' lives (a device with three failed in a
   * row at its life's end failed it, as stoppedCheckingIn). Absent without --life, and from
   * summaries written before it was counted.
   */
  checkInsFailed?: number;
  faults: { spec: string; rate: number; devices: number }[];
  service: { url: string; runs: string };
  /**
   * Devices that enrolled (their first check-in done) or failed, by the second of the run they did
   * it in (index = seconds since the first device started); a --life lived after is not counted.
   */
  timelineBySecond: { enrolled: number; failed: number }[];
  /** The first failed devices (by index), with their timelines. */
  failures: DeviceStory[];
  /** The slowest enrolled devices, with their timelines. */
  slowest: DeviceStory[];
  histograms: { wall: Partial<Record<Phase, string>>; device: Partial<Record<Phase, string>> };
  /**
   * Present in the JSON printed by a run given thresholds (`--threshold`, fleet or merge-reports):
   * each as written, whether it held, the figure it was checked against (in the threshold's
   * terms: ms, a count, a share in %, devices/s or bytes; null when there was none) and that
   * figure as the text summary says it. A merge checks its own thresholds, not the shards'.
   */
  thresholds?: ThresholdOutcome[];
}

export interface FleetTool {
  name: "aosp-sim";
  version: string;
  build: string;
}

/** The aosp-sim that runs now, as a summary names it. */
export function thisTool(): FleetTool {
  return { name: "aosp-sim", version: packageVersion(), build: toolBuild() };
}

/** A summary's tool in words: "aosp-sim 0.1.0 (build 3f2a9c1d0b7e)", or what a summary of an earlier build says of it. */
export function toolNamed(tool: FleetTool | undefined): string {
  return tool === undefined ? "an earlier aosp-sim, whose summaries name no version" : `${tool.name} ${tool.version} (build ${tool.build})`;
}

export interface ThresholdOutcome {
  expression: string;
  passed: boolean;
  value: number | null;
  figure: string;
}

/**
 * One device's result, kept for every device of the run (for the JUnit report, not in the summary):
 * failed devices carry their last timeline lines, the TIMELINES_KEPT of lowest index.
 */
export interface DeviceRecord {
  index: number;
  serialNumber: string;
  reason: string | null;
  totalMs: number | null;
  /** Wall milliseconds from its start until it enrolled or failed (absent from callers that built records before). */
  ranMs?: number;
  /** The faults that struck it, as `--fault` spells them; absent when none did. */
  faults?: string[];
  /** As DeviceStory's: drawn for it, at a state it never entered. */
  faultsNotStruck?: string[];
  rerun: string;
  timeline: string[] | null;
  /**
   * The fleet was stopped while the device lived its --life: how long it had lived on its clock,
   * and its check-ins then (its first included). Absent for a life lived to its end.
   */
  lifeCut?: { livedMs: number; checkIns: number };
}

/** What a failed device's reason says in a report: the reason, and the faults injected into it. */
export function failureLine(device: { reason: string | null; faults?: readonly string[] | undefined; faultsNotStruck?: readonly string[] | undefined }): string {
  const faults = device.faults ?? [];
  const notStruck = device.faultsNotStruck ?? [];
  const said = [
    ...(faults.length > 0 ? [`faults injected: ${faults.join(", ")}`] : []),
    // Drawn for it, and left in its re-run command: said, so the fault is not taken for the cause.
    ...(notStruck.length > 0 ? [`never struck, its state not reached: ${notStruck.join(", ")}`] : []),
  ];
  return `${device.reason ?? "enrolled"}${said.length > 0 ? ` (${said.join("; ")})` : ""}`;
}

/** The statistics the reports show of each phase, on either clock (the DESIGN.md contract's four). */
export const PHASE_STATS = ["p50", "p95", "p99", "max"] as const;

/** The summary's routes with their counts, the routes with errors first: which route failed is what a report is read for. */
export function routesFailingFirst(s: Pick<FleetSummary, "http">): [route: string, counts: { requests: number; errors: number }][] {
  return Object.entries(s.http.byRoute).sort((a, b) => b[1].errors - a[1].errors || b[1].requests - a[1].requests || a[0].localeCompare(b[0]));
}

/**
 * A device ends its --life out of touch when this many of its last check-ins failed in a row (a
 * service that stopped answering, or refused it): it failed its life, and the fleet with it. One
 * or two in a row (a service's brief outage, a chaos setting) it recovers from, and those are
 * only counted (`checkInsFailed`).
 */
export const LIFE_CHECK_INS_FAILING = 3;
/** The reason of a device that ended its --life out of touch. */
export const STOPPED_CHECKING_IN = "stoppedCheckingIn";

export const TIMELINES_KEPT = 500;

/** How many failed and slowest devices a summary keeps with their timelines. */
export const STORIES_KEPT = 10;
export const SLOWEST_KEPT = 5;

/**
 * The part of the fleet a summary covers, as its reports name it: its shards ("shard 0/1",
 * "shards 0/2, 1/2"), or the devices an --only run was limited to ("device 3", "devices 3 to 5, 9"),
 * whichever shard they were taken from.
 */
export function partNamed(s: Pick<FleetSummary, "shards" | "only">): string {
  if (s.only !== undefined) return `${s.only.length === 1 ? "device" : "devices"} ${rangesInWords(indexRanges([...s.only].sort((a, b) => a - b)))}`;
  return `${s.shards.length > 1 ? "shards" : "shard"} ${shardsInWords(s.shards)}`;
}

/**
 * Shards ("0/2", "1/2") in words: each one up to RANGES_LISTED of them ("0/2, 1/2"); more, as
 * index ranges per split ("0 to 49999 of 50000"): a merge of 50,000 shards named every one (a
 * 600 KB line in its text report, and as long a JUnit suite name and HTML heading).
 */
export function shardsInWords(shards: readonly string[]): string {
  if (shards.length <= RANGES_LISTED) return shards.join(", ");
  const bySplit = new Map<number, number[]>();
  for (const shard of shards) {
    const [index, count] = shard.split("/").map(Number) as [number, number];
    const indexes = bySplit.get(count) ?? [];
    indexes.push(index);
    bySplit.set(count, indexes);
  }
  return [...bySplit]
    .sort(([a], [b]) => a - b)
    .map(([count, indexes]) => `${rangesInWords(indexRanges([...new Set(indexes)].sort((a, b) => a - b)))} of ${count}`)
    .join("; ");
}

/**
 * The most ranges a line lists (a merge's missing shards or devices, an --only run's devices):
 * one shard's report of 100,000 listed the other 99,999 in full (a 1.4 MB line on stderr, and as
 * long a JUnit failure message).
 */
export const RANGES_LISTED = 10;

/** Index ranges in words, the first RANGES_LISTED of them: "0 to 99998", "1, 3", "3, 4", "0, 2, ..., 18 and 40 more". */
export function rangesInWords(ranges: readonly { first: number; last: number }[]): string {
  const words = ranges.slice(0, RANGES_LISTED).map((r) => (r.first === r.last ? `${r.first}` : r.last === r.first + 1 ? `${r.first}, ${r.last}` : `${r.first} to ${r.last}`));
  const more = ranges.length - words.length;
  return more > 0 ? `${words.join(", ")} and ${more} more` : words.join(", ");
}

/** Ascending, distinct indexes as runs of consecutive ones: [3, 4, 5, 9] is 3 to 5 and 9. */
function indexRanges(indexes: readonly number[]): { first: number; last: number }[] {
  const ranges: { first: number; last: number }[] = [];
  for (const index of indexes) {
    const last = ranges.at(-1);
    if (last && index === last.last + 1) last.last = index;
    else ranges.push({ first: index, last: index });
  }
  return ranges;
}

/** What ran in a stopped run: `stopped` when the caller says it better (a merge: which shards), else the count. */
export function devicesRan(s: Pick<FleetSummary, "devices">, stopped: string | null = null): string {
  return stopped ?? counted(s.devices, "device") + " ran";
}

/** What a stopped run's figures cover, for the text and HTML reports. */
export function interruptedNote(s: Pick<FleetSummary, "lifeMs">): string {
  return s.lifeMs > 0
    ? "no more devices were started, and the devices living their --life stopped early; the figures cover what ran"
    : "no more devices were started; the figures cover the devices that ran";
}
