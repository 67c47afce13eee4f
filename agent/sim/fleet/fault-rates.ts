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
import { FAULT_NAMES, formatFault, parseFault, refuseClashingFaults, type Fault } from "../../device/faults.js";

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

/** A rate as it may be written: a decimal fraction (0.05, .5, 1) or a decimal percentage (5%, 0.5%). */
const RATE_WRITTEN = /^(?:\d+(?:\.\d+)?|\.\d+)%?$/;

export function parseFaultRate(text: string): FaultRate {
  const where = `--fault ${text}`;
  // Anything number-like after the last "=" is meant as the rate (-5%, 1e-2, NaN, 0.5%%, abc%),
  // and said as one if it is not; a word (service-5xx=always) is a fault's value, with no rate after it.
  const match = /^(.*)=([-+]?(?:[0-9.eExX+-]*[0-9][0-9.eExX+-]*|nan|infinity)%*|[^=@]*%)$/i.exec(text.trim());
  if (!match || match[1] === "") {
    const name = text.split(/[=@]/)[0] ?? "";
    if (name !== "" && !(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new InputError(`unknown fault "${name}"`, { where, hint: `valid faults: ${FAULT_NAMES.join(", ")}` });
    }
    // "=5%" has its rate; what it lacks is the fault.
    if (match && match[1] === "") throw new InputError("names no fault", { where, hint: `write NAME=${match[2]}, NAME one of: ${FAULT_NAMES.join(", ")}` });
    throw new InputError("gives no rate", { where, hint: `write ${FAULT_RATE_GRAMMAR}` });
  }
  const [, spec, rateText] = match as unknown as [string, string, string];
  // Plain decimals only: Number() would also read "" (a bare "%") as 0, "5 " as 5, 1e-2 and 0x1.
  const rate = RATE_WRITTEN.test(rateText) ? (rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : Number(rateText)) : NaN;
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InputError(`"${rateText}" is not a rate`, { where, hint: "give a fraction from 0 to 1 (0.05) or a percentage (5%)" });
  }
  // Its errors name the whole argument, and their examples carry the rate given.
  const fault = parseFault(spec, { where, example: (example) => `${example}=${rateText}`, grammar: `NAME[=VALUE][@STATE]=${rateText}, NAME one of: ${FAULT_NAMES.join(", ")}` });
  return { spec: formatFault(fault), fault, rate };
}

/**
 * Refuses a fault given twice: two of one kind (`service-5xx=5%` and `service-5xx=always=5%`; a
 * power-loss or clock-skew at one state) are one fault to a device, which ran whichever came
 * first (faultSlot), and the summary would count the devices struck by each as the other's.
 */
export function refuseRepeatedFaults(
  rates: readonly FaultRate[],
  written?: readonly (string | FaultRate)[],
  where?: (spelled: string, index: number) => string,
): void {
  const asWritten = (i: number) => {
    const w = written?.[i];
    return typeof w === "string" ? w : `${rates[i]!.spec}=${rates[i]!.rate}`;
  };
  refuseClashingFaults(
    rates.map((r) => r.fault),
    rates.map((_, i) => asWritten(i)),
    { ...(where ? { where } : {}), hint: "give each fault once, with the rate of devices it should strike (a power-loss or clock-skew once per state)" },
  );
}

/** The faults one device gets: each rate is an independent draw from the device's stream. */
export function faultsFor(rates: readonly FaultRate[], draw: () => number): Fault[] {
  const faults: Fault[] = [];
  for (const r of rates) {
    if (draw() < r.rate) faults.push(r.fault);
  }
  return faults;
}
