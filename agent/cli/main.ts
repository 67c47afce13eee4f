#!/usr/bin/env node
/**
 * `aosp-sim`: the command-line entry point. Its first act is to handle Ctrl-C (SIGINT) and SIGTERM,
 * before anything heavy loads: the program (commander) and each command's modules take from a
 * tenth of a second to several on a busy machine, and a signal meanwhile ended the process
 * silently, by Node's default. So this file imports only the small signal modules; the program
 * (agent/cli/program.ts) is imported after the handlers are in place. A signal while it loads says
 * one line on stderr and ends the process by the signal, so the shell reports 130 or 143. (A
 * signal in Node's own start-up, before any of this file runs, still ends it silently: nothing of
 * the package has run yet to handle it.)
 */
import { releaseStopAtOnce, stopAtOnce, type StopSignal } from "./graceful-stop.js";
import { fleetStoppedBeforeStart, interruptedNotice, loadingInterruptedNotice, replayInterruptedNotice, runInterruptedNotice } from "./interrupted-notice.js";

/**
 * The commands that stop gracefully once their device runs, and what they say when a signal comes
 * before it started; their handler stays until the command's own (gracefulStop) takes over.
 */
const STOPPED_BEFORE_THE_DEVICE = new Map<string | undefined, (signal: StopSignal) => string>([
  ["enroll", (signal) => interruptedNotice(null, signal)],
  ["run", (signal) => runInterruptedNotice(null, signal)],
  ["replay", (signal) => replayInterruptedNotice(null, signal, null)],
]);

/** Installs the handler for the command on the command line, and says whether the command keeps it once loaded. */
function handleSignalsWhileLoading(argv: string[]): boolean {
  const command = argv[2];
  const stoppedBefore = STOPPED_BEFORE_THE_DEVICE.get(command);
  if (stoppedBefore) {
    stopAtOnce(stoppedBefore);
    return true;
  }
  // `emulator start` and `reset` launch an emulator in its own process group, which a terminal's
  // Ctrl-C does not reach: they stop it themselves (agent/cli/emulator.ts), so no moment of theirs
  // is left to Node's default, which would end the CLI and leave the emulator running.
  if (command === "emulator" && (argv[3] === "start" || argv[3] === "reset")) {
    stopAtOnce((signal) => loadingInterruptedNotice(`emulator ${argv[3]}`, signal));
    return true;
  }
  // A fleet stopped as its modules load: nothing ran. With --json its one document is an error
  // document, as when it is stopped later but before any device started (fleet.ts).
  if (command === "fleet") {
    const stopped = (signal: StopSignal) => fleetStoppedBeforeStart(signal, "as it started", "fleet");
    stopAtOnce(
      (signal) => `fleet: ${stopped(signal).problem}: no report written`,
      (signal) => (argv.slice(3).includes("--json") ? JSON.stringify(stopped(signal).document, null, 2) : null),
    );
    return true;
  }
  stopAtOnce((signal) => loadingInterruptedNotice(command, signal));
  return false;
}

const keepsHandler = handleSignalsWhileLoading(process.argv);
const { main } = await import("./program.js");
await main(process.argv, () => {
  if (!keepsHandler) releaseStopAtOnce();
});
