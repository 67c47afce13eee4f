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
import { decimalShare } from "../../protocol/decimal.js";
import { InputError } from "../../protocol/errors.js";
import { refuseWrongKeyOfNetwork } from "../../device/inject-faults.js";
import { FLEET_WIFI } from "./tenant.js";
import { FAULT_NAMES, formatFault, parseFault, readsAsFault, refuseClashingFaults, spacesIn, type Fault } from "../../device/faults.js";

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

/**
 * Text after the last "=" that is meant as a rate, even if it is not one (-5%, 1e-2, NaN, 0.5%%,
 * abc%): said as a rate that is wrong. A word (service-5xx=always) is a fault's value, with no
 * rate after it.
 */
const RATE_MEANT = /^(?:[-+]?(?:[0-9.eExX+-]*[0-9][0-9.eExX+-]*|nan|infinity)%*|[^=@]*%)$/i;

const RATE_FIX = "give a fraction from 0 to 1 (0.05) or a percentage (5%)";

/** The fault's name as written: what comes before its value, state and rate. */
function nameOf(text: string): string {
  return text.trim().split(/[=@]/)[0] ?? "";
}

function isFaultName(name: string): boolean {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** A fault given without its rate: the fix is the fault as written with a rate after it. */
function noRate(spec: string, where: string, problem: string): InputError {
  const name = nameOf(spec);
  if (name === "") return new InputError("names no fault and gives no rate", { where, hint: `write ${FAULT_RATE_GRAMMAR}` });
  if (!isFaultName(name)) {
    return new InputError(`unknown fault "${name}"`, { where, hint: `valid faults: ${FAULT_NAMES.join(", ")}, each with its rate, e.g. service-5xx=5%` });
  }
  const fault = spec.trim();
  return new InputError(problem, { where, hint: `write ${fault}=RATE, RATE a fraction from 0 to 1 or a percentage, e.g. ${fault}=0.05 or ${fault}=5%` });
}

/**
 * A fault at a rate, for a library caller: its errors name the call (`parseFaultRate("bogus"):
 * unknown fault "bogus"`), as parseThreshold's do; runFleet names its own list item instead.
 */
export function parseFaultRate(text: string): FaultRate {
  if (typeof text !== "string") throw new TypeError(`parseFaultRate takes a string such as "service-5xx=5%" (got ${text === null ? "null" : typeof text})`);
  return readFaultRate(text, `parseFaultRate(${JSON.stringify(text)})`);
}

/** `--fault NAME=RATE` as the CLI reads it: its errors name the option as written ("--fault bogus: ..."). */
export function parseFaultRateOption(text: string): FaultRate {
  return readFaultRate(text, `--fault ${text}`);
}

function readFaultRate(text: string, where: string): FaultRate {
  const eq = text.lastIndexOf("=");
  if (eq < 0) throw noRate(text, where, 'gives no rate: a fleet\'s fault ends with "=RATE"');
  const spec = text.slice(0, eq);
  const written = text.slice(eq + 1);
  const squeezed = written.replace(/\s+/g, "");
  if (squeezed === "") throw noRate(spec, where, `gives no rate: nothing follows its last "="`);
  if (!RATE_MEANT.test(squeezed)) {
    // A word after the "=": the fault's own value (service-5xx=always), with no rate after it; or,
    // where the fault takes no such value (network-absent=abc), a rate misspelt.
    if (isFaultName(nameOf(text)) && !readsAsFault(text)) throw new InputError(`"${written}" is not a rate`, { where, hint: RATE_FIX });
    throw noRate(text, where, "gives no rate");
  }
  // "=5%" has its rate; what it lacks is the fault.
  if (spec.trim() === "") throw new InputError("names no fault", { where, hint: `write NAME=${squeezed}, NAME one of: ${FAULT_NAMES.join(", ")}` });
  const rate = decimalShare(squeezed);
  if (squeezed !== written) {
    // " 0.5" or "5 %": a rate with spaces is refused, never read as the rate without them.
    const fix = Number.isNaN(rate) ? `write the rate without spaces: ${RATE_FIX}` : `write ${spec.trim()}=${squeezed}, without spaces`;
    throw new InputError(`"${written}" is not a rate: it ${spacesIn(written)}`, { where, hint: fix });
  }
  if (Number.isNaN(rate)) throw notARate(spec, written, where);
  if (/\s$/.test(spec)) {
    throw new InputError(`has a space before "=${written}"`, { where, hint: `write ${spec.trim()}=${written}, without spaces` });
  }
  // Its errors name the whole argument, and their examples carry the rate given.
  const fault = parseFault(spec, { where, example: (example) => `${example}=${written}`, grammar: `NAME[=VALUE][@STATE]=${written}, NAME one of: ${FAULT_NAMES.join(", ")}` });
  // Every device of a fleet scans a profile with the fleet's own network: a KEY that is its key is
  // refused here, before the run, not device by device as it strikes.
  if (fault.name === "wrong-wifi-key" && fault.key !== undefined) refuseWrongKeyOfNetwork(fault.key, FLEET_WIFI, { whose: "the fleet profile's", where });
  return { spec: formatFault(fault), fault, rate };
}

/**
 * The refusal of a rate that is not one. A number above 1 (`wrong-wifi-key=5`) was told only
 * `"5" is not a rate`: it is said to be above 1, with the percentage it may have meant
 * (`wrong-wifi-key=5%`) and, where the fault takes a value, that value with a rate after it
 * (`service-5xx=3` is the fault's value 3 without its rate).
 */
function notARate(spec: string, written: string, where: string): InputError {
  const above = /^\d+(?:\.\d+)?%?$/.test(written) && Number(written.replace(/%$/, "")) > (written.endsWith("%") ? 100 : 1);
  if (!above) return new InputError(`"${written}" is not a rate`, { where, hint: RATE_FIX });
  if (written.endsWith("%")) return new InputError(`"${written}" is not a rate: a share of devices is at most 100%`, { where, hint: RATE_FIX });
  const fixes = [
    ...(Number(written) <= 100 ? [`write ${spec}=${written}% for ${written} % of devices`] : []),
    ...(readsAsFault(`${spec}=${written}`) ? [`${spec}=${written}=10% for the fault ${spec}=${written} on 10 % of devices`] : []),
  ];
  return new InputError(`"${written}" is not a rate: a rate is at most 1 (every device)`, { where, hint: fixes.length > 0 ? fixes.join(", or ") : RATE_FIX });
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

/**
 * The faults one device gets: each rate is an independent draw from the device's stream, the draws
 * taken in the order of the faults' specs, not the order given. Before, `--fault a --fault b` and
 * `--fault b --fault a` struck other devices: a CI matrix that built the list in another order, or
 * a re-run written by hand, ran another fleet. The faults struck keep the order given.
 */
export function faultsFor(rates: readonly FaultRate[], draw: () => number): Fault[] {
  if (rates.length === 0) return [];
  const struck = new Set<FaultRate>();
  for (const r of drawOrderOf(rates)) {
    if (draw() < r.rate) struck.add(r);
  }
  return rates.filter((r) => struck.has(r)).map((r) => r.fault);
}

/** A fleet's faults in draw order, sorted once per list rather than once per device. */
const drawOrders = new WeakMap<readonly FaultRate[], readonly FaultRate[]>();
function drawOrderOf(rates: readonly FaultRate[]): readonly FaultRate[] {
  let ordered = drawOrders.get(rates);
  if (ordered === undefined) drawOrders.set(rates, (ordered = inDrawOrder(rates)));
  return ordered;
}

/** The faults in the order a device draws for them: by spec (a fault is given once, so specs differ). */
export function inDrawOrder<T extends { spec: string }>(rates: readonly T[]): T[] {
  return [...rates].sort((a, b) => (a.spec < b.spec ? -1 : a.spec > b.spec ? 1 : 0));
}
