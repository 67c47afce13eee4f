/**
 * Groups over real HTTP: assigned groups with members/$ref, and dynamic device groups whose rule
 * is evaluated when devices enroll, change or leave; malformed rules are a 400 that says where.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { createProfile, DEVICES, directoryIdOf, enroll, enrolledDevice, errorOf, licensedUser, managedIdOf, PASSWORD, type TestService, useService } from "./support/service.js";

const service = useService();

async function dynamicGroup(t: TestService, membershipRule: string, extra: Record<string, unknown> = {}) {
  const reply = await t.admin("POST", "/beta/groups", {
    displayName: "Factory 1",
    mailEnabled: false,
    mailNickname: "factory1",
    securityEnabled: true,
    groupTypes: ["DynamicMembership"],
    membershipRule,
    membershipRuleProcessingState: "On",
    ...extra,
  });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body as { id: string };
}

/** A group's member ids, a device member's given as its managed device's id (through deviceId, its azureADDeviceId). */
async function memberIds(t: TestService, groupId: string): Promise<string[]> {
  const reply = await t.admin("GET", `/beta/groups/${groupId}/members`);
  expect(reply.status).toBe(200);
  const members = reply.body.value as { "@odata.type": string; id: string; deviceId?: string }[];
  return Promise.all(members.map((m) => (m["@odata.type"] === "#microsoft.graph.device" ? managedIdOf(t, m.deviceId!) : m.id)));
}

