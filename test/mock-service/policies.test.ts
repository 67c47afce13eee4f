/**
 * AOSP device configuration and compliance policies over real HTTP: Graph shapes and ranges,
 * assignment to the seed's dynamic device group, delivery at check-in, the states a device
 * reports, and the seed's limits (unenforceable password types, no compliance reporting).
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { DEVICES, enroll, enrolledDevice, errorOf, factoryGroup, type TestService, useService } from "./support/service.js";

const service = useService();
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";
const CONFIGURATION_TYPE = "#microsoft.graph.aospDeviceOwnerDeviceConfiguration";
const COMPLIANCE_TYPE = "#microsoft.graph.aospDeviceOwnerCompliancePolicy";

async function configuration(t: TestService, settings: Record<string, unknown>) {
  const reply = await t.admin("POST", CONFIGURATIONS, { "@odata.type": CONFIGURATION_TYPE, displayName: "Factory lockdown", ...settings });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body as { id: string; version: number };
}

/** A compliance policy that blocks at once (Graph requires a scheduled action). */
async function compliancePolicy(t: TestService, settings: Record<string, unknown>) {
  const reply = await t.admin("POST", COMPLIANCE, {
    "@odata.type": COMPLIANCE_TYPE,
    displayName: "Factory compliance",
    ...settings,
    scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
  });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body as { id: string };
}

const groupTarget = (groupId: string) => ({ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } });

async function checkIn(t: TestService, device: { deviceId: string; deviceCredential: string }) {
  const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  expect(reply.status).toBe(200);
  return reply.body;
}

