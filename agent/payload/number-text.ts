/**
 * Numbers judged as the author wrote them. JSON.parse turns 9007199254740993 into ...992 and
 * 1e400 into Infinity, so a range check on the parsed value judges a number nobody wrote. The
 * device reads the digits (Android's JSON parser keeps a long exactly), so the checks here work
 * on the number's text: exactly, with BigInt, and without ever expanding a huge exponent.
 */

/** Java's int and long, the two whole-number types a provisioning key can have. */
export const JAVA_RANGES = {
  int: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  long: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
} as const;

export type WholeNumberVerdict = "ok" | "not-whole" | "too-large" | "too-small";

/** A JSON number token: its sign, significant digits (no leading zeros) and power of ten. */
function decompose(text: string): { negative: boolean; digits: string; exponent: bigint } | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole = "", fraction = "", exp = "0"] = match;
  let digits = (whole + fraction).replace(/^0+/, "");
  let exponent = BigInt(exp) - BigInt(fraction.length);
  const trailing = /0*$/.exec(digits)![0].length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += BigInt(trailing);
  return { negative: sign === "-", digits, exponent };
}

/**
 * Whether the number written as `text` is a whole number within Java's `type`. The exponent is
 * compared before any power is computed, so 1e999999999 costs nothing.
 */
export function judgeWholeNumber(text: string, type: keyof typeof JAVA_RANGES): WholeNumberVerdict {
  const number = decompose(text.trim());
  if (number === null) return "not-whole";
  if (number.digits === "") return "ok"; // zero, however written
  if (number.exponent < 0n) return "not-whole";
  const outside: WholeNumberVerdict = number.negative ? "too-small" : "too-large";
  // Both ranges fit in 19 digits; a longer number is outside whatever its digits.
  if (BigInt(number.digits.length) + number.exponent > 19n) return outside;
  const magnitude = BigInt(number.digits) * 10n ** number.exponent;
  const value = number.negative ? -magnitude : magnitude;
  const range = JAVA_RANGES[type];
  return value < range.min || value > range.max ? outside : "ok";
}

const NUMBER_TOKEN = /-?[\d.eE+-]+/y;

/**
 * The text of each number that is a value of the top-level object, by key (the last one wins
 * for a key given twice, as in JSON.parse). The text must be valid JSON (parsed already).
 */
export function topLevelNumberTexts(text: string): Map<string, string> {
  const texts = new Map<string, string>();
  let depth = 0;
  let key: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\"") {
      let j = i + 1;
      while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k] ?? "")) k++;
      if (depth === 1 && text[k] === ":") key = JSON.parse(text.slice(i, j + 1)) as string;
      i = j;
    } else if (ch === "{" || ch === "[") {
      depth++;
    } else if (ch === "}" || ch === "]") {
      depth--;
    } else if (depth === 1 && key !== null && (ch === "-" || (ch >= "0" && ch <= "9"))) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)![0];
      texts.set(key, token);
      key = null;
      i += token.length - 1;
    } else if (ch === ",") {
      key = null;
    }
  }
  return texts;
}