describe("dynamic device groups", () => {
  it("adds devices that enroll with a matching profile, and not the others", async () => {
    const t = service();
    const factory = await createProfile(t, { displayName: "Factory 1 devices" });
    const other = await createProfile(t, { displayName: "Office devices" });
    const group = await dynamicGroup(t, '(device.enrollmentProfileName -eq "Factory 1 devices")');
    const inside = await enroll(t, factory.tokenValue);
    await enroll(t, other.tokenValue);
    expect(await memberIds(t, group.id)).toEqual([inside.deviceId]);
    const members = (await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value;
    expect(members[0]).toMatchObject({ "@odata.type": "#microsoft.graph.device", displayName: inside.deviceName, operatingSystem: "AndroidAOSP" });
  });

  it("keeps answering when a -match pattern backtracks badly on a device's value; the device is left out", async () => {
    const t = service();
    const profile = await createProfile(t);
    // Neither pattern nests quantifiers, yet each takes minutes or more on a long enough value.
    const alternation = await dynamicGroup(t, 'device.deviceModel -match "^(a|aa)+$"');
    const stars = await dynamicGroup(t, 'device.deviceModel -match ".*.*.*.*.*.*.*x"');
    const hostile = await enroll(t, profile.tokenValue, { model: `${"a".repeat(100)}b` });
    const plain = await enroll(t, profile.tokenValue, { model: "aaaa" });
    expect(await memberIds(t, alternation.id)).toEqual([plain.deviceId]);
    expect(await memberIds(t, stars.id)).toEqual([]);
    expect(hostile.deviceId).toBeTruthy();
    expect((await t.admin("GET", `${DEVICES}/${hostile.deviceId}`)).status).toBe(200);
  });

  it("evaluates a new rule over devices already enrolled", async () => {
    const t = service();
    const profile = await createProfile(t);
    const pixel = await enroll(t, profile.tokenValue, { model: "Pixel 8" });
    await enroll(t, profile.tokenValue, { model: "Galaxy Tab A9" });
    const group = await dynamicGroup(t, 'device.deviceModel -startsWith "pixel"');
    expect(await memberIds(t, group.id)).toEqual([pixel.deviceId]);
  });

  it("re-evaluates when a device changes: its name after the user signs in", async () => {
    const t = service();
    const profile = await createProfile(t, { deviceNameTemplate: "{{UPNPREFIX}}-phone" });
    const user = await licensedUser(t);
    const group = await dynamicGroup(t, 'device.displayName -startsWith "ann-"');
    const device = await enroll(t, profile.tokenValue);
    expect(await memberIds(t, group.id)).toEqual([]);
    await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: user.upn, password: PASSWORD });
    expect(await memberIds(t, group.id)).toEqual([device.deviceId]);
  });

  it("removes devices that leave: wiped or deleted", async () => {
    const t = service();
    const { device, profile } = await enrolledDevice(t);
    const second = await enroll(t, profile.tokenValue);
    const group = await dynamicGroup(t, "device.objectId -ne null");
    expect((await memberIds(t, group.id)).sort()).toEqual([device.deviceId, second.deviceId].sort());
    await t.admin("DELETE", `${DEVICES}/${second.deviceId}`);
    expect(await memberIds(t, group.id)).toEqual([device.deviceId]);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/wipe`);
    const checkIn = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
    await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, checkIn.body.actions[0].id), { status: "completed" });
    expect(await memberIds(t, group.id)).toEqual([]);
  });

  it("re-evaluates every device when the rule is changed, and keeps members while paused", async () => {
    const t = service();
    const profile = await createProfile(t);
    const pixel = await enroll(t, profile.tokenValue, { model: "Pixel 8" });
    const tab = await enroll(t, profile.tokenValue, { model: "Galaxy Tab A9" });
    const group = await dynamicGroup(t, 'device.deviceModel -eq "Pixel 8"');
    expect((await t.admin("PATCH", `/beta/groups/${group.id}`, { membershipRule: 'device.deviceModel -contains "tab"' })).status).toBe(204);
    expect(await memberIds(t, group.id)).toEqual([tab.deviceId]);
    await t.admin("PATCH", `/beta/groups/${group.id}`, { membershipRuleProcessingState: "Paused" });
    await enroll(t, profile.tokenValue, { model: "Galaxy Tab S9" });
    expect(await memberIds(t, group.id)).toEqual([tab.deviceId]);
    expect(pixel.deviceId).not.toBe(tab.deviceId);
  });

  it("answers a malformed rule with 400 saying where it is wrong and what was expected", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/groups", {
      displayName: "Broken",
      groupTypes: ["DynamicMembership"],
      membershipRule: '(device.deviceModel -eq "Pixel 8"',
    });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply.body.error.message).toMatch(/^Invalid membershipRule: expected "\)" to close the "\(" at column 1, found the end of the rule at column 34/);
    expect(reply.body.error.details).toEqual([
      expect.objectContaining({ code: "InvalidMembershipRule", target: "membershipRule", position: 33, column: 34, expected: "a closing parenthesis" }),
    ]);
    expect((await t.admin("GET", "/beta/groups")).body.value).toEqual([]);
  });

  it("refuses a rule over 3072 characters", async () => {
    const t = service();
    const rule = `device.deviceModel -eq "${"x".repeat(3100)}"`;
    const reply = await t.admin("POST", "/beta/groups", { displayName: "Long", groupTypes: ["DynamicMembership"], membershipRule: rule });
    expect(errorOf(reply).status).toBe(400);
    expect(reply.body.error.message).toMatch(/3125 characters long; Entra allows at most 3072/);
  });

  it("refuses a malformed rule in a patch and keeps the old one", async () => {
    const t = service();
    const group = await dynamicGroup(t, "device.objectId -ne null");
    const reply = await t.admin("PATCH", `/beta/groups/${group.id}`, { membershipRule: "device.deviceModel -eq" });
    expect(errorOf(reply).status).toBe(400);
    expect((await t.admin("GET", `/beta/groups/${group.id}`)).body.membershipRule).toBe("device.objectId -ne null");
  });

  it("needs a rule for a dynamic group, and DynamicMembership for a rule", async () => {
    const t = service();
    const noRule = await t.admin("POST", "/beta/groups", { displayName: "x", groupTypes: ["DynamicMembership"] });
    expect(noRule.body.error.message).toMatch(/needs a membershipRule/);
    const noType = await t.admin("POST", "/beta/groups", { displayName: "x", membershipRule: "device.objectId -ne null" });
    expect(noType.body.error.message).toMatch(/DynamicMembership/);
  });

  it("does not take members by hand", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const group = await dynamicGroup(t, 'device.deviceModel -eq "none"');
    const reply = await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${await directoryIdOf(t, device.deviceId)}`,
    });
    expect(errorOf(reply).status).toBe(400);
    expect(reply.body.error.message).toMatch(/come from its membershipRule/);
  });
});

