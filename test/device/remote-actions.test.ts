/**
 * The admin's Restart (rebootNow), Reset passcode (resetPasscode) and Remote lock (remoteLock) reach a simulated device at
 * its next check-in, through the library against the mock service: the device restarts or sets
 * the new passcode, stays enrolled, and reports each done (or failed, with why) in Graph's
 * deviceActionResults, as it does for a wipe.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;

beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

/** The device's actions as the admin reads them. */
async function actionResults(deviceId: string) {
  return (await t.service.admin.getManagedDevice(deviceId)).deviceActionResults;
}

describe("remote actions beyond wipe and delete", { timeout: 90_000 }, () => {
  it("restarts at the next check-in when the admin asks (rebootNow), and stays enrolled", async () => {
    const device = await t.device({ seed: 31 });
    expect((await device.enroll()).finalState).toBe("enrolled");
    const id = device.context.enrollment!.deviceId;
    await t.service.admin.rebootNow(id);
    await device.runFor(4 * 60_000);
    expect(await actionResults(id)).toMatchObject([{ actionName: "rebootNow", actionState: "done" }]);
    expect(device.state.startsWith("enrolled")).toBe(true);
    expect(device.timeline.some((e) => /the device restarted \(the admin's Restart\)/.test(e.detail))).toBe(true);
  });

  it("locks at the next check-in when the admin asks (remoteLock); without a passcode the screen only turns off", async () => {
    const device = await t.device({ seed: 34 });
    expect((await device.enroll()).finalState).toBe("enrolled");
    const id = device.context.enrollment!.deviceId;
    await t.service.admin.remoteLock(id);
    await device.runFor(4 * 60_000);
    expect(await actionResults(id)).toMatchObject([{ actionName: "remoteLock", actionState: "done" }]);
    expect(device.state.startsWith("enrolled")).toBe(true);
    expect(device.timeline.some((e) => /the screen turned off \(the admin's Remote lock\) but the device has no passcode/.test(e.detail))).toBe(true);
  });

  it("fails a passcode reset when no password policy is in force, as Intune's does", async () => {
    const device = await t.device({ seed: 32 });
    await device.enroll();
    const id = device.context.enrollment!.deviceId;
    await t.service.admin.resetPasscode(id);
    await device.runFor(4 * 60_000);
    expect(await actionResults(id)).toMatchObject([{ actionName: "resetPasscode", actionState: "failed" }]);
    expect(device.devicePassword).toBeNull();
  });

  it("sets the passcode the admin was shown when a password policy is in force, and it unlocks the device", async () => {
    const policy = await t.service.admin.createConfiguration("Passcode", { passwordRequiredType: "numeric", passwordMinimumLength: 6 });
    await t.service.admin.assignConfiguration(policy.id, [{ "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" }]);
    const device = await t.device({ seed: 33 });
    await device.enroll();
    await device.runFor(4 * 60_000);
    const before = device.devicePassword;
    expect(before).not.toBeNull();
    const id = device.context.enrollment!.deviceId;
    await t.service.admin.resetPasscode(id);
    const shown = (await actionResults(id)).find((r) => r.actionName === "resetPasscode")!.passcode!;
    expect(shown).toMatch(/^\d{8}$/);
    await device.runFor(4 * 60_000);
    expect(device.devicePassword).toBe(shown);
    expect(device.unlock(shown)).toBe("unlocked");
    expect(await actionResults(id)).toMatchObject([{ actionName: "resetPasscode", actionState: "done", passcode: shown }]);
    // With a passcode, a Remote lock locks the device.
    await t.service.admin.remoteLock(id);
    await device.runFor(20 * 60_000);
    expect((await actionResults(id)).find((r) => r.actionName === "remoteLock")).toMatchObject({ actionState: "done" });
    expect(device.timeline.some((e) => /the device locked \(the admin's Remote lock\): its passcode unlocks it/.test(e.detail))).toBe(true);
  });
});
