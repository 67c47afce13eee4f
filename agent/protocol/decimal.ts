/**
 * Whole numbers as people write them on a command line: decimal digits and nothing else.
 * JavaScript's Number() also reads 0x10 (16), 0b11, 1e1 (10), 3.0, +3, " 3 " and "" (0), which
 * nobody means as a count, a status, a seed or a depth.
 */
const DECIMAL = /^[0-9]+$/;

/** The number `text` writes in decimal digits, or NaN when it is written any other way. */
export function decimalNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** A share as it may be written: a decimal fraction (0.05, .5, 1) or a decimal percentage (5%, 0.5%). */
const SHARE = /^(?:\d+(?:\.\d+)?|\.\d+)%?$/;

/**
 * The share from 0 to 1 that `text` writes as a decimal fraction or percentage (`0.05`, `5%`), or
 * NaN: Number() would read "" as 0, and 1e-2 and 0x1 as rates nobody writes.
 */
export function decimalShare(text: string): number {
  if (!SHARE.test(text)) return Number.NaN;
  const share = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  return share >= 0 && share <= 1 ? share : Number.NaN;
}