describe("device configurations", () => {
  it("refuse changing a property that never changes, naming it; ignore version and lastModifiedDateTime from an earlier read, with a warning", async () => {
    const t = service();
    const policy = (await t.admin("GET", `${CONFIGURATIONS}/${(await configuration(t, { cameraBlocked: true })).id}`)).body;
    for (const [name, value] of [
      ["id", "7d6f0c1e-0000-4000-8000-000000000000"],
      ["createdDateTime", "2020-01-01T00:00:00Z"],
      ["supportsScopeTags", false],
    ] as const) {
      const reply = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { cameraBlocked: false, [name]: value });
      expect(errorOf(reply), name).toMatchObject({ status: 400, code: "invalidRequest", message: expect.stringContaining(`${name} is read-only`) });
    }
    expect((await t.admin("GET", `${CONFIGURATIONS}/${policy.id}`)).body).toMatchObject({ version: 1, cameraBlocked: true });
    // The whole GET answer sent back, as the Graph SDK's read-modify-write does: its context too
    // (before, "@odata.context is not a property this route accepts"), and its id in capitals.
    t.clock.advance(60_000);
    const patched = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { ...policy, id: String(policy.id).toUpperCase(), cameraBlocked: false });
    expect(patched.body).toMatchObject({ version: 2, cameraBlocked: false });
    expect(patched.headers.get("warning")).toBeNull();
    // The same body again holds version 1 and the first modification time, an earlier read's:
    // applied, the two ignored and named (before, a 400 "read-only").
    const stale = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { ...policy, cameraBlocked: false, description: "stale read" });
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ version: 2, description: "stale read" });
    expect(stale.headers.get("warning")).toMatch(/^299 aosp-sim "version was ignored: .*the policy's settings were changed after the body was read.*", 299 aosp-sim "lastModifiedDateTime was ignored/);
  });

  it("are created in Graph's shape, every setting listed and the unset ones null", async () => {
    const t = service();
    const created = await t.admin("POST", CONFIGURATIONS, {
      "@odata.type": CONFIGURATION_TYPE,
      displayName: "Factory lockdown",
      cameraBlocked: true,
      passwordRequiredType: "numeric",
      passwordMinimumLength: 6,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      "@odata.type": CONFIGURATION_TYPE,
      displayName: "Factory lockdown",
      version: 1,
      cameraBlocked: true,
      passwordMinimumLength: 6,
      passwordRequiredType: "numeric",
      screenCaptureBlocked: null,
      passwordSignInFailureCountBeforeFactoryReset: null,
    });
    expect((await t.admin("GET", `${CONFIGURATIONS}/${created.body.id}`)).body.cameraBlocked).toBe(true);
    expect((await t.admin("GET", CONFIGURATIONS)).body.value).toHaveLength(1);
  });

  it("refuses values outside Graph's ranges and other platforms' types", async () => {
    const t = service();
    const tooShort = await t.admin("POST", CONFIGURATIONS, { "@odata.type": CONFIGURATION_TYPE, displayName: "x", passwordMinimumLength: 3 });
    expect(errorOf(tooShort)).toMatchObject({ status: 400, message: '"passwordMinimumLength" must be >= 4' });
    const failures = await t.admin("POST", CONFIGURATIONS, {
      "@odata.type": CONFIGURATION_TYPE,
      displayName: "x",
      passwordSignInFailureCountBeforeFactoryReset: 12,
    });
    expect(errorOf(failures)).toMatchObject({ status: 400, message: '"passwordSignInFailureCountBeforeFactoryReset" must be <= 11' });
    const badType = await t.admin("POST", CONFIGURATIONS, { "@odata.type": CONFIGURATION_TYPE, displayName: "x", passwordRequiredType: "pin" });
    expect(errorOf(badType).status).toBe(400);
    const ios = await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", displayName: "x" });
    expect(errorOf(ios).message).toContain(`must be "${CONFIGURATION_TYPE}"`);
  });

  it("go up a version when patched, and a null clears a setting", async () => {
    const t = service();
    const policy = await configuration(t, { cameraBlocked: true, screenCaptureBlocked: true });
    const patched = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { screenCaptureBlocked: null, bluetoothBlocked: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, cameraBlocked: true, screenCaptureBlocked: null, bluetoothBlocked: true });
    expect((await t.admin("DELETE", `${CONFIGURATIONS}/${policy.id}`)).status).toBe(204);
    expect((await t.admin("GET", `${CONFIGURATIONS}/${policy.id}`)).status).toBe(404);
  });

  it("keep their version when a PATCH changes no setting, so devices do not apply them again for nothing", async () => {
    const t = service();
    const policy = await configuration(t, { cameraBlocked: true });
    const same = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { cameraBlocked: true, screenCaptureBlocked: null });
    expect(same.body).toMatchObject({ version: 1, cameraBlocked: true });
    const renamed = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { displayName: "Kiosk lockdown", description: "for kiosks" });
    expect(renamed.body).toMatchObject({ version: 1, displayName: "Kiosk lockdown" });
    const changed = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.id}`, { cameraBlocked: false });
    expect(changed.body).toMatchObject({ version: 2, cameraBlocked: false });
  });

  it("say which type a setting takes when given another", async () => {
    const t = service();
    const reply = await t.admin("POST", CONFIGURATIONS, { "@odata.type": CONFIGURATION_TYPE, displayName: "x", cameraBlocked: "yes" });
    expect(errorOf(reply)).toMatchObject({ status: 400, message: '"cameraBlocked" must be a boolean or null' });
    const length = await t.admin("POST", CONFIGURATIONS, { "@odata.type": CONFIGURATION_TYPE, displayName: "x", passwordMinimumLength: "6" });
    expect(errorOf(length)).toMatchObject({ status: 400, message: '"passwordMinimumLength" must be an integer or null' });
  });

  it("reach the devices of the assigned dynamic group at check-in, and no other", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = await configuration(t, { cameraBlocked: true, passwordRequiredType: "numeric", passwordMinimumLength: 6 });
    const assigned = await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget(group.id)] });
    expect(assigned.status).toBe(200);
    expect(assigned.body.value).toEqual([
      expect.objectContaining({ id: `${policy.id}_${group.id}`, target: expect.objectContaining({ groupId: group.id }) }),
    ]);
    expect(assigned.headers.get("warning")).toBeNull();
    const { device, profile } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const answer = await checkIn(t, device);
    expect(answer.configurations).toEqual([
      { id: policy.id, displayName: "Factory lockdown", version: 1, settings: { cameraBlocked: true, passwordRequiredType: "numeric", passwordMinimumLength: 6 } },
    ]);
    const other = await enroll(t, (await t.admin("POST", "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles", { displayName: "Office", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" })).body.tokenValue);
    expect((await checkIn(t, other)).configurations).toBeUndefined();
    expect(profile.displayName).toBe("Factory 1 devices");
    expect((await t.admin("GET", `${CONFIGURATIONS}/${policy.id}/assignments`)).body.value).toHaveLength(1);
  });

  it("counts in settingCount only the settings the policy holds: a restriction set to false is Not configured, as the device never reports it", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = await configuration(t, { cameraBlocked: false, screenCaptureBlocked: true, passwordMinimumLength: 6, passwordRequiredType: "numericComplex" });
    await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget(group.id)] });
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const state = (await t.admin("GET", `${DEVICES}/${device.deviceId}/deviceConfigurationStates`)).body.value[0];
    expect(state).toMatchObject({ id: policy.id, settingCount: 3 });
  });

  it("show each device's reported setting states, and unknown until the device reports", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = await configuration(t, { cameraBlocked: true, passwordRequiredType: "alphabetic" });
    await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget(group.id)] });
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const before = await t.admin("GET", `${DEVICES}/${device.deviceId}/deviceConfigurationStates`);
    expect(before.body.value).toEqual([expect.objectContaining({ id: policy.id, state: "unknown", settingStates: [], platformType: "androidAOSP" })]);
    const reported = await t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
      configurations: [
        {
          id: policy.id,
          version: 1,
          settings: [
            { setting: "cameraBlocked", state: "compliant", currentValue: "blocked" },
            { setting: "passwordRequiredType", state: "notApplicable", reason: "alphabetic cannot be enforced" },
          ],
        },
      ],
    });
    expect(reported.status).toBe(204);
    const after = (await t.admin("GET", `${DEVICES}/${device.deviceId}/deviceConfigurationStates`)).body.value[0];
    expect(after).toMatchObject({ "@odata.type": "#microsoft.graph.deviceConfigurationState", state: "compliant", version: 1, settingCount: 2 });
    expect(after.settingStates).toEqual([
      expect.objectContaining({ setting: "cameraBlocked", settingName: "Block camera", state: "compliant", currentValue: "blocked" }),
      expect.objectContaining({ setting: "passwordRequiredType", state: "notApplicable", errorDescription: "alphabetic cannot be enforced" }),
    ]);
  });

  it("refuse a state report for a configuration not assigned to the device", async () => {
    const t = service();
    const policy = await configuration(t, { cameraBlocked: true });
    const { device } = await enrolledDevice(t);
    const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
      configurations: [{ id: policy.id, version: 1, settings: [] }],
    });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
  });

  it("tell the admin at assignment that an unenforceable password type will not take effect", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = await configuration(t, { passwordRequiredType: "alphanumeric" });
    const assigned = await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget(group.id)] });
    expect(assigned.body["@aospSim.warnings"]).toEqual([expect.stringContaining("password type alphanumeric cannot be enforced on Android (AOSP) devices")]);
    expect(assigned.headers.get("warning")).toMatch(/^299 aosp-sim "/);
  });

  it("tell the admin at assignment that customPassword will not take effect, as for the seed's five types", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = await configuration(t, { passwordRequiredType: "customPassword" });
    const assigned = await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget(group.id)] });
    expect(assigned.body["@aospSim.warnings"]).toEqual([expect.stringContaining("password type customPassword is not offered for Android (AOSP) devices")]);
    expect(assigned.headers.get("warning")).toMatch(/^299 aosp-sim ".*customPassword/);
  });

  it("refuse an assignment to a group that does not exist", async () => {
    const t = service();
    const policy = await configuration(t, { cameraBlocked: true });
    const reply = await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, { assignments: [groupTarget("nope")] });
    expect(errorOf(reply)).toMatchObject({ status: 400, message: "assignments[0].target.groupId: no group has the id 'nope'" });
  });
});

describe("a policy's assignments, one at a time", () => {
  // Before: POST .../assignments was 405 and GET .../assignments/{assignmentId} 400 "Resource not
  // found for the segment 'deviceConfigurations'", though Graph documents both.
  it("are created with POST .../assignments (201, Location) and read by id, for configurations and compliance policies", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const compliance = await compliancePolicy(t, {});
    const configurationId = (await configuration(t, { cameraBlocked: true })).id;
    for (const [path, type] of [
      [`${CONFIGURATIONS}/${configurationId}`, "deviceConfigurationAssignment"],
      [`${COMPLIANCE}/${compliance.id}`, "deviceCompliancePolicyAssignment"],
    ] as const) {
      const created = await t.admin("POST", `${path}/assignments`, groupTarget(group.id));
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ "@odata.type": `#microsoft.graph.${type}`, source: "direct", target: { groupId: group.id } });
      expect(created.body["@odata.context"]).toMatch(/\/assignments\/\$entity$/);
      expect(created.headers.get("location")).toBe(`${t.url}${path}/assignments/${created.body.id}`);
      const read = await t.admin("GET", `${path}/assignments/${String(created.body.id).toUpperCase()}`);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual(created.body);
      // A second target adds to the first (the assign action replaces them all).
      await t.admin("POST", `${path}/assignments`, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } });
      expect((await t.admin("GET", `${path}/assignments`)).body.value).toHaveLength(2);
      const again = await t.admin("POST", `${path}/assignments`, groupTarget(group.id));
      expect(errorOf(again)).toMatchObject({ status: 400, message: expect.stringContaining("already assigned to that target") });
      expect(errorOf(await t.admin("GET", `${path}/assignments/nope`))).toMatchObject({ status: 404 });
    }
  });
});

