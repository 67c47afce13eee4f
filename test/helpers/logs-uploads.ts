/**
 * A transcript's "share logs" uploads as the device sent them: each rebuilt from its record, which
 * gives the log whole (a string) or by the lines of the previous upload it repeats.
 */
import { rebuiltLogs, type RepeatedLogs, type RepeatedRun } from "../../agent/report/transcript-logs.js";

type Fields = Record<string, unknown>;

const isLogsUpload = (r: Fields): boolean => r["type"] === "http" && typeof r["url"] === "string" && r["url"].endsWith("/logs") && r["method"] === "POST";

/** The records with each logs upload's log written out whole, as transcripts before the repeated lines were counted held it. */
export function withWholeLogs(records: readonly Fields[]): Fields[] {
  let previous: string | null = null;
  return records.map((r) => {
    if (!isLogsUpload(r)) return r;
    const request = r["request"] as { body: { logs: unknown } };
    const logs = request.body.logs;
    const whole = rebuiltLogs(previous, logs as string | RepeatedLogs | RepeatedRun);
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
