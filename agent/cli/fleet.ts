/**
 * `aosp-sim fleet --devices N`: many devices enroll at once against the embedded mock service
 * (or --service), each to its first check-in (and through --life after). Prints a summary, writes
 * JUnit XML and an HTML report on request, and exits 1 when a --threshold is missed (or, without
 * thresholds, when a device failed). Shards (--shard i/n) split one fleet across machines.
 */
import { counted } from "../protocol/counted.js";
import type { Command } from "commander";
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { httpBaseUrl } from "../protocol/http-url.js";
import { randomSeed } from "../device/identity.js";
import { parseDuration, unitLeftOut } from "../device/duration.js";
import { spacesIn } from "../device/faults.js";
import { fleetJunitXml } from "../sim/fleet/report-junit.js";
import { FAULT_RATE_GRAMMAR, parseFaultRateOption, refuseRepeatedFaults } from "../sim/fleet/fault-rates.js";
import { emptyShardProblem, parseShard, shardRange } from "../sim/fleet/plan.js";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_DEVICES, MAX_LIFE_MS, MAX_RAMP_MS, MAX_SEED, runFleet } from "../sim/fleet/run-fleet.js";
import { fleetLeavesBehind } from "../sim/fleet/tenant.js";
import { missableEarly, missedAlready, parseThresholdOption, THRESHOLD_GRAMMAR } from "../sim/fleet/thresholds.js";
import { checkOutputFile, refuseUnwritable } from "../protocol/output-path.js";
import { checkReportPaths, finishFleet, htmlReportFile, junitReportFile, refuseUnmeetable, type ReportFile } from "./fleet-output.js";
import { progressView } from "./fleet-progress.js";
import { ADMIN_TOKEN_ENV, secretOption } from "./secret-env.js";
import { action, err, EXIT_FAILED, printError, printJson } from "./output.js";
import { fleetStoppedBeforeStart } from "./interrupted-notice.js";
import { gracefulStop } from "./graceful-stop.js";
import { checkRunningService, SERVICE_ANSWER_TIMEOUT_MS } from "../sim/service-check.js";
import { usableCores } from "../protocol/usable-cores.js";
import { maxDeviceThreads } from "../sim/fleet/device-threads.js";

interface FleetCliOptions {
  devices?: string;
  concurrency: string;
  ramp: string;
  seed?: string;
  shard: string;
  only: string[];
  fault: string[];
  life?: string;
  service?: string;
  adminToken?: string;
  /** Absent when not given (worker then): given with --service, it would be ignored. */
  embedded?: string;
  threads?: string;
  json?: boolean;
  junit?: string;
  report?: string;
  threshold: string[];
  abortOnFail?: boolean;
  progress: boolean;
  transcript?: string;
}

