/**
 * Ctrl-C (SIGINT), or SIGTERM from a CI system cancelling a job, during a long run: the first asks
 * the run to start no more work and finish what is in flight, so that its reports still cover
 * what ran; a second stops the process at once. Either way the exit code is 128 + the signal's
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
  const code = signalExitCode;
  // Node calls a signal's listeners with its name: one of those listened for below.
  const handler = (signal: StopSignal) => {
    if (caught !== null) {
      beforeExit();
      // The signal runs no exit handlers: temporary files go now.
      removeLeftoversNow();
      for (const name of STOP_SIGNALS) process.off(name, handler);
      process.kill(process.pid, signal);
      // Should the signal not end it at once (a listener someone else added), exit all the same.
      setTimeout(() => process.exit(code(signal)), 1000).unref();
      return;
    }
    caught = signal;
    onFirst(signal);
    controller.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    caught: () => caught,
    exitCode: () => (caught === null ? null : code(caught)),
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
