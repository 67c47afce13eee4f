/**
 * Two of V8's garbage-collector settings, changed while a fleet runs: a fleet is a long burst of
 * short-lived devices on every core, and V8's defaults suit neither part of that.
 *
 * Allocation-site pretenuring, off. Pretenuring allocates the objects of an allocation site
 * straight into the old generation once V8 sees most of them survive. A fleet's devices have a
 * burst of in-flight state, then die, and V8 pretenures their machine snapshots, actors and
 * contexts from that burst. An old object that points to young ones keeps them alive through
 * every young-generation collection until the next full collection. So a fifth of what the
 * devices allocate survived each collection, even one device at a time (1.31 MB copied and
 * 1.25 MB promoted of each 12.67 MB), although a device lives for a fifteenth of the interval
 * between two collections. Without it, at the default concurrency, the collector's CPU per device
 * fell from about 1.0 ms to 0.6 to 0.8 ms, and a quarter less is promoted. A loop of one XState
 * actor at a time keeps 0.8 % of its allocation through a collection instead of 13 %.
 *
 * Parallel scavenging, off. V8 splits each young-generation collection into up to five tasks
 * (its four helper threads and the collecting thread) to shorten the pause. On a machine whose
 * cores the fleet already keeps busy (device threads, the service's thread), the helpers only
 * take CPU from those threads, and sharing the work out costs CPU of its own: one task per
 * collection copies the same bytes for less CPU in all (0.48 ms per device against 0.37 ms of
 * pause plus 0.38 to 0.40 ms on the helpers; `npm run bench:fleet-gc`, README "Benchmarks",
 * Fleet). The helpers' CPU fell by 0.2 to 0.5 ms a device in a whole fleet (`/proc`). V8
 * reads this flag as each collection starts, and its own tests change it at run time.
 *
 * V8's flags are the process's, so both settings reach the device and service threads too. They
 * change only where and on how many threads V8 collects, never what a program computes. Each is
 * restored when the last fleet running in the process ends. A process started with either
 * spelling of a flag (`node --parallel-scavenge` or `--no-parallel-scavenge`) keeps its own
 * choice of that flag.
 */
import { setFlagsFromString } from "node:v8";

/** The flags a fleet turns off, as V8 names them. */
export const FLEET_OFF_FLAGS = ["allocation-site-pretenuring", "parallel-scavenge"] as const;
let fleetsRunning = 0;
/** The flags the running fleets turned off (those the process did not choose at start). */
let changed: readonly string[] = [];

/** Whether the process was started with `flag` either way (then it is left alone). */
function chosenAtStart(flag: string, execArgv: readonly string[]): boolean {
  // V8 reads "_" as "-", and "--no" with or without a dash after it.
  const spellings = [`--${flag}`, `--no-${flag}`, `--no${flag}`];
  return execArgv.some((arg) => spellings.includes(arg.replaceAll("_", "-")));
}

/**
 * Turns the fleet's flags off for a fleet's run; the returned function turns them back on once
 * the last fleet running in the process has ended (calling it again does nothing). `setFlags`
 * and `execArgv` are V8's and the process's unless a test gives its own.
 */
export function withFleetHeapSettings(setFlags: (flags: string) => void = setFlagsFromString, execArgv: readonly string[] = process.execArgv): () => void {
  if (fleetsRunning++ === 0) {
    changed = FLEET_OFF_FLAGS.filter((flag) => !chosenAtStart(flag, execArgv));
    for (const flag of changed) setFlags(`--no-${flag}`);
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--fleetsRunning === 0) for (const flag of changed) setFlags(`--${flag}`);
  };
}
