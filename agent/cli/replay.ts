/**
 * `aosp-sim replay <transcript>`: the recorded enrollment again, compared step by step.
 * Exit 0 identical, 1 diverged (the first divergence is printed), 2 an unusable transcript.
 * A recording that stopped early (its --until, its --timeout, Ctrl-C) is replayed up to there.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { httpBaseUrl } from "../protocol/http-url.js";
import { printable } from "../protocol/printable.js";
import type { EndRecord } from "../report/transcript.js";
import type { ReplayResult } from "../sim/replay.js";
import { checkDeviceDir } from "./device-options.js";
import { counted } from "../protocol/counted.js";
import { gracefulStop } from "./graceful-stop.js";
import { replayInterruptedNotice } from "./interrupted-notice.js";
import { action, EXIT_FAILED, EXIT_OK, out, printError, printJson, printLine } from "./output.js";
import { refuseEmptyFileArguments } from "./input.js";
import { transcriptToReplay } from "./transcript-input.js";

interface ReplayCliOptions {
  service?: string;
  until?: string;
  json?: boolean;
  deviceDir?: string;
}

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description(
      "Re-run a recorded enrollment (same identity, seed, faults, clock kind and scanned payload) against a fresh " +
        "embedded service, or --service, and compare it step by step. Exit 0 identical, 1 diverged, 2 unusable transcript.",
    )
    .argument("<transcript>", "a transcript written by `enroll --transcript FILE` or `run --transcript FILE` (- reads it from stdin)")
    .option("--service <url>", "replay against this running service (needs a transcript kept with --transcript-secrets keep)")
    .option("--until <state>", "stop when the device reaches this state (compare up to there); one the recording never enters is refused")
    .option("--device-dir <dir>", "keep the device's storage here (a new or empty folder); after a replay against a live service (--service), `enroll QR --device-dir` continues it")
    .option("--json", "print one JSON document: {identical, steps, divergence, finalStatePath, failure, until, recordedStop}")
    .action(action(replay));
}

async function replay(file: string, options: ReplayCliOptions): Promise<number> {
  refuseEmptyFileArguments("replay", [file], "the transcript", "aosp-sim replay enrollment.jsonl");
  if (options.deviceDir !== undefined) checkDeviceDir(options.deviceDir);
  const service = options.service === undefined ? undefined : httpBaseUrl(options.service, "--service");
  const transcript = await transcriptToReplay(file);
  const { refuseRedactedForLiveService, replayTranscript } = await import("../sim/replay.js");
  if (service !== undefined) {
    // What the transcript lacks first: a service that answers would not make up for it.
    refuseRedactedForLiveService(transcript);
    const { checkReachable } = await import("../sim/service-check.js");
    await checkReachable(service, `--service ${service}`);
  }
  // Ctrl-C or SIGTERM stops the replayed device where it is; the replay still says how far it
  // compared and where the device is. A second signal ends the process at once.
  const stop = gracefulStop(() => {});
  let result: ReplayResult;
  try {
    result = await replayTranscript(transcript, {
      ...(service === undefined ? {} : { service }),
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.deviceDir === undefined ? {} : { deviceDir: resolve(options.deviceDir) }),
      signal: stop.signal,
    });
  } finally {
    stop.dispose();
  }
  const interrupted = result.interrupted ? stop.caught() : null;
  if (options.json) {
    const failure = result.failure === null ? null : { code: result.failure.code, message: result.failure.message, screen: result.failure.screen, step: result.failure.step };
    printJson({
      identical: result.identical,
      steps: result.steps,
      divergence: result.divergence,
      finalStatePath: result.finalStatePath,
      failure,
      until: result.until,
      recordedStop: result.recordedStop,
      ...(interrupted === null ? {} : { interrupted }),
    });
  }
  if (interrupted !== null) {
    const progress = result.identical ? `after ${counted(result.steps, "step")}, identical so far` : `after ${counted(result.steps, "step")}, diverged at step ${result.divergence!.step}`;
    if (!options.json && !result.identical) printDivergence(result);
    printError(replayInterruptedNotice(result.finalStatePath, interrupted, progress, options.deviceDir, service !== undefined));
    return stop.exitCode()!;
  }
  if (options.json) return result.identical ? EXIT_OK : EXIT_FAILED;
  if (result.identical) {
    const why = whyStopped(result, transcript.end);
    const stop = result.until === null ? "" : ` (stopped at ${result.finalStatePath}, ${why})`;
    printLine(out.green(`replayed ${counted(result.steps, "step")}, identical${stop}`));
  } else {
    printDivergence(result);
    const hint = unsaidStopHint(result, transcript.end, options.until);
    if (hint !== null) printLine(`  ${hint}`);
  }
  return result.identical ? EXIT_OK : EXIT_FAILED;
}

/** The first divergence: the two steps, where they differ, why the replayed device stopped, and the steps around it in each run. */
function printDivergence(result: ReplayResult): void {
  const d = result.divergence!;
  printLine(out.red(`diverged at step ${d.step}`));
  printLine(`  expected: ${d.expected === null ? "(the recording ends here)" : printable(d.expected)}`);
  printLine(`  got:      ${d.got === null ? "(the replay ends here)" : printable(d.got)}`);
  if (d.difference !== null) printLine(`  differs:  ${printable(d.difference)}`);
  // Why the replayed device stopped, in its words: a revoked, an expired and an unknown token all answer 401.
  if (result.failure !== null) printLine(`  ended:    in ${printable(result.finalStatePath)}, ${printable(`${result.failure.code}: ${result.failure.message}`)}`);
  printLine("recorded:");
  for (const line of d.expectedAround) printLine(`  ${line}`);
  printLine("replayed:");
  for (const line of d.gotAround) printLine(`  ${line}`);
}

/** Why an identical replay stopped early: where the recording itself stopped, or --until. */
function whyStopped(result: ReplayResult, end: EndRecord): string {
  switch (result.recordedStop) {
    case "until":
      return `where the recording stopped: --until ${result.until}`;
    case "timedOut":
      return "where the recording timed out";
    case "interrupted":
      return `where the recording was interrupted by ${printable(String(end.interrupted))}`;
    case "enrolled":
      return "where the enrollment ends: the recording goes on with the enrolled device's life (check-ins, a scenario's or an admin's steps), which a replay does not re-run";
    case null:
      return "as --until asked";
  }
}

/**
 * A recording made with `enroll --until STATE` before end records kept `until` (they say only the
 * state it ended in) is replayed on past that state, and diverges where the recording ends. When
 * that is the divergence (every recorded step matched, the recording ran out), the recorded run
 * neither failed nor said why it stopped, and the replay was given no --until, this names the
 * --until that replays it.
 */
function unsaidStopHint(result: ReplayResult, end: EndRecord, until: string | undefined): string | null {
  const d = result.divergence;
  if (d === null || d.expected !== null || until !== undefined || result.recordedStop !== null) return null;
  if (end.failure !== null || end.until !== undefined || end.timedOut || end.interrupted !== undefined) return null;
  return `hint:     the recording ends in ${printable(end.finalStatePath)} without saying why; one made with --until before transcripts kept it stops so: replay it with --until ${printable(end.finalStatePath)}`;
}
