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
