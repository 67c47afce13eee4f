/**
 * `show` prints a transcript's timeline as `enroll` and `run` printed it, a power loss included:
 * one "power lost" line with when the device comes back, and no line of its own for the power
 * coming back (the boot's "Powered on; resuming" line says it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-show-power-");

/** The timeline's lines of a printed run: those that start with an elapsed time. */
function timelineLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^\s+\d+(d \d+)?:\d/.test(line));
}

const payload = temp.file("payload.json");
writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver" }));

describe("show after a power loss", () => {
  // Before, show printed "Power lost" and then a "power restored  Power restored" line of its own.
  it("prints enroll's timeline line for line", async () => {
    const transcript = temp.file("enroll.jsonl");
    const enrolled = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "3", "--fault", "power-loss=20s@checkingPreconditions", "--transcript", transcript]);
    expect(enrolled.code).toBe(1);
    const printed = timelineLines(enrolled.stdout);
    expect(printed.some((line) => /power lost\s+Power lost \(back in 20s\)$/.test(line))).toBe(true);
    const shown = await aospSim(["show", transcript]);
    expect(shown.code).toBe(0);
    expect(timelineLines(shown.stdout)).toEqual(printed);
    expect(shown.stdout).not.toMatch(/power restored/);

    // A transcript written before power records kept the time off: the power coming back says it.
    const older = temp.file("enroll-older.jsonl");
    writeFileSync(older, readFileSync(transcript, "utf8").replace(/,"offForMs":\d+/g, ""));
    expect(readFileSync(older, "utf8")).not.toContain("offForMs");
    expect(timelineLines((await aospSim(["show", older])).stdout)).toEqual(printed);
  });

  it("prints run's timeline line for line", async () => {
    const transcript = temp.file("run.jsonl");
    const ran = await aospSim(["run", "--seed", "9", "--fault", "power-loss=1m@enrolled.checkingIn", "--transcript", transcript]);
    expect(ran.code).toBe(0);
    const printed = timelineLines(ran.stdout);
    expect(printed.some((line) => /power lost\s+Power lost \(back in 1m\)$/.test(line))).toBe(true);
    expect(timelineLines((await aospSim(["show", transcript])).stdout)).toEqual(printed);
  });
});
