/**
 * `aosp-sim run`: a duration "until" is how long the scenario lasts, even once nothing is left to
 * happen; and a device switched off at the end is off, and still enrolled.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-run-until-");

function scenario(name: string, value: unknown): string {
  const path = temp.file(name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

interface RunJson {
  finalState: string;
  timeline: { elapsedMs: number; detail: string }[];
  summary: { passed: boolean; enrolledAt: number | null; endedAt: number; simulatedMs: number; power: string; deviceEnrolled: boolean };
}

const HOUR = 3_600_000;

describe("aosp-sim run: until, and a device off at the end", { timeout: 60_000 }, () => {
  it("lasts until a duration \"until\" after a wipe left the device idle at the welcome screen, and plays a later step", async () => {
    const path = scenario("idle.json", {
      device: { seed: 1 },
      steps: [{ after: "10m", do: "wipe" }, { after: "50m", do: "publishPackage", packageName: "com.microsoft.intune.aospagent", versionName: "24.11.0" }],
      until: "1h",
      expect: { finalState: "welcome" },
    });
    // Before: the run ended as the last thing happened (the step at 50m), not at 1h.
    const json = await aospSim(["run", path, "--json"]);
    const doc = JSON.parse(json.stdout) as RunJson;
    expect(doc.finalState).toBe("welcome");
    expect(doc.timeline.some((e) => /The admin publishes/.test(e.detail))).toBe(true);
    expect(doc.summary.endedAt - doc.summary.enrolledAt!).toBe(HOUR);
    expect(doc.summary.passed).toBe(true);
    expect(json.code).toBe(0);

    const text = await aospSim(["run", path]);
    expect(text.stdout).toMatch(/time +1h \d+s simulated in [\d.]+ s \(ended 1h after enrolling\)/);
  });

  it("lasts until a duration \"until\" after a wipe with nothing after it (the run used to end at the welcome screen)", async () => {
    const path = scenario("wipe.json", { device: { seed: 1 }, steps: [{ after: "10m", do: "wipe" }], until: "1h", expect: { finalState: "welcome" } });
    const doc = JSON.parse((await aospSim(["run", path, "--json"])).stdout) as RunJson;
    expect(doc.summary.endedAt - doc.summary.enrolledAt!).toBe(HOUR);
    expect(doc.summary.simulatedMs).toBeGreaterThan(HOUR);
  });

  it("waits on the error screen of a device that did not enroll until the scenario's \"until\"", async () => {
    const path = scenario("revoked.json", { device: { seed: 1 }, beforeEnrollment: [{ do: "revokeToken" }], until: "1h", expect: { failure: "tokenRevoked" } });
    const json = await aospSim(["run", path, "--json"]);
    const doc = JSON.parse(json.stdout) as RunJson;
    expect(doc.summary.enrolledAt).toBeNull();
    expect(doc.summary.simulatedMs).toBeGreaterThan(HOUR);
    expect(doc.summary.simulatedMs).toBeLessThan(HOUR + 60_000);
    expect(json.code).toBe(0);
  });

  it("passes the default expectation for an enrolled device switched off at the end: off, and still enrolled", async () => {
    const path = scenario("off.json", { device: { seed: 1 }, steps: [{ after: "30m", do: "powerLoss", for: "10d" }], until: "2h" });
    // Before: "final state off", "failed: expected it stays enrolled", exit 1.
    const result = await aospSim(["run", path]);
    expect(result.stdout).toMatch(/final state +off \(still enrolled: its storage and the service's record are kept\)/);
    expect(result.stdout).toMatch(/result +passed: stays enrolled/);
    expect(result.code).toBe(0);

    const json = await aospSim(["run", path, "--json"]);
    const doc = JSON.parse(json.stdout) as RunJson;
    expect(doc.finalState).toBe("off");
    expect(doc.summary).toMatchObject({ passed: true, power: "off", deviceEnrolled: true });
    expect(json.code).toBe(0);
  });

  it("takes \"off\" as an expected final state", async () => {
    const off = scenario("expect-off.json", { device: { seed: 1 }, steps: [{ after: "30m", do: "powerLoss", for: "10d" }], until: "2h", expect: { finalState: "off" } });
    // Before: exit 2, `there is no state "off"`.
    const result = await aospSim(["run", off]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/result +passed: ends in off/);
    expect(result.code).toBe(0);

    const on = scenario("expect-off-on.json", { device: { seed: 1 }, until: "2h", expect: { finalState: "off" } });
    const stillOn = await aospSim(["run", on, "--json"]);
    const doc = JSON.parse(stillOn.stdout) as RunJson;
    expect(doc.summary).toMatchObject({ passed: false, power: "on", deviceEnrolled: true });
    expect(stillOn.code).toBe(1);
  });
});
