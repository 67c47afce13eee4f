/**
 * Ids in admin URLs as Graph takes them: GUID keys compare without regard to case, in a path as
 * in $filter, and an answer gives the id as stored.
 */
import { describe, expect, it } from "vitest";
import { DEVICES, enrolledDevice, PROFILES, useService } from "./support/service.js";

const service = useService();
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";
const TERMS = "/beta/deviceManagement/termsAndConditions";

describe("ids in the path", () => {
  it("match whatever the case of a GUID, and answers keep the stored id", async () => {
    const t = service();
    const { profile, device, user } = await enrolledDevice(t);
    const group = (
      await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })
    ).body as { id: string };
    const configuration = (
      await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Lockdown" })
    ).body as { id: string };
    const compliance = (
      await t.admin("POST", COMPLIANCE, {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Baseline",
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
      })
    ).body as { id: string };
    const terms = (
      await t.admin("POST", TERMS, { displayName: "Terms", title: "Terms", bodyText: "Be kind.", acceptanceStatement: "I accept" })
    ).body as { id: string };
    const up = (id: string) => id.toUpperCase();

    for (const [path, id] of [
      [`${PROFILES}/${up(profile.id)}`, profile.id],
      [`${DEVICES}/${up(device.deviceId)}`, device.deviceId],
      [`/beta/users/${up(user.id)}`, user.id],
      [`/beta/users/${user.upn.toUpperCase()}`, user.id],
      [`/beta/groups/${up(group.id)}`, group.id],
      [`${CONFIGURATIONS}/${up(configuration.id)}`, configuration.id],
      [`${COMPLIANCE}/${up(compliance.id)}`, compliance.id],
      [`${TERMS}/${up(terms.id)}`, terms.id],
    ] as const) {
      const reply = await t.admin("GET", path);
      expect(reply.status, path).toBe(200);
      expect(reply.body.id, path).toBe(id);
    }
    expect((await t.admin("GET", `${DEVICES}/${up(device.deviceId)}/detectedApps`)).status).toBe(200);
    expect((await t.admin("GET", `/sim/v1/enrollmentProfiles/${up(profile.id)}/export`)).status).toBe(200);

    expect((await t.admin("PATCH", `${PROFILES}/${up(profile.id)}`, { description: "renamed" })).body).toMatchObject({ id: profile.id, description: "renamed" });
    expect((await t.admin("PATCH", `/beta/users/${up(user.id)}`, { displayName: "Ann E." })).status).toBe(204);
    expect((await t.admin("PATCH", `/beta/groups/${up(group.id)}`, { description: "lab group" })).status).toBe(204);
    expect((await t.admin("PATCH", `${CONFIGURATIONS}/${up(configuration.id)}`, { cameraBlocked: true })).body).toMatchObject({ id: configuration.id });
    expect((await t.admin("POST", `${PROFILES}/${up(profile.id)}/revokeToken`, {})).status).toBe(204);

    // Ids in bodies too: a member's @odata.id, an assignment's groupId; and the member's removal.
    const added = await t.admin("POST", `/beta/groups/${up(group.id)}/members/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${up(user.id)}`,
    });
    expect(added.status).toBe(204);
    expect((await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value.map((m: { id: string }) => m.id)).toEqual([user.id]);
    const assigned = await t.admin("POST", `${CONFIGURATIONS}/${up(configuration.id)}/assign`, {
      assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: up(group.id) } }],
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.value[0]).toMatchObject({ id: `${configuration.id}_${group.id}`, target: { groupId: group.id } });
    expect((await t.admin("DELETE", `/beta/groups/${up(group.id)}/members/${up(user.id)}/$ref`)).status).toBe(204);

    expect((await t.admin("POST", `${DEVICES}/${up(device.deviceId)}/wipe`, {})).status).toBe(204);
    expect((await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body.managementState).toBe("wipePending");
    expect((await t.admin("DELETE", `${DEVICES}/${up(device.deviceId)}`)).status).toBe(204);
    expect((await t.admin("DELETE", `${TERMS}/${up(terms.id)}`)).status).toBe(204);
    expect((await t.admin("DELETE", `${COMPLIANCE}/${up(compliance.id)}`)).status).toBe(204);
    expect((await t.admin("DELETE", `${PROFILES}/${up(profile.id)}`)).status).toBe(204);
    expect((await t.admin("GET", `${PROFILES}/${profile.id}`)).status).toBe(404);
  });
});
