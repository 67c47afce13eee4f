/**
 * Faults at rates, for fleets: `--fault NAME=RATE` or `--fault NAME@STATE=RATE` strikes that
 * fraction of the devices (0.05 or 5%), chosen from the fleet seed, so the same devices fail the
 * same way on every run. NAME is one of the faults `enroll --fault` knows, with its default value;
 * a value of its own goes before the state as in `enroll`: `power-loss=2m@downloadingAgent=0.01`.
 *
 *   --fault service-5xx=0.05                      5 % of devices get the first two device-API calls answered 503
 *   --fault power-loss@downloadingAgent=1%        1 % lose power while downloading the agent
 *   --fault download-http-error=404=0.1           10 % get the download answered 404
 */
import { InputError } from "../../protocol/errors.js";
import { FAULT_NAMES, formatFault, parseFault, type Fault } from "../../device/faults.js";

export interface FaultRate {
  /** The fault as `enroll --fault` spells it. */
  spec: string;
  fault: Fault;
  /** Fraction of devices, 0..1. */
  rate: number;
}

/** A rate as the reports say it: 0.005 is "0.5%". */
export function ratePercent(rate: number): string {
  return `${Number((rate * 100).toPrecision(4))}%`;
}

export const FAULT_RATE_GRAMMAR = "NAME[=VALUE][@STATE]=RATE (RATE 0..1 or a percentage), e.g. service-5xx=0.05, power-loss@downloadingAgent=1%";

export function parseFaultRate(text: string): FaultRate {
  const where = `--fault ${text}`;
  const match = /^(.*)=([0-9.]+%?)$/.exec(text.trim());
  if (!match || match[1] === "") {
    const name = text.split(/[=@]/)[0] ?? "";
    if (name !== "" && !(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new InputError(`unknown fault "${name}"`, { where, hint: `valid faults: ${FAULT_NAMES.join(", ")}` });
    }
    throw new InputError("gives no rate", { where, hint: `write ${FAULT_RATE_GRAMMAR}` });
  }
  const [, spec, rateText] = match as unknown as [string, string, string];
  const rate = rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : Number(rateText);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InputError(`"${rateText}" is not a rate`, { where, hint: "give a fraction from 0 to 1 (0.05) or a percentage (5%)" });
  }
  // Its errors name the whole argument, and their examples carry the rate given.
  const fault = parseFault(spec, { where, example: (example) => `${example}=${rateText}`, grammar: FAULT_RATE_GRAMMAR });
  return { spec: formatFault(fault), fault, rate };
}

/**
 * Refuses a fault given twice (`service-5xx=5%` and `service-5xx=2=5%` are one fault): the
 * summary counts the devices each struck by its spelling, and two draws of one fault would be
 * counted as each other's.
 */
export function refuseRepeatedFaults(rates: readonly FaultRate[], written?: readonly (string | FaultRate)[]): void {
  const seen = new Map<string, FaultRate>();
  for (const [i, r] of rates.entries()) {
    const before = seen.get(r.spec);
    if (before) {
      // Named as the user wrote it, when they did.
      const asWritten = written?.[i];
      throw new InputError(`gives fault ${r.spec} a second time`, {
        where: `--fault ${typeof asWritten === "string" ? asWritten : `${r.spec}=${r.rate}`}`,
        hint: `give each fault once, with the rate of devices it should strike (it was already given at ${before.rate})`,
      });
    }
    seen.set(r.spec, r);
  }
}

/** The faults one device gets: each rate is an independent draw from the device's stream. */
export function faultsFor(rates: readonly FaultRate[], draw: () => number): Fault[] {
  const faults: Fault[] = [];
  for (const r of rates) {
    if (draw() < r.rate) faults.push(r.fault);
  }
  return faults;
}
