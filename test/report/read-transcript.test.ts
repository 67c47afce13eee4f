/** Reading a transcript back: a file that is not one is told apart from a recording cut off mid-write. */
import { describe, expect, it } from "vitest";
import { parseTranscript } from "../../agent/report/read-transcript.js";
import { TRANSCRIPT_FORMAT } from "../../agent/report/transcript.js";

const START = JSON.stringify({ type: "start", format: TRANSCRIPT_FORMAT });
const STATE = JSON.stringify({ type: "state", state: "welcome" });

function refusal(text: string): { message: string; hint: string | undefined } {
  try {
    parseTranscript(text, "t.jsonl");
  } catch (error) {
    return { message: (error as Error).message, hint: (error as { hint?: string }).hint };
  }
  throw new Error("parseTranscript accepted the text");
}

describe("parseTranscript on a line that is not JSON", () => {
  it("says a text file or a pretty-printed JSON file is not a transcript, not that a run was cut off", () => {
    // Before, both read "is truncated: its last line (1) is cut off" and "record the run again".
    for (const text of ["hello\n", "hello", '{\n  "devices": 100\n}\n', "[[[[\n"]) {
      const { message, hint } = refusal(text);
      expect(message).toMatch(/line 1 is not JSON: not a transcript/);
      expect(hint).toMatch(/aosp-sim enroll --transcript FILE/);
    }
  });

  // Before: "line 1 is not JSON: not a transcript", with the fix to give a file `enroll --transcript`
  // wrote, which this one was before a JSON tool reformatted it.
  it("says a transcript pretty-printed (jq .) or put in a JSON array is one, with the way back", () => {
    const records = [JSON.parse(START) as object, JSON.parse(STATE) as object];
    const pretty = refusal(records.map((r) => JSON.stringify(r, null, 2)).join("\n") + "\n");
    expect(pretty.message).toBe("t.jsonl: holds a transcript's records spread over several lines (pretty-printed JSON): a transcript has one record per line, as the run wrote it");
    expect(pretty.hint).toBe("put each record back on a line of its own (with jq: jq -c . 't.jsonl' > fixed.jsonl), or record the run again");
    for (const array of [`[${START},\n${STATE}]\n`, JSON.stringify(records, null, 2)]) {
      const { message, hint } = refusal(array);
      expect(message).toBe("t.jsonl: holds a transcript's records as one JSON array: a transcript has one record per line, as the run wrote it");
      expect(hint).toBe("put each record back on a line of its own (with jq: jq -c '.[]' 't.jsonl' > fixed.jsonl), or record the run again");
    }
  });

  it("says a transcript whose unfinished last line has no newline was cut off", () => {
    const { message, hint } = refusal(`${START}\n${STATE}\n{"type":"sta`);
    expect(message).toMatch(/is truncated: its last line \(3\) is cut off/);
    expect(hint).toMatch(/record the run again and let it finish/);
  });

  // Before: "line 1 is not JSON: not a transcript", fix "give a file written by aosp-sim enroll
  // --transcript FILE", for a start record a stray comma had damaged.
  it("says a start record that is not JSON is the transcript's, damaged, with the fix to put it back", () => {
    const damaged = `${START.slice(0, -1)},}`;
    const { message, hint } = refusal(`${damaged}\n${STATE}\n`);
    expect(message).toBe("t.jsonl: line 1 (the start record) is not JSON: the transcript is damaged");
    expect(hint).toBe("record the run again, or put back the start record as it was written");
    expect(refusal(`${START}\nnot json\n${STATE}\n`).hint).toBe("record the run again, or put back line 2 as it was written");
  });

  it("says a transcript with a line that is not JSON, before its end, is damaged", () => {
    expect(refusal(`${START}\nnot json\n${STATE}\n`).message).toMatch(/line 2 is not JSON: the transcript is damaged/);
    expect(refusal(`${START}\n${STATE}\nnot json\n`).message).toMatch(/line 3 is not JSON: the transcript is damaged/);
  });
});

describe("parseTranscript on a start record without its format", () => {
  // Before: "is not an aosp-sim transcript (its first line is not a start record)", though it was one.
  it("names the line and the missing field, with the fix, as for any other damaged record", () => {
    const { message, hint } = refusal(`\n${JSON.stringify({ type: "start", at: "2026-01-01T00:00:00.000Z" })}\n${STATE}\n`);
    expect(message).toBe('t.jsonl: line 2 (the start record): "format" is missing');
    expect(hint).toBe("record the run again, or put back the start record as it was written");
  });
});
