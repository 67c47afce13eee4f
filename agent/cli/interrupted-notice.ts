/**
 * What `enroll` and `run` say when Ctrl-C (SIGINT) or a CI job's cancel (SIGTERM) stops them: one
 * line on stderr naming where the device was stopped (its state, a power cut, or before it
 * started) and the signal, and what became of the run. And what `fleet` says when one stops it
 * before any device started.
 */
import { InputError } from "../protocol/errors.js";
import { printable } from "../protocol/printable.js";
import type { InterruptSignal } from "../report/transcript.js";
import { err, errorDocument, type ErrorDocument } from "./output.js";

/**
 * `COMMAND: interrupted WHERE (SIGNAL); CONSEQUENCE`. `state` is the device's state path, "off"
 * when a power cut (the power-loss fault) had it between two states, or null when no device had
 * started yet.
 */
function interruptedLine(command: string, state: string | null, signal: InterruptSignal, consequence: string): string {
  const where = state === null ? "before the device started" : state === "off" ? "while the device was off (a power cut)" : `at ${state}`;
  return `${err.yellow(`${command}:`)} interrupted ${where} (${signal}); ${consequence}`;
}

/**
 * `enroll`'s line (state null: stopped before its device started). Its device's snapshot is saved
 * after every step, so with --device-dir the same command resumes it there; without, the device
 * lived in memory and is gone with the process.
 */
export function interruptedNotice(state: string | null, signal: InterruptSignal, deviceDir?: string): string {
  // Stopped as its modules loaded or its input was read: no device was made or resumed.
  if (state === null) return interruptedLine("enroll", null, signal, "no device was started: run the same command again");
  const device =
    deviceDir === undefined
      ? "the device's state is lost (no --device-dir): run the command again to start over, with --device-dir DIR to be able to resume"
      : `the device's state is kept in ${printable(deviceDir)}: run the same command to resume`;
  return interruptedLine("enroll", state, signal, device);
}

/**
 * `replay`'s line: how far it compared (`progress`: "after N steps, identical so far", or null
 * before its device started) and what became of the device: with --device-dir it is left there
 * (and another replay into that folder is refused). A device replayed against a live service
 * (`live`) goes on with `enroll --device-dir`; one replayed offline holds the token its replay's
 * embedded service issued, and that service ended with the replay: continued, it would be refused
 * (`tokenUnknown`) or reach no service, so the line says how to get a device that can go on.
 */
export function replayInterruptedNotice(state: string | null, signal: InterruptSignal, progress: string | null, deviceDir?: string, live = false): string {
  if (state === null) return interruptedLine("replay", null, signal, "nothing was compared: run the same command again");
  const dir = deviceDir === undefined ? "" : printable(deviceDir);
  const device =
    deviceDir === undefined
      ? "the replayed device is gone (no --device-dir)"
      : live
        ? `the replayed device is left in ${dir} at ${state} (\`aosp-sim enroll QR --device-dir ${dir}\` continues it, QR being the code the recording scanned; remove the folder to replay into it again)`
        : `the replayed device is left in ${dir} at ${state}, holding the token of the replay's own service, which ended with it: \`enroll --device-dir\` cannot continue it (to continue a replayed device, replay a transcript recorded with --transcript-secrets keep against a live service, --service URL); remove the folder to replay into it again`;
  return interruptedLine("replay", state, signal, `${progress ?? "nothing was compared"}; ${device}`);
}

/** `run`'s line: a scenario's device lives in memory, so an interrupted scenario starts over. */
export function runInterruptedNotice(state: string | null, signal: InterruptSignal): string {
  return interruptedLine("run", state, signal, "the scenario did not finish and its expectation was not checked: run the command again to start over");
}

/** The fix of a fleet stopped before any device started, unless waiting on a service was why. */
export const FLEET_NOTHING_RAN = "run it again; nothing ran, so no report was written";

/**
 * A fleet stopped before any device started (`when`: "as it started", "while checking the service
 * at URL", "while it was being set up"): no run to report, so its problem, and with --json its one
 * document, which `merge-reports` counts as a missing shard.
 */
export function fleetStoppedBeforeStart(signal: string, when: string, where: string, hint = FLEET_NOTHING_RAN): { problem: string; document: ErrorDocument } {
  const problem = `${signal} stopped the fleet ${when}, before any device started`;
  return { problem, document: errorDocument(new InputError(problem, { where, hint })) };
}

/**
 * What any other command says when a signal stops it while its modules load, before it has done
 * anything: `aosp-sim COMMAND: interrupted as it started (SIGINT); nothing was done`.
 */
export function loadingInterruptedNotice(command: string | undefined, signal: InterruptSignal): string {
  const name = command === undefined || command.startsWith("-") ? "aosp-sim" : `aosp-sim ${printable(command)}`;
  return `${err.yellow(`${name}:`)} interrupted as it started (${signal}); nothing was done: run the command again`;
}
