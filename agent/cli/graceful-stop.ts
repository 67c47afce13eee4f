/**
 * Ctrl-C (SIGINT), or SIGTERM from a CI system cancelling a job, during a long run: the first asks
 * the run to start no more work and finish what is in flight, so that its reports still cover
 * what ran; a second stops the process at once. Either way the exit code is 128 + the signal's
 * number (130 for Ctrl-C, 143 for SIGTERM), as a shell reports a process the signal stopped.
 */
import { constants } from "node:os";

export interface GracefulStop {
  /** Aborted at the first signal. */
  signal: AbortSignal;
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
export function gracefulStop(onFirst: (signal: NodeJS.Signals) => void, beforeExit: () => void = () => {}): GracefulStop {
  const controller = new AbortController();
  let caught: NodeJS.Signals | null = null;
  const code = (signal: NodeJS.Signals) => 128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0);
  const handler = (signal: NodeJS.Signals) => {
    if (caught !== null) {
      beforeExit();
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
      process.kill(process.pid, signal);
      // Should the signal not end it at once (a listener someone else added), exit all the same.
      setTimeout(() => process.exit(code(signal)), 1000).unref();
      return;
    }
    caught = signal;
    onFirst(signal);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    exitCode: () => (caught === null ? null : code(caught)),
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
