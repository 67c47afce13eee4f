/**
 * Faults are data: what goes wrong around the device, selected by name from the CLI
 * (`--fault NAME[=VALUE][@STATE]`) or built in code. They are applied by the virtual adapters and
 * the wiring (Wi-Fi environment, HTTP transport, power, clock), never inside the machine.
 *
 *   wrong-wifi-key[=KEY]         the network's real key differs from the payload's (KEY: what it is, as written)
 *   network-absent               no network at all: the payload's Wi-Fi not in range, no other, no mobile data
 *   wifi-timeout[=N|always]      the first N join attempts get no answer at all (default: always)
 *   download-http-error[=STATUS] the agent download answers HTTP STATUS (default 500)
 *   corrupt-download             the agent download arrives altered (checksum mismatch)
 *   service-5xx[=N|always]       the first N device-API requests answer 503 (default 2)
 *   service-timeout[=N|always]   the first N device-API requests get no answer (default 2)
 *   power-loss[=OFF]@STATE       power is cut on entering STATE (once); back after OFF (default 30s)
 *   clock-skew=OFFSET[@STATE]    the device's clock is OFFSET off (+2h, -90m); with @STATE it jumps by OFFSET then
 */
import { givenValue } from "../protocol/given-value.js";
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { deviceMachine } from "../machine/device-machine.js";
import { entryLeaf, resolveStatePath, statePaths } from "../machine/state-paths.js";
import { formatDuration, parseDuration } from "./duration.js";

export const FAULT_NAMES = [
  "wrong-wifi-key",
  "network-absent",
  "wifi-timeout",
  "download-http-error",
  "corrupt-download",
  "service-5xx",
  "service-timeout",
  "power-loss",
  "clock-skew",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];
/** How many times a transient fault strikes before the world behaves again. */
export type Times = number | "always";

export type Fault =
  | { name: "wrong-wifi-key"; key?: string }
  | { name: "network-absent" }
  | { name: "wifi-timeout"; times: Times }
  | { name: "download-http-error"; status: number }
  | { name: "corrupt-download" }
  | { name: "service-5xx"; times: Times; status: number }
  | { name: "service-timeout"; times: Times }
  | { name: "power-loss"; state: string; offForMs: number }
  | { name: "clock-skew"; offsetMs: number; state?: string };

export const FAULT_GRAMMAR = `NAME[=VALUE][@STATE], NAME one of: ${FAULT_NAMES.join(", ")}`;

const DEFAULT_POWER_OFF_MS = 30_000;
/** Beyond this a Date cannot be formed: no clock is that far off, no battery out that long. */
const MAX_SKEW_MS = 100 * 365 * 86_400_000;

/**
 * How a fault's errors are worded where it was written inside something longer: `fleet --fault`
 * gives each fault a rate (`power-loss@downloadingAgent=5%`), so its errors name the whole
 * argument, and an example in a fix must carry a rate too, or copied as it stands it would be
 * refused again ("gives no rate").
 */
export interface FaultSpelling {
  /** The argument as the user wrote it. */
  where: string;
  /** A fault spelled as `enroll` takes it, as it is written here. */
  example: (spec: string) => string;
  /** The grammar of the whole argument. */
  grammar: string;
}

/** Each fault's value when none is given, in words, and a value of its own, for the fixes. */
const VALUES: Partial<Record<FaultName, { fallback: string; example: string }>> = {
  "wrong-wifi-key": { fallback: "a key other than the payload's", example: "Other-Key-1" },
  "wifi-timeout": { fallback: "always", example: "3" },
  "download-http-error": { fallback: "500", example: "404" },
  "service-5xx": { fallback: "2", example: "3" },
  "service-timeout": { fallback: "2", example: "3" },
  "power-loss": { fallback: "30s", example: "2m" },
};

/**
 * The fault whose value is text the user chose (a Wi-Fi key may hold spaces, "=" and "@"): its
 * value is everything after the first "=", as written. Every other value, and every name and
 * state, is one word.
 */
const VERBATIM_VALUE: FaultName = "wrong-wifi-key";

/** Where the spaces in a part of a fault or a fleet's rate are, in words: each is one word. */
export function spacesIn(written: string): string {
  const before = /^\s/.test(written);
  const after = /\s$/.test(written);
  if (before && after) return "has spaces around it";
  if (before) return "has a space before it";
  if (after) return "has a space after it";
  return "has a space in it";
}

