/**
 * Ctrl-C (SIGINT), or SIGTERM from a CI system cancelling a job, during a long run: the first asks
 * the run to start no more work and finish what is in flight, so that its reports still cover
 * what ran; a second stops the process at once. Before the run has started anything (stopAtOnce),
 * the first does. Either way the exit code is 128 + the signal's
 * number (130 for Ctrl-C, 143 for SIGTERM), as a shell reports a process the signal stopped.
 */
import { constants } from "node:os";
import { removeLeftoversNow } from "../protocol/leftovers.js";

/** The signals a run is stopped by: Ctrl-C, and a CI system cancelling a job. */
export type StopSignal = "SIGINT" | "SIGTERM";
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM"];

/** 128 + the signal's number (130 for SIGINT, 143 for SIGTERM): the exit code of a run it stopped. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

export interface GracefulStop {
  /** Aborted at the first signal. */
  signal: AbortSignal;
  /** The first signal that came, else null. */
  caught(): StopSignal | null;
  /** 128 + the signal's number once one came, else null. */
  exitCode(): number | null;
  /** Gives the signals back to Node's default handling. */
  dispose(): void;
}

/** The handler stopAtOnce installed, until gracefulStop() takes over from it. */
let atOnce: ((signal: StopSignal) => void) | null = null;

/**
 * For a command that stops gracefully once its device runs (`enroll`, `run`), installed as the
 * process starts (main.ts), before the command's modules load: they take hundreds of
 * milliseconds, and a signal meanwhile ended the process by Node's default, silently. Until the
 * command takes over with gracefulStop(), a signal says `notice(signal)` on stderr (and prints
 * `stdout(signal)`, when it gives one, on stdout) and ends the
 * process at once, by the signal itself as a second signal does (below): nothing has started yet
 * that a stop should let finish (no device, no transcript record). Not by process.exit(): it
 * waits for the thread pool's jobs, and one may never end (opening a FIFO no one writes to).
 */
export function stopAtOnce(notice: (signal: StopSignal) => string, stdout?: (signal: StopSignal) => string | null): void {
  if (atOnce !== null) return;
  const handler = (signal: StopSignal) => {
    process.stderr.write(`${notice(signal)}\n`);
    // A command whose stdout is a document (`fleet --json`) still prints one: a CI step reading
    // it found nothing. Written synchronously (a file or a pipe on Linux) before the signal ends us.
    const document = stdout?.(signal);
    if (document != null) process.stdout.write(`${document}\n`);
    endBySignal(signal, handler);
  };
  atOnce = handler;
  for (const name of STOP_SIGNALS) process.on(name, handler);
}

/**
 * Takes stopAtOnce's handler off again, giving the signals back to Node's default: for a command
 * with no graceful stop of its own, once its modules are loaded (what the handler said, "as it
 * started", would no longer be true).
 */
export function releaseStopAtOnce(): void {
  if (atOnce === null) return;
  for (const name of STOP_SIGNALS) process.off(name, atOnce);
  atOnce = null;
}

/**
 * Ends the process by `signal` itself: `listener` is taken off (Node's own handling comes back
 * with the last one) and the signal raised again. The signal runs no exit handlers, so temporary
 * files go first.
 */
function endBySignal(signal: StopSignal, listener: (signal: StopSignal) => void): void {
  removeLeftoversNow();
  for (const name of STOP_SIGNALS) process.off(name, listener);
  process.kill(process.pid, signal);
  // Should the signal not end it at once (a listener someone else added), exit all the same.
  setTimeout(() => process.exit(signalExitCode(signal)), 1000).unref();
}

/**
 * `onFirst` says what the first signal does; `beforeExit` puts the terminal back (a progress bar's
 * hidden cursor) before a second one ends the process.
 *
 * The second ends it by the signal itself, Node's own handling given back and the signal raised
 * again, not by process.exit(): an exit tears V8 down while worker threads (the embedded service,
 * the device threads) may be in the middle of parsing HTTP, and that ended, now and then, in
 * "FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal" and exit 134. A process the signal ends is
 * reported by the shell as 128 + its number all the same.
 */
export function gracefulStop(onFirst: (signal: StopSignal) => void, beforeExit: () => void = () => {}): GracefulStop {
  const controller = new AbortController();
  let caught: StopSignal | null = null;
  // Node calls a signal's listeners with its name: one of those listened for below.
  const handler = (signal: StopSignal) => {
    if (caught !== null) {
      beforeExit();
      endBySignal(signal, handler);
      return;
    }
    caught = signal;
    onFirst(signal);
    controller.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  // Takes over from stopAtOnce's handler, with no moment between the two without one.
  if (atOnce !== null) {
    for (const name of STOP_SIGNALS) process.off(name, atOnce);
    atOnce = null;
  }
  return {
    signal: controller.signal,
    caught: () => caught,
    exitCode: () => (caught === null ? null : signalExitCode(caught)),
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
