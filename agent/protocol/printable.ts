/**
 * Text that came from outside (a file name, a quoted piece of a file, a payload value, a
 * service's message) as it is shown on a terminal: control characters are written as escapes,
 * so that text cannot move the cursor, recolour the screen or add a line of its own.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0A-\x1F\x7F-\x9F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * Characters a reader cannot tell apart from ordinary text, or cannot see at all: format
 * characters (zero-width space U+200B, zero-width joiner, word joiner U+2060, byte-order mark
 * U+FEFF, bidirectional marks), every space separator except the ASCII space (no-break space
 * U+00A0, en/em/thin spaces, ideographic space), the line and paragraph separators, and the dashes
 * that look like "-" (hyphen U+2010, non-breaking hyphen U+2011, figure dash, en dash, minus sign
 * U+2212, and their full-width and small forms). Text copied from web pages and office documents
 * carries exactly these.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/gu;

/**
 * Writes invisible and look-alike characters as `\uXXXX` escapes, so that a finding that quotes a
 * key or value shows the author what differs from the text they meant ("Europe/Berlin\u200B", not
 * a string that looks exactly like "Europe/Berlin"). Inside a JSON string the escape means the same
 * character, so quoted values stay valid JSON. Leaves every other character as it is (accented
 * letters, scripts other than Latin, emoji).
 */
export function revealInvisible(text: string): string {
  // An astral character (a tag character such as U+E0001) is written as its UTF-16 surrogate pair,
  // as JSON escapes it.
  return text.replace(INVISIBLE, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`).join(""));
}
