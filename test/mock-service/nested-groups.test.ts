/**
 * Security groups as members of security groups, over real HTTP: members/$ref adds and removes
 * them, members lists them, and an assignment to the outer group reaches the devices and users
 * of the groups nested in it at check-in. Before, a group's id in members/$ref was a 404
 * "Resource '{id}' does not exist" although GET directoryObjects/{id} answered the group.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { createProfile, directoryIdOf, enroll, enrolledDevice, errorOf, type TestService, useService } from "./support/service.js";

const service = useService();
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";

async function group(t: TestService, displayName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await t.admin("POST", "/beta/groups", { displayName, mailEnabled: false, mailNickname: displayName, securityEnabled: true, groupTypes: [], ...extra });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body.id as string;
}

const addMember = (t: TestService, groupId: string, memberId: string) =>
  t.admin("POST", `/beta/groups/${groupId}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${memberId}` });

async function configurationFor(t: TestService, groupId: string): Promise<string> {
  const created = await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Nested lockdown", cameraBlocked: true });
  expect(created.status).toBe(201);
  const assigned = await t.admin("POST", `${CONFIGURATIONS}/${created.body.id}/assign`, {
    assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } }],
  });
  expect(assigned.status).toBe(200);
  return created.body.id as string;
}

async function configurationIds(t: TestService, device: { deviceId: string; deviceCredential: string }): Promise<string[]> {
  const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  expect(reply.status).toBe(200);
  return ((reply.body.configurations ?? []) as { id: string }[]).map((c) => c.id);
}

describe("nested security groups", () => {
  it("are added with members/$ref, listed as groups and removed with DELETE members/{id}/$ref", async () => {
    const t = service();
    const outer = await group(t, "outer");
    const inner = await group(t, "inner");
    expect((await addMember(t, outer, inner)).status).toBe(204);
    const members = (await t.admin("GET", `/beta/groups/${outer}/members`)).body.value;
    expect(members).toEqual([expect.objectContaining({ "@odata.type": "#microsoft.graph.group", id: inner, displayName: "inner", securityEnabled: true })]);
    expect(errorOf(await addMember(t, outer, inner)).message).toMatch(/already exist/);
    expect((await t.admin("DELETE", `/beta/groups/${outer}/members/${inner}/$ref`)).status).toBe(204);
    expect((await t.admin("GET", `/beta/groups/${outer}/members`)).body.value).toEqual([]);
  });

  it("carry an assignment to the outer group to the nested group's devices and users' devices, at any depth", async () => {
    const t = service();
    const outer = await group(t, "outer");
    const middle = await group(t, "middle");
    const inner = await group(t, "inner");
    const { device, user, profile } = await enrolledDevice(t);
    const byDevice = await enroll(t, profile.tokenValue);
    const outsider = await enroll(t, profile.tokenValue);
    expect((await addMember(t, outer, middle)).status).toBe(204);
    expect((await addMember(t, middle, inner)).status).toBe(204);
    expect((await addMember(t, inner, user.id)).status).toBe(204);
    expect((await addMember(t, middle, await directoryIdOf(t, byDevice.deviceId))).status).toBe(204);
    const policy = await configurationFor(t, outer);
    expect(await configurationIds(t, device)).toEqual([policy]);
    expect(await configurationIds(t, byDevice)).toEqual([policy]);
    expect(await configurationIds(t, outsider)).toEqual([]);
    // The nested group leaves: its users' devices no longer get the policy.
    expect((await t.admin("DELETE", `/beta/groups/${middle}/members/${inner}/$ref`)).status).toBe(204);
    expect(await configurationIds(t, device)).toEqual([]);
    expect(await configurationIds(t, byDevice)).toEqual([policy]);
  });

  it("may form a cycle, as in Entra ID, and membership is still read to an end", async () => {
    const t = service();
    const a = await group(t, "a");
    const b = await group(t, "b");
    const profile = await createProfile(t);
    const device = await enroll(t, profile.tokenValue);
    expect((await addMember(t, a, b)).status).toBe(204);
    expect((await addMember(t, b, a)).status).toBe(204);
    const policy = await configurationFor(t, a);
    expect(await configurationIds(t, device)).toEqual([]);
    expect((await addMember(t, b, await directoryIdOf(t, device.deviceId))).status).toBe(204);
    expect(await configurationIds(t, device)).toEqual([policy]);
  });

  it("leave their outer groups when deleted", async () => {
    const t = service();
    const outer = await group(t, "outer");
    const inner = await group(t, "inner");
    await addMember(t, outer, inner);
    expect((await t.admin("DELETE", `/beta/groups/${inner}`)).status).toBe(204);
    expect((await t.admin("GET", `/beta/groups/${outer}/members`)).body.value).toEqual([]);
    // A new group with members is not haunted by the old membership row.
    expect((await addMember(t, outer, await group(t, "again"))).status).toBe(204);
  });

  it("refuse a Microsoft 365 group on either side, and a group that is not a security group, naming it", async () => {
    const t = service();
    const security = await group(t, "security");
    const unified = await group(t, "unified", { groupTypes: ["Unified"], mailEnabled: true });
    const mailOnly = await group(t, "mailonly", { securityEnabled: false, mailEnabled: true });
    expect(errorOf(await addMember(t, security, unified))).toMatchObject({ status: 400, code: "Request_BadRequest", message: expect.stringContaining(`'${unified}' is a Microsoft 365 group`) });
    expect(errorOf(await addMember(t, unified, security))).toMatchObject({ status: 400, message: expect.stringContaining("its members are users only") });
    expect(errorOf(await addMember(t, security, mailOnly))).toMatchObject({ status: 400, message: expect.stringContaining("not a security group") });
  });
});
