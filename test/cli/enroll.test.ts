/**
 * `aosp-sim enroll` refusing what it cannot use: exit 2, one clear line on stderr, no stack trace.
 * (Enrollments against a service are in test/e2e.)
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAULT_NAMES } from "../../agent/device/faults.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir();
const payload = temp.file("payload.json");
writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a/b.C" }));

function expectUsageError(result: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("aosp-sim enroll, given something it cannot use", () => {
  it("says the file does not exist", async () => {
    expectUsageError(await aospSim(["enroll", temp.file("missing.png")]), /missing\.png: no such file/);
  });

  it("refuses a file that is neither an image nor JSON", async () => {
    const text = temp.file("notes.txt");
    writeFileSync(text, "hello, this is not a payload");
    expectUsageError(await aospSim(["enroll", text]), /is neither an image nor JSON/);
  });

  it("refuses an unknown fault and lists the valid ones", async () => {
    const result = await aospSim(["enroll", payload, "--fault", "unplugged"]);
    expectUsageError(result, /unknown fault "unplugged"/);
    for (const name of FAULT_NAMES) expect(result.stderr).toContain(name);
  });

  it("refuses a power loss at a state that does not exist", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--fault", "power-loss@somewhere"]), /there is no state "somewhere"/);
  });

  it("wants --user and --password together", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--user", "a@b.example"]), /--user and --password go together/);
  });

  it("refuses a seed that is not a number, and an unknown clock", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--seed", "seven"]), /"seven" is not a seed/);
    expectUsageError(await aospSim(["enroll", payload, "--clock", "fast"]), /unknown clock "fast"/);
  });

  it("refuses a --service that is not an http URL", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--service", "ftp://x"]), /not an http or https URL/);
  });

  it("explains the fault grammar in its help", async () => {
    const result = await aospSim(["enroll", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/power-loss\[=OFF\]@STATE/);
    expect(result.stdout).toMatch(/Exit: 0 enrolled, 1 stopped elsewhere/);
  });
});
