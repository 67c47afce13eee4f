/**
 * `merge-reports`: shard summaries of one fleet combined into one. Counts add up, percentiles are
 * recomputed from the merged HdrHistograms, wall time is the longest shard's (shards run side by
 * side), devices per second and HTTP rates add up, peak RSS is the largest single process's.
 */
import { formatDuration, formatDurationExactly } from "../../device/duration.js";
import { counted } from "../../protocol/counted.js";
import { InputError } from "../../protocol/errors.js";
import { inDrawOrder } from "./fault-rates.js";
import { checkPartsArgument, checkSummaryArgument } from "./argument-checks.js";
import { PhaseHistograms } from "./histograms.js";
import { byFleetOrder, shardRange, summaryShard } from "./plan.js";
import { fleetRerunCommand } from "./rerun.js";
import { FLEET_FORMAT, partNamed, rangesInWords, SLOWEST_KEPT, STORIES_KEPT, toolNamed, type FleetSummary } from "./summary.js";

/** What mergeSummaries takes, as its refusals say it. */
const MERGE_INPUT = "mergeSummaries takes [{ file, summary }, ...]: each summary (runFleet's, or readFleetSummary(file)) with the name of the file it came from";

/**
 * Shard summaries of one fleet as one, each given with its file (`file` names it in the errors:
 * "shard-1.json: is another fleet ..."). A library caller who passes the summaries alone gets an
 * InputError naming the shape, not a TypeError from inside the merge.
 */
