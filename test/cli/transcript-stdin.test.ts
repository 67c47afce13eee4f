/**
 * `show -` and `replay -` read the transcript from standard input (`curl -s URL | aosp-sim show -`,
 * a ticket's attachment): before, "-" was looked for as a file, `-: no such file`, with the fix to
 * check the path. And the fixes that name a command to run name the transcript given.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { transcriptText } from "../helpers/transcript-lines.js";

const temp = deviceTempDir("aosp-transcript-stdin-");
const file = temp.file("run.jsonl");
let text: string;

beforeAll(async () => {
  const run = await aospSim(["run", "--seed", "5", "--transcript", file]);
  expect(run.code, run.stderr).toBe(0);
  text = readFileSync(file, "utf8");
}, 120_000);

describe("show and replay: a transcript on standard input", { timeout: 120_000 }, () => {
  it("shows a transcript piped in as it shows the file", async () => {
    const fromFile = await aospSim(["show", file]);
    const piped = await aospSim(["show", "-"], { input: text });
    expect(piped).toMatchObject({ code: 0, stderr: "" });
    expect(piped.stdout).toBe(fromFile.stdout);
  });

  it("replays a transcript piped in", async () => {
    const piped = await aospSim(["replay", "-"], { input: text });
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at enrolled\.idle, where the enrollment ends/);
    expect(piped.code).toBe(0);
  });

  it("names standard input in what it refuses there", async () => {
    const cut = await aospSim(["replay", "-"], { input: text.slice(0, 3000) });
    expect(cut.stderr).toMatch(/^aosp-sim: <stdin>: is truncated: /);
    expect(cut.code).toBe(2);
    const empty = await aospSim(["show", "-"], { input: "" });
    expect(empty.stderr).toMatch(/^aosp-sim: <stdin>: is empty \(0 bytes\), not a transcript\n/);
    expect(empty.code).toBe(2);
    const shown = await aospSim(["show", "-"], { input: text.slice(0, 3000) });
    expect(shown.stderr).toMatch(/^aosp-sim: warning: <stdin>: the recording was cut off/);
    expect(shown.code).toBe(0);
  });
});

describe("show and replay: the fixes name the transcript given", { timeout: 120_000 }, () => {
  it("names the file in the command that lists a recording's states", async () => {
    const result = await aospSim(["replay", file, "--until", "wifiFailed"]);
    expect(result.stderr).toContain(`fix: give a state the recorded device passed through (\`aosp-sim show ${file}\` lists them), or leave out --until`);
    expect(result.code).toBe(2);
  });

  it("says a newer version's transcript needs an upgrade to be shown, not only replayed", async () => {
    const newer = temp.file("newer.jsonl");
    writeFileSync(newer, transcriptText({ format: "aosp-sim-transcript/9" }));
    const shown = await aospSim(["show", newer]);
    expect(shown.stderr).toMatch(/was recorded by a newer version of aosp-sim \(aosp-sim-transcript\/9; this one reads aosp-sim-transcript\/2\)\n\s+fix: upgrade aosp-sim to show or replay it\n$/);
    expect(shown.code).toBe(2);
  });
});