describe("a policy's assignment, deleted", () => {
  // Before: DELETE .../assignments/{assignmentId} was 405, though Graph documents it (204).
  it("is gone (204, then 404), and the device no longer gets the policy at its next check-in", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const compliance = await compliancePolicy(t, { passwordRequired: true });
    const configurationId = (await configuration(t, { cameraBlocked: true })).id;
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const received = async () => {
      const answer = await checkIn(t, device);
      return {
        configurations: (answer.configurations ?? []).map((p: { id: string }) => p.id),
        compliancePolicies: (answer.compliancePolicies ?? []).map((p: { id: string }) => p.id),
      };
    };
    const allDevices = { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } };
    for (const [path, id, type, answerKey] of [
      [`${CONFIGURATIONS}/${configurationId}`, configurationId, "deviceConfigurationAssignment", "configurations"],
      [`${COMPLIANCE}/${compliance.id}`, compliance.id, "deviceCompliancePolicyAssignment", "compliancePolicies"],
    ] as const) {
      const byGroup = (await t.admin("POST", `${path}/assignments`, groupTarget(group.id))).body.id as string;
      const toAll = (await t.admin("POST", `${path}/assignments`, allDevices)).body.id as string;
      expect((await received())[answerKey]).toEqual([id]);

      // One of two targets removed: the other still reaches the device.
      const deleted = await t.admin("DELETE", `${path}/assignments/${byGroup.toUpperCase()}`);
      expect(deleted.status, deleted.text).toBe(204);
      expect(deleted.text).toBe("");
      expect((await t.admin("GET", `${path}/assignments`)).body.value.map((a: { id: string }) => a.id)).toEqual([toAll]);
      expect(errorOf(await t.admin("GET", `${path}/assignments/${byGroup}`))).toMatchObject({ status: 404, code: "itemNotFound" });
      expect(errorOf(await t.admin("DELETE", `${path}/assignments/${byGroup}`))).toMatchObject({ status: 404, code: "itemNotFound", message: expect.stringContaining(type) });
      expect((await received())[answerKey]).toEqual([id]);

      // The last one removed: the device is sent the policies it still gets, without this one.
      expect((await t.admin("DELETE", `${path}/assignments/${toAll}`)).status).toBe(204);
      expect((await received())[answerKey]).toEqual([]);
    }
    expect(errorOf(await t.admin("DELETE", `${CONFIGURATIONS}/00000000-0000-4000-8000-000000000000/assignments/x`))).toMatchObject({ status: 404, code: "itemNotFound" });
  });
});