/** Parses one `--fault` argument. Throws InputError (exit 2) naming what is wrong and the valid forms. */
export function parseFault(text: string, spelling?: FaultSpelling): Fault {
  // A number or an object (a fault object belongs to toFault) was read as the unknown fault "5", named as a --fault.
  // Readers of files give their spelling and check the type themselves; a direct call is the library's.
  if (typeof text !== "string" && spelling === undefined) throw new TypeError(`parseFault takes a string such as "service-5xx" or "power-loss@downloadingAgent" (got ${givenValue(text)})`);
  const where = spelling?.where ?? `--fault ${text}`;
  const ex = spelling?.example ?? ((spec: string) => spec);
  const grammar = spelling?.grammar ?? FAULT_GRAMMAR;
  // NAME, the spaces around it (refused below, never trimmed), and what follows: =VALUE, @STATE.
  const head = /^(\s*)([a-z0-9-]+)(\s*)(?=[=@]|$)/.exec(text);
  if (!head) {
    // A name in capitals or with underscores (Service-5xx, SERVICE_5XX): said as such, with the
    // spelling meant (before: "cannot read the fault", and the whole grammar as the fix).
    const [, lead = "", written = ""] = /^(\s*)([A-Za-z0-9_-]+)/.exec(text) ?? [];
    const meant = written.toLowerCase().replaceAll("_", "-");
    if ((FAULT_NAMES as readonly string[]).includes(meant)) {
      const fixed = `${meant}${text.slice(lead.length + written.length)}`;
      throw new InputError(`the fault's name "${written}" is written wrong: fault names are lower-case, with "-"`, { where, hint: readsAsFault(fixed) ? `write ${ex(fixed)}` : `write ${grammar}` });
    }
    throw new InputError(`cannot read the fault "${text}"`, { where, hint: `write ${grammar}` });
  }
  const [whole, before, rawName, after] = head as unknown as [string, string, string, string];
  if (!(FAULT_NAMES as readonly string[]).includes(rawName)) {
    // A fleet's example carries the rate given (service-5xx=0.1); enroll's names the fault alone.
    const example = spelling?.example ? `, e.g. ${ex("service-5xx")}` : "";
    throw new InputError(`unknown fault "${rawName}"`, { where, hint: `valid faults: ${FAULT_NAMES.join(", ")}${example}` });
  }
  const name = rawName as FaultName;
  const rest = text.slice(whole.length);
  const verbatim = name === VERBATIM_VALUE && rest.startsWith("=");
  // The fault as it should have been written: without spaces, but for those of a Wi-Fi key.
  const spaceless = () => {
    const fixed = verbatim ? `${name}${rest}` : `${name}${rest.replace(/\s+/g, "")}`;
    return readsAsFault(fixed) ? `write ${ex(fixed)}, without spaces` : `write ${grammar}`;
  };
  if (before !== "") throw new InputError(`has a space before the fault's name "${name}"`, { where, hint: spaceless() });
  if (after !== "") throw new InputError(`has a space after the fault's name "${name}"`, { where, hint: spaceless() });
  let value: string | undefined;
  let state: string | undefined;
  if (verbatim) {
    value = rest.slice(1);
  } else {
    const at = rest.indexOf("@");
    if (rest.startsWith("=")) value = rest.slice(1, at < 0 ? undefined : at);
    if (at >= 0) state = rest.slice(at + 1);
  }
  if (value !== undefined && /\s/.test(value) && !verbatim) {
    throw new InputError(`the value "${value}" ${spacesIn(value)}`, { where, hint: spaceless() });
  }
  if (state !== undefined && /\s/.test(state)) {
    throw new InputError(`the state "${state}" ${spacesIn(state)}`, { where, hint: spaceless() });
  }
  if (value === "") throw new InputError('nothing follows its "="', { where, hint: emptyValueFix(name, state, ex) });
  if (state === "") {
    throw new InputError('nothing follows its "@"', { where, hint: `name the state, e.g. ${ex(`${name}${value === undefined ? "" : `=${value}`}@downloadingAgent`)} (see \`aosp-sim diagram\` for state names)` });
  }
  const noValue = () => {
    if (value !== undefined) throw new InputError(`the fault ${name} takes no value`, { where, hint: `write --fault ${ex(name)}` });
  };
  const noState = () => {
    if (state !== undefined && name !== "power-loss" && name !== "clock-skew") {
      throw new InputError(`the fault ${name} does not take @STATE`, { where, hint: "only power-loss and clock-skew strike at a named state" });
    }
  };
  noState();
  switch (name) {
    case "wrong-wifi-key":
      return value === undefined ? { name } : { name, key: value };
    case "network-absent":
    case "corrupt-download":
      noValue();
      return { name };
    case "wifi-timeout":
      return { name, times: parseTimes(value, "always", where, ex(`${name}=3`)) };
    case "service-timeout":
      return { name, times: parseTimes(value, 2, where, ex(`${name}=3`)) };
    case "service-5xx":
      return { name, times: parseTimes(value, 2, where, ex(`${name}=3`)), status: 503 };
    case "download-http-error": {
      if (value === undefined) return { name, status: 500 };
      // Decimal digits only: Number() would read 0x194, 4.04e2 and 404.0 as 404.
      const status = decimalNumber(value);
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new InputError(`"${value}" is not an HTTP error status`, { where, hint: `use a status from 400 to 599, e.g. ${ex("download-http-error=404")}` });
      }
      return { name, status };
    }
    case "power-loss": {
      if (state === undefined) {
        throw new InputError("power-loss needs the state at which power is cut", {
          where,
          hint: `e.g. --fault ${ex("power-loss@downloadingAgent")} (see \`aosp-sim diagram\` for state names)`,
        });
      }
      const offForMs = value === undefined ? DEFAULT_POWER_OFF_MS : parseDuration(value);
      if (offForMs === null || offForMs < 0) {
        throw new InputError(`"${value}" is not a duration`, { where, hint: `e.g. ${ex("power-loss=2m@downloadingAgent")}` });
      }
      // A duration, only too long (before, "is not a duration" for 99999999d).
      if (offForMs > MAX_SKEW_MS) {
        throw new InputError(`"${value}" is longer than any device stays off`, { where, hint: `give at most 100 years, e.g. ${ex("power-loss=2h@downloadingAgent")}` });
      }
      return { name, state: checkState(state, where), offForMs };
    }
    case "clock-skew": {
      const at = state === undefined ? "" : `@${state}`;
      if (value === undefined) {
        throw new InputError("clock-skew needs an offset", { where, hint: `e.g. --fault ${ex("clock-skew=+2h")} or ${ex("clock-skew=-90m@enrolled.idle")}` });
      }
      const offsetMs = parseDuration(value, { signed: true });
      if (offsetMs === null) {
        // Given, but not one (before, "needs an offset" as if none had been): say what one is.
        throw new InputError(`"${value}" is not an offset`, {
          where,
          hint: `write a sign, + or -, then a number and a unit (ms, s, m, h or d; several may follow each other, as in 1h30m), e.g. ${ex(`clock-skew=+2h${at}`)} or ${ex(`clock-skew=-90m${at}`)}`,
        });
      }
      if (Math.abs(offsetMs) > MAX_SKEW_MS) {
        throw new InputError(`"${value}" is further off than any device clock`, { where, hint: `give an offset of at most 100 years, e.g. ${ex("clock-skew=+400d")}` });
      }
      return state === undefined ? { name, offsetMs } : { name, offsetMs, state: checkState(state, where) };
    }
  }
}

