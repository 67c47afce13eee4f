/**
 * Which faults at a state never struck: kept apart from inject-faults.ts (which pulls in the
 * device's wiring and the QR decoders) so that a command can say so without loading them.
 */
import { activePaths } from "../machine/state-paths.js";
import { formatFault, type Fault } from "./faults.js";
import type { StoragePort } from "./ports.js";
import type { DeviceRecord } from "./step-record.js";
import { readJson, type StoredJson } from "./virtual/storage.js";

export const POWER_CUTS_TAKEN: StoredJson<string[]> = {
  key: "system/fault-power-cuts-taken.json",
  holds: "the power-loss@STATE faults that have cut the power already (a list of faults as written, e.g. \"power-loss=30s@enrolling\")",
  is: (value): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string"),
};

/**
 * The power-loss@STATE and clock-skew=OFFSET@STATE faults that did not strike in the run these
 * `records` tell, because the device never entered their state (it failed before, stopped before,
 * or took a path without it): a fault given that never fired must be said, or a reproduction
 * looks like the fault made no difference. A power cut taken earlier in the device's life (kept in
 * its storage, a resumed `--device-dir` device) did strike. Reads each step's state value, so the
 * records must keep their data (a fleet device's lean records do not).
 */
export function stateFaultsNotStruck(faults: readonly Fault[], records: readonly DeviceRecord[], storage: StoragePort): StateFault[] {
  const atState = faults.filter((f): f is StateFault => (f.name === "power-loss" || f.name === "clock-skew") && f.state !== undefined);
  if (atState.length === 0) return [];
  const entered = new Set<string>();
  for (const record of records) {
    if (record.kind === "step") for (const path of activePaths(record.value)) entered.add(path);
  }
  const cutsTaken = readJson(storage, POWER_CUTS_TAKEN) ?? [];
  return atState.filter((f) => !entered.has(f.state) && !(f.name === "power-loss" && cutsTaken.includes(formatFault(f))));
}

/** A fault that strikes when the device enters a state. */
export type StateFault = Extract<Fault, { name: "power-loss" }> | (Extract<Fault, { name: "clock-skew" }> & { state: string });
