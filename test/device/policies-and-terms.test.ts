/**
 * A device under the seed's policies and terms, through the library against the mock service:
 * a blocked camera refuses, the user sets a compliant password, wrong unlocks reach the policy's
 * limit and wipe the device, and terms declined stop the enrollment until they are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StepError } from "../../agent/machine/step-error.js";
import { meetsRequirement } from "../../agent/device/policy-plan.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;

/** One frame from the camera (its focus time passes on the device's simulated clock). */
async function capture(device: Awaited<ReturnType<Tenant["device"]>>): Promise<unknown> {
  const frame = device.camera.capture(new AbortController().signal);
  frame.catch(() => {});
  await device.runFor(5_000);
  return frame;
}
let termsId: string;

beforeAll(async () => {
  t = await setUpTenant();
  const admin = t.service.admin;
  const policy = await admin.createConfiguration("Factory lockdown", {
    cameraBlocked: true,
    passwordRequiredType: "numericComplex",
    passwordMinimumLength: 6,
    passwordSignInFailureCountBeforeFactoryReset: 4,
  });
  await admin.assignConfiguration(policy.id, [{ "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" }]);
  const terms = await admin.createTerms({ displayName: "Terms", title: "Contoso terms", bodyText: "Work only.", acceptanceStatement: "I accept" });
  termsId = terms.id;
  await admin.assignTerms(terms.id, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
});
afterAll(tearDownTenant);

describe("configuration policies on the device", { timeout: 90_000 }, () => {
  it("block the camera and make the user set a compliant password at the first check-in", async () => {
    const device = await t.device({ seed: 21 });
    expect((await device.enroll()).finalState).toBe("enrolled");
    await expect(capture(device)).resolves.toBeTruthy();
    expect(device.devicePassword).toBeNull();
    await device.runFor(4 * 60_000);
    await expect(capture(device)).rejects.toMatchObject({ code: "cameraBlocked" });
    await expect(capture(device)).rejects.toBeInstanceOf(StepError);
    expect(meetsRequirement(device.devicePassword ?? "", { type: "numericComplex", minimumLength: 6 })).toBe(true);
    const states = await t.service.admin.deviceConfigurationStates(device.context.enrollment!.deviceId);
    expect(states[0]).toMatchObject({ displayName: "Factory lockdown", state: "compliant" });
  });

  it("wipe the device when wrong unlocks reach the policy's limit, and the right password resets the count", async () => {
    const device = await t.device({ seed: 22 });
    await device.enroll();
    await device.runFor(4 * 60_000);
    expect(device.unlock("000000")).toMatchObject({ failures: 1, limit: 4, wipe: false });
    expect(device.unlock(device.devicePassword!)).toBe("unlocked");
    for (let i = 1; i <= 3; i++) expect(device.unlock("000000")).toMatchObject({ failures: i, wipe: false });
    expect(device.unlock("000000")).toMatchObject({ failures: 4, wipe: true });
    await device.runUntil((d) => d.state === "welcome");
    expect(device.timeline.some((e) => e.event === "failed unlocks" && /4 failed unlock attempts reached the policy's limit/.test(e.detail))).toBe(true);
    // The reset erased the policy: the camera works again.
    await expect(capture(device)).resolves.toBeTruthy();
  });
});

describe("terms and conditions on the device", { timeout: 90_000 }, () => {
  it("stop the enrollment when declined, with the reason, and Try again shows them again to accept", async () => {
    // A user who has not seen the terms yet.
    const user = { userPrincipalName: "dana@contoso.example", password: "Enroll-Me-2025!" };
    await t.service.admin.createLicensedUser({ displayName: "Dana", ...user });
    const device = await t.device({ seed: 23, user: { ...user, acceptTerms: false } });
    const report = await device.enroll();
    expect(report.finalState).toBe("termsDeclined");
    expect(report.failure).toMatchObject({ code: "termsDeclined", step: "acceptTerms" });
    expect(report.failure!.screen).toMatch(/accept your organization's terms and conditions/);
    device.send({ type: "RETRY" });
    await device.runUntil((d) => d.state === "acceptingTerms.waitingForUser");
    device.send({ type: "ACCEPT_TERMS" });
    await device.runUntil((d) => d.state.startsWith("enrolled"));
    expect(device.state).toBe("enrolled.idle");
    const statuses = await t.service.admin.termsAcceptanceStatuses(termsId);
    expect(statuses.filter((s) => s.userPrincipalName === "dana@contoso.example")).toEqual([expect.objectContaining({ userPrincipalName: "dana@contoso.example", acceptedVersion: 1 })]);
  });
});
