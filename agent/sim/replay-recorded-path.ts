/**
 * The recorded path a replay compares with, checked before it runs: every state record a run
 * writes names states this device has, and leaves the state the record before it entered (or
 * `off`, as the device boots). A transcript edited by hand so that it cannot be a run (two state
 * lines swapped or one removed, a state renamed) or one recorded by a version whose device has
 * other states would otherwise replay as "diverged" (exit 1), a behaviour change of the product
 * to whoever reads it; it is named by its line instead, an unusable transcript (exit 2).
 */
import { deviceMachine } from "../machine/device-machine.js";
import { statePaths } from "../machine/state-paths.js";
import { InputError } from "../protocol/errors.js";
import type { Transcript } from "../report/read-transcript.js";

/** What a state record's `from` says of a boot: the device was off (transcript.ts). */
const BOOT = "off";

let known: ReadonlySet<string> | undefined;

export function checkRecordedPath(transcript: Transcript, where: string): void {
  known ??= new Set(statePaths(deviceMachine));
  const lineOf = (index: number) => transcript.lines[index] ?? index + 1;
  const putBack = (index: number) => `record the run again with this version, or put back line ${lineOf(index)} as it was written`;
  const damaged = (index: number, record: string, problem: string, hint = putBack(index)) =>
    new InputError(`line ${lineOf(index)} (${record}): ${problem}`, { where, hint });
  let before: { state: string; index: number } | null = null;
  for (const [index, record] of transcript.records.entries()) {
    if (record.type === "end" && record.finalStatePath !== BOOT && !known.has(record.finalStatePath)) {
      throw damaged(index, "the end record", `"finalStatePath" is ${JSON.stringify(record.finalStatePath)}, ${NOT_THIS_DEVICES}`);
    }
    if (record.type !== "state") continue;
    for (const field of ["state", "from"] as const) {
      const state = record[field];
      if (state === undefined || (field === "from" && state === BOOT) || known.has(state)) continue;
      throw damaged(index, "a state record", `"${field}" is ${JSON.stringify(state)}, ${NOT_THIS_DEVICES}`);
    }
    if (before !== null && record.from !== BOOT && record.from !== before.state) {
      throw damaged(
        index,
        "a state record",
        `leaves ${record.from ?? "no state"}, but the state record before it (line ${lineOf(before.index)}) enters ${before.state}: lines moved, removed or edited`,
        "put the lines back in the order the run wrote them, as they were written, or record the run again",
      );
    }
    before = { state: record.state, index };
  }
}

const NOT_THIS_DEVICES = "a state this device does not have (recorded by another version of aosp-sim, or edited?)";
