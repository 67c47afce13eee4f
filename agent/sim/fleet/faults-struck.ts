/**
 * Which of a fleet device's faults struck it. A fault at a state (power-loss@STATE,
 * clock-skew=OFFSET@STATE) strikes only when the device enters that state: a device that failed
 * before it (its Wi-Fi key wrong) never took it, and its report must not say it was injected, or
 * the failure reads as the fault's. `enroll` says the same of its own faults (faults-not-struck.ts);
 * a fleet device's records keep no state values, so its states are followed as they change.
 */
import { formatFault, type Fault } from "../../device/faults.js";
import { POWER_CUTS_TAKEN } from "../../device/faults-not-struck.js";
import type { StoragePort } from "../../device/ports.js";
import { readJson } from "../../device/virtual/storage.js";

export interface FaultsStruck {
  /** The faults that struck, as `--fault` spells them. */
  struck: string[];
  /** The faults at a state the device never entered. */
  notStruck: string[];
}

export class StateFaultWatch {
  /** The states of its clock-skew@STATE faults (a power cut is read from the device's storage). */
  private readonly watched: string[];
  private readonly entered = new Set<string>();

  constructor(private readonly faults: readonly Fault[]) {
    this.watched = faults.flatMap((f) => (f.name === "clock-skew" && f.state !== undefined ? [f.state] : []));
  }

  /** Whether the device's state changes need following (one of its faults is a clock-skew at a state). */
  get watching(): boolean {
    return this.watched.length > 0;
  }

  /** The device's state as it changes: a state is entered with its children ("enrolling.requesting"). */
  onState(state: string): void {
    for (const w of this.watched) if (state === w || state.startsWith(`${w}.`)) this.entered.add(w);
  }

  /** The power cuts taken are the device's own record of them (written before the power goes). */
  split(storage: StoragePort): FaultsStruck {
    const cuts = this.faults.some((f) => f.name === "power-loss") ? (readJson(storage, POWER_CUTS_TAKEN) ?? []) : [];
    const struck: string[] = [];
    const notStruck: string[] = [];
    for (const f of this.faults) {
      const spelled = formatFault(f);
      const missed = f.name === "power-loss" ? !cuts.includes(spelled) : f.name === "clock-skew" && f.state !== undefined && !this.entered.has(f.state);
      (missed ? notStruck : struck).push(spelled);
    }
    return { struck, notStruck };
  }
}
