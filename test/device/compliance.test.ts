/**
 * AOSP compliance policies evaluated by a virtual device against the mock service: the device's
 * verdict (managedDevice complianceState) and each setting's state follow what the device is
 * (its Android version, its password, its encryption), and change when the policy or the device
 * does. Also two configurations in conflict, as the admin reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
const ALL_DEVICES = { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } as const;

beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

/** The verdict and each policy's settings, as an admin script reads them. */
async function compliance(deviceId: string) {
  const admin = t.service.admin;
  const device = await admin.getManagedDevice(deviceId);
  const states = await admin.deviceCompliancePolicyStates(deviceId);
  return { complianceState: device.complianceState, states };
}

describe("compliance policies on the device", { timeout: 90_000 }, () => {
  it("mark a device below the minimum OS version noncompliant, and compliant once the policy allows it; a password, encryption and unassigning follow", async () => {
    const admin = t.service.admin;
    const minimum = await admin.createCompliancePolicy("Min OS 14", { osMinimumVersion: "14", securityBlockJailbrokenDevices: true });
    await admin.assignCompliancePolicy(minimum.id, [ALL_DEVICES]);
    // Seed 1: an HTC VIVE Focus 3 on Android 10. Before, it stayed "unknown" with no verdict.
    const device = await t.device({ seed: 1 });
    expect((await device.enroll()).finalState).toBe("enrolled");
    const deviceId = device.context.enrollment!.deviceId;
    await device.runFor(4 * 60_000);
    let now = await compliance(deviceId);
    expect(now.complianceState).toBe("noncompliant");
    expect(now.states).toEqual([expect.objectContaining({ displayName: "Min OS 14", state: "nonCompliant" })]);
    expect(now.states[0]!.settingStates).toEqual([
      expect.objectContaining({ setting: "osMinimumVersion", state: "nonCompliant", currentValue: "10", errorDescription: "OS version 10 is below the minimum 14" }),
      expect.objectContaining({ setting: "securityBlockJailbrokenDevices", state: "compliant", currentValue: "not rooted" }),
    ]);
    expect(device.timeline.some((e) => /not compliant with "Min OS 14": OS version 10 is below the minimum 14/.test(e.detail))).toBe(true);

    await admin.updateCompliancePolicy(minimum.id, { osMinimumVersion: "10" });
    await device.runFor(4 * 60_000);
    now = await compliance(deviceId);
    expect(now.complianceState).toBe("compliant");
    expect(now.states[0]).toMatchObject({ state: "compliant", version: 2 });

    // A password and encryption required: the device has no password yet, so neither holds.
    const locked = await admin.createCompliancePolicy("Locked", { passwordRequired: true, storageRequireEncryption: true, passwordRequiredType: "alphabetic" });
    await admin.assignCompliancePolicy(locked.id, [ALL_DEVICES]);
    await device.runFor(4 * 60_000);
    now = await compliance(deviceId);
    expect(now.complianceState).toBe("noncompliant");
    expect(now.states.find((s) => s.displayName === "Locked")!.settingStates).toEqual([
      expect.objectContaining({ setting: "passwordRequired", state: "nonCompliant", errorDescription: "the device has no password to unlock it" }),
      expect.objectContaining({ setting: "storageRequireEncryption", state: "nonCompliant" }),
      expect.objectContaining({ setting: "passwordRequiredType", state: "notApplicable", errorDescription: expect.stringContaining("alphabetic cannot be enforced") }),
    ]);

    // A configuration makes the user set a password: the next evaluation finds it, and the storage encrypted.
    const pin = await admin.createConfiguration("PIN", { passwordRequiredType: "numeric", passwordMinimumLength: 6 });
    await admin.assignConfiguration(pin.id, [ALL_DEVICES]);
    await device.runFor(4 * 60_000);
    expect((await compliance(deviceId)).complianceState).toBe("compliant");

    // Unassigned, the device reports that none applies: it has no policy, which the tenant's
    // default compliance policy settings mark compliant.
    await admin.assignCompliancePolicy(minimum.id, []);
    await admin.assignCompliancePolicy(locked.id, []);
    // Past 15 minutes enrolled, the device checks in every 15 minutes.
    await device.runFor(16 * 60_000);
    expect(await compliance(deviceId)).toEqual({ complianceState: "compliant", states: [] });
    await admin.assignConfiguration(pin.id, []);
  });
});

