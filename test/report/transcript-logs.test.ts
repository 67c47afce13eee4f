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

/** Writes the uploads `sent` to a transcript named `name`, checks they rebuild as sent, and gives each record's `logs`. */
function recordedLogs(name: string, sent: readonly string[]): unknown[] {
  const path = temp.file(name);
  const file = new TranscriptFile(path, "keep");
  for (const logs of sent) file.write(upload(logs));
  file.close();
  const records = readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(uploadedLogs(records)).toEqual(sent);
  return records.map((r) => (r["request"] as { body: { logs: unknown } }).body.logs);
}

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
    const bodies = recordedLogs("uploads.jsonl", sent);
    // The first is whole; the second repeats the first's 49 whole lines (its last has no "\n" after it) and adds the rest.
    expect(bodies[0]).toBe(sent[0]);
    expect(bodies[1]).toEqual({ firstLinesOfPrevious: 49, then: lines(49, 80) });
    // A description in front: the lines after it repeat the previous upload's 79 whole lines.
    expect(bodies[2]).toEqual({ before: "User description: camera crashes\n", linesOfPrevious: { from: 0, count: 79 }, then: lines(79, 90) });
    // Before, each was recorded whole: 100 uploads of a growing log grew with their square.
    expect(JSON.stringify(bodies[3]).length).toBeLessThan(200);
  });

  // Before: past 1 MiB the device sends its newest lines after a line saying what was cut, so each
  // upload began with a line the one before did not have, and each was recorded whole (1 MiB a share).
  it("record uploads cut to their newest lines by the run of lines they repeat, and rebuild them exactly", () => {
    const cut = (from: number, to: number, description = ""): string =>
      [`[log cut to fit 1048576 bytes: the oldest ${from} lines (${from * 90} bytes) were left out]`, description, lines(from, to)].filter(Boolean).join("\n");
    const sent = [cut(0, 3000), cut(40, 3050), cut(95, 3100, "User description: camera crashes"), cut(95, 3100), lines(0, 10)];
    const bodies = recordedLogs("cut-uploads.jsonl", sent);
    expect(bodies[0]).toBe(sent[0]);
    // The second repeats the first's lines 41 to 2999 (the first's line 0 is its cut note).
    expect(bodies[1]).toEqual({ before: `${cut(40, 41).split("\n")[0]}\n`, linesOfPrevious: { from: 41, count: 2959 }, then: lines(2999, 3050) });
    expect(bodies[2]).toMatchObject({ before: `${cut(95, 96, "User description: camera crashes").split("\n").slice(0, 2).join("\n")}\n`, linesOfPrevious: { from: 56 } });
    for (const body of bodies.slice(1, 4)) expect(JSON.stringify(body).length).toBeLessThan(10_000);
    // Nothing shared with the upload before: whole.
    expect(bodies[4]).toBe(sent[4]);
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
