/**
 * A fleet's failed device, brought to `show` and `replay`: the re-run command the fleet prints
 * for it records the device (`--only INDEX --transcript FILE`), so that one copy-paste gives a
 * recording. The fleet itself records no device (that would cost every device of it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import { aospSim, deviceTempDir, MAIN } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-fleet-transcript-");

describe("fleet: a failed device's re-run command records it for show and replay", { timeout: 90_000 }, () => {
  it("writes the device's transcript, which show tells and replay runs again identically", async () => {
    const { summary } = await runFleet({ devices: 4, seed: 9, faults: ["wrong-wifi-key=50%"], embedded: "inline", threads: 1 });
    const failed = summary.failures[0]!;
    expect(failed.rerun).toBe(`aosp-sim fleet --devices 4 --seed 9 --only ${failed.index} --transcript fleet-9-device-${failed.index}.jsonl --fault 'wrong-wifi-key=50%'`);
    // Pasted into a shell in a folder of its own, as a QA engineer would.
    const dir = temp.file("paste");
    mkdirSync(dir);
    const pasted = spawnSync("bash", ["-c", `${failed.rerun.replace(/^aosp-sim /, `'${process.execPath}' '${MAIN}' `)} --no-progress`], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(pasted.stderr).toBe("");
    expect(pasted.status).toBe(1);
    expect(pasted.stdout).toContain(`Fleet: 0 of 1 devices enrolled and checked in, 1 failed (seed 9, device ${failed.index} of 4)`);
    const file = `${dir}/fleet-9-device-${failed.index}.jsonl`;
    expect(existsSync(file)).toBe(true);
    const shown = await aospSim(["show", file]);
    expect(shown).toMatchObject({ code: 0, stderr: "" });
    expect(shown.stdout).toContain(`serial ${failed.serialNumber}`);
    expect(shown.stdout).toContain("Faults: wrong-wifi-key\n");
    expect(shown.stdout).toMatch(/\nEnded in wifiFailed: wifiTimeout: /);
    const replayed = await aospSim(["replay", file]);
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
  });

  it("records an enrolled device through its first check-in, replayed to its enrollment's end", async () => {
    const file = temp.file("enrolled.jsonl");
    const run = await aospSim(["fleet", "--devices", "3", "--seed", "4", "--only", "2", "--transcript", file, "--embedded", "inline", "--no-progress"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const shown = await aospSim(["show", file]);
    expect(shown.stdout).toMatch(/enrolled\.idle\s+checkIn done\s+Checked in \(#1/);
    expect(shown.stdout).toMatch(/\nEnded in enrolled\.idle\n$/);
    const replayed = await aospSim(["replay", file]);
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toMatch(/identical \(stopped at enrolled\.idle, where the enrollment ends/);
  });

  let refusals = 0;
  it.each([
    [["--devices", "5", "--transcript", "t.jsonl"], /^aosp-sim: --transcript t\.jsonl: records one device re-run alone, and no --only names it\n\s+fix: give it with one --only INDEX, as a failed device's re-run command does/],
    [["--devices", "5", "--only", "1", "--only", "2", "--transcript", "t.jsonl"], /^aosp-sim: --transcript t\.jsonl: records one device re-run alone, and --only names 2\n/],
    [["--devices", "5", "--only", "1", "--transcript", "t.jsonl", "--report", "t.jsonl"], /^aosp-sim: --report t\.jsonl: is the --transcript file t\.jsonl too: the report would replace it\n/],
  ])("refuses %j before any device runs, exit 2", async (args, message) => {
    const dir = temp.file(`refused-${refusals++}`);
    mkdirSync(dir);
    const result = await aospSim(["fleet", ...args, "--no-progress"], { cwd: dir });
    expect(result.stderr).toMatch(message);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(existsSync(`${dir}/t.jsonl`)).toBe(false);
  });
});