/** Whether `text` is a whole fault as `enroll --fault` reads one (a fix offered must be one). */
export function readsAsFault(text: string): boolean {
  try {
    parseFault(text);
    return true;
  } catch {
    return false;
  }
}

/** The fix for `NAME=` with nothing after it: the fault with its default, or with a value. */
function emptyValueFix(name: FaultName, state: string | undefined, ex: (spec: string) => string): string {
  const at = state === undefined ? "" : `@${state}`;
  const values = VALUES[name];
  if (name === "clock-skew") return `give an offset, e.g. ${ex(`clock-skew=+2h${at}`)}`;
  if (values === undefined) return `${name} takes no value: write ${ex(`${name}${at}`)}`;
  return `write ${ex(`${name}${at}`)} for its default (${values.fallback}), or a value, e.g. ${ex(`${name}=${values.example}${at}`)}`;
}

export function parseFaults(texts: readonly string[]): Fault[] {
  if (!Array.isArray(texts)) throw new TypeError(`parseFaults takes a list of strings such as ["service-5xx"] (got ${givenValue(texts)})`);
  const faults = texts.map((text) => parseFault(text));
  refuseClashingFaults(faults, texts);
  return faults;
}

/**
 * Faults written in a file (a scenario's device.faults, a transcript's start record), each named
 * by its place there (`at(i)`, e.g. "scenario.json at /device/faults/0") rather than as a --fault.
 */
export function parseFaultsAt(texts: readonly string[], at: (index: number) => string): Fault[] {
  const faults = texts.map((text, i) => parseFault(text, { where: at(i), example: (spec) => spec, grammar: FAULT_GRAMMAR }));
  refuseClashingFaults(faults, texts, { where: (_spelled, i) => at(i) });
  return faults;
}

