/**
 * Telling people why a file is not the JSON they were asked for. JSON.parse's own message quotes
 * the text around the mistake, which for a binary file (an image, an archive given by mistake)
 * is a run of replacement characters and control bytes; such a file is named as binary instead.
 */

/** True when text decoded from a file is binary data rather than text: a NUL, or many bytes that are not text. */
export function textLooksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  if (head.includes("\u0000")) return true;
  const bad = (head.match(/[\uFFFD\x01-\x08\x0E-\x1F]/g) ?? []).length;
  return bad > Math.max(4, head.length / 10);
}

/** Why `text` did not parse (`error` is what JSON.parse threw): "is binary data, not JSON" or "is not JSON: ...". */
export function notJsonProblem(text: string, error: unknown): string {
  if (textLooksBinary(text)) return "is binary data, not JSON";
  return `is not JSON: ${error instanceof Error ? error.message : String(error)}`;
}
