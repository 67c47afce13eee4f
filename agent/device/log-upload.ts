/**
 * What a "share logs" upload sends: the user's description and the device's log, within the
 * service's 1 MiB (UTF-8). A log past that is cut at a line boundary and its NEWEST part sent, as
 * a phone's log buffer keeps its newest entries: the lines a support engineer needs are those
 * just before the share. The upload then begins with a line saying what was left out.
 */

/** The most an upload's log may be, in UTF-8 bytes (the device API's limit, device-api.ts). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

/** Room kept for the line that says what was cut (it is far shorter). */
const CUT_NOTE_BYTES = 160;

/** The description may take at most this much of an upload; the rest is the log's. */
const MAX_DESCRIPTION_BYTES = 64 * 1024;

/** The log an upload sends for `description` and the device's whole log `log`, at most `maxBytes` in UTF-8. */
export function logsToUpload(description: string, log: string, maxBytes = MAX_UPLOAD_BYTES): string {
  const said = description ? `User description: ${headOf(description, MAX_DESCRIPTION_BYTES)}` : "";
  const whole = [said, log].filter(Boolean).join("\n");
  if (Buffer.byteLength(whole, "utf8") <= maxBytes) return whole;
  const bytes = Buffer.from(log, "utf8");
  const room = Math.max(0, maxBytes - CUT_NOTE_BYTES - (said ? Buffer.byteLength(said, "utf8") + 1 : 0));
  const start = newestStart(bytes, room);
  const leftOut = bytes.subarray(0, start);
  // Each line left out whole ended with its "\n"; a line cut in part (longer than the room) counts too.
  const lines = count(leftOut, NEWLINE) + (leftOut.length > 0 && leftOut[leftOut.length - 1] !== NEWLINE ? 1 : 0);
  const note = `[log cut to fit ${maxBytes} bytes: the oldest ${lines} ${lines === 1 ? "line" : "lines"} (${leftOut.length} bytes) were left out]`;
  return [note, said, bytes.subarray(start).toString("utf8")].filter(Boolean).join("\n");
}

/** UTF-8's "\n": never part of another character's bytes, so a line boundary can be found in the bytes. */
const NEWLINE = 0x0a;

/**
 * Where the newest part of `bytes` that fits `room` starts: at a line's start, or, when not even
 * the last line fits, inside that line at a character's start (never inside a character).
 */
function newestStart(bytes: Buffer, room: number): number {
  let start = Math.max(0, bytes.length - room);
  if (start === 0) return 0;
  const newline = bytes.indexOf(NEWLINE, start - 1);
  if (newline >= 0 && newline + 1 < bytes.length) return newline + 1;
  // UTF-8 continuation bytes are 10xxxxxx: step past them to the next character's first byte.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return start;
}

/** The start of `text` of at most `maxBytes` in UTF-8, whole characters only. */
function headOf(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/** How many times `byte` occurs in `bytes`. */
function count(bytes: Buffer, byte: number): number {
  let found = 0;
  for (let at = bytes.indexOf(byte); at >= 0; at = bytes.indexOf(byte, at + 1)) found++;
  return found;
}