/**
 * What a device takes one of: each fault once, but power-loss and clock-skew once per state they
 * strike at (and clock-skew once from the start). A second of the same kind was ignored, so the
 * order of the options decided which one ran.
 */
export function faultSlot(fault: Fault): string {
  if (fault.name !== "power-loss" && fault.name !== "clock-skew") return fault.name;
  // A state and its initial child are entered together: one slot ("enrolling", "enrolling.requesting").
  return `${fault.name}@${fault.state === undefined ? "" : entryLeaf(deviceMachine, fault.state)}`;
}

/** How a clash is said where the faults were written (default: as `--fault` options). */
export interface ClashWording {
  /** The clashing fault's place, from its spelling and its index in the list. */
  where?: (spelled: string, index: number) => string;
  /** The fix, in the terms of where they were written (a fleet's faults have rates). */
  hint?: string;
}

/**
 * Refuses two faults a device cannot both take (`service-5xx=1` and `service-5xx=always`), naming
 * the second as written (`written[i]`, else its spelling) and the first it clashes with.
 */
export function refuseClashingFaults(faults: readonly Fault[], written: readonly unknown[] = [], wording: ClashWording = {}): void {
  const where = wording.where ?? ((text: string) => `--fault ${text}`);
  const seen = new Map<string, { spelled: string; state: string | undefined }>();
  const stateOf = (fault: Fault) => ("state" in fault ? fault.state : undefined);
  faults.forEach((fault, i) => {
    const slot = faultSlot(fault);
    const spelled = typeof written[i] === "string" ? (written[i] as string) : formatFault(fault);
    const first = seen.get(slot);
    if (first !== undefined) {
      const state = stateOf(fault);
      const at = state === undefined ? "" : ` at ${state}`;
      // Two states entered at once (a state and its initial child) strike together.
      const together = first.state !== undefined && state !== undefined && first.state !== state ? `, which is entered with ${first.state},` : "";
      throw new InputError(`gives ${fault.name}${at}${together} a second time (${first.spelled} before it)`, {
        where: where(spelled, i),
        hint: wording.hint ?? `a device takes one ${fault.name}${at}: keep the one you mean${fault.name === "power-loss" || fault.name === "clock-skew" ? " (another state may have its own)" : ""}`,
      });
    }
    seen.set(slot, { spelled, state: stateOf(fault) });
  });
}

/**
 * A fault as a library caller gives it, a Fault object or its CLI spelling, read as `--fault`
 * reads one; `item` names it where the caller wrote it (`createDevice faults[1]`), not as a CLI
 * flag the caller never used.
 */
export function toFault(fault: Fault | string, item?: string): Fault {
  if (typeof fault !== "string" && (fault === null || typeof fault !== "object")) {
    throw new TypeError(`${item ?? "toFault"}: a fault must be its text, such as "service-5xx", or a fault object as parseFault returns it (got ${givenValue(fault)})`);
  }
  if (typeof fault !== "string") return validateFault(fault, item);
  return parseFault(fault, item === undefined ? undefined : { where: `${item} (${JSON.stringify(fault)})`, example: (spec) => spec, grammar: FAULT_GRAMMAR });
}

