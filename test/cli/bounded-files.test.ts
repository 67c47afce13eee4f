/**
 * `show`, `replay`, `compare` and `validate --conventions` read their files to a limit whatever
 * kind of file they are: a device (/dev/zero) or a FIFO that never ends is refused (exit 2) after
 * the limit, naming the file and the limit, never read until memory runs out. Every reader of a
 * JSON file (`run`'s scenario and `merge-reports`' summaries too) tells binary data, UTF-16 and
 * an empty file apart the same way.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_SUMMARY_BYTES, readSummary } from "../../agent/cli/compare.js";
import { MAX_CONVENTIONS_FILE_BYTES, readConventionsFile } from "../../agent/cli/conventions-file.js";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_TRANSCRIPT_BYTES, readTranscript } from "../../agent/report/read-transcript.js";
import { readFleetSummary } from "../../agent/sim/fleet/read-summary.js";
import { loadScenario } from "../../agent/sim/scenario-format.js";
import { transcriptText } from "../helpers/transcript-lines.js";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-bounded-files-");
const writers: ChildProcess[] = [];

afterEach(() => {
  for (const writer of writers.splice(0)) writer.kill("SIGKILL");
});

/**
 * A FIFO that another process fills with `line` for ever (as `<(yes ...)` would). The writer is
 * a child process: a synchronous reader (show, replay) blocks this process's event loop.
 */
function endlessFifo(name: string, line: string): string {
  const path = temp.file(name);
  execFileSync("mkfifo", [path]);
  const writer = spawn("sh", ["-c", 'exec yes "$1" > "$2"', "sh", line, path], { stdio: "ignore" });
  writer.on("error", () => {});
  writers.push(writer);
  return path;
}

function refusal(run: () => unknown): Promise<InputError> {
  return Promise.resolve()
    .then(run)
    .then(
      () => {
        throw new Error("the file was accepted");
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(InputError);
        return error as InputError;
      },
    );
}