export function registerFleet(program: Command): void {
  program
    .command("fleet")
    .description(
      "Enroll a fleet of simulated devices at once (QR scan to first check-in), with faults at rates; " +
        "reports for CI (JSON, JUnit XML, HTML) and k6-style thresholds.",
    )
    .option("--devices <n>", "the fleet's size (all shards together)")
    // 64: as fast as 128 or 256 on two cores (README, Benchmarks, Fleet), and the embedded service
    // answers everyone else (GET /health) sooner with fewer requests queued before them.
    .option("--concurrency <n>", "devices in flight at once", String(DEFAULT_CONCURRENCY))
    .option("--ramp <duration>", "spread device starts over this long (e.g. 30s)", "0s")
    .option("--seed <n>", "fleet seed: device identities and fault draws follow from it (default: random; kept in the summary, and said as the run starts unless --no-progress)")
    .option("--shard <i/n>", "run shard i of n (0-based) of the fleet: devices floor(N*i/n) .. floor(N*(i+1)/n)-1", "0/1")
    .option("--only <index>", "run only this device of the fleet (repeatable): re-runs a failed device", collect, [])
    .option("--transcript <file>", "with one --only INDEX: record that device's run as a transcript (secrets redacted) for `aosp-sim show` and `aosp-sim replay`; a failed device's re-run command has both")
    .option("--fault <fault=rate>", `faults at rates (repeatable): ${FAULT_RATE_GRAMMAR}`, collect, [])
    .option("--life <duration>", "after enrolling, each device lives this long on its clock (check-ins, updates), e.g. 24h")
    .option("--service <url>", "drive a running service instead of the embedded one (needs --admin-token)")
    .option("--admin-token <token>", `the running service's admin token (aosp-sim serve prints it); with --service, ${ADMIN_TOKEN_ENV} when left out, which other users cannot see in ps`)
    .option("--embedded <where>", "where the embedded service runs: worker (a second thread, the default) or inline")
    .option("--threads <n>", "threads that run devices (default: one per core the process may use, a container's CPU limit included, less one for the embedded service, at least two on two cores)")
    .option("--json", "print the summary as one JSON document (schemas/fleet-summary.schema.json)")
    .option("--junit <file>", "write JUnit XML: one test case per device, and one per --threshold")
    .option("--report <file>", "write a self-contained HTML report with charts")
    .option("--threshold <expr>", `pass/fail criterion (repeatable), exit 1 when missed: ${THRESHOLD_GRAMMAR}`, collect, [])
    .option(
      "--abort-on-fail",
      "stop starting devices once a threshold on failed or enrolled devices can no longer be met (k6's abortOnFail); those in flight finish, exit 1. Needs a threshold the devices' outcomes can miss before the last one finishes (failed<1%, enrolled>=1990; not failed!=0 or failed<=100%)",
    )
    .option("--no-progress", "no progress bar or status lines on stderr (a stop's or --abort-on-fail's notice is still said)")
    .addHelpText(
      "after",
      `
Faults at rates: --fault service-5xx=0.05 --fault power-loss@downloadingAgent=1%
  (fault names and values as for \`aosp-sim enroll --fault\`; the devices struck follow from --seed)
Thresholds: failed<1%, enrolled>=99%, rate>100/s, p95.enroll<500ms, p(99.9).total<5s, device.p95.apps<10m, http.errors<1%, rss<1GB
Exit: 0 all thresholds met (without thresholds: every device enrolled), 1 otherwise, 2 usage.`,
    )
    .action(action(fleet));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function fleet(options: FleetCliOptions): Promise<number> {
  if (options.devices === undefined) throw new InputError("how many devices?", { where: "--devices", hint: "e.g. aosp-sim fleet --devices 100" });
  const devices = wholeNumber(options.devices, "--devices", 1, MAX_DEVICES, "a fleet has 1 or more devices, e.g. --devices 100");
  const concurrency = wholeNumber(options.concurrency, "--concurrency", 1, MAX_CONCURRENCY, "e.g. --concurrency 64");
  const rampMs = duration(options.ramp, "--ramp", "--ramp 30s (0s: no ramp)", { max: MAX_RAMP_MS, limit: "a week", of: "a fleet's device starts may be spread over", shorter: "--ramp 1h" });
  const seed = options.seed === undefined ? randomSeed() : wholeNumber(options.seed, "--seed", 0, MAX_SEED, `use a whole number from 0 to ${MAX_SEED}`);
  const shard = parseShard(options.shard);
  const empty = emptyShardProblem(devices, shard);
  if (empty) throw new InputError(empty.problem, { where: `--shard ${options.shard}`, hint: empty.hint });
  const { first, end } = shardRange(devices, shard);
  const onlyGiven = options.only.map((o) => {
    const index = wholeNumber(o, "--only", 0, devices - 1, `a device index from 0 to ${devices - 1}`);
    // It would run with another shard's profile; a re-run needs no --shard (its command has none).
    if (index < first || index >= end) {
      throw new InputError(`device ${index} is not in shard ${shard.index}/${shard.count}, which holds devices ${first} to ${end - 1}`, {
        where: `--only ${o}`,
        hint: "to re-run any device of the fleet, leave out --shard",
      });
    }
    return index;
  });
  const only = [...new Set(onlyGiven)];
  if (options.transcript !== undefined) checkTranscriptOption(options.transcript, only);
  // Checked now, before the service starts; runFleet reads them again as written.
  refuseRepeatedFaults(options.fault.map(parseFaultRateOption), options.fault);
  const lifeMs = options.life === undefined ? 0 : duration(options.life, "--life", "--life 24h", { max: MAX_LIFE_MS, limit: "ten years", of: "a fleet device may live", shorter: "--life 30d" });
  const total = only.length > 0 ? only.length : end - first;
  const thresholds = options.threshold.map(parseThresholdOption);
  refuseUnmeetable(thresholds, total);
  const decidable = thresholds.filter((t) => missableEarly(t, total));
  if (options.abortOnFail && decidable.length === 0) {
    throw new InputError(
      thresholds.length === 0
        ? "has no threshold to watch"
        : thresholds.length === 1
          ? `${thresholds[0]!.text} cannot be missed before the run ends`
          : `none of ${thresholds.map((t) => t.text).join(", ")} can be missed before the run ends`,
      {
        where: "--abort-on-fail",
        hint: "add a threshold on failed or enrolled devices that the devices' outcomes can miss before the last one finishes, e.g. --threshold 'failed<1%' (latencies and rates are known only at the end)",
      },
    );
  }
  const cores = usableCores();
  const threads =
    options.threads === undefined
      ? undefined
      : wholeNumber(options.threads, "--threads", 1, maxDeviceThreads(cores), `e.g. --threads ${Math.max(2, cores)} (1: devices on the main thread only; this machine lets the process use ${counted(cores, "core")})`);
  const embedded = options.embedded ?? "worker";
  if (embedded !== "worker" && embedded !== "inline") {
    throw new InputError(`unknown place "${embedded}"`, { where: "--embedded", hint: "use worker or inline" });
  }
  checkReportPaths({
    junit: options.junit,
    report: options.report,
    ...(options.transcript === undefined ? {} : { inputs: { files: [options.transcript], what: "--transcript file" } }),
  });
  let service: { url: string; adminToken: string } | undefined;
  // Where a refused token came from, as the refusal names it.
  let tokenWhere = "--admin-token";
  // Without --service the fleet starts its own service: a token meant for a running one would be
  // ignored, and a CI job that lost its --service would run green against the wrong service.
  if (options.adminToken !== undefined && options.service === undefined) {
    throw new InputError("is for a running service, and no --service was given", {
      where: "--admin-token",
      hint: "add --service URL (the service the token belongs to), or leave out --admin-token to run against the embedded service",
    });
  }
  if (options.service !== undefined && options.embedded !== undefined) {
    throw new InputError("places the embedded service, and --service drives a running one instead", {
      where: `--embedded ${options.embedded}`,
      hint: "leave out --embedded with --service, or --service to run against the embedded service",
    });
  }
  if (options.service !== undefined) {
    const url = httpBaseUrl(options.service, "--service");
    const adminToken = secretOption(options.adminToken, ADMIN_TOKEN_ENV);
    if (adminToken === undefined) {
      throw new InputError("a running service needs its admin token to set up the fleet's user and profile", {
        where: "--service",
        hint: `add --admin-token TOKEN (the first line \`aosp-sim serve\` prints), or give it in ${ADMIN_TOKEN_ENV}, out of sight of ps`,
      });
    }
    service = { url, adminToken: adminToken.value };
    if (adminToken.from === "environment") tokenWhere = ADMIN_TOKEN_ENV;
  }

  // A status line: --no-progress promises none (the seed is in the summary all the same). Said
  // before the running service is checked, which may take up to SERVICE_ANSWER_TIMEOUT_MS.
  if (options.progress) printError(err.dim(`fleet: ${counted(total, "device")} (seed ${seed}, shard ${shard.index}/${shard.count})`));
  // A seed picked here is this shard's alone: the other shards pick their own, so their devices
  // (identities, fault draws) are of other fleets, and merge-reports refuses them at the end.
  if (options.seed === undefined && shard.count > 1) {
    printError(
      `${err.yellow("aosp-sim: warning:")} fleet: --shard ${shard.index}/${shard.count} without --seed: this shard picked seed ${seed}, and each other shard picks its own, ` +
        `so their devices are other fleets' and merge-reports will refuse to merge them; give every shard the same --seed (e.g. --seed ${seed})`,
    );
  }
  let progress: ReturnType<typeof progressView> | null = null;
  // Notes go above the bar on a terminal (printed over it they were cut off, and left its tail behind).
  const say = (line: string) => (progress ? progress.note(line) : printError(line));
  let checking: string | null = null;
  const stop = gracefulStop(
    (signal) =>
      say(
        err.yellow(
          checking !== null
            ? `fleet: ${signal} while ${checking}: stopped before any device started`
            : `fleet: ${signal}: starting no more devices, finishing those in flight (${signal === "SIGINT" ? "Ctrl-C" : signal} again stops at once)`,
        ),
      ),
    () => progress?.stop(),
  );
  if (service) {
    checking = `checking the service at ${service.url}`;
    if (options.progress) printError(err.dim(`fleet: ${checking} (it has ${SERVICE_ANSWER_TIMEOUT_MS / 1000} s to answer)`));
    try {
      await checkRunningService(service.url, service.adminToken, { signal: stop.signal, tokenWhere });
    } catch (error) {
      const stopped = stop.exitCode();
      stop.dispose();
      if (stopped === null) throw error;
      // --json's one document still: no run, so no summary (a merge counts the shard as missing, with this).
      if (options.json) {
        printJson(fleetStoppedBeforeStart(stop.caught() ?? "a signal", `while ${checking}`, service.url, "run it again once the service answers (it had not within the wait)").document);
      }
      return stopped;
    }
    checking = null;
    // A running service keeps what the fleet makes: said before it makes it.
    if (options.progress) printError(err.dim(fleetLeavesBehind(seed)));
  }
  progress = options.progress ? progressView(total) : null;
  // --abort-on-fail stops the run as a first Ctrl-C does, when a threshold is missed already.
  const early = new AbortController();
  let run;
  try {
    run = await runFleet({
      devices,
      concurrency,
      rampMs,
      seed,
      shard,
      ...(only.length > 0 ? { only } : {}),
      ...(options.transcript === undefined ? {} : { transcript: options.transcript }),
      // As written: a failed device's re-run command (runFleet's) repeats them so.
      faults: options.fault,
      lifeMs,
      ...(service ? {} : { embedded }),
      ...(threads === undefined ? {} : { threads }),
      ...(service ? { service } : {}),
      onProgress: (p) => {
        progress?.update(p);
        if (!options.abortOnFail || early.signal.aborted) return;
        const missed = decidable.find((t) => missedAlready(t, { done: p.done, failed: p.failed, total: p.total }));
        if (missed === undefined) return;
        // The count the threshold is about: "enrolled<10 ... (10 of 22 enrolled", not how many failed.
        const count = missed.metric === "enrolled" ? `${p.done - p.failed} of ${p.done} enrolled` : `${p.failed} of ${p.done} failed`;
        say(err.red(`fleet: ${missed.text} can no longer be met (${count}, ${p.total - p.done} to go): starting no more devices, finishing those in flight (--abort-on-fail)`));
        early.abort();
      },
      signal: AbortSignal.any([stop.signal, early.signal]),
    });
  } finally {
    progress?.stop();
    stop.dispose();
  }
  const { summary, devices: results } = run;
  // Stopped while the embedded service or the fleet's user and profile were being set up: no
  // device ran, so there is no run to report, as when the stop comes while --service is checked
  // (a merge counts the shard as missing). Before, a summary of 0 devices was printed.
  const caught = stop.caught();
  if (summary.interrupted && summary.devices === 0 && caught !== null) {
    const { problem, document } = fleetStoppedBeforeStart(caught, "while it was being set up", summary.service.runs === "external" ? summary.service.url : "fleet");
    if (options.json) printJson(document);
    else printError(err.yellow(`fleet: ${problem}: no report written`));
    return stop.exitCode() ?? EXIT_FAILED;
  }
  const files: ReportFile[] = [
    ...(options.junit === undefined ? [] : [junitReportFile(options.junit, (_, thresholds) => fleetJunitXml(summary, results, thresholds))]),
    ...(options.report === undefined ? [] : [htmlReportFile(options.report)]),
  ];
  const code = finishFleet(summary, { ...(options.json ? { json: true } : {}), files, thresholds });
  return stop.exitCode() ?? code;
}

/**
 * --transcript records one device, the one --only names (a fleet at large records none: writing
 * every device's records would cost the fleet's hot path). A failed device's re-run command has both.
 */
function checkTranscriptOption(path: string, only: readonly number[]): void {
  checkOutputFile({ option: "--transcript", path, what: "transcript", example: "fleet-device-41.jsonl" });
  refuseUnwritable(path, "fleet-device-41.jsonl", "cannot be written");
  if (only.length === 1) return;
  throw new InputError(only.length === 0 ? "records one device re-run alone, and no --only names it" : `records one device re-run alone, and --only names ${only.length}`, {
    where: `--transcript ${path}`,
    hint: "give it with one --only INDEX, as a failed device's re-run command does (e.g. --only 41 --transcript fleet-device-41.jsonl), and run it once for each device to record",
  });
}

function wholeNumber(text: string, where: string, min: number, max: number, hint: string): number {
  const n = decimalNumber(text);
  // " 5" is refused, as a rate with a space is, never read as 5 (a quoted shell variable with a space in it).
  if (/^\s+\d+\s*$|^\d+\s+$/.test(text)) {
    throw new InputError(`"${text}" is not a whole number: it ${spacesIn(text)}`, { where: `${where} ${text}`, hint: `write ${where} ${text.trim()}, without spaces` });
  }
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`"${text}" is not a whole number from ${min} to ${max}`, { where: `${where} ${text}`, hint });
  }
  return n;
}

