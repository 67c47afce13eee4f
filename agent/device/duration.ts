/**
 * Durations as people write them: "90s", "15m", "2h", "1d", "500ms", combined ("1h30m"),
 * optionally signed ("+2h", "-90m"). Used by the fault grammar and by scenarios.
 */
import { givenValue } from "../protocol/given-value.js";

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string, options: { signed?: boolean } = {}): number | null {
  // A number or nothing failed with "text.trim is not a function", naming no call.
  if (typeof text !== "string") throw new TypeError(`parseDuration: text must be a duration as a string, such as "90s" or "1h30m" (got ${givenValue(text)})`);
  if (options === null || typeof options !== "object") throw new TypeError(`parseDuration: options must be an object such as { signed: true } (got ${givenValue(options)})`);
  let rest = text.trim();
  let sign = 1;
  if (options.signed && (rest.startsWith("+") || rest.startsWith("-"))) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "") return null;
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let m = PART.exec(rest); m !== null; m = PART.exec(rest)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== rest.length) return null;
  return sign * Math.round(total);
}

/**
 * A duration whose last number has no unit after a whole part that has one ("1m30", "1h30"), with
 * the unit it most likely lacks (the next smaller than the one before it: 1m30 is 1m30s, 1h30 is
 * 1h30m), or null. Said in refusals, which otherwise called "1m30" no duration at all.
 */
export function unitLeftOut(text: string): { number: string; written: string } | null {
  if (typeof text !== "string") return null;
  const match = /^(.*\D)(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match || parseDuration(match[1]!.replace(/^[+-]/, "")) === null) return null;
  const before = /(ms|s|m|h|d)$/.exec(match[1]!)![1]!;
  const next: Record<string, string> = { d: "h", h: "m", m: "s", s: "ms" };
  if (next[before] === undefined) return null;
  return { number: match[2]!, written: `${text.trim()}${next[before]}` };
}

/** "2h 15m", "3m", "45s", "1d 8h": compact, for timelines and summaries. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return sign + parts.slice(0, 2).join(" ");
}

/** `formatDuration`'s words when they are exact, else `exactDuration`'s ("1s500ms", not "1s"). */
export function formatDurationExactly(ms: number): string {
  const words = formatDuration(ms);
  return parseDuration(words.replaceAll(" ", "")) === Math.round(ms) ? words : exactDuration(ms);
}

/**
 * The same milliseconds as `parseDuration` reads them back, nothing rounded and no spaces
 * ("1h30m", "1s500ms", "2d"): for a command line a user copies (a fleet's re-run command).
 */
export function exactDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest === 0) return "0ms";
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000], ["ms", 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}