describe("files without a size are read to a limit", () => {
  it("show and replay: /dev/zero is named binary from its first bytes; an endless FIFO is refused at 64 MB", async () => {
    const zero = await refusal(() => readTranscript("/dev/zero"));
    expect(zero.where).toBe("/dev/zero");
    expect(zero.message).toMatch(/binary data/);

    const fifo = endlessFifo("endless.jsonl", '{"type":"note","text":"x"}');
    const big = await refusal(() => readTranscript(fifo));
    expect(big.where).toBe(fifo);
    // Before: "far more than an enrollment's transcript (a few hundred KB): not a transcript", with
    // the fix to give a file `enroll --transcript` wrote, though `run --transcript` writes larger ones.
    expect(big.problem).toBe(
      `is more than ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MB, the most show and replay read of a transcript (an enrollment's is tens of KB, a simulated year of \`aosp-sim run\` a few MB)`,
    );
    expect(big.hint).toBe(`record a shorter run (an earlier "until", fewer steps) to show or replay it whole; to show how this one starts: head -c 60000000 '${fifo}' > start.jsonl && aosp-sim show start.jsonl`);
  }, 20_000);

  it("compare: /dev/zero and an endless FIFO are refused, naming the limit, with a fix", async () => {
    expect((await refusal(() => readSummary("/dev/zero"))).message).toMatch(/binary data/);
    const big = await refusal(() => readSummary(endlessFifo("endless.json", '{"finalState":"enrolled"}')));
    expect(big.problem).toBe(`is more than ${MAX_SUMMARY_BYTES / 1024 / 1024} MB, far more than an enrollment summary (a few KB)`);
    expect(big.hint).toMatch(/aosp-sim enroll --json/);
  }, 20_000);

  it("validate --conventions: /dev/zero and an endless FIFO are refused, naming the limit", async () => {
    expect((await refusal(() => readConventionsFile("/dev/zero"))).problem).toBe("is binary data, not JSON");
    const big = await refusal(() => readConventionsFile(endlessFifo("endless-conventions.json", '{"adminComponent":"a/b"}')));
    expect(big.problem).toMatch(new RegExp(`^is more than ${MAX_CONVENTIONS_FILE_BYTES / 1024} KiB, far more than a conventions file`));
  }, 20_000);

  it("show /dev/zero exits 2 with one line and a fix", async () => {
    const result = await runCli(["show", "/dev/zero"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "aosp-sim: /dev/zero: is not an aosp-sim transcript: it is binary data, not JSON lines\n  fix: give a file written by `aosp-sim enroll --transcript FILE` (or `run --transcript FILE`)\n",
    );
  });
});

describe("an empty file", () => {
  it("is said to be empty by show, replay, compare, run and validate --conventions, with a fix", async () => {
    const empty = temp.file("empty.jsonl");
    writeFileSync(empty, "");
    const transcript = await refusal(() => readTranscript(empty));
    expect(transcript.problem).toBe("is empty (0 bytes), not a transcript");
    expect(transcript.hint).toMatch(/aosp-sim enroll --transcript FILE/);
    const summary = await refusal(() => readSummary(empty));
    expect(summary.problem).toBe("is empty (0 bytes), not an enrollment summary");
    expect(summary.hint).toMatch(/aosp-sim enroll --json/);
    // Before: "is not JSON: Unexpected end of JSON input at line 1 column 1".
    expect((await refusal(() => loadScenario(empty))).problem).toBe("is empty (0 bytes), not a scenario");
    expect((await refusal(() => readConventionsFile(empty))).problem).toBe("is empty (0 bytes), not a conventions file");
  });
});

/** Every reader of a JSON (or JSON lines) file, with a file of its kind as its writer makes it. */
const READERS: { name: string; read: (file: string) => unknown; text: string }[] = [
  { name: "show and replay", read: readTranscript, text: transcriptText() },
  { name: "compare", read: readSummary, text: JSON.stringify({ finalState: "enrolled", apps: [], timeline: [] }) },
  { name: "run", read: loadScenario, text: JSON.stringify({ name: "UTF-16 scenario" }) },
  { name: "validate --conventions", read: readConventionsFile, text: JSON.stringify({ adminComponent: "com.example.a/com.example.a.R", enrollmentTokenExtra: "com.example.a.token", serviceUrlExtra: "com.example.a.url" }) },
  { name: "merge-reports", read: readFleetSummary, text: JSON.stringify({ devices: 1 }) },
];

describe("a file's encoding, read the same way by every reader of JSON", () => {
  it("run: /dev/zero is named binary from its first bytes, as by the others (before, 'is more than 4 MB, far more than any scenario')", async () => {
    const zero = await refusal(() => loadScenario("/dev/zero"));
    expect(zero.problem).toBe("is binary data, not JSON");
    expect(zero.where).toBe("/dev/zero");
  });

  it.each(READERS)("$name: UTF-16 with its byte-order mark is read as the text it is (before, 'binary data, not JSON')", async ({ name, read, text }) => {
    for (const [order, bytes] of [
      ["little-endian", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
      ["big-endian", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()])],
    ] as const) {
      const file = temp.file(`utf16-${order}.json`);
      writeFileSync(file, bytes);
      // A merge-reports summary this small is no whole summary: refused for what it lacks, not for its encoding.
      if (name === "merge-reports") expect((await refusal(() => read(file))).problem, order).toMatch(/^is not a fleet summary: \/ must have required property/);
      else await expect(Promise.resolve().then(() => read(file)), order).resolves.toBeTruthy();
    }
  });

  it.each(READERS)("$name: UTF-16 without a byte-order mark is named, with how to re-save it", async ({ read, text }) => {
    const file = temp.file("utf16-bomless.json");
    writeFileSync(file, Buffer.from(text, "utf16le"));
    const error = await refusal(() => read(file));
    expect(error.problem).toBe("is UTF-16 text (little-endian, without a byte-order mark), not UTF-8");
    expect(error.hint).toMatch(/^re-save it as UTF-8 \(in PowerShell: Get-Content IN \| Set-Content -Encoding UTF8 OUT/);
  });

  it("show and replay: a transcript that starts with a UTF-8 byte-order mark is read (before, 'line 1 is not JSON: not a transcript')", async () => {
    const file = temp.file("bom.jsonl");
    writeFileSync(file, `\uFEFF${transcriptText()}`);
    expect(readTranscript(file).start.identity.model).toBe("M400");
  });
});