describe("assigned groups", () => {
  it("adds users and devices with members/$ref and lists them", async () => {
    const t = service();
    const { device, user } = await enrolledDevice(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot", mailEnabled: false, mailNickname: "pilot", securityEnabled: true })).body;
    expect(group).toMatchObject({ groupTypes: [], membershipRule: null, membershipRuleProcessingState: null });
    const deviceObject = await directoryIdOf(t, device.deviceId);
    for (const id of [user.id, deviceObject]) {
      const reply = await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
      expect(reply.status).toBe(204);
    }
    const members = (await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value;
    expect(members.map((m: { "@odata.type": string; id: string }) => `${m["@odata.type"]} ${m.id}`)).toEqual([
      `#microsoft.graph.user ${user.id}`,
      `#microsoft.graph.device ${deviceObject}`,
    ]);
  });

  // Before, `directoryObjects('{id}')` was refused: "no user or device has the id 'directoryObjects('...')'".
  it("takes a member's @odata.id in OData's key syntax too, as a path takes it", async () => {
    const t = service();
    const { device, user } = await enrolledDevice(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body;
    const deviceObject = await directoryIdOf(t, device.deviceId);
    for (const ref of [`https://graph.microsoft.com/v1.0/directoryObjects('${user.id}')`, `https://graph.microsoft.com/v1.0/devices(${deviceObject})/`]) {
      const reply = await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, { "@odata.id": ref });
      expect(reply.status, JSON.stringify(reply.body)).toBe(204);
    }
    const members = (await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value;
    expect(members.map((m: { id: string }) => m.id)).toEqual([user.id, deviceObject]);
  });

  it("refuses a member twice, an unknown member, and a reference without an id", async () => {
    const t = service();
    const user = await licensedUser(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body;
    const add = (ref: string) => t.admin("POST", `/beta/groups/${group.id}/members/$ref`, { "@odata.id": ref });
    expect((await add(`https://graph.microsoft.com/v1.0/directoryObjects/${user.id}`)).status).toBe(204);
    expect((await add(`https://graph.microsoft.com/v1.0/directoryObjects/${user.id}`)).body.error.message).toMatch(/already exist/);
    expect(errorOf(await add("https://graph.microsoft.com/v1.0/directoryObjects/nobody"))).toMatchObject({ status: 404, code: "Request_ResourceNotFound", message: expect.stringContaining("'nobody' does not exist") });
    expect(errorOf(await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, {})).status).toBe(400);
  });

  it("removes a member with DELETE members/{id}/$ref", async () => {
    const t = service();
    const user = await licensedUser(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body;
    await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
    expect((await t.admin("DELETE", `/beta/groups/${group.id}/members/${user.id}/$ref`)).status).toBe(204);
    expect(await memberIds(t, group.id)).toEqual([]);
    expect(errorOf(await t.admin("DELETE", `/beta/groups/${group.id}/members/${user.id}/$ref`)).status).toBe(404);
  });

  it("lists, filters, gets and deletes groups", async () => {
    const t = service();
    const a = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body;
    await t.admin("POST", "/beta/groups", { displayName: "Rollout" });
    expect((await t.admin("GET", "/beta/groups")).body.value).toHaveLength(2);
    const filtered = await t.admin("GET", `/beta/groups?$filter=${encodeURIComponent("displayName eq 'pilot'")}`);
    expect(filtered.body.value.map((g: { id: string }) => g.id)).toEqual([a.id]);
    expect((await t.admin("GET", `/beta/groups/${a.id}`)).body.displayName).toBe("Pilot");
    expect((await t.admin("DELETE", `/beta/groups/${a.id}`)).status).toBe(204);
    for (const [method, path] of [
      ["GET", `/beta/groups/${a.id}`],
      ["GET", `/beta/groups/${a.id}/members`],
      ["DELETE", `/beta/groups/${a.id}`],
      ["PATCH", `/beta/groups/${a.id}`],
    ] as const) {
      expect(errorOf(await t.admin(method, path, method === "PATCH" ? { displayName: "x" } : undefined)).status).toBe(404);
    }
  });
});
