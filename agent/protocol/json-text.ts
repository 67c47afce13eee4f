/**
 * Telling people why a file is not the JSON they were asked for. JSON.parse's own message quotes
 * the text around the mistake, which for a binary file (an image, an archive given by mistake)
 * is a run of replacement characters and control bytes; such a file is named as binary instead.
 * A syntax error is placed by line and column (Node 20's messages give no position at all), the
 * same way for a payload (validate) as for every other JSON file the CLI reads. UTF-16 text
 * (which has a zero byte in every other place) is told apart from binary data.
 */

/** True when text decoded from a file is binary data rather than text: a NUL, or many bytes that are not text. */
export function textLooksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  if (head.includes("\u0000")) return true;
  const bad = (head.match(/[\uFFFD\x01-\x08\x0E-\x1F]/g) ?? []).length;
  return bad > Math.max(4, head.length / 10);
}

/**
 * The UTF-16 byte-order mark the bytes start with, if any: FF FE (little-endian, what Windows
 * PowerShell 5.1's `>` and Out-File write) or FE FF (big-endian).
 */
export function utf16ByteOrder(bytes: Uint8Array): "little-endian" | "big-endian" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "little-endian";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "big-endian";
  return null;
}

/**
 * UTF-16 without a byte-order mark, as ASCII text (JSON) looks in it: a zero byte in every second
 * place and none in the others, over the first characters. Null when the bytes do not look so.
 */
export function bomlessUtf16(bytes: Uint8Array): "little-endian" | "big-endian" | null {
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero === pairs && evenZero === 0) return "little-endian";
  if (evenZero === pairs && oddZero === 0) return "big-endian";
  return null;
}

/**
 * How UTF-16 bytes are encoded, in words for a message ("little-endian, byte-order mark FF FE, as
 * Windows PowerShell 5.1's > and Out-File write it"), or null when they do not look UTF-16.
 */
export function utf16Encoding(bytes: Uint8Array): string | null {
  const utf16 = utf16ByteOrder(bytes);
  if (utf16 === "little-endian") return "little-endian, byte-order mark FF FE, as Windows PowerShell 5.1's > and Out-File write it";
  if (utf16 === "big-endian") return "big-endian, byte-order mark FE FF";
  const bomless = bomlessUtf16(bytes);
  return bomless === null ? null : `${bomless}, without a byte-order mark`;
}

/** The fix for UTF-16 text where UTF-8 is read. */
export const RESAVE_AS_UTF8 = "re-save it as UTF-8 (in PowerShell: Get-Content IN | Set-Content -Encoding UTF8 OUT; in an editor: save with encoding UTF-8)";

/**
 * Why `text` did not parse (`error` is what JSON.parse threw): "is binary data, not JSON" or
 * "is not JSON: Unexpected token ',' at line 2 column 6".
 */
export function notJsonProblem(text: string, error: unknown): string {
  if (textLooksBinary(text)) return "is binary data, not JSON";
  const { detail, line, column } = jsonSyntaxError(text, error);
  return `is not JSON: ${detail} at line ${line} column ${column}`;
}

/**
 * Whether `text`, which JSON.parse refused (`error`, what it threw), is the start of a JSON object
 * cut off: it fails only at its end (a file whose writer was stopped part-way), not at a
 * character that no JSON text could hold there.
 */
export function isCutOffJsonObject(text: string, error: unknown): boolean {
  return text.trimStart().startsWith("{") && jsonSyntaxError(text, error).offset >= text.length;
}

/**
 * JSON.parse's complaint about `text` (`error`, what it threw) without its quote of the text, and
 * where it is: line and column (1-based, the column in characters as an editor counts them) for
 * people, and the offset in UTF-16 code units for what counts those (SARIF).
 */
export function jsonSyntaxError(text: string, error: unknown): { detail: string; line: number; column: number; offset: number } {
  const message = error instanceof Error ? error.message : String(error);
  const offset = errorOffset(text, message);
  return { detail: cleanDetail(message), ...lineColumnAt(text, offset), offset };
}

/** Where V8's message says the error is: an offset, or the end of the text; null when it does not say. */
function reportedOffset(message: string, length: number): number | null {
  if (/Unexpected end of JSON input/.test(message)) return length;
  const pos = /position (\d+)/.exec(message);
  return pos ? Number(pos[1]) : null;
}

/**
 * The offset (in UTF-16 code units) of the first character JSON.parse rejects: the position V8's
 * message gives, or its line and column (newer V8, which counts the column in code units too).
 * Node 20's "Unexpected token" messages give neither, so then it is found by bisection: the
 * longest prefix that is still the start of some JSON text (it parses, or fails only at its end)
 * ends just before the culprit.
 */
function errorOffset(text: string, message: string): number {
  const reported = reportedOffset(message, text.length);
  if (reported !== null) return reported;
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return Math.min(offsetOfLine(text, Number(lc[1])) + Number(lc[2]) - 1, text.length);
  const viable = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return true;
    } catch (error) {
      const at = reportedOffset(error instanceof Error ? error.message : String(error), k);
      return at !== null && at >= k;
    }
  };
  let lo = 0; // viable: the empty text only ends too early
  let hi = text.length; // not viable: the whole text fails
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (viable(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Where line `line` (from 1) starts in `text`, in UTF-16 code units. */
function offsetOfLine(text: string, line: number): number {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const newline = text.indexOf("\n", start);
    if (newline < 0) break;
    start = newline + 1;
  }
  return start;
}

/**
 * The line and column (both from 1) of `offset`, an index into `text` in UTF-16 code units. The
 * column counts characters (Unicode code points) as an editor shows them: an emoji before the
 * error is one column, not the two code units a JavaScript string holds it in.
 */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(offset, text.length);
  const { line, lineStart } = lineAt(text, end);
  return { line, column: codePointsIn(text, lineStart, end) + 1 };
}

/**
 * The line (from 1) holding `offset` and the offset its line starts at. CR, LF and CR LF each end
 * a line, as editors show them: JSON takes a lone CR as whitespace, and a classic Mac file,
 * CR-only, read as one line put every place on line 1 (the SARIF log declares the three as its
 * run's newlineSequences, whose default lacks a lone CR).
 */
export function lineAt(text: string, offset: number): { line: number; lineStart: number } {
  const end = Math.min(offset, text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const unit = text.charCodeAt(i);
    // The CR of a CR LF is not a break of its own: the LF after it is.
    if (unit === 10 || (unit === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, lineStart };
}

/** The code points in text[from, to): a surrogate pair is one. */
function codePointsIn(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate with its low one after it, both before `to`, is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < to) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** V8's message without the location (given separately) and without its quote of the text. */
function cleanDetail(message: string): string {
  return message
    .replace(/,\s*".*"(\.\.\.)?\s*is not valid JSON$/s, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .replace(/\s*(in JSON )?at position \d+.*$/s, "");
}

