/**
 * `aosp-sim run`: the admin's wipe and delete against what the device and the service each hold.
 * A delete takes the record off the list at once while the device resets only at its next
 * check-in; a device that wiped itself forgot its id, but the service still lists its record.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-run-removal-");

function scenario(name: string, value: unknown): string {
  const path = temp.file(name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** A password policy whose fourth wrong password wipes the device. */
const PIN_WIPES_AFTER_4 = {
  do: "assignConfiguration",
  displayName: "Pin",
  settings: { passwordRequiredType: "numeric", passwordMinimumLength: 4, passwordSignInFailureCountBeforeFactoryReset: 4 },
};

interface RunJson {
  finalState: string;
  deviceId: string;
  summary: { passed: boolean; serviceStillListsDevice: boolean | null; removal: { action: string; deviceEnrolled: boolean } | null };
}

describe("aosp-sim run: wipe and delete", { timeout: 60_000 }, () => {
  it("sums up a delete the device has not taken yet (the scenario ends before its next check-in): gone from the list, still enrolled", async () => {
    const path = scenario("delete-before-check-in.json", { device: { seed: 1 }, steps: [{ after: "3h", do: "delete" }], until: "4h" });
    // Before: "internal error: 404 itemNotFound: no managedDevice has the id ...", exit 2, no summary.
    const result = await aospSim(["run", path]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stdout).toMatch(/The admin deletes the device/);
    expect(result.stdout).toMatch(/after delete +the service no longer lists the device; the device has not reset yet: it does at its next check-in/);
    expect(result.stdout).toMatch(/final state +enrolled\.idle/);
    expect(result.stdout).toMatch(/result +passed: stays enrolled/);
    expect(result.code).toBe(0);

    const json = await aospSim(["run", path, "--json"]);
    expect(json.stderr).toBe("");
    const doc = JSON.parse(json.stdout) as RunJson;
    expect(doc.finalState).toBe("enrolled");
    expect(doc.summary).toMatchObject({ passed: true, serviceStillListsDevice: false, removal: { action: "delete", deviceEnrolled: true } });
    expect(json.code).toBe(0);
  });

  it("sums up a delete sent while the device is off (it ends off, still enrolled: it has not heard of the delete)", async () => {
    const path = scenario("delete-while-off.json", { device: { seed: 1 }, steps: [{ after: "1h", do: "powerLoss", for: "10d" }, { after: "2h", do: "delete" }], until: "2d" });
    // Before: the same internal error, exit 2.
    const result = await aospSim(["run", path]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stdout).toMatch(/after delete +the service no longer lists the device; the device has not reset yet/);
    expect(result.stdout).toMatch(/final state +off \(still enrolled/);
    expect(result.code).toBe(0);
  });

  it("sends a delete after the device wiped itself (failed unlocks) to the service, which still listed the record", async () => {
    const path = scenario("self-wipe-delete.json", {
      device: { seed: 1 },
      tenantSetup: [PIN_WIPES_AFTER_4],
      steps: [{ after: "5m", do: "failUnlock", times: 4 }, { after: "20m", do: "delete" }, { after: "25m", do: "wipe" }],
      until: "1h",
      expect: { finalState: "welcome" },
    });
    const result = await aospSim(["run", path]);
    // Before: "delete skipped: the device has not enrolled", and "the service still lists the device".
    expect(result.stdout).not.toMatch(/has not enrolled/);
    expect(result.stdout).toMatch(/welcome +note +The admin deletes the device/);
    // The record is gone now: the wipe that follows says why it is not sent.
    expect(result.stdout).toMatch(/wipe skipped: the service no longer lists the device \(the admin deleted it\)/);
    expect(result.stdout).toMatch(/after reset +the service no longer lists the device\n/);
    expect(result.code).toBe(0);
  });

  it("sends a wipe after the device wiped itself: the record stays, its wipe pending", async () => {
    const path = scenario("self-wipe-wipe.json", {
      device: { seed: 1 },
      tenantSetup: [PIN_WIPES_AFTER_4],
      steps: [{ after: "5m", do: "failUnlock", times: 4 }, { after: "20m", do: "wipe" }],
      until: "1h",
      expect: { finalState: "welcome" },
    });
    const result = await aospSim(["run", path, "--json"]);
    const doc = JSON.parse(result.stdout) as RunJson & { timeline: { detail: string }[] };
    expect(doc.timeline.map((e) => e.detail)).toContain("The admin wipes the device");
    expect(doc.summary).toMatchObject({ passed: true, serviceStillListsDevice: true, removal: { action: "wipe", deviceEnrolled: false } });
    expect(result.code).toBe(0);
  });
});

describe("aosp-sim run: failUnlock", { timeout: 60_000 }, () => {
  it("says that wrong passwords on a device with no screen lock yet do not count (the password policy comes at the first check-in)", async () => {
    const path = scenario("unlock-early.json", {
      device: { seed: 1 },
      tenantSetup: [PIN_WIPES_AFTER_4],
      steps: [{ after: "2m", do: "failUnlock", times: 10 }],
      until: "10m",
    });
    // Before: no line at all; the device stayed enrolled as if the step had not run.
    const result = await aospSim(["run", path]);
    expect(result.stdout).toMatch(/enrolled\.idle +note +10 wrong passwords at the lock screen: the device has no screen lock \(no password set\), so the attempts do not count/);
    expect(result.stdout).toMatch(/final state +enrolled\.idle/);
    expect(result.code).toBe(0);
  });
});
