/**
 * A "share logs" upload as a transcript records it. The device sends its whole log at each share
 * (its newest 1 MiB once it is longer, after a line saying what was cut), so a transcript that
 * recorded every upload whole grew with the square of its shares: 700 shares came to 72 MB, past
 * what `show` and `replay` read. An upload whose log begins with whole lines the previous upload
 * sent records those lines by their count, and the rest as text:
 *
 *   "body": {"logs": {"firstLinesOfPrevious": 57, "then": "2026-...Z enrolled.idle [...] ...\n..."}}
 *
 * The log sent is the previous upload's first 57 lines (each with its "\n"), then `then`. An upload
 * that begins otherwise (a line saying what was cut, a description) but goes on with a run of
 * whole lines of the previous upload records the run by where it starts and its length:
 *
 *   "body": {"logs": {"before": "[log cut ...]\n", "linesOfPrevious": {"from": 3, "count": 9000}, "then": "..."}}
 *
 * The log sent is `before`, the previous upload's lines 3 to 9002 (counted from 0, each with its
 * "\n"), then `then`. The previous upload's log is rebuilt the same way. The first upload of a
 * transcript, and one that shares no whole line with the one before, is recorded whole, as a string.
 */
import type { HttpRecord } from "../client/http.js";
import type { TranscriptRecord } from "./transcript.js";

/** An upload's log as a transcript records it when it begins with lines of the previous upload. */
export interface RepeatedLogs {
  /** The log begins with this many lines of the previous upload's log, each ended by "\n". */
  firstLinesOfPrevious: number;
  /** What follows them. */
  then: string;
}

/** An upload's log as a transcript records it when, after a start of its own, it repeats a run of the previous upload's lines. */
export interface RepeatedRun {
  /** What the log begins with, before the repeated lines. */
  before: string;
  /** The previous upload's lines it repeats (each ended by "\n"): `count` lines from line `from` (counted from 0). */
  linesOfPrevious: { from: number; count: number };
  /** What follows them. */
  then: string;
}

/** How many of an upload's first lines may stand before a run repeated from the previous upload (a cut note, a description). */
const MOST_LINES_BEFORE = 3;

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
    const repeated = repeatedLogs(previous, logs);
    if (repeated === null) return record;
    const http = record as HttpRecord;
    return { ...http, request: { ...http.request, body: { ...(http.request.body as object), logs: repeated } } };
  }
}

/** `logs` by what it repeats of `previous`, or null when it repeats no whole line. */
function repeatedLogs(previous: string, logs: string): RepeatedLogs | RepeatedRun | null {
  const { lines, length } = sharedLines(previous, logs);
  // Every whole line of the previous upload repeated (a log that only grew): no run can repeat more.
  if (lines > 0 && length === previous.lastIndexOf("\n") + 1) return { firstLinesOfPrevious: lines, then: logs.slice(length) };
  const run = longestRun(wholeLines(previous), logs);
  // The older form unless a run repeats more: uploads under 1 MiB (each begins with the whole one
  // before it) are recorded as they always were.
  if (lines > 0 && (run === null || run.count <= lines)) return { firstLinesOfPrevious: lines, then: logs.slice(length) };
  if (run === null) return null;
  return { before: logs.slice(0, run.start), linesOfPrevious: { from: run.from, count: run.count }, then: logs.slice(run.end) };
}

/** The log an upload sent, from its record's `logs` and the previous upload's log (null for the first upload). */
export function rebuiltLogs(previous: string | null, logs: string | RepeatedLogs | RepeatedRun): string {
  if (typeof logs === "string") return logs;
  if (previous === null) throw new Error("a logs upload repeats lines of a previous upload, but none came before it");
  const lines = wholeLines(previous);
  const [from, count, before] = "firstLinesOfPrevious" in logs ? [0, logs.firstLinesOfPrevious, ""] : [logs.linesOfPrevious.from, logs.linesOfPrevious.count, logs.before];
  if (from + count > lines.length) throw new Error(`a logs upload repeats lines ${from} to ${from + count - 1} of the previous upload, which has ${lines.length} whole lines`);
  return before + lines.slice(from, from + count).join("") + logs.then;
}

/** The lines of `text` that end with "\n", each with it (a last line without one is left out). */
function wholeLines(text: string): string[] {
  const lines: string[] = [];
  for (let start = 0, end = text.indexOf("\n"); end >= 0; start = end + 1, end = text.indexOf("\n", start)) lines.push(text.slice(start, end + 1));
  return lines;
}

/**
 * The longest run of `previous`'s lines that `logs` holds after at most MOST_LINES_BEFORE lines of
 * its own: where it starts and ends in `logs`, and which lines of `previous` it repeats.
 */
function longestRun(previous: readonly string[], logs: string): { start: number; end: number; from: number; count: number } | null {
  const firstAt = new Map<string, number>();
  previous.forEach((line, at) => {
    if (!firstAt.has(line)) firstAt.set(line, at);
  });
  let best: { start: number; end: number; from: number; count: number } | null = null;
  let start = 0;
  for (let skipped = 0; skipped <= MOST_LINES_BEFORE && start < logs.length; skipped++) {
    let from = -1;
    let end = start;
    let count = 0;
    for (let next = logs.indexOf("\n", end); next >= 0; next = logs.indexOf("\n", end)) {
      const line = logs.slice(end, next + 1);
      if (count === 0) from = firstAt.get(line) ?? -1;
      if (from < 0 || previous[from + count] !== line) break;
      count++;
      end = next + 1;
    }
    if (count > 0 && (best === null || count > best.count)) best = { start, end, from, count };
    const lineEnd = logs.indexOf("\n", start);
    if (lineEnd < 0) break;
    start = lineEnd + 1;
  }
  return best;
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
