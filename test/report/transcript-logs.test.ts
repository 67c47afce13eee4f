/**
 * A transcript records each "share logs" upload by what is new since the previous one, so a run
 * that shares its log many times is not recorded with its log again and again; the uploads are
 * rebuilt from the file exactly as they were sent.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TranscriptFile, type HttpRecord } from "../../agent/report/transcript.js";
import { uploadedLogs } from "../helpers/logs-uploads.js";
import { deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-transcript-logs-");

function upload(logs: string, url = "http://127.0.0.1:1/device/v1/devices/0b4a0f6e-8c1e-4bb1-9d55-51d5e1e0d7a1/logs"): HttpRecord {
  return { type: "http", at: "2025-01-01T00:00:00.000Z", durationMs: 1, purpose: "device-api", method: "POST", url, request: { headers: {}, body: { logs } }, response: { status: 200, headers: {}, body: { incidentId: "ABC" } } };
}

const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `2025-01-01T00:00:00.000Z enrolled.idle [checkIn done] Checked in (#${from + i}) ünïcode 🙂`).join("\n");

describe("logs uploads in a transcript", () => {
  it("are recorded by what is new since the previous upload, and rebuilt exactly as sent", () => {
    const sent = [
      lines(0, 50),
      lines(0, 80),
      `User description: camera crashes\n${lines(0, 90)}`,
      `User description: camera crashes\n${lines(0, 90)}`,
      lines(0, 100),
      "",
      lines(0, 3),
      `${lines(0, 3)}\n`,
      `${lines(0, 3)}\nmore`,
    ];
    const path = temp.file("uploads.jsonl");
    const file = new TranscriptFile(path, "keep");
    for (const logs of sent) file.write(upload(logs));
    file.close();
    const records = readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(uploadedLogs(records)).toEqual(sent);
    const bodies = records.map((r) => (r["request"] as { body: { logs: unknown } }).body.logs);
    // The first is whole; the second repeats the first's 49 whole lines (its last has no "\n" after it) and adds the rest.
    expect(bodies[0]).toBe(sent[0]);
    expect(bodies[1]).toEqual({ firstLinesOfPrevious: 49, then: lines(49, 80) });
    // A description in front shares no line with the upload before it: recorded whole.
    expect(bodies[2]).toBe(sent[2]);
    // Before, each was recorded whole: 100 uploads of a growing log grew with their square.
    expect(JSON.stringify(bodies[3]).length).toBeLessThan(200);
  });

  it("leave other requests as they are, and record whole the first upload of each transcript", () => {
    const path = temp.file("other.jsonl");
    const file = new TranscriptFile(path);
    const other = upload(lines(0, 5), "http://127.0.0.1:1/device/v1/enroll");
    file.write(other);
    file.write(upload(lines(0, 5)));
    file.close();
    const records = readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as HttpRecord);
    expect(records.map((r) => r.request.body)).toEqual([{ logs: lines(0, 5) }, { logs: lines(0, 5) }]);
  });
});
