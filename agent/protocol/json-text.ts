/**
 * Telling people why a file is not the JSON they were asked for. JSON.parse's own message quotes
 * the text around the mistake, which for a binary file (an image, an archive given by mistake)
 * is a run of replacement characters and control bytes; such a file is named as binary instead.
 * A syntax error is placed by line and column (Node 20's messages give no position at all), the
 * same way for a payload (validate) as for every other JSON file the CLI reads.
 */

/** True when text decoded from a file is binary data rather than text: a NUL, or many bytes that are not text. */
export function textLooksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  if (head.includes("\u0000")) return true;
  const bad = (head.match(/[\uFFFD\x01-\x08\x0E-\x1F]/g) ?? []).length;
  return bad > Math.max(4, head.length / 10);
}

/**
 * Why `text` did not parse (`error` is what JSON.parse threw): "is binary data, not JSON" or
 * "is not JSON: Unexpected token ',' at line 2 column 6".
 */
export function notJsonProblem(text: string, error: unknown): string {
  if (textLooksBinary(text)) return "is binary data, not JSON";
  const { detail, line, column } = jsonSyntaxError(text, error);
  return `is not JSON: ${detail} at line ${line} column ${column}`;
}

/** JSON.parse's complaint about `text` (`error`, what it threw) without its quote of the text, and where it is (1-based). */
export function jsonSyntaxError(text: string, error: unknown): { detail: string; line: number; column: number } {
  const message = error instanceof Error ? error.message : String(error);
  return { detail: cleanDetail(message), ...locate(text, message) };
}

/** Where V8's message says the error is: an offset, or the end of the text; null when it does not say. */
function reportedOffset(message: string, length: number): number | null {
  if (/Unexpected end of JSON input/.test(message)) return length;
  const pos = /position (\d+)/.exec(message);
  return pos ? Number(pos[1]) : null;
}

/**
 * The offset of the first character JSON.parse rejects. Node 20's "Unexpected token" messages
 * give no position, so then it is found by bisection: the longest prefix that is still the start
 * of some JSON text (it parses, or fails only at its end) ends just before the culprit.
 */
function errorOffset(text: string, message: string): number {
  const reported = reportedOffset(message, text.length);
  if (reported !== null) return reported;
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

/** V8 says "... in JSON at position 12" or nothing (Node 20), or "... (line 1 column 13)" (newer). */
function locate(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  return lineColumnAt(text, errorOffset(text, message));
}

/** The line and column (both from 1) of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  return { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") };
}

/** V8's message without the location (given separately) and without its quote of the text. */
function cleanDetail(message: string): string {
  return message
    .replace(/,\s*".*"(\.\.\.)?\s*is not valid JSON$/s, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .replace(/\s*(in JSON )?at position \d+.*$/s, "");
}

