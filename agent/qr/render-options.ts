/**
 * The checks of a QR rendering's options, one set for `renderQrPng` and `aosp-sim qr`: the same
 * levels, ranges and words whether the option came as a flag (`--scale 2.5`) or from a library
 * caller (`{ scale: 2.5 }`). Each refusal is an InputError naming where the option was given and
 * how a good value is written there.
 */
import { InputError } from "../protocol/errors.js";
import { asEcLevel, type EcLevel } from "./types.js";

/** How an option is named in its error: where it was given, and a value written as it is written there. */
export interface OptionName {
  /** "--scale", or "renderQrPng options.scale". */
  where: string;
  /** A value as the caller writes it: "--scale 8", or "scale: 8". */
  write(value: string | number): string;
}

/** A command-line flag. */
export function flagName(flag: string): OptionName {
  return { where: flag, write: (value) => `${flag} ${value}` };
}

/** An option of renderQrPng's options object. */
export function renderOptionName(option: string): OptionName {
  return { where: `renderQrPng options.${option}`, write: (value) => `${option}: ${typeof value === "string" ? JSON.stringify(value) : value}` };
}

/** The whole-number options: their range, what they count, and their default. */
export const WHOLE_RENDER_OPTIONS = {
  scale: { min: 1, max: 64, what: "the pixels per module", default: 8 },
  margin: { min: 0, max: 64, what: "the quiet zone in modules (4 or more, as ISO/IEC 18004 asks)", default: 4 },
} as const;

export const DEFAULT_EC_LEVEL: EcLevel = "M";

/** An error-correction level, L, M, Q or H in either case (a flag's text, or a library caller's value). */
export function checkEcLevel(value: unknown, name: OptionName): EcLevel {
  const found = typeof value === "string" ? asEcLevel(value.toUpperCase()) : null;
  if (!found) throw new InputError(`unknown error-correction level ${written(value)}`, { where: name.where, hint: "use L, M, Q or H" });
  return found;
}

/** A whole number in the option's range: a flag's text ("8"), or a library caller's number. */
export function checkWholeOption(option: keyof typeof WHOLE_RENDER_OPTIONS, value: unknown, name: OptionName): number {
  const { min, max, what } = WHOLE_RENDER_OPTIONS[option];
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${written(value)} is not a whole number from ${min} to ${max}`, {
      where: name.where,
      hint: `give ${what} as a whole number from ${min} to ${max}, e.g. ${name.write(WHOLE_RENDER_OPTIONS[option].default)}`,
    });
  }
  return n;
}

/** A value as a message quotes it: text in quotes, anything else as it prints. */
function written(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}
