/**
 * The tenant's compliance policy settings (Intune's *Mark devices with no compliance policy
 * assigned as* and *Compliance status validity period (days)*, Graph's
 * deviceManagement.settings.secureByDefault and deviceComplianceCheckinThresholdDays): read and
 * changed on /beta/deviceManagement, and followed by every device's complianceState.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { DAY, DEVICES, enrolledDevice, errorOf, type TestService, useService } from "./support/service.js";

const service = useService();
const DEVICE_MANAGEMENT = "/beta/deviceManagement";
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";

async function checkIn(t: TestService, device: { deviceId: string; deviceCredential: string }) {
  const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

const complianceState = async (t: TestService, deviceId: string) => (await t.admin("GET", `${DEVICES}/${deviceId}`)).body.complianceState;

describe("the tenant's compliance policy settings", () => {
  it("are Intune's defaults (no policy: compliant; 30 days' validity), and a PATCH changes those given", async () => {
    const t = service();
    expect((await t.admin("GET", DEVICE_MANAGEMENT)).body.settings).toEqual({
      "@odata.type": "#microsoft.graph.deviceManagementSettings",
      secureByDefault: false,
      deviceComplianceCheckinThresholdDays: 30,
    });
    const patched = await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { secureByDefault: true } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ "@odata.type": "#microsoft.graph.deviceManagement", settings: { secureByDefault: true, deviceComplianceCheckinThresholdDays: 30 } });
    await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { deviceComplianceCheckinThresholdDays: 7 } });
    expect((await t.admin("GET", DEVICE_MANAGEMENT)).body.settings).toMatchObject({ secureByDefault: true, deviceComplianceCheckinThresholdDays: 7 });
    // The GET answer sent back, as the Graph SDK's read-modify-write does.
    const read = (await t.admin("GET", DEVICE_MANAGEMENT)).body;
    expect((await t.admin("PATCH", DEVICE_MANAGEMENT, { ...read, settings: { ...read.settings, secureByDefault: false } })).body.settings.secureByDefault).toBe(false);
  });

  it("refuse a validity period outside 1 to 120 days, null, another property and a change to a read-only one, naming each", async () => {
    const t = service();
    for (const days of [0, 121, 1.5]) {
      const reply = await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { deviceComplianceCheckinThresholdDays: days } });
      expect(errorOf(reply), String(days)).toMatchObject({ status: 400, message: expect.stringContaining("deviceComplianceCheckinThresholdDays") });
    }
    expect(errorOf(await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { secureByDefault: null } }))).toMatchObject({ status: 400, message: expect.stringContaining("secureByDefault") });
    expect(errorOf(await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { enableLogCollection: true } }))).toMatchObject({ status: 400, message: expect.stringContaining("enableLogCollection") });
    expect(errorOf(await t.admin("PATCH", DEVICE_MANAGEMENT, { subscriptionState: "pending" }))).toMatchObject({ status: 400, message: expect.stringContaining("subscriptionState is read-only") });
    expect((await t.admin("GET", DEVICE_MANAGEMENT)).body.settings).toMatchObject({ secureByDefault: false, deviceComplianceCheckinThresholdDays: 30 });
  });
});

describe("GET /beta/deviceManagement with $select", () => {
  // Before: 400 "it takes no query options", though Graph's Get deviceManagement takes them
  // (Graph PowerShell's -Property sends $select).
  it("answers the selected properties only, with the singleton's context naming them; an unknown one is 400 naming the properties", async () => {
    const t = service();
    const reply = await t.admin("GET", `${DEVICE_MANAGEMENT}?$select=settings,SubscriptionState`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({
      "@odata.context": `${t.url}/beta/$metadata#deviceManagement(settings,subscriptionState)`,
      "@odata.type": "#microsoft.graph.deviceManagement",
      settings: { "@odata.type": "#microsoft.graph.deviceManagementSettings", secureByDefault: false, deviceComplianceCheckinThresholdDays: 30 },
      subscriptionState: "active",
    });
    const unknown = await t.admin("GET", `${DEVICE_MANAGEMENT}?$select=managedDevices`);
    expect(errorOf(unknown)).toMatchObject({
      status: 400,
      message: "$select: could not find a property named 'managedDevices' on type 'microsoft.graph.deviceManagement'; its properties are id, intuneAccountId, subscriptionState, settings",
    });
  });
});

describe("a device with no compliance policy assigned", () => {
  // Before, it stayed "unknown" whatever the tenant's setting (which the mock did not have).
  it("is compliant once it checks in, noncompliant when the tenant marks such devices not compliant", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    expect(await complianceState(t, device.deviceId)).toBe("unknown");
    const answer = await checkIn(t, device);
    expect(answer.compliancePolicies).toBeUndefined();
    expect(await complianceState(t, device.deviceId)).toBe("compliant");
    await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { secureByDefault: true } });
    expect(await complianceState(t, device.deviceId)).toBe("noncompliant");
    const filtered = await t.admin("GET", `${DEVICES}?$filter=complianceState eq 'noncompliant'&$select=id`);
    expect(filtered.body.value.map((d: { id: string }) => d.id)).toEqual([device.deviceId]);
  });

  it("follows its policy once one is assigned and reported, and the setting again once it is unassigned", async () => {
    const t = service();
    await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { secureByDefault: true } });
    const { device } = await enrolledDevice(t);
    await checkIn(t, device);
    expect(await complianceState(t, device.deviceId)).toBe("noncompliant");
    const policy = (
      await t.admin("POST", COMPLIANCE, {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Password",
        passwordRequired: true,
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
      })
    ).body;
    await t.admin("POST", `${COMPLIANCE}/${policy.id}/assign`, { assignments: [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }] });
    expect((await checkIn(t, device)).compliancePolicies).toHaveLength(1);
    const report = (compliancePolicies: object[]) =>
      t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), { configurations: [], compliancePolicies });
    expect((await report([{ id: policy.id, version: 1, settings: [{ setting: "passwordRequired", state: "compliant" }] }])).status).toBe(204);
    expect(await complianceState(t, device.deviceId)).toBe("compliant");
    await t.admin("POST", `${COMPLIANCE}/${policy.id}/assign`, { assignments: [] });
    expect((await checkIn(t, device)).compliancePolicies).toEqual([]);
    await report([]);
    expect(await complianceState(t, device.deviceId)).toBe("noncompliant");
  });
});

describe("the compliance status validity period", () => {
  it("makes a device that has not checked in for longer noncompliant, until it checks in again", async () => {
    const t = service();
    await t.admin("PATCH", DEVICE_MANAGEMENT, { settings: { deviceComplianceCheckinThresholdDays: 2 } });
    const { device } = await enrolledDevice(t);
    await checkIn(t, device);
    t.clock.advance(2 * DAY);
    expect(await complianceState(t, device.deviceId)).toBe("compliant");
    t.clock.advance(60_000);
    expect(await complianceState(t, device.deviceId)).toBe("noncompliant");
    await checkIn(t, device);
    expect(await complianceState(t, device.deviceId)).toBe("compliant");
  });
});
