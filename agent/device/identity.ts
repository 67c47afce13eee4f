/**
 * Who the device is: serial number, model, manufacturer, Android version. Set explicitly, or
 * generated from a seed (the same seed always gives the same device), or at random.
 */
import { randomInt } from "node:crypto";
import type { DeviceIdentity } from "../machine/types.js";
import { InputError } from "../protocol/errors.js";
import { givenValue } from "../protocol/given-value.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";

export type { DeviceIdentity };

/** Devices of the kinds that enroll as AOSP devices (headsets, rugged wearables). */
const MODELS: readonly Omit<DeviceIdentity, "serialNumber">[] = [
  { manufacturer: "RealWear", model: "Navigator 500", osVersion: "11" },
  { manufacturer: "RealWear", model: "HMT-1Z1", osVersion: "10" },
  { manufacturer: "Pico", model: "PICO 4 Enterprise", osVersion: "10" },
  { manufacturer: "Meta", model: "Quest 3", osVersion: "12" },
  { manufacturer: "HTC", model: "VIVE Focus 3", osVersion: "10" },
  { manufacturer: "Zebra Technologies", model: "HC50", osVersion: "13" },
  { manufacturer: "Vuzix", model: "M400", osVersion: "11" },
];

const SERIAL_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

/** mulberry32: a small, well-distributed 32-bit PRNG; enough for reproducible identities. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The device a seed stands for. */
export function identityFromSeed(seed: number): DeviceIdentity {
  // Any other value (a string, an object) gave one and the same device, as seed 0 does.
  checkSeed("identityFromSeed: seed", seed);
  return seededIdentity(seed);
}

function seededIdentity(seed: number): DeviceIdentity {
  const random = seededRandom(seed);
  const pick = MODELS[Math.floor(random() * MODELS.length)]!;
  let serial = "";
  for (let i = 0; i < 12; i++) serial += SERIAL_ALPHABET[Math.floor(random() * SERIAL_ALPHABET.length)];
  return { serialNumber: serial, ...pick };
}

/** A seed for a device nobody asked to reproduce. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** What resolveIdentity takes. */
export interface IdentityOptions {
  seed?: number;
  identity?: Partial<DeviceIdentity>;
}

const IDENTITY_OPTIONS = optionNames<IdentityOptions>({ seed: true, identity: true });
const IDENTITY_NAMES = optionNames<DeviceIdentity>({ serialNumber: true, model: true, manufacturer: true, osVersion: true });

/**
 * Identity from explicit fields, completed from a seed (random when none is given). Its
 * arguments are checked: `{ serial: "X" }` or `{ identity: { serialNumber: 5 } }` gave a random
 * device, or one with a number for a serial, without a word.
 */
export function resolveIdentity(options: IdentityOptions = {}): DeviceIdentity {
  checkOptions("resolveIdentity", options, IDENTITY_OPTIONS, 'e.g. { seed: 1 } or { identity: { serialNumber: "R58N12345" } }');
  if (options.seed !== undefined) checkSeed("resolveIdentity: seed", options.seed);
  if (options.identity !== undefined) checkIdentityFields("resolveIdentity identity", options.identity);
  return identityOf(options);
}

/** resolveIdentity for callers that checked their options already (createDevice, whose options hold more than these). */
export function identityOf(options: IdentityOptions): DeviceIdentity {
  const base = seededIdentity(options.seed ?? randomSeed());
  return { ...base, ...definedOnly(options.identity ?? {}) };
}

/** A seed is 32 bits, as --seed takes it. */
function checkSeed(what: string, seed: unknown): void {
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 32 - 1) return;
  throw new (typeof seed === "number" ? RangeError : TypeError)(`${what} must be a whole number from 0 to ${2 ** 32 - 1} (got ${givenValue(seed)})`);
}

/**
 * An identity's fields as a caller gives them (any of the four, by name): each a string, the
 * serial number as --serial takes it. `call` names the argument (`createDevice identity`).
 */
export function checkIdentityFields(call: string, identity: unknown): void {
  checkOptions(call, identity, IDENTITY_NAMES, 'e.g. { serialNumber: "R58N12345" }');
  for (const [field, value] of Object.entries(identity as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (typeof value !== "string") throw new TypeError(`${call}: ${field} must be a string, e.g. ${field === "serialNumber" ? '"R58N12345"' : field === "osVersion" ? '"13"' : '"Pixel 8"'} (got ${givenValue(value)})`);
  }
  const serial = (identity as Partial<DeviceIdentity>).serialNumber;
  if (serial !== undefined) checkSerialNumber(serial, `${call}.serialNumber`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Why a device opens its QR scanner at power-on, for devices whose maker ships no first-time
 * setup (the seed: RealWear devices need only the Intune QR code); null for the others, which
 * open it after six taps on the welcome screen.
 */
export function skipsSetupWizard(identity: DeviceIdentity): string | null {
  return identity.manufacturer === "RealWear"
    ? "RealWear devices skip the first-time setup: no welcome screen, the Intune QR code is all they need"
    : null;
}

/**
 * Each identity field as a device reports it: in its enrollment (the service's lengths) and its
 * User-Agent header (printable ASCII, no control characters).
 */
const IDENTITY_FIELDS: Record<keyof DeviceIdentity, { pattern: RegExp; what: string; rule: string }> = {
  serialNumber: { pattern: /^[\x21-\x7e]{1,64}$/, what: "serial number", rule: "1 to 64 letters, digits or punctuation without spaces" },
  manufacturer: { pattern: /^(?=.*[^ ])[\x20-\x7e]{1,128}$/, what: "manufacturer", rule: "1 to 128 printable ASCII characters" },
  model: { pattern: /^(?=.*[^ ])[\x20-\x7e]{1,128}$/, what: "model", rule: "1 to 128 printable ASCII characters" },
  osVersion: { pattern: /^(?=.*[^ ])[\x20-\x7e]{1,32}$/, what: "Android version", rule: "1 to 32 printable ASCII characters" },
};

/** A serial number as a device reports it: 1 to 64 printable characters without spaces (enroll --serial, a scenario's device.serial). */
export function checkSerialNumber(serial: string, where: string): void {
  if (IDENTITY_FIELDS.serialNumber.pattern.test(serial)) return;
  throw new InputError(`"${serial}" is not a serial number`, {
    where,
    hint: `use ${IDENTITY_FIELDS.serialNumber.rule}, e.g. R3CT40KX9ZB`,
  });
}

/**
 * Why a recorded identity (a transcript's start record) is not one a device could have, naming
 * the field (`identity.model`), or null when it is: the serial as --serial takes it, the other
 * fields printable ASCII within the service's lengths.
 */
export function identityProblem(identity: unknown): string | null {
  if (identity === undefined) return `"identity" is missing: an object with serialNumber, manufacturer, model and osVersion`;
  if (typeof identity !== "object" || identity === null || Array.isArray(identity)) {
    return `"identity" is ${quoted(identity)}, not an object with serialNumber, manufacturer, model and osVersion`;
  }
  for (const [field, { pattern, what, rule }] of Object.entries(IDENTITY_FIELDS)) {
    const value: unknown = (identity as Record<string, unknown>)[field];
    if (value === undefined) return `"identity.${field}" is missing`;
    if (typeof value !== "string" || !pattern.test(value)) return `"identity.${field}" is ${quoted(value)}, not ${/^[aeiouAEIOU]/.test(what) ? "an" : "a"} ${what} (${rule})`;
  }
  return null;
}

/** A value as JSON, cut short: control characters come out escaped. */
function quoted(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
