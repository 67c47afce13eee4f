/**
 * A transcript with blank lines (a trailing empty line from `echo >> t.jsonl`, an attachment
 * pasted with one, a blank line in the middle) is read as NDJSON allows: the blank lines are
 * skipped, and a damaged record is still named by its line in the file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerReplay } from "../../agent/cli/replay.js";
import { registerShow } from "../../agent/cli/show.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { runCommand } from "../helpers/in-process-cli.js";

const temp = deviceTempDir("aosp-blank-lines-");
const recorded = temp.file("t.jsonl");
let lines: string[];

beforeAll(async () => {
  expect((await aospSim(["run", "--seed", "3", "--transcript", recorded])).code).toBe(0);
  lines = readFileSync(recorded, "utf8").trimEnd().split("\n");
}, 60_000);

describe("a transcript with blank lines", { timeout: 60_000 }, () => {
  it("is shown and replayed as without them", async () => {
    const file = temp.file("blank.jsonl");
    // A blank line in the middle, one of spaces and a CRLF one, and an empty line at the end.
    writeFileSync(file, [lines[0], "", ...lines.slice(1, 4), "   ", "\r", ...lines.slice(4)].join("\n") + "\n\n");
    // Before: "line 2 is not JSON: the transcript is damaged", fix "record the run again", exit 2.
    const shown = await runCommand(registerShow, ["show", file]);
    expect(shown.stderr).toBe("");
    expect(shown.stdout).toBe((await runCommand(registerShow, ["show", recorded])).stdout.replaceAll(recorded, file));
    const replayed = await runCommand(registerReplay, ["replay", file]);
    expect(replayed.stdout).toMatch(/^replayed 26 steps, identical \(stopped at enrolled\.idle, where the enrollment ends: /);
    expect(replayed.code).toBe(0);
  });

  it("names a damaged record by its line in the file, blank lines counted", async () => {
    const file = temp.file("damaged.jsonl");
    const state = JSON.parse(lines[2]!) as Record<string, unknown>;
    writeFileSync(file, [lines[0], "", lines[1], JSON.stringify({ ...state, state: undefined }), ...lines.slice(3)].join("\n") + "\n");
    const result = await runCommand(registerShow, ["show", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: line 4 (a state record): "state" is missing`);
    expect(result.stderr).toContain("put back line 4 as it was written");
  });
});

describe("a start record after blank lines", { timeout: 60_000 }, () => {
  // Before: each said "line 1 (the start record)", the file's first line, which is blank.
  const withStart = (name: string, change: Record<string, unknown>) => {
    const file = temp.file(name);
    writeFileSync(file, ["", "  ", JSON.stringify({ ...JSON.parse(lines[0]!), ...change }), ...lines.slice(1)].join("\n") + "\n");
    return file;
  };

  it("is named by its line in the file in show's and replay's errors", async () => {
    const seed = withStart("seed.jsonl", { seed: "abc" });
    for (const register of [registerShow, registerReplay]) {
      const result = await runCommand(register, [register === registerShow ? "show" : "replay", seed]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${seed}: line 3 (the start record): "seed" is "abc"`);
    }
    const fault = withStart("fault.jsonl", { faults: ["bogus-fault"] });
    const shown = await runCommand(registerShow, ["show", fault]);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain(`${fault}: line 3 (the start record), faults[0]: `);
  });

  it("is named by its line in the file where replay reads its system image and reset protection", async () => {
    const protection = withStart("protection.jsonl", { resetProtection: "yes" });
    const unprotected = await runCommand(registerReplay, ["replay", protection]);
    expect(unprotected.code).toBe(2);
    expect(unprotected.stderr).toContain(`${protection}: line 3 (the start record): "resetProtection" is "yes"`);
    const image = withStart("image.jsonl", { preinstalled: [{ packageName: "com.example.agent", versionName: "1.0", versionCode: 1, archive: "AAAA" }] });
    const imageless = await runCommand(registerReplay, ["replay", image]);
    expect(imageless.code).toBe(2);
    expect(imageless.stderr).toContain(`${image}: line 3 (the start record): "preinstalled[0].archive" is not a package archive`);
  });
});