describe("the security patch level", { timeout: 90_000 }, () => {
  it("is the one the hardware reports when given (a device over adb reads its own), and unknown when null", async () => {
    const admin = t.service.admin;
    const patched = await admin.createCompliancePolicy("Patched", { minAndroidSecurityPatchLevel: "2025-01-01" });
    await admin.assignCompliancePolicy(patched.id, [ALL_DEVICES]);
    const setting = async (device: Awaited<ReturnType<Tenant["device"]>>) => {
      expect((await device.enroll()).finalState).toBe("enrolled");
      await device.runFor(4 * 60_000);
      return (await compliance(device.context.enrollment!.deviceId)).states[0]!.settingStates;
    };
    // Seed 1 runs Android 10, which launched with 2019-09-05: that level was reported whatever the hardware said.
    expect(await setting(await t.device({ seed: 1, securityPatchLevel: "2025-03-05" }))).toEqual([
      expect.objectContaining({ setting: "minAndroidSecurityPatchLevel", state: "compliant", currentValue: "2025-03-05" }),
    ]);
    expect(await setting(await t.device({ seed: 1, securityPatchLevel: "2024-12-05" }))).toEqual([
      expect.objectContaining({ setting: "minAndroidSecurityPatchLevel", state: "nonCompliant", errorDescription: "security patch level 2024-12-05 is older than 2025-01-01" }),
    ]);
    expect(await setting(await t.device({ seed: 1, securityPatchLevel: null }))).toEqual([
      expect.objectContaining({ setting: "minAndroidSecurityPatchLevel", state: "notApplicable", errorDescription: "the device does not know its security patch level" }),
    ]);
    await expect(t.device({ seed: 1, securityPatchLevel: "March 2025" })).rejects.toThrow(
      new TypeError(`createDevice: securityPatchLevel must be a date written YYYY-MM-DD, as Android's ro.build.version.security_patch (e.g. "2025-03-05"), or null when unknown (got the string "March 2025")`),
    );
    await admin.assignCompliancePolicy(patched.id, []);
  });
});

describe("configuration policies in conflict", { timeout: 90_000 }, () => {
  it("show the conflict in both policies, each with its own value, and the device enforces the most restrictive", async () => {
    const admin = t.service.admin;
    const baseline = await admin.createConfiguration("Baseline", { passwordRequiredType: "numeric", passwordMinimumLength: 6, passwordSignInFailureCountBeforeFactoryReset: 10, cameraBlocked: false });
    const strict = await admin.createConfiguration("Strict", { passwordRequiredType: "numericComplex", passwordMinimumLength: 8, passwordSignInFailureCountBeforeFactoryReset: 4, cameraBlocked: true });
    await admin.assignConfiguration(baseline.id, [ALL_DEVICES]);
    await admin.assignConfiguration(strict.id, [ALL_DEVICES]);
    const device = await t.device({ seed: 2 });
    await device.enroll();
    await device.runFor(4 * 60_000);
    const states = await admin.deviceConfigurationStates(device.context.enrollment!.deviceId);
    const of = (name: string) => states.find((s) => s.displayName === name)!;
    expect(of("Baseline").state).toBe("conflict");
    expect(of("Strict").state).toBe("conflict");
    expect(of("Baseline").settingStates.find((s) => s.setting === "passwordSignInFailureCountBeforeFactoryReset")).toMatchObject({
      state: "conflict",
      currentValue: "wipe after 10 failed unlocks",
    });
    // cameraBlocked false is "Not configured": Baseline reports nothing about the camera.
    expect(of("Baseline").settingStates.map((s) => s.setting)).not.toContain("cameraBlocked");
    expect(of("Strict").settingStates.find((s) => s.setting === "cameraBlocked")).toMatchObject({ state: "compliant", currentValue: "blocked" });
    expect(device.unlock("000000")).toMatchObject({ limit: 4 });
    await admin.assignConfiguration(baseline.id, []);
    await admin.assignConfiguration(strict.id, []);
  });
});
