/**
 * `show` of a recording cut off after its start record, before the device entered any state (the
 * process killed as it started): said as such.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerShow } from "../../agent/cli/show.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { runCommand } from "../helpers/in-process-cli.js";

const temp = deviceTempDir("aosp-show-start-");

beforeAll(async () => {
  const ran = await aospSim(["run", "--seed", "1", "--transcript", temp.file("run.jsonl")]);
  expect(ran.code, ran.stderr).toBe(0);
  writeFileSync(temp.file("start.jsonl"), `${readFileSync(temp.file("run.jsonl"), "utf8").split("\n")[0]!}\n`);
}, 60_000);

describe("show of a recording holding its start record alone", () => {
  // Before, "Cut off in no state yet".
  it("says it was cut off before the device's first state", async () => {
    const result = await runCommand(registerShow, ["show", temp.file("start.jsonl")]);
    expect(result.stdout).toMatch(/Cut off before the device's first state: .*; the run was stopped before it finished/);
    expect(result.stdout).not.toContain("no state yet");
  });
});
