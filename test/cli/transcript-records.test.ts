/**
 * Every record of a transcript is checked as its start record is: one edited or damaged (a field
 * missing, of the wrong type) makes `show` and `replay` exit 2 naming its line, its record type
 * and the field, with a fix; never an internal error, nor a replay that compares `undefined`.
 * Records out of place (a second start record, an end record before the last line) and types
 * the format does not have are refused the same way.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AT, endRecord, jsonLines, refusal, showAndReplay, startRecord, stateRecord, transcriptText } from "../helpers/transcript-lines.js";
import { useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-transcript-records-");

describe("a transcript record with a field missing or of the wrong type", () => {
  it.each([
    // Before: show "internal error: Cannot read properties of undefined (reading 'replace')"; replay identical.
    ["a note without text", { type: "note", at: AT, detail: "x" }, 'line 3 (a note record): "text" is missing'],
    // Before: show and replay "internal error" (reading 'padEnd', 'endsWith').
    ["an http record with nothing but its time", { type: "http", at: AT }, 'line 3 (an http record): "durationMs", "purpose", "method", "url" and "request" are missing'],
    // Before: "internal error" (reading 'replace', 'startsWith').
    ["a state record without state or event", { type: "state", at: AT, from: "off", eventType: "x" }, 'line 3 (a state record): "elapsedMs", "state", "event" and "detail" are missing'],
    // Before: replay "internal error: The "string" argument must be of type string".
    ["a scan record with nothing else", { type: "scan" }, 'line 3 (a scan record): "at", "text" and "decoder" are missing'],
    // Before: replay "diverged ... power undefined in undefined".
    ["a power record with only its time", { type: "power", at: AT }, 'line 3 (a power record): "event" and "state" are missing'],
    ["a time that is not a string", { type: "note", at: 12345, text: "x" }, 'line 3 (a note record): "at" is 12345, not a string'],
    ["a time that is no date", { type: "note", at: "yesterday", text: "x" }, 'line 3 (a note record): "at" is "yesterday", not a date and time (ISO 8601, as 2026-12-06T00:45:38.216Z)'],
    ["a power change that is none", { type: "power", at: AT, event: "flicker", state: "welcome" }, 'line 3 (a power record): "event" is "flicker", not one of "powerLost", "powerRestored"'],
    ["a response status that is text", { type: "http", at: AT, durationMs: 1, purpose: "device-api", method: "GET", url: "http://h/x", request: { headers: {} }, response: { status: "200", headers: {} } }, 'line 3 (an http record): "response.status" is "200", not an integer'],
  ])("%s is named by its line and field (exit 2)", async (_name, record, problem) => {
    const file = temp.file("damaged.jsonl");
    writeFileSync(file, transcriptText({}, {}, [record]));
    for (const [name, result] of Object.entries(await showAndReplay(file))) {
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toBe(`aosp-sim: ${file}: ${problem}\n  fix: record the run again, or put back line 3 as it was written\n`);
      expect(result.stdout, name).toBe("");
    }
  });

  it("names a state line of the current format without its step as data as damaged, not as an older version's", () => {
    // Before: "was recorded by an older version (aosp-sim-transcript/2, without the steps as data): re-record it".
    expect(refusal(transcriptText({}, { eventType: undefined })).problem).toBe('line 2 (a state record): "eventType" is missing');
    expect(refusal(transcriptText({}, { from: undefined, eventType: undefined })).problem).toBe('line 2 (a state record): "from" and "eventType" are missing');
    // A version 1 transcript written before the steps were recorded as data is still an older version's.
    expect(refusal(transcriptText({ format: "aosp-sim-transcript/1" }, { eventType: undefined })).problem).toMatch(/^was recorded by an older version \(aosp-sim-transcript\/1/);
  });

  it("names the end record and the start record's other fields too", () => {
    const end = refusal(transcriptText().replace('"failure":null', '"failure":{"screen":"x"}'));
    expect(end.problem).toBe('line 3 (the end record): "failure.code" and "failure.message" are missing');
    const start = refusal(transcriptText({ at: "soon" }));
    expect(start.problem).toBe('line 1 (the start record): "at" is "soon", not a date and time (ISO 8601, as 2026-12-06T00:45:38.216Z)');
    expect(start.hint).toBe("record the run again, or put back the start record as it was written");
  });
});

describe("a transcript whose records are out of place, or of a type it cannot have", () => {
  const start = startRecord();
  const boot = stateRecord();
  const end = endRecord();
  it.each([
    // Before, each of these replayed as identical.
    ["the start record again on line 2", [start, start, boot, end], "line 2 (a start record): a second start record: a transcript has one, on its first line"],
    ["the end record copied into the middle", [start, end, boot, end], "line 2 (an end record): comes before the last line (4): a transcript's end record is its last line"],
    ["two transcripts joined", [start, boot, end, start, boot, end], "line 3 (an end record): comes before the last line (6): a transcript's end record is its last line"],
  ])("%s is refused by show and replay (exit 2)", async (_name, records, problem) => {
    const file = temp.file("out-of-place.jsonl");
    writeFileSync(file, jsonLines(records));
    for (const [name, result] of Object.entries(await showAndReplay(file))) {
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toBe(
        `aosp-sim: ${file}: ${problem}\n` +
          "  fix: record the run again, or put the transcript back as it was written: one run, its start record on the first line and its end record on the last (two transcripts joined are two files)\n",
      );
    }
  });

  it("refuses a record type the format does not have, naming the types it has (exit 2)", async () => {
    const file = temp.file("unknown-type.jsonl");
    writeFileSync(file, transcriptText({}, {}, [{ type: "bogus", at: "x" }]));
    for (const [name, result] of Object.entries(await showAndReplay(file))) {
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toBe(
        `aosp-sim: ${file}: line 3: "type" is "bogus", which no transcript record has (they are start, state, scan, http, power, note, end)\n` +
          "  fix: record the run again, or put back line 3 as it was written\n",
      );
    }
  });
});
