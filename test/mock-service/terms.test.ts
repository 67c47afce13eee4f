/**
 * Terms and conditions over real HTTP: assigned to all licensed users or a user group, offered to
 * the user at sign-in until accepted at their current version, and the acceptance recorded.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { enroll, enrolledDevice, errorOf, factoryGroup, PASSWORD, type TestService, useService } from "./support/service.js";

const service = useService();
const TERMS = "/beta/deviceManagement/termsAndConditions";
const terms = {
  displayName: "Contoso device terms",
  title: "Contoso acceptable use",
  bodyText: "This device belongs to Contoso. Its use is monitored.",
  acceptanceStatement: "I accept the terms of use",
};

async function createTerms(t: TestService, target: Record<string, unknown> = { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" }) {
  const created = await t.admin("POST", TERMS, terms);
  expect(created.status).toBe(201);
  const assigned = await t.admin("POST", `${TERMS}/${created.body.id}/assignments`, { target });
  expect(assigned.status).toBe(201);
  // With its context, as every other answer (before, the response schema dropped it).
  expect(assigned.body["@odata.context"]).toMatch(/\$metadata#.*assignments/);
  return created.body as { id: string; version: number };
}

async function signIn(t: TestService, device: { deviceId: string; deviceCredential: string }) {
  return (await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "ann@contoso.example", password: PASSWORD })).body;
}

describe("terms and conditions", () => {
  it("are offered at sign-in until the user accepts them, and the acceptance is recorded", async () => {
    const t = service();
    const created = await createTerms(t);
    expect(created.version).toBe(1);
    const { device } = await enrolledDevice(t);
    const offered = (await signIn(t, device)).termsAndConditions;
    expect(offered).toEqual([{ id: created.id, title: terms.title, bodyText: terms.bodyText, acceptanceStatement: terms.acceptanceStatement, version: 1 }]);
    const accepted = await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, created.id), { version: 1 });
    expect(accepted.status).toBe(204);
    expect((await signIn(t, device)).termsAndConditions).toEqual([]);
    const statuses = (await t.admin("GET", `${TERMS}/${created.id}/acceptanceStatuses`)).body.value;
    expect(statuses).toEqual([
      expect.objectContaining({ userPrincipalName: "ann@contoso.example", userDisplayName: "Ann Example", acceptedVersion: 1, acceptedDateTime: t.clock.now.toISOString() }),
    ]);
  });

  it("are offered again when the admin raises their version, and an old version cannot be accepted", async () => {
    const t = service();
    const created = await createTerms(t);
    const { device } = await enrolledDevice(t);
    await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, created.id), { version: 1 });
    expect((await t.admin("PATCH", `${TERMS}/${created.id}`, { bodyText: "New text", version: 2 })).body.version).toBe(2);
    expect((await signIn(t, device)).termsAndConditions).toEqual([expect.objectContaining({ version: 2, bodyText: "New text" })]);
    const stale = await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, created.id), { version: 1 });
    expect(errorOf(stale)).toMatchObject({ status: 409, code: "termsVersionChanged" });
  });

  // As the README and the console say: terms travel only in enrollment's sign-in answer.
  it("reach an enrolled user's device at no check-in: a raised version is offered at the user's next enrollment", async () => {
    const t = service();
    const created = await createTerms(t);
    const { device, profile } = await enrolledDevice(t);
    await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, created.id), { version: 1 });
    await t.admin("PATCH", `${TERMS}/${created.id}`, { version: 2 });
    const checkIn = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
    expect(checkIn.status).toBe(200);
    expect(checkIn.body).not.toHaveProperty("termsAndConditions");
    expect((await t.admin("GET", `${TERMS}/${created.id}/acceptanceStatuses`)).body.value).toEqual([expect.objectContaining({ acceptedVersion: 1 })]);
    // The same user enrolling again (a reset device, a new serial): the sign-in offers version 2.
    const next = await enroll(t, profile.tokenValue, { serialNumber: "R58N000NEXT" });
    expect((await signIn(t, next)).termsAndConditions).toEqual([expect.objectContaining({ id: created.id, version: 2 })]);
  });

  it("reach a user through an assigned group they belong to, and nobody else", async () => {
    const t = service();
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Factory workers", mailEnabled: false, mailNickname: "fw", securityEnabled: true })).body;
    const created = await createTerms(t, { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id });
    const { device, user } = await enrolledDevice(t);
    expect((await signIn(t, device)).termsAndConditions).toEqual([]);
    const refused = await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, created.id), { version: 1 });
    expect(errorOf(refused)).toMatchObject({ status: 404, code: "termsNotFound" });
    await t.service.admin.addGroupMember(group.id, user.id);
    expect((await signIn(t, device)).termsAndConditions).toHaveLength(1);
  });

  it("need a title, a text and an acceptance statement, and refuse device targets", async () => {
    const t = service();
    const { title: _, ...untitled } = terms;
    expect(errorOf(await t.admin("POST", TERMS, untitled)).message).toContain('"title" is required');
    const created = (await t.admin("POST", TERMS, terms)).body;
    const devices = await t.admin("POST", `${TERMS}/${created.id}/assignments`, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } });
    expect(errorOf(devices)).toMatchObject({ status: 400 });
    expect(devices.body.error.message).toContain("is not a target here");
  });

  it("refuse a dynamic device group as a target: users accept terms, devices never do", async () => {
    const t = service();
    const created = (await t.admin("POST", TERMS, terms)).body;
    const group = await factoryGroup(t);
    for (const type of ["groupAssignmentTarget", "exclusionGroupAssignmentTarget"]) {
      const reply = await t.admin("POST", `${TERMS}/${created.id}/assignments`, { target: { "@odata.type": `#microsoft.graph.${type}`, groupId: group.id } });
      expect(errorOf(reply), type).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message, type).toBe(
        `target.groupId: 'Factory 1 devices' (${group.id}) is a dynamic device group; terms and conditions are accepted by users, not devices: assign a user group, or allLicensedUsersAssignmentTarget`,
      );
    }
    expect((await t.admin("GET", `${TERMS}/${created.id}/assignments`)).body.value).toEqual([]);
  });
});