/** The most a duration option takes, and how its refusal says so: `"1000000d" is longer than the 3650 days (ten years) a fleet device may live`. */
interface DurationCap {
  max: number;
  /** The cap in words: "ten years". */
  limit: string;
  /** What it caps: "a fleet device may live". */
  of: string;
  /** A shorter value to offer: "--life 30d". */
  shorter: string;
}

/** `example` is the option as it could be written, e.g. "--life 24h". */
function duration(text: string, where: string, example: string, cap: DurationCap): number {
  // " 1s" is refused, as " 5" is for --devices, never read as 1s.
  if (text.trim() !== text && parseDuration(text) !== null) {
    throw new InputError(`"${text}" is not a duration: it ${spacesIn(text)}`, { where: `${where} ${text}`, hint: `write ${where} ${text.trim()}, without spaces` });
  }
  const ms = parseDuration(text);
  const leftOut = ms === null ? unitLeftOut(text) : null;
  if (leftOut) {
    throw new InputError(`"${text}" is not a duration: its last number, ${leftOut.number}, has no unit`, { where: `${where} ${text}`, hint: `write each number with its unit, e.g. ${where} ${leftOut.written} (ms, s, m, h or d)` });
  }
  if (ms === null || ms < 0) throw new InputError(`"${text}" is not a duration`, { where: `${where} ${text}`, hint: `write a number and a unit, ms, s, m, h or d in lower case, e.g. ${example}` });
  if (ms > cap.max) {
    throw new InputError(`"${text}" is longer than the ${cap.max / 86_400_000} days (${cap.limit}) ${cap.of}`, {
      where,
      hint: `give a shorter ${where.replace(/^--/, "")}, e.g. ${cap.shorter} (a day is d, an hour h)`,
    });
  }
  return ms;
}