export function mergeSummaries(parts: readonly { file: string; summary: FleetSummary }[]): FleetSummary {
  refuseOtherInput(parts);
  const first = parts[0];
  if (!first) throw new InputError("has no reports to merge", { where: "mergeSummaries", hint: "give each shard's summary with its file, e.g. mergeSummaries([{ file: \"shard-0.json\", summary: readFleetSummary(\"shard-0.json\") }])" });
  for (const { file, summary } of parts) {
    if (summary.seed !== first.summary.seed || summary.fleetDevices !== first.summary.fleetDevices) {
      throw new InputError(`is another fleet (seed ${summary.seed}, ${summary.fleetDevices} devices) than ${first.file} (seed ${first.summary.seed}, ${first.summary.fleetDevices} devices)`, {
        where: file,
        // A shard run without --seed picks a random one: the likeliest cause of two seeds.
        hint: `merge the shards of one run: the same --devices and --seed${summary.seed !== first.summary.seed ? " (a shard run without --seed picks its own: give every shard the same --seed)" : ""}`,
      });
    }
    // The same devices with other faults or another life are another experiment: their figures do not add up.
    const how = runOf(summary);
    const firstHow = runOf(first.summary);
    if (how !== firstHow) {
      throw new InputError(`ran its devices otherwise (${how}) than ${first.file} (${firstHow})`, {
        where: file,
        hint: "merge the shards of one run: the same --fault and --life options on every shard",
      });
    }
  }
  refuseOtherBuilds(parts);
  refuseOtherServices(parts);
  const reruns = refuseMixedReruns(parts);
  if (reruns) refuseRerunOverlaps(parts);
  else refuseOverlaps(parts);
  const wall = new PhaseHistograms();
  const device = new PhaseHistograms();
  const sum = (f: (s: FleetSummary) => number) => parts.reduce((n, p) => n + f(p.summary), 0);
  const failedByReason: Record<string, number> = {};
  const byRoute: FleetSummary["http"]["byRoute"] = {};
  const bySecond: FleetSummary["timelineBySecond"] = [];
  const faults = new Map<string, { spec: string; rate: number; devices: number }>();
  for (const { summary } of parts) {
    wall.addEncoded(summary.histograms.wall);
    wall.addMaxima(summary.phases);
    device.addEncoded(summary.histograms.device);
    device.addMaxima(summary.phasesDeviceTime);
    for (const [reason, n] of Object.entries(summary.failedByReason)) failedByReason[reason] = (failedByReason[reason] ?? 0) + n;
    for (const [route, r] of Object.entries(summary.http.byRoute)) {
      const e = (byRoute[route] ??= { requests: 0, errors: 0 });
      e.requests += r.requests;
      e.errors += r.errors;
    }
    summary.timelineBySecond.forEach((b, i) => {
      const e = (bySecond[i] ??= { enrolled: 0, failed: 0 });
      e.enrolled += b.enrolled;
      e.failed += b.failed;
    });
    for (const f of summary.faults) {
      const e = faults.get(f.spec) ?? { ...f, devices: 0 };
      e.devices += f.devices;
      faults.set(f.spec, e);
    }
  }
  // A device's re-run command is written again from the figures every shard agrees on (checked
  // above): a shard file's own text, shown as the command to run, could be any command at all.
  // A shard that ran no device (stopped before its first, or by an earlier version, one of more shards than devices) talked to no service.
  const service = (parts.find((p) => p.summary.devices > 0) ?? first).summary.service;
  const fleet = { devices: first.summary.fleetDevices, seed: first.summary.seed, faults: first.summary.faults.map((f) => `${f.spec}=${f.rate}`), lifeMs: first.summary.lifeMs, ...(service.runs === "external" ? { serviceUrl: service.url } : {}) };
  const stories = (pick: (s: FleetSummary) => FleetSummary["failures"]) => parts.flatMap((p) => pick(p.summary)).map((story) => ({ ...story, rerun: fleetRerunCommand(fleet, story.index) }));
  return {
    format: FLEET_FORMAT,
    devices: sum((s) => s.devices),
    enrolled: sum((s) => s.enrolled),
    failed: sum((s) => s.failed),
    failedByReason,
    // Kept to the thousandth each shard keeps: thresholds on `rate` are judged on this sum.
    devicesPerSecond: Math.round(sum((s) => s.devicesPerSecond) * 1000) / 1000,
    wallSeconds: Math.max(...parts.map((p) => p.summary.wallSeconds)),
    ...(parts.every((p) => p.summary.runSeconds !== undefined) ? { runSeconds: Math.max(...parts.map((p) => p.summary.runSeconds ?? 0)) } : {}),
    ...(parts.every((p) => p.summary.deviceThreads !== undefined) ? { deviceThreads: sum((s) => s.deviceThreads ?? 0) } : {}),
    // One build (refused above otherwise); summaries of earlier builds name none.
    ...(first.summary.tool ? { tool: first.summary.tool } : {}),
    // The load each shard ran under, when they all ran under the same (differingLoads says when not).
    ...common(parts, "concurrency"),
    ...common(parts, "rampMs"),
    phases: wall.percentiles(),
    phasesDeviceTime: device.percentiles(),
    http: {
      requests: sum((s) => s.http.requests),
      errors: sum((s) => s.http.errors),
      requestsPerSecond: round(sum((s) => s.http.requestsPerSecond)),
      byRoute,
    },
    peakRssBytes: Math.max(...parts.map((p) => p.summary.peakRssBytes)),
    seed: first.summary.seed,
    fleetDevices: first.summary.fleetDevices,
    ...(parts.some((p) => p.summary.interrupted) ? { interrupted: true as const } : {}),
    // --only re-runs taken from one shard (or none: 0/1) name it once.
    shards: [...new Map(parts.flatMap((p) => p.summary.shards.map((shard) => [shard, p.file] as const))).entries()]
      .map(([shard, file]) => ({ shard, at: summaryShard(shard, file) }))
      .sort((a, b) => byFleetOrder(a.at, b.at))
      .map((s) => s.shard),
    ...(reruns ? { only: parts.flatMap((p) => p.summary.only!).sort((a, b) => a - b) } : {}),
    lifeMs: first.summary.lifeMs,
    checkIns: sum((s) => s.checkIns),
    ...(parts.some((p) => p.summary.checkInsFailed !== undefined) ? { checkInsFailed: sum((s) => s.checkInsFailed ?? 0) } : {}),
    faults: [...faults.values()],
    service,
    timelineBySecond: bySecond,
    failures: stories((s) => s.failures).sort((a, b) => a.index - b.index).slice(0, STORIES_KEPT),
    slowest: stories((s) => s.slowest).sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0)).slice(0, SLOWEST_KEPT),
    histograms: { wall: wall.encode(), device: device.encode() },
  };
}

