/**
 * A "share logs" upload as a transcript records it. The device sends its whole log at each share
 * (up to 1 MiB), so a transcript that recorded every upload whole grew with the square of its
 * shares: 700 shares came to 72 MB, past what `show` and `replay` read. An upload whose log
 * begins with whole lines the previous upload sent records those lines by their count, and the
 * rest as text:
 *
 *   "body": {"logs": {"firstLinesOfPrevious": 57, "then": "2026-...Z enrolled.idle [...] ...\n..."}}
 *
 * The log sent is the previous upload's first 57 lines (each with its "\n"), then `then`; the
 * previous upload's log is rebuilt the same way. The first upload of a transcript, and one that
 * shares no whole line with the one before, is recorded whole, as a string.
 */
import type { HttpRecord } from "../client/http.js";
import type { TranscriptRecord } from "./transcript.js";

/** An upload's log as a transcript records it when it repeats lines of the previous upload. */
export interface RepeatedLogs {
  /** The log begins with this many lines of the previous upload's log, each ended by "\n". */
  firstLinesOfPrevious: number;
  /** What follows them. */
  then: string;
}

/** The device API's logs upload: POST /device/v1/devices/{id}/logs. */
const LOGS_PATH = /\/device\/v1\/devices\/[^/]+\/logs$/;

/**
 * Records each logs upload by what is new since the previous one (one per transcript, fed its
 * records in order, after redaction: what it compares is what the file would otherwise hold).
 */
export class LogUploadRecorder {
  /** The previous upload's whole log, as the transcript would have recorded it. */
  private previous: string | null = null;

  /** The record, with a logs upload's repeated lines counted rather than written again. */
  record(record: TranscriptRecord): TranscriptRecord {
    const logs = uploadedLogs(record);
    if (logs === null) return record;
    const previous = this.previous;
    this.previous = logs;
    if (previous === null) return record;
    const { lines, length } = sharedLines(previous, logs);
    if (lines === 0) return record;
    const http = record as HttpRecord;
    const repeated: RepeatedLogs = { firstLinesOfPrevious: lines, then: logs.slice(length) };
    return { ...http, request: { ...http.request, body: { ...(http.request.body as object), logs: repeated } } };
  }
}

/** The log a logs upload record sends, or null for any other record. */
function uploadedLogs(record: TranscriptRecord): string | null {
  if (record.type !== "http" || record.method !== "POST" || !LOGS_PATH.test(pathOf(record.url))) return null;
  const body = record.request.body;
  if (typeof body !== "object" || body === null) return null;
  const logs = (body as { logs?: unknown }).logs;
  return typeof logs === "string" ? logs : null;
}

/** The URL's path, or the URL itself when it does not parse. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * How many whole lines (each ended by "\n") `text` begins with that `previous` begins with too,
 * and their length: the common start, cut back to the end of its last whole line.
 */
function sharedLines(previous: string, text: string): { lines: number; length: number } {
  const most = Math.min(previous.length, text.length);
  let common = 0;
  while (common < most && previous.charCodeAt(common) === text.charCodeAt(common)) common++;
  if (common === 0) return { lines: 0, length: 0 };
  const length = text.lastIndexOf("\n", common - 1) + 1;
  let lines = 0;
  for (let at = text.indexOf("\n"); at >= 0 && at < length; at = text.indexOf("\n", at + 1)) lines++;
  return { lines, length };
}