describe("compliance policies", () => {
  const policyBody = {
    "@odata.type": COMPLIANCE_TYPE,
    displayName: "Factory compliance",
    passwordRequired: true,
    passwordRequiredType: "numeric",
    passwordMinimumLength: 6,
    osMinimumVersion: "10",
    storageRequireEncryption: true,
    securityBlockJailbrokenDevices: true,
    scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
  };

  it("need scheduledActionsForRule on create, as Graph does", async () => {
    const t = service();
    const { scheduledActionsForRule: _, ...without } = policyBody;
    const refused = await t.admin("POST", COMPLIANCE, without);
    expect(errorOf(refused)).toMatchObject({ status: 400 });
    expect(refused.body.error.message).toContain('"scheduledActionsForRule" is required');
    const created = await t.admin("POST", COMPLIANCE, policyBody);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ "@odata.type": COMPLIANCE_TYPE, passwordRequired: true, osMinimumVersion: "10", minAndroidSecurityPatchLevel: null });
    const actions = (await t.admin("GET", `${COMPLIANCE}/${created.body.id}/scheduledActionsForRule`)).body.value;
    expect(actions).toEqual([
      expect.objectContaining({ ruleName: "PasswordRequired", scheduledActionConfigurations: [expect.objectContaining({ actionType: "block", gracePeriodHours: 0 })] }),
    ]);
  });

  it("refuse an inactivity time outside 1..8640 minutes", async () => {
    const t = service();
    const reply = await t.admin("POST", COMPLIANCE, { ...policyBody, passwordMinutesOfInactivityBeforeLock: 9000 });
    expect(errorOf(reply)).toMatchObject({ status: 400, message: '"passwordMinutesOfInactivityBeforeLock" must be <= 8640' });
  });

  it("refuse a minimum security patch level that is no calendar day, naming it and the form", async () => {
    const t = service();
    for (const level of ["abc", "2024-13-45", "2024-02-30", "2023-02-29", "2024-00-10"]) {
      const reply = await t.admin("POST", COMPLIANCE, { ...policyBody, minAndroidSecurityPatchLevel: level });
      expect(errorOf(reply), level).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message, level).toBe('"minAndroidSecurityPatchLevel" must be a day the calendar has, written YYYY-MM-DD (2024-02-30 and 2024-13-01 are none), e.g. 2024-02-01');
    }
    const leapDay = await t.admin("POST", COMPLIANCE, { ...policyBody, minAndroidSecurityPatchLevel: "2024-02-29" });
    expect(leapDay.status, leapDay.text).toBe(201);
  });

  it("refuse a minimum OS version above the maximum, naming both, on create and on PATCH", async () => {
    const t = service();
    const message = '"osMinimumVersion" (14) is above "osMaximumVersion" (10): no device could be compliant; lower osMinimumVersion or raise osMaximumVersion';
    const created = await t.admin("POST", COMPLIANCE, { ...policyBody, osMinimumVersion: "14", osMaximumVersion: "10" });
    expect(errorOf(created)).toMatchObject({ status: 400, code: "invalidRequest", message });
    const policy = (await t.admin("POST", COMPLIANCE, { ...policyBody, osMinimumVersion: "14", osMaximumVersion: "14.1" })).body;
    expect(policy.osMaximumVersion).toBe("14.1");
    const patched = await t.admin("PATCH", `${COMPLIANCE}/${policy.id}`, { osMaximumVersion: "10" });
    expect(errorOf(patched)).toMatchObject({ status: 400, message });
    expect((await t.admin("GET", `${COMPLIANCE}/${policy.id}`)).body.osMaximumVersion).toBe("14.1");
  });

  it("tell the admin at assignment that a password type AOSP cannot enforce will not be evaluated", async () => {
    const t = service();
    const group = await factoryGroup(t);
    for (const type of ["required", "customPassword"]) {
      const created = (await t.admin("POST", COMPLIANCE, { ...policyBody, passwordRequiredType: type })).body;
      const assigned = await t.admin("POST", `${COMPLIANCE}/${created.id}/assign`, { assignments: [groupTarget(group.id)] });
      expect(assigned.body["@aospSim.warnings"], type).toEqual([expect.stringContaining(`password type ${type}`)]);
      expect(assigned.headers.get("warning"), type).toMatch(/^299 aosp-sim "/);
    }
    const numeric = (await t.admin("POST", COMPLIANCE, policyBody)).body;
    expect((await t.admin("POST", `${COMPLIANCE}/${numeric.id}/assign`, { assignments: [groupTarget(group.id)] })).body["@aospSim.warnings"]).toBeUndefined();
  });

  it("tell the admin at assignment that actions for noncompliance other than block have no effect, and that AOSP has no push notification", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const actions = ["notification", "remoteLock", "retire", "pushNotification"].map((actionType) => ({ actionType, gracePeriodHours: 24 }));
    const body = { ...policyBody, scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }, ...actions] }] };
    const created = (await t.admin("POST", COMPLIANCE, body)).body;
    const assigned = await t.admin("POST", `${COMPLIANCE}/${created.id}/assign`, { assignments: [groupTarget(group.id)] });
    const warnings = assigned.body["@aospSim.warnings"] as string[];
    // remoteLock is carried out (a remote lock): no warning for it.
    expect(warnings).toHaveLength(3);
    for (const action of ["notification", "retire"]) {
      expect(warnings, action).toContainEqual(expect.stringContaining(`the action for noncompliance ${action} is not simulated by the mock`));
    }
    expect(warnings).toContainEqual(expect.stringContaining("the action for noncompliance pushNotification is not available for Android (AOSP) devices"));
    expect(assigned.headers.get("warning")).toMatch(/^299 aosp-sim "/);

    // Changing the actions of an assigned policy says so too (a 204: in Warning headers).
    const rescheduled = await t.admin("POST", `${COMPLIANCE}/${created.id}/scheduleActionsForRules`, {
      deviceComplianceScheduledActionForRules: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }, { actionType: "retire", gracePeriodHours: 72 }] }],
    });
    expect(rescheduled.status).toBe(204);
    expect(rescheduled.headers.get("warning")).toContain("the action for noncompliance retire is not simulated by the mock");

    // Block alone (and noAction) is what the mock carries out: no warning.
    const plain = (await t.admin("POST", COMPLIANCE, { ...policyBody, scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }, { actionType: "noAction" }] }] })).body;
    expect((await t.admin("POST", `${COMPLIANCE}/${plain.id}/assign`, { assignments: [groupTarget(group.id)] })).body["@aospSim.warnings"]).toBeUndefined();
  });

  it("reach assigned devices at check-in; the device's report gives its verdict, in grace period until the block action's grace period ends", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const body = { ...policyBody, scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 24 }] }] };
    const created = (await t.admin("POST", COMPLIANCE, body)).body;
    await t.admin("POST", `${COMPLIANCE}/${created.id}/assign`, { assignments: [groupTarget(group.id)] });
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const deviceState = async () => (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body.complianceState;
    expect(await deviceState()).toBe("unknown");
    const answer = await checkIn(t, device);
    expect(answer.configurations).toBeUndefined();
    expect(answer.compliancePolicies).toEqual([expect.objectContaining({ id: created.id, version: 1, settings: expect.objectContaining({ osMinimumVersion: "10" }) })]);
    const report = (passwordState: "compliant" | "nonCompliant") =>
      t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
        configurations: [],
        compliancePolicies: [{ id: created.id, version: 1, settings: [{ setting: "passwordRequired", state: passwordState, reason: "the device has no password to unlock it" }] }],
      });
    expect((await report("nonCompliant")).status).toBe(204);
    expect(await deviceState()).toBe("inGracePeriod");
    // A later report that still finds it noncompliant does not restart the grace period.
    t.clock.advance(23 * 3_600_000);
    await report("nonCompliant");
    expect(await deviceState()).toBe("inGracePeriod");
    t.clock.advance(3_600_000);
    expect(await deviceState()).toBe("noncompliant");
    const states = (await t.admin("GET", `${DEVICES}/${device.deviceId}/deviceCompliancePolicyStates`)).body.value;
    expect(states).toEqual([expect.objectContaining({ id: created.id, state: "nonCompliant", settingCount: 6 })]);
    expect(states[0].settingStates).toEqual([expect.objectContaining({ setting: "passwordRequired", state: "nonCompliant", errorDescription: "the device has no password to unlock it" })]);
    const filtered = await t.admin("GET", `${DEVICES}?$filter=complianceState eq 'noncompliant'&$select=id`);
    expect(filtered.body.value.map((d: { id: string }) => d.id)).toEqual([device.deviceId]);
    await report("compliant");
    expect(await deviceState()).toBe("compliant");
  });

  // Before: the action was kept and never carried out (a warning said so at assignment), though
  // Microsoft's actions-for-noncompliance page lists Android (AOSP) for it.
  it("send a remote lock for each remoteLock action whose schedule has passed while the device stays noncompliant", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const lockAfter = (hours: number) => ({ actionType: "remoteLock", gracePeriodHours: hours });
    const body = { ...policyBody, scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }, lockAfter(24), lockAfter(72)] }] };
    const created = (await t.admin("POST", COMPLIANCE, body)).body;
    const assigned = await t.admin("POST", `${COMPLIANCE}/${created.id}/assign`, { assignments: [groupTarget(group.id)] });
    expect(assigned.body["@aospSim.warnings"]).toBeUndefined();
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    await checkIn(t, device);
    const report = () =>
      t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
        configurations: [],
        compliancePolicies: [{ id: created.id, version: 1, settings: [{ setting: "passwordRequired", state: "nonCompliant" }] }],
      });
    const locks = async () =>
      ((await t.admin("GET", `${DEVICES}/${device.deviceId}?$select=deviceActionResults`)).body.deviceActionResults as { actionName: string; actionState: string }[]).filter(
        (r) => r.actionName === "remoteLock",
      );
    expect((await report()).status).toBe(204);
    expect(await locks()).toEqual([]);
    t.clock.advance(24 * 3_600_000);
    await report();
    expect(await locks()).toMatchObject([{ actionState: "pending" }]);
    // Offered at the next check-in as the admin's remoteLock is; done once the device says so.
    const [action] = (await checkIn(t, device)).actions;
    expect(action).toMatchObject({ type: "remoteLock" });
    await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, action.id), { status: "completed" });
    await report();
    expect(await locks()).toMatchObject([{ actionState: "done" }]);
    // The second instance, 72 hours after the device was found noncompliant.
    t.clock.advance(48 * 3_600_000);
    await report();
    expect((await locks()).map((l) => l.actionState)).toEqual(["done", "pending"]);
    await report();
    expect(await locks()).toHaveLength(2);
  });

  it("take a new grace period with Graph's scheduleActionsForRules, as the PATCH refusal says; devices measure it anew at their next report", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const created = (await t.admin("POST", COMPLIANCE, policyBody)).body;
    await t.admin("POST", `${COMPLIANCE}/${created.id}/assign`, { assignments: [groupTarget(group.id)] });
    const { device } = await enrolledDevice(t, { profile: { displayName: "Factory 1 devices" } });
    const deviceState = async () => (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body.complianceState;
    const report = (version: number) =>
      t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
        configurations: [],
        compliancePolicies: [{ id: created.id, version, settings: [{ setting: "passwordRequired", state: "nonCompliant", reason: "the device has no password to unlock it" }] }],
      });
    expect((await report(1)).status).toBe(204);
    expect(await deviceState()).toBe("noncompliant");

    // The PATCH refusal names the action; the action is served.
    const patched = errorOf(await t.admin("PATCH", `${COMPLIANCE}/${created.id}`, { scheduledActionsForRule: [] }));
    expect(patched.message).toContain("POST .../deviceCompliancePolicies/{id}/scheduleActionsForRules");
    const rules = [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 48 }] }];
    const scheduled = await t.admin("POST", `${COMPLIANCE}/${created.id}/scheduleActionsForRules`, { deviceComplianceScheduledActionForRules: rules });
    expect(scheduled.status, scheduled.text).toBe(204);
    expect((await t.admin("GET", `${COMPLIANCE}/${created.id}/scheduledActionsForRule`)).body.value).toEqual([
      expect.objectContaining({ ruleName: "PasswordRequired", scheduledActionConfigurations: [expect.objectContaining({ actionType: "block", gracePeriodHours: 48 })] }),
    ]);
    // The version goes up, so the device evaluates the policy again at its next check-in...
    const policy = (await t.admin("GET", `${COMPLIANCE}/${created.id}`)).body;
    expect(policy.version).toBe(2);
    expect((await checkIn(t, device)).compliancePolicies).toEqual([expect.objectContaining({ id: created.id, version: 2 })]);
    // ... and its grace period runs from the first report that found it noncompliant, now 48 hours.
    t.clock.advance(3_600_000);
    await report(2);
    expect(await deviceState()).toBe("inGracePeriod");
    t.clock.advance(47 * 3_600_000);
    expect(await deviceState()).toBe("noncompliant");

    // Intune's Mark device noncompliant cannot be removed: an empty list is refused, naming the property.
    const empty = errorOf(await t.admin("POST", `${COMPLIANCE}/${created.id}/scheduleActionsForRules`, { deviceComplianceScheduledActionForRules: [] }));
    expect(empty).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(empty.message).toContain('"deviceComplianceScheduledActionForRules" is required');
    expect(errorOf(await t.admin("POST", `${COMPLIANCE}/00000000-0000-4000-8000-000000000000/scheduleActionsForRules`, { deviceComplianceScheduledActionForRules: rules }))).toMatchObject({
      status: 404,
      code: "itemNotFound",
    });
  });

  it("refuse a compliance report for a policy not assigned to the device", async () => {
    const t = service();
    const created = (await t.admin("POST", COMPLIANCE, policyBody)).body;
    const { device } = await enrolledDevice(t);
    const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.policyStates(device.deviceId), {
      configurations: [],
      compliancePolicies: [{ id: created.id, version: 1, settings: [] }],
    });
    expect(errorOf(reply)).toMatchObject({ status: 400, message: `compliancePolicies[0]: the policy '${created.id}' is not assigned to this device` });
  });
});