/** `{ [key]: value }` when every part's summary has the same value there, else `{}`. */
function common<K extends "concurrency" | "rampMs">(parts: readonly { summary: FleetSummary }[], key: K): Partial<Pick<FleetSummary, K>> {
  const values = new Set(parts.map((p) => p.summary[key]));
  const [value] = values;
  return values.size === 1 && value !== undefined ? ({ [key]: value } as Partial<Pick<FleetSummary, K>>) : {};
}

/**
 * Shards written by different builds of aosp-sim are refused: their devices ran other code (a
 * fix, a new fault, another service), so their figures are not one fleet's. The Kubernetes Job's
 * pods run `aosp-sim:latest` as each node holds it, so a rebuilt image on one node and an old one
 * on another ran one fleet's shards with two builds, and the merge said nothing. A summary of an
 * earlier build names none, and is another build than one that does.
 */
function refuseOtherBuilds(parts: readonly { file: string; summary: FleetSummary }[]): void {
  const [first] = parts;
  const key = (s: FleetSummary) => (s.tool === undefined ? "" : `${s.tool.name} ${s.tool.version} ${s.tool.build}`);
  const other = parts.find((p) => key(p.summary) !== key(first!.summary));
  if (other === undefined) return;
  throw new InputError(`was written by ${toolNamed(other.summary.tool)}, and ${first!.file} by ${toolNamed(first!.summary.tool)}: their devices ran different code`, {
    where: other.file,
    hint: "run every shard of a fleet with the same build of aosp-sim (the same image on every node: a pushed tag or digest, not a :latest each node holds its own of), then merge",
  });
}

/**
 * The load settings the shards differ in, each in words (`shard-1.json ran --concurrency 8, and
 * shard-0.json --concurrency 64`), or none: such shards are one fleet (the same devices, faults
 * and outcomes), but their latencies and rates were measured under other loads, so the merged
 * percentiles mix them. merge-reports says each on stderr; the merged summary leaves the setting out.
 */
export function differingLoads(parts: readonly { file: string; summary: FleetSummary }[]): string[] {
  checkPartsArgument("differingLoads", parts);
  const settings: { said: (s: FleetSummary) => string | undefined }[] = [
    { said: (s) => (s.concurrency === undefined ? undefined : `--concurrency ${s.concurrency}`) },
    { said: (s) => (s.rampMs === undefined ? undefined : s.rampMs > 0 ? `--ramp ${formatDurationExactly(s.rampMs)}` : "no --ramp") },
    // Where each shard's own embedded service ran (--embedded: "worker thread", "this thread"); a running one is compared by refuseOtherServices.
    { said: (s) => (s.devices === 0 || s.service.runs === "external" ? undefined : `its embedded service on ${s.service.runs === "this thread" ? "the devices' thread (--embedded inline)" : `a ${s.service.runs}`}`) },
  ];
  const lines: string[] = [];
  for (const { said } of settings) {
    const known = parts.flatMap((p) => {
      const text = said(p.summary);
      return text === undefined ? [] : [{ file: p.file, text }];
    });
    const [first] = known;
    const other = known.find((k) => k.text !== first!.text);
    if (other !== undefined) lines.push(`${other.file} ran ${other.text}, and ${first!.file} ${first!.text}`);
  }
  return lines;
}

