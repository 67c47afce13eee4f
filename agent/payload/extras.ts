/**
 * Reads provisioning values out of the payload JSON the way Android does.
 *
 * The setup wizard turns the QR JSON into intent extras, and ManagedProvisioning reads each one
 * with a typed getter that also looks at the Android 10+ short alias
 * (ExtrasProvisioningDataParser.get*ExtraFromLongName):
 * - strings: the long key if its value *is a string*, else the alias if its value is a string,
 *   else absent (a number where a string belongs reads as absent);
 * - booleans, ints, longs, the bundle and the component: the long key whenever it is present
 *   (even with a wrong-typed value, which then reads as the default), else the alias.
 */
import { specOf, type KeyName, type KeySpec } from "./keys.js";
import { judgeWholeNumber } from "./number-text.js";

export interface ResolvedValue {
  spec: KeySpec;
  /** The JSON key the device reads (the long key or the alias), or null when neither is there. */
  key: string | null;
  /** The JSON value at that key (undefined when absent). */
  raw: unknown;
  /** True when `raw` has the type the device expects. */
  typed: boolean;
}

/** Whether a JSON value has the type the device reads for a key of this type. */
export function hasDeviceType(spec: KeySpec, value: unknown, numberText?: string): boolean {
  switch (spec.type) {
    case "string":
    case "component":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "int":
    case "long":
      if (typeof value !== "number") return false;
      return judgeWholeNumber(numberText ?? String(value), spec.type) === "ok";
    case "bundle":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

export class Extras {
  constructor(
    readonly json: Readonly<Record<string, unknown>>,
    /** Top-level numbers as the author wrote them (see number-text.ts), by key. */
    readonly numberTexts: ReadonlyMap<string, string> = new Map(),
  ) {}

  has(key: string): boolean {
    return Object.hasOwn(this.json, key);
  }

  /** What the device reads for a key, following Android's long-key/alias precedence. */
  resolve(name: KeyName): ResolvedValue {
    return this.resolveSpec(specOf(name));
  }

  /** `resolve` for a spec already in hand (e.g. looked up from a key found in the JSON). */
  resolveSpec(spec: KeySpec): ResolvedValue {
    const candidates = [spec.key, ...(spec.alias === null ? [] : [spec.alias])].filter((k) => this.has(k));
    if (spec.type === "string") {
      const hit = candidates.find((k) => typeof this.json[k] === "string");
      if (hit !== undefined) return { spec, key: hit, raw: this.json[hit], typed: true };
    }
    const key = candidates[0] ?? null;
    const raw = key === null ? undefined : this.json[key];
    return { spec, key, raw, typed: key !== null && hasDeviceType(spec, raw, this.numberTexts.get(key)) };
  }

  /** The value when present and well-typed, else null (the device then uses its default). */
  string(name: KeyName): string | null {
    const r = this.resolve(name);
    return r.typed ? (r.raw as string) : null;
  }

  boolean(name: KeyName): boolean | null {
    const r = this.resolve(name);
    return r.typed ? (r.raw as boolean) : null;
  }

  number(name: KeyName): number | null {
    const r = this.resolve(name);
    return r.typed ? (r.raw as number) : null;
  }

  bundle(name: KeyName): Record<string, unknown> | null {
    const r = this.resolve(name);
    return r.typed ? (r.raw as Record<string, unknown>) : null;
  }

  /** True when either the long key or its alias is in the payload (whatever its value). */
  present(name: KeyName): boolean {
    return this.resolve(name).key !== null;
  }
}