/** A fault built in code gets the checks its CLI spelling would: a bad value is an InputError. */
function validateFault(fault: Fault, item?: string): Fault {
  if (!(FAULT_NAMES as readonly string[]).includes(fault.name)) {
    throw new InputError(`unknown fault "${String(fault.name)}"`, { ...(item === undefined ? {} : { where: item }), hint: `valid faults: ${FAULT_NAMES.join(", ")}` });
  }
  const where = item === undefined ? `fault ${fault.name}` : `${item} (fault ${fault.name})`;
  const bad = (field: string, value: unknown, hint: string) =>
    new InputError(`${field} ${typeof value === "string" ? JSON.stringify(value) : String(value)} is not usable`, { where, hint });
  switch (fault.name) {
    case "wifi-timeout":
    case "service-timeout":
    case "service-5xx": {
      const times: unknown = fault.times;
      if (times !== "always" && !(Number.isSafeInteger(times) && (times as number) >= 1)) {
        throw bad("times", times, 'a whole number of times (1 or more) or "always"');
      }
      if (fault.name === "service-5xx" && !(Number.isInteger(fault.status) && fault.status >= 500 && fault.status <= 599)) {
        throw bad("status", fault.status, "a 5xx status, e.g. 503");
      }
      return fault;
    }
    case "download-http-error":
      if (!(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) throw bad("status", fault.status, "a status from 400 to 599");
      return fault;
    case "wrong-wifi-key":
      if (fault.key !== undefined && typeof fault.key !== "string") throw bad("key", fault.key, "a string, or leave it out");
      return fault;
    case "power-loss":
      if (!(Number.isFinite(fault.offForMs) && fault.offForMs >= 0 && fault.offForMs <= MAX_SKEW_MS)) {
        throw bad("offForMs", fault.offForMs, "milliseconds, from 0 to 100 years");
      }
      return { ...fault, state: checkState(fault.state, "power-loss") };
    case "clock-skew":
      if (!(Number.isFinite(fault.offsetMs) && Math.abs(fault.offsetMs) <= MAX_SKEW_MS)) {
        throw bad("offsetMs", fault.offsetMs, "milliseconds, at most 100 years either way");
      }
      return fault.state === undefined ? fault : { ...fault, state: checkState(fault.state, "clock-skew") };
    default:
      return fault;
  }
}

/**
 * A count of times: decimal digits (Number() would also read 0x3, 1e1, 3.0 and +3), 1 or more, or
 * "always". `example` is the fault with a count, as it is spelled where it was written.
 */
function parseTimes(value: string | undefined, fallback: Times, where: string, example: string): Times {
  if (value === undefined || value === "") return fallback;
  if (value === "always") return "always";
  const n = decimalNumber(value);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
    throw new InputError(`"${value}" is more times than can be counted`, { where, hint: `give at most ${Number.MAX_SAFE_INTEGER}, or "always"` });
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`"${value}" is not a count`, { where, hint: `give a whole number of times (1 or more) in decimal digits, e.g. ${example}, or "always"` });
  }
  return n;
}

function checkState(written: string, where: string): string {
  const resolved = resolveStatePath(deviceMachine, written);
  if (!resolved.ok) {
    // The top-level states, with how to name one inside them: all 66 would not read as one line.
    const topLevel = statePaths(deviceMachine).filter((path) => !path.includes("."));
    throw new InputError(resolved.problem, {
      where,
      hint: `states: ${topLevel.join(", ")}; a state inside another is written outer.inner (enrolled.checkingIn); \`aosp-sim diagram\` lists them all`,
    });
  }
  return resolved.path;
}

/** The CLI spelling of a fault (for reports and transcripts). */
export function formatFault(fault: Fault): string {
  if (fault === null || typeof fault !== "object" || !(FAULT_NAMES as readonly unknown[]).includes(fault.name)) {
    throw new TypeError(`formatFault: fault must be a fault object as parseFault returns it, e.g. parseFault("service-5xx") (got ${givenValue(fault)})`);
  }
  switch (fault.name) {
    case "wrong-wifi-key":
      return fault.key === undefined ? fault.name : `${fault.name}=${fault.key}`;
    case "network-absent":
    case "corrupt-download":
      return fault.name;
    case "wifi-timeout":
    case "service-timeout":
    case "service-5xx":
      return `${fault.name}=${fault.times}`;
    case "download-http-error":
      return `${fault.name}=${fault.status}`;
    case "power-loss":
      return `${fault.name}=${formatDuration(fault.offForMs).replace(/ /g, "")}@${fault.state}`;
    case "clock-skew": {
      const offset = `${fault.offsetMs < 0 ? "-" : "+"}${formatDuration(Math.abs(fault.offsetMs)).replace(/ /g, "")}`;
      return fault.state === undefined ? `${fault.name}=${offset}` : `${fault.name}=${offset}@${fault.state}`;
    }
  }
}

/** Where a fault's strike count lives: in memory (one process), or kept with the device. */
export interface StrikeCount {
  load(): number;
  save(used: number): void;
}

/** A transient fault's counter: strikes `times` times, then stops. */
export class Strikes {
  constructor(private readonly times: Times, private readonly count: StrikeCount = inMemoryCount()) {}

  /** True (and counted) when the fault strikes this time. */
  take(): boolean {
    const used = this.count.load();
    if (this.times !== "always" && used >= this.times) return false;
    this.count.save(used + 1);
    return true;
  }
}

function inMemoryCount(): StrikeCount {
  let used = 0;
  return { load: () => used, save: (n) => void (used = n) };
}

export function findFault<N extends FaultName>(faults: readonly Fault[], name: N): Extract<Fault, { name: N }> | undefined {
  return faults.find((f): f is Extract<Fault, { name: N }> => f.name === name);
}