/** Refuses what is not a list of { file, summary } (summaries alone: before, "Cannot read properties of undefined (reading 'seed')"). */
function refuseOtherInput(parts: unknown): void {
  const hint = "e.g. mergeSummaries(files.map((file) => ({ file, summary: readFleetSummary(file) }))), or runs.map((run, i) => ({ file: `shard-${i}`, summary: run.summary }))";
  if (!Array.isArray(parts)) throw new InputError(`is given ${what(parts)}: ${MERGE_INPUT}`, { where: "mergeSummaries", hint });
  parts.forEach((part: unknown, i) => {
    const p = part as { file?: unknown; summary?: unknown; format?: unknown } | null;
    const summary = p?.summary as { format?: unknown } | null | undefined;
    const problem =
      typeof p !== "object" || p === null
        ? `is ${what(p)}`
        : p.format === FLEET_FORMAT
          ? "is a fleet summary alone, where { file, summary } is wanted"
          : typeof p.file !== "string"
            ? `has no file (a string naming where its summary came from), but ${what(p.file)}`
            : typeof summary !== "object" || summary === null || summary.format !== FLEET_FORMAT
              ? `its summary is not a fleet summary (format "${FLEET_FORMAT}"), but ${what(summary)}`
              : null;
    if (problem !== null) throw new InputError(`${problem}: ${MERGE_INPUT}`, { where: `mergeSummaries parts[${i}]`, hint });
  });
}

/** A value a caller gave, in words: "undefined", "a string", "an object with keys a, b". */
function what(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty object" : `an object with ${keys.length > 5 ? `keys ${keys.slice(0, 5).join(", ")}, ...` : `keys ${keys.join(", ")}`}`;
  }
  return `${/^[aeiou]/.test(typeof value) ? "an" : "a"} ${typeof value}`;
}

/**
 * Shards against another service are another experiment too: one fleet's shards all drive one
 * running service (--service, the same URL), or each its own embedded one. A shard that ran no
 * device (stopped before its first) talked to no service and is not compared.
 */
function refuseOtherServices(parts: readonly { file: string; summary: FleetSummary }[]): void {
  const ran = parts.filter((p) => p.summary.devices > 0);
  const said = (s: FleetSummary) => (s.service.runs === "external" ? `the running service at ${s.service.url}` : `its own embedded service (${s.service.runs})`);
  const [first] = ran;
  for (const { file, summary } of ran.slice(1)) {
    const external = summary.service.runs === "external";
    const same = external === (first!.summary.service.runs === "external") && (!external || summary.service.url === first!.summary.service.url);
    if (!same) {
      throw new InputError(`ran against ${said(summary)}, ${first!.file} against ${said(first!.summary)}`, {
        where: file,
        hint: "merge the shards of one run: every shard against the same --service URL, or each against its own embedded service",
      });
    }
  }
}

/**
 * Summaries of --only runs (a summary with `only`) merge with each other, as the devices they
 * name, never with a shard's: a re-run of device 3 beside shard 0/2, which holds it too, would
 * count it twice, and beside another shard it would not make that shard's devices whole. True
 * when every part is such a re-run.
 */
function refuseMixedReruns(parts: readonly { file: string; summary: FleetSummary }[]): boolean {
  const rerun = parts.find((p) => p.summary.only !== undefined);
  const shard = parts.find((p) => p.summary.only === undefined);
  if (rerun === undefined) return false;
  if (shard === undefined) return true;
  const [later, earlier] = parts.indexOf(rerun) > parts.indexOf(shard) ? [rerun, shard] : [shard, rerun];
  const said = (p: { file: string; summary: FleetSummary }) => (p === rerun ? `ran only ${partNamed(p.summary)} (--only)` : `ran ${partNamed(p.summary)}`);
  throw new InputError(`${said(later)}, and ${earlier.file} ${said(earlier)}: a re-run of some devices does not merge with a shard`, {
    where: later.file,
    hint: "merge a fleet's shards together, and its --only re-runs together",
  });
}

/** Refuses two --only re-runs of one device (the same file twice, or two files). */
function refuseRerunOverlaps(parts: readonly { file: string; summary: FleetSummary }[]): void {
  const seen = new Map<number, string>();
  for (const { file, summary } of parts) {
    for (const index of summary.only!) {
      const other = seen.get(index);
      if (other !== undefined) {
        const what = other === file ? `is given twice (it holds device ${index})` : `holds device ${index}, which ${other} holds too`;
        throw new InputError(what, { where: file, hint: "give each device's re-run once" });
      }
      seen.set(index, file);
    }
  }
}

