/**
 * V8's allocation-site pretenuring, off while a fleet runs.
 *
 * Pretenuring allocates the objects of an allocation site straight into the old generation once
 * V8 sees most of them survive. A fleet's devices have a burst of in-flight state, then die, and
 * V8 pretenures their machine snapshots, actors and contexts from that burst. An old object
 * that points to young ones keeps them alive through every young-generation collection until
 * the next full collection. So a fifth of what the devices allocate survived each collection, even
 * one device at a time (1.31 MB copied and 1.25 MB promoted of each 12.67 MB), although a device
 * lives for a fifteenth of the interval between two collections.
 *
 * Without pretenuring, at the default concurrency, the collector's CPU per device fell from
 * about 1.0 ms to 0.6 to 0.8 ms, and a quarter less is promoted (README, Benchmarks, Fleet;
 * `npm run bench:fleet-gc`). A loop of one XState actor at a time keeps 0.8 % of its allocation
 * through a collection instead of 13 %. V8's flags are the process's, so the setting reaches the
 * device and service threads too.
 *
 * The flag changes only where V8 places new objects, never what a program computes. It is
 * restored when the last fleet running in the process ends. A process started with either
 * spelling of the flag (`node --allocation-site-pretenuring` or `--no-...`) keeps its own choice.
 */
import { setFlagsFromString } from "node:v8";

const FLAG = "allocation-site-pretenuring";
let fleetsRunning = 0;

/** Whether the process was started with the flag either way (then it is left alone). */
function chosenAtStart(execArgv: readonly string[]): boolean {
  // V8 reads "_" as "-", and "--no" with or without a dash after it.
  const spellings = [`--${FLAG}`, `--no-${FLAG}`, `--no${FLAG}`];
  return execArgv.some((arg) => spellings.includes(arg.replaceAll("_", "-")));
}

/**
 * Turns pretenuring off for a fleet's run; the returned function turns it back on once the last
 * fleet running in the process has ended (calling it again does nothing). `setFlags` and
 * `execArgv` are V8's and the process's unless a test gives its own.
 */
export function withoutPretenuring(setFlags: (flags: string) => void = setFlagsFromString, execArgv: readonly string[] = process.execArgv): () => void {
  if (chosenAtStart(execArgv)) return () => {};
  if (fleetsRunning++ === 0) setFlags(`--no-${FLAG}`);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--fleetsRunning === 0) setFlags(`--${FLAG}`);
  };
}
