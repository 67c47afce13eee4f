/**
 * A transcript's "share logs" uploads as the device sent them: each rebuilt from its record, which
 * gives the log whole (a string) or as the previous upload's first lines and what follows them.
 */
type Fields = Record<string, unknown>;

const isLogsUpload = (r: Fields): boolean => r["type"] === "http" && typeof r["url"] === "string" && r["url"].endsWith("/logs") && r["method"] === "POST";

/** The records with each logs upload's log written out whole, as transcripts before the repeated lines were counted held it. */
export function withWholeLogs(records: readonly Fields[]): Fields[] {
  let previous: string | null = null;
  return records.map((r) => {
    if (!isLogsUpload(r)) return r;
    const request = r["request"] as { body: { logs: unknown } };
    const logs = request.body.logs;
    const whole = typeof logs === "string" ? logs : rebuilt(previous, logs as { firstLinesOfPrevious: number; then: string });
    previous = whole;
    return { ...r, request: { ...request, body: { ...request.body, logs: whole } } };
  });
}

/** Each logs upload's log, whole, in order. */
export function uploadedLogs(records: readonly Fields[]): string[] {
  return withWholeLogs(records)
    .filter(isLogsUpload)
    .map((r) => (r["request"] as { body: { logs: string } }).body.logs);
}

function rebuilt(previous: string | null, { firstLinesOfPrevious, then }: { firstLinesOfPrevious: number; then: string }): string {
  if (previous === null) throw new Error("an upload that repeats lines of a previous one, without one before it");
  let end = 0;
  for (let line = 0; line < firstLinesOfPrevious; line++) {
    const newline = previous.indexOf("\n", end);
    if (newline < 0) throw new Error(`the previous upload has fewer than ${firstLinesOfPrevious} lines`);
    end = newline + 1;
  }
  return previous.slice(0, end) + then;
}