/** A shard a summary holds, its devices (first to end-1), and where it stands in the order given (the files', then each file's shards'). */
interface HeldShard {
  shard: string;
  file: string;
  first: number;
  end: number;
  given: number;
}

/**
 * Refuses two reports of the same devices: the same shard twice, or shards of different splits
 * that share devices (0/2 holds 0/4's devices), which would count those devices twice. Refused
 * as when every shard given was compared with each given before it (5.9 s for 50,000 shards in
 * one file): the shards before the first one given again are all different shards, so that one
 * is refused unless some of those already share devices; then two that do are named (the same
 * two when only two do; of more, the two found first in the fleet's order of devices).
 */
function refuseOverlaps(parts: readonly { file: string; summary: FleetSummary }[]): void {
  const held: HeldShard[] = [];
  let doesNotExist: unknown;
  try {
    for (const { file, summary } of parts) {
      for (const shard of summary.shards) held.push({ shard, file, ...shardRange(summary.fleetDevices, summaryShard(shard, file)), given: held.length });
    }
  } catch (error) {
    // A shard that does not exist is refused after the shards given before it, as it was.
    doesNotExist = error;
  }
  const twice = firstGivenTwice(held);
  const refusal = sharedDevices(twice === undefined ? held : held.slice(0, twice.given)) ?? twice?.refusal;
  if (refusal !== undefined) throw refusal;
  if (doesNotExist !== undefined) throw doesNotExist;
}

/** The first shard given that was given before, with its refusal naming the file that held it first. */
function firstGivenTwice(held: readonly HeldShard[]): { given: number; refusal: InputError } | undefined {
  const firstHeld = new Map<string, HeldShard>();
  for (const later of held) {
    const earlier = firstHeld.get(later.shard);
    if (earlier === undefined) {
      firstHeld.set(later.shard, later);
      continue;
    }
    // The same file named twice (a shell glob and a name, say) is said as such.
    const what = earlier.file === later.file ? `is given twice (it holds shard ${later.shard})` : `holds shard ${later.shard}, which ${earlier.file} holds too`;
    return { given: later.given, refusal: new InputError(what, { where: later.file, hint: "give each shard's report once" }) };
  }
  return undefined;
}

/**
 * Two shards of `held` that share devices, said at the one given later, or undefined: sorted by
 * their first device, each is compared with the one before it whose devices reach furthest, which
 * shares devices with it if any shard before it does. O(n log n) where every pair was O(n²).
 */
function sharedDevices(held: readonly HeldShard[]): InputError | undefined {
  const byFirst = [...held].sort((a, b) => a.first - b.first || a.end - b.end || a.given - b.given);
  let reach: HeldShard | undefined;
  for (const shard of byFirst) {
    // The test of before, kept as it was (a shard of no devices strictly inside another's counts).
    if (reach !== undefined && shard.first < reach.end && reach.first < shard.end) {
      const [earlier, later] = reach.given < shard.given ? [reach, shard] : [shard, reach];
      return new InputError(
        `holds shard ${later.shard} (devices ${later.first} to ${later.end - 1}), which shares devices with shard ${earlier.shard} in ${earlier.file} (devices ${earlier.first} to ${earlier.end - 1})`,
        { where: later.file, hint: "merge the shards of one split (0/n to n-1/n, the same n)" },
      );
    }
    if (reach === undefined || shard.end > reach.end) reach = shard;
  }
  return undefined;
}

/**
 * Why a merged summary is not the whole fleet (or not every device re-run), in words, or null
 * when every device ran: a shard whose report is missing (its job failed, its file was not
 * collected) or a shard stopped part-way must not pass a CI gate on the devices the others ran.
 * A library gate needs only this; `interruptedShards(parts)` names which shards were stopped.
 */
