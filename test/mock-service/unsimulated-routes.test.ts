/**
 * Routes Graph serves that the mock does not: 501 `notImplemented` naming the route and what the
 * mock serves there, not Graph's "Resource not found for the segment", which would send a script
 * author looking for a typo in a generated call. A segment Graph lacks keeps Graph's refusal.
 */
import { describe, expect, it } from "vitest";
import { createProfile, DEVICES, enroll, errorOf, licensedUser, PROFILES, useService } from "./support/service.js";

const service = useService();

describe("Graph routes the mock does not simulate", () => {
  it("answers 501 notImplemented for a Graph navigation, an Intune device action and a type cast", async () => {
    const t = service();
    const user = await licensedUser(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body.id as string;
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    const device = (await t.admin("GET", `${DEVICES}?$select=id`)).body.value[0].id as string;

    const locate = errorOf(await t.admin("POST", `${DEVICES}/${device}/locateDevice`));
    expect(locate).toMatchObject({ status: 501, code: "notImplemented" });
    expect(locate.message).toContain("POST /beta/deviceManagement/managedDevices/{id}/locateDevice: the Intune action 'locateDevice' is not simulated by the mock");
    expect(locate.message).toContain("wipe, rebootNow, resetPasscode and remoteLock");
    expect(locate.message).toContain("POST /beta/deviceManagement/managedDevices/{id}/wipe");
    for (const action of ["enableLostMode", "windowsDefenderScan"]) expect(errorOf(await t.admin("POST", `${DEVICES}/${device}/${action}`)).status, action).toBe(501);

    const registered = errorOf(await t.admin("GET", `/beta/users/${user.id}/registeredDevices`));
    expect(registered).toMatchObject({ status: 501, code: "notImplemented" });
    expect(registered.message).toContain("GET /beta/users/{id}/registeredDevices: the microsoft.graph.user navigation 'registeredDevices' is a Graph route the mock does not simulate");
    expect(registered.message).toContain("POST /beta/users/{id}/assignLicense");
    expect(registered.message).toContain("GET /beta/users/{id}/memberOf");
    for (const path of [
      `/beta/users/${user.upn}/licenseDetails`,
      `/beta/groups/${group}/acceptedSenders`,
      `${DEVICES}/${device}/users`,
    ]) {
      expect(errorOf(await t.admin("GET", path)), path).toMatchObject({ status: 501, code: "notImplemented" });
    }

    const cast = errorOf(await t.admin("GET", `/beta/groups/${group}/members/microsoft.graph.user`));
    expect(cast).toMatchObject({ status: 501, code: "notImplemented" });
    expect(cast.message).toContain(`type-cast segments ('microsoft.graph.user') are not simulated by the mock; ask /beta/groups/${group}/members`);
  });

  // Before: 400 "Resource not found for the segment 'setEnrollmentTimeDeviceMembershipTarget'", and
  // 405 for the collection's action, though Graph's androidDeviceOwnerEnrollmentProfile page lists them.
  it("answers the enrollment profile actions Graph declares that the mock does not serve 501, naming those it serves", async () => {
    const t = service();
    const profile = await createProfile(t);
    for (const action of ["setEnrollmentTimeDeviceMembershipTarget", "retrieveEnrollmentTimeDeviceMembershipTarget", "clearEnrollmentTimeDeviceMembershipTarget"]) {
      const refused = errorOf(await t.admin("POST", `${PROFILES}/${profile.id}/${action}`, {}));
      expect(refused, action).toMatchObject({ status: 501, code: "notImplemented" });
      expect(refused.message).toContain(`the Intune action '${action}' is not simulated by the mock; it serves a profile's createToken and revokeToken`);
    }
    const teams = errorOf(await t.admin("POST", `${PROFILES}/getDefaultTeamsDeviceNonGmsEnrollmentProfile`, {}));
    expect(teams).toMatchObject({ status: 501, code: "notImplemented" });
    expect(teams.message).toContain("isTeamsDeviceProfile eq true");
    // A segment Graph lacks keeps Graph's refusal.
    expect(errorOf(await t.admin("POST", `${PROFILES}/${profile.id}/shoes`, {}))).toMatchObject({ status: 400, code: "BadRequest" });
  });

  // Before: GET and DELETE of .../managedDevices/{id}/wipe were 501 "the Intune action 'wipe' is
  // not simulated by the mock", though wipe is served; the method was what was wrong.
  it("answers a served device action asked with another method 405 with Allow: POST, as createToken is", async () => {
    const t = service();
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    const device = (await t.admin("GET", `${DEVICES}?$select=id`)).body.value[0].id as string;
    for (const method of ["GET", "DELETE", "PATCH"]) {
      const reply = await t.admin(method, `${DEVICES}/${device}/wipe`);
      expect(errorOf(reply), method).toMatchObject({ status: 405, code: "Request_BadRequest" });
      expect(reply.headers.get("allow"), method).toBe("POST");
      expect(reply.body.error.message, method).not.toContain("not simulated");
    }
    // The device was not wiped by any of them.
    expect((await t.admin("GET", `${DEVICES}/${device}?$select=managementState`)).body.managementState).toBe("managed");
  });

  // Before: each was 405 "Specified HTTP method is not allowed for the request target", as if
  // Graph had no such operation; Graph documents every one.
  it("answers Graph's create, update and delete operations it does not simulate on served paths with 501, saying what to do instead", async () => {
    const t = service();
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    const managed = (await t.admin("GET", `${DEVICES}?$select=id,azureADDeviceId`)).body.value[0] as { id: string; azureADDeviceId: string };
    const object = (await t.admin("GET", "/beta/devices?$select=id")).body.value[0].id as string;

    const deleted = errorOf(await t.admin("DELETE", `/beta/devices/${object}`));
    expect(deleted).toMatchObject({ status: 501, code: "notImplemented" });
    expect(deleted.message).toContain("DELETE /beta/devices/{id}: Graph's Delete device is not simulated by the mock");
    expect(deleted.message).toContain("DELETE /beta/deviceManagement/managedDevices/{id} removes both");
    for (const [method, path, operation] of [
      ["PATCH", `/beta/devices/${object}`, "Update device"],
      ["POST", "/beta/devices", "Create device"],
      ["PATCH", `${DEVICES}/${managed.id}`, "Update managedDevice"],
      ["POST", DEVICES, "Create managedDevice"],
    ]) {
      const reply = errorOf(await t.admin(method!, path!, {}));
      expect(reply, `${method} ${path}`).toMatchObject({ status: 501, code: "notImplemented" });
      expect(reply.message, `${method} ${path}`).toContain(`Graph's ${operation} is not simulated by the mock`);
    }
    // Nothing was removed: the directory object and its managed device are still there.
    expect((await t.admin("GET", `/beta/devices/${object}`)).status).toBe(200);
    expect((await t.admin("GET", `${DEVICES}/${managed.id}`)).status).toBe(200);
    // A method Graph has no operation for stays 405.
    expect(errorOf(await t.admin("PUT", `/beta/devices/${object}`, {}))).toMatchObject({ status: 405 });
  });

  it("refuses Graph's bulk device action, saying that AOSP devices take actions one device at a time (the seed)", async () => {
    const t = service();
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    const device = (await t.admin("GET", `${DEVICES}?$select=id`)).body.value[0].id as string;

    const bulk = errorOf(await t.admin("POST", `${DEVICES}/executeAction`, { actionName: "wipe", deviceIds: [device] }));
    expect(bulk).toMatchObject({ status: 501, code: "notImplemented" });
    expect(bulk.message).toContain("POST /beta/deviceManagement/managedDevices/executeAction: Graph's bulk device action is not simulated by the mock");
    expect(bulk.message).toContain("one device at a time");
    expect(bulk.message).toContain("POST /beta/deviceManagement/managedDevices/{id}/wipe or DELETE /beta/deviceManagement/managedDevices/{id}");
    // Nothing was wiped: the device is still managed.
    expect((await t.admin("GET", `${DEVICES}/${device}?$select=managementState`)).body.managementState).toBe("managed");
  });

  it("answers Graph's compliance reports with the seed's limitation, and its configuration reports with what to read instead", async () => {
    const t = service();
    const compliance = (
      await t.admin("POST", "/beta/deviceManagement/deviceCompliancePolicies", {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Passwords",
        passwordRequired: true,
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
      })
    ).body.id as string;
    const configuration = (
      await t.admin("POST", "/beta/deviceManagement/deviceConfigurations", {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration",
        displayName: "No camera",
        cameraBlocked: true,
      })
    ).body.id as string;

    for (const report of ["deviceStatuses", "deviceStatusOverview", "userStatuses", "userStatusOverview", "deviceSettingStateSummaries"]) {
      const refusal = errorOf(await t.admin("GET", `/beta/deviceManagement/deviceCompliancePolicies/${compliance}/${report}`));
      expect(refusal, report).toMatchObject({ status: 501, code: "notImplemented" });
      expect(refusal.message, report).toContain(`GET /beta/deviceManagement/deviceCompliancePolicies/{id}/${report}`);
      expect(refusal.message, report).toContain("device compliance reporting is not available for Android (AOSP)");
      expect(refusal.message, report).toContain("/deviceCompliancePolicyStates");

      const configurationRefusal = errorOf(await t.admin("GET", `/beta/deviceManagement/deviceConfigurations/${configuration}/${report}`));
      expect(configurationRefusal, report).toMatchObject({ status: 501, code: "notImplemented" });
      expect(configurationRefusal.message, report).toContain("/deviceConfigurationStates");
      expect(configurationRefusal.message, report).not.toContain("compliance reporting");
    }
    for (const path of ["deviceCompliancePolicyDeviceStateSummary", "deviceCompliancePolicySettingStateSummaries", "reports/getDeviceNonComplianceReport"]) {
      const method = path.startsWith("reports/") ? "POST" : "GET";
      const refusal = errorOf(await t.admin(method, `/beta/deviceManagement/${path}`, method === "POST" ? {} : undefined));
      expect(refusal, path).toMatchObject({ status: 501, code: "notImplemented" });
      expect(refusal.message, path).toContain("device compliance reporting is not available for Android (AOSP)");
    }
    // A segment Graph does not declare there keeps Graph's refusal.
    expect(errorOf(await t.admin("GET", `/beta/deviceManagement/deviceCompliancePolicies/${compliance}/shoes`))).toMatchObject({ status: 400, code: "BadRequest" });
    expect(errorOf(await t.admin("GET", "/beta/deviceManagement/shoes"))).toMatchObject({ status: 400, code: "BadRequest" });
  });

  // Before, 400 "Resource not found for the segment 'detectedApps'": the navigations of the
  // deviceManagement singleton were not known, so Graph's tenant-wide lists read as typos.
  it("answers the deviceManagement navigations Graph declares that the mock does not serve 501, detectedApps naming the per-device routes", async () => {
    const t = service();
    const apps = errorOf(await t.admin("GET", "/beta/deviceManagement/detectedApps"));
    expect(apps).toMatchObject({ status: 501, code: "notImplemented" });
    expect(apps.message).toContain("GET /beta/deviceManagement/detectedApps: the microsoft.graph.deviceManagement navigation 'detectedApps' is a Graph route the mock does not simulate");
    expect(apps.message).toContain("GET /beta/deviceManagement/managedDevices/{id}/detectedApps, or inline with GET /beta/deviceManagement/managedDevices/{id}?$expand=detectedApps");
    expect(apps.message).toContain("GET /beta/deviceManagement/managedDevices");
    const deeper = errorOf(await t.admin("GET", "/beta/deviceManagement/detectedApps/abc/managedDevices"));
    expect(deeper).toMatchObject({ status: 501, code: "notImplemented" });
    expect(deeper.message).toContain("GET /beta/deviceManagement/detectedApps/...");
    for (const path of ["/beta/deviceManagement/managedDeviceOverview", "/beta/deviceManagement/deviceCategories", "/beta/deviceManagement/auditEvents"]) {
      expect(errorOf(await t.admin("GET", path)), path).toMatchObject({ status: 501, code: "notImplemented" });
    }
    // Those it serves are served; one Graph lacks keeps Graph's refusal.
    expect((await t.admin("GET", "/beta/deviceManagement/roleScopeTags")).status).toBe(200);
    expect(errorOf(await t.admin("GET", "/beta/deviceManagement/shoes"))).toMatchObject({ status: 400, code: "BadRequest" });
  });

  it("keeps Graph's refusal for a segment Graph lacks", async () => {
    const t = service();
    const user = await licensedUser(t);
    for (const path of ["/beta/me", `/beta/users/${user.id}/shoes`]) {
      const refusal = errorOf(await t.admin("GET", path));
      expect(refusal, path).toMatchObject({ status: 400, code: "BadRequest" });
      expect(refusal.message, path).toMatch(/^Resource not found for the segment '(me|shoes)'/);
    }
  });
});
