/**
 * `show`, `replay`, `compare` and `validate --conventions` read their files to a limit whatever
 * kind of file they are: a device (/dev/zero) or a FIFO that never ends is refused (exit 2) after
 * the limit, naming the file and the limit, never read until memory runs out.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_SUMMARY_BYTES, readSummary } from "../../agent/cli/compare.js";
import { MAX_CONVENTIONS_FILE_BYTES, readConventionsFile } from "../../agent/cli/conventions-file.js";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_TRANSCRIPT_BYTES, readTranscript } from "../../agent/report/read-transcript.js";
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
    expect(big.problem).toBe(`is more than ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MB, far more than an enrollment's transcript (a few hundred KB): not a transcript`);
    expect(big.hint).toMatch(/aosp-sim enroll --transcript FILE/);
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
      "aosp-sim: /dev/zero: is not an aosp-sim transcript: it is binary data, not JSON lines\n  fix: give a file written by `aosp-sim enroll --transcript FILE`\n",
    );
  });
});

describe("an empty file", () => {
  it("is said to be empty by show, replay and compare, with a fix", async () => {
    const empty = temp.file("empty.jsonl");
    writeFileSync(empty, "");
    const transcript = await refusal(() => readTranscript(empty));
    expect(transcript.problem).toBe("is empty (0 bytes), not a transcript");
    expect(transcript.hint).toMatch(/aosp-sim enroll --transcript FILE/);
    const summary = await refusal(() => readSummary(empty));
    expect(summary.problem).toBe("is empty (0 bytes), not an enrollment summary");
    expect(summary.hint).toMatch(/aosp-sim enroll --json/);
  });
});