export function missingFromFleet(s: FleetSummary): string | null {
  checkSummaryArgument("missingFromFleet", s);
  return missingShards(s) ?? stoppedShort(s);
}

/** A merge that is short because a shard was stopped part-way (its summary says `interrupted`), in words. */
function stoppedShort(s: FleetSummary): string | null {
  const whole = s.only?.length ?? s.fleetDevices;
  if (!s.interrupted || s.devices >= whole) return null;
  const of = s.only ? `the ${whole} devices re-run` : `the fleet's ${whole} devices`;
  return `these reports hold ${s.devices} of ${of}: a shard was stopped part-way; the figures cover only them`;
}

/**
 * The shards a merged summary has no report of, in words, or null: `merge-reports` says a shard
 * stopped part-way apart (interruptedShards), so a stop is not said twice; a missing shard is
 * named all the same.
 */
export function missingShards(s: FleetSummary): string | null {
  // --only re-runs are whole when each ran its devices: they never claimed the rest of the fleet.
  if (s.only !== undefined) return s.devices >= s.only.length || s.interrupted ? null : `these reports hold ${s.devices} of the ${s.only.length} devices re-run (${partNamed(s)})`;
  if (s.devices >= s.fleetDevices) return null;
  const held = s.shards.map((shard) => summaryShard(shard));
  const counts = new Set(held.map((shard) => shard.count));
  const [count] = counts;
  // One split: the shards missing, by index. Shards of several splits (0/4 and 1/2): the devices none holds.
  const oneSplit = counts.size === 1 && count !== undefined;
  const missing = oneSplit ? notCovered(held.map((shard) => ({ first: shard.index, end: shard.index + 1 })), count) : notCovered(held.map((shard) => shardRange(s.fleetDevices, shard)), s.fleetDevices);
  if (missing.length === 0 && s.interrupted) return null;
  const which =
    missing.length === 0
      ? ""
      : !oneSplit
        ? `: no report of devices ${rangesInWords(missing)}`
        : missing.length === 1 && missing[0]!.first === missing[0]!.last
          ? `: no report of shard ${missing[0]!.first}/${count}`
          : `: no report of shards ${rangesInWords(missing)} of ${count}`;
  return `these reports hold ${s.devices} of the fleet's ${s.fleetDevices} devices${which}; the figures cover only them`;
}

/** The index ranges of 0..total-1 that none of `blocks` (each first..end-1) covers, first and last included. */
function notCovered(blocks: readonly { first: number; end: number }[], total: number): { first: number; last: number }[] {
  const gaps: { first: number; last: number }[] = [];
  let next = 0;
  for (const { first, end } of [...blocks].sort((a, b) => a.first - b.first).concat({ first: total, end: total })) {
    if (first > next) gaps.push({ first: next, last: first - 1 });
    next = Math.max(next, end);
  }
  return gaps;
}

/** How a shard ran its devices: its faults and its life, in words. */
function runOf(s: FleetSummary): string {
  // In the order devices draw for them: the same faults given in another order are the same fleet.
  const faults = inDrawOrder(s.faults).map((f) => `${f.spec}=${f.rate}`);
  return `${faults.length > 0 ? `--fault ${faults.join(" --fault ")}` : "no faults"}, ${s.lifeMs > 0 ? `--life ${formatDuration(s.lifeMs)}` : "no --life"}`;
}


function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * The shards of a merge that were stopped part-way (their summaries say `interrupted`), each with
 * its file and how many devices it ran, or null: what `merge-reports` puts in its reports
 * (`mergedJunitXml(merged, results, missingFromFleet(merged), interruptedShards(parts))`).
 */
export function interruptedShards(parts: readonly { file: string; summary: FleetSummary }[]): string | null {
  checkPartsArgument("interruptedShards", parts);
  const stopped = parts.filter((p) => p.summary.interrupted).map((p) => `${partNamed(p.summary)} (${p.file}) was stopped part-way: ${counted(p.summary.devices, "device")} ran`);
  return stopped.length > 0 ? stopped.join("; ") : null;
}
