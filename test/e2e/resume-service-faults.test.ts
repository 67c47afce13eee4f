/**
 * A device kept with --device-dir and resumed by the same command with the same faults reaches
 * what the uninterrupted run reaches: service-5xx=N and service-timeout=N count the device's
 * requests across runs (as wifi-timeout=N counts its joins), and a power-loss@STATE cut already
 * taken is not taken again. The built CLI against a live service started here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { ANN, serviceWithAnnForFile } from "../helpers/live-account.js";

const temp = deviceTempDir("aosp-resume-faults-");
const USER = ANN;
const payload = temp.file("payload.json");
serviceWithAnnForFile(payload);

const enroll = (...args: string[]) => aospSim(["enroll", payload, "--seed", "2", "--user", USER.upn, "--password", USER.password, ...args]);

describe("enroll --device-dir resumed with the same service fault", { timeout: 120_000 }, () => {
  for (const fault of ["service-5xx=4", "service-timeout=4"]) {
    it(`${fault}: stopped after the first failure, the same command enrolls, as the uninterrupted run does`, async () => {
      const dir = temp.file(`dev-${fault.replace("=", "-")}`);
      const first = await enroll("--clock", "simulated", "--fault", fault, "--device-dir", dir, "--until", "enrolling.waitingToRetry");
      expect(first.code, first.stderr).toBe(0);
      // Before: the resumed run got 4 more failures and ended "Not enrolled: ... enrollmentFailed", exit 1.
      const resumed = await enroll("--clock", "simulated", "--fault", fault, "--device-dir", dir, "--json");
      const report = JSON.parse(resumed.stdout) as { finalState: string; timeline: { detail: string }[] };
      expect(report.finalState).toBe("enrolled");
      expect(resumed.code).toBe(0);
      // The count is kept with the device, as wifi-timeout's is.
      expect(readdirSync(dir)).toContain(`system__fault-${fault.split("=")[0]}-strikes.json`);
      expect(JSON.parse(readFileSync(join(dir, `system__fault-${fault.split("=")[0]}-strikes.json`), "utf8"))).toBe(4);
    });
  }
});

describe("enroll --device-dir killed while a power-loss@STATE fault had the device off", { timeout: 120_000 }, () => {
  it("resumes without cutting the power again", async () => {
    const dir = temp.file("dev-power");
    const args = ["enroll", payload, "--seed", "2", "--user", USER.upn, "--password", USER.password, "--fault", "power-loss=30s@downloadingAgent", "--device-dir", dir];
    // A real clock, so that the process is killed (-9, a power cut to the CLI) while the device is off for 30 s.
    const killed = await aospSim(args, { onStdout: (out, signal) => (/power lost/.test(out) ? signal("SIGKILL") : undefined), killAfterMs: 60_000 });
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).toMatch(/downloadingAgent +power lost +Power lost \(back in 30s\)/);
    // Before: "Powered on; resuming: Downloading the admin app" and then a second "Power lost (back in 30s)".
    const resumed = await aospSim([...args, "--clock", "simulated"]);
    expect(resumed.stdout).toMatch(/downloadingAgent +power on +Powered on; resuming/);
    expect(resumed.stdout).not.toMatch(/power lost/);
    expect(resumed.stdout).toMatch(/Enrolled/);
    expect(resumed.code).toBe(0);
  });
});
