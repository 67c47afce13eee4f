/**
 * The directory navigations Graph serves on a user and a group, over real HTTP: a user's managed
 * devices, memberOf and transitiveMemberOf (users and groups), a group's transitiveMembers. Before,
 * each was 501 notImplemented ("a Graph route the mock does not simulate").
 */
import { describe, expect, it } from "vitest";
import { DEVICES, directoryIdOf, enroll, enrolledDevice, errorOf, http, type TestService, useService } from "./support/service.js";

const service = useService();
/** An advanced query: the header ConsistencyLevel: eventual. */
const eventual = (t: TestService, path: string) => http(`${t.url}${path}`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });

async function group(t: TestService, displayName: string): Promise<string> {
  const reply = await t.admin("POST", "/beta/groups", { displayName, mailEnabled: false, mailNickname: displayName, securityEnabled: true, groupTypes: [] });
  if (reply.status !== 201) throw new Error(`${reply.status} ${reply.text}`);
  return reply.body.id as string;
}

const addMember = async (t: TestService, groupId: string, memberId: string) =>
  expect((await t.admin("POST", `/beta/groups/${groupId}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${memberId}` })).status).toBe(204);

describe("a user's and a group's directory navigations", () => {
  it("lists a user's managed devices (by id or user principal name) with the tenant list's options", async () => {
    const t = service();
    const { device, user, profile } = await enrolledDevice(t);
    await enroll(t, profile.tokenValue); // a device with no primary user is not listed
    const byUpn = await t.admin("GET", `/beta/users/${user.upn}/managedDevices?$select=id,userPrincipalName`);
    expect(byUpn.status).toBe(200);
    expect(byUpn.body).toEqual({
      "@odata.context": `${t.url}/beta/$metadata#users('${user.id}')/managedDevices(id,userPrincipalName)`,
      value: [{ "@odata.type": "#microsoft.graph.managedDevice", id: device.deviceId, userPrincipalName: user.upn }],
    });
    const filtered = await t.admin("GET", `/beta/users/${user.id}/managedDevices?$filter=${encodeURIComponent("operatingSystem eq 'AndroidAOSP'")}&$count=true`);
    expect(filtered.body["@odata.count"]).toBe(1);
    expect(filtered.body.value[0]).toMatchObject({ id: device.deviceId, managementAgent: "intuneAosp" });
    expect(errorOf(await t.admin("GET", "/beta/users/nobody@contoso.example/managedDevices"))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(await t.admin("GET", `${DEVICES}/${device.deviceId}`)).toMatchObject({ status: 200 });
  });

  it("lists the groups a user or a group is in, directly (memberOf) and through nested groups (transitiveMemberOf)", async () => {
    const t = service();
    const { device, user } = await enrolledDevice(t);
    const outer = await group(t, "outer");
    const inner = await group(t, "inner");
    const other = await group(t, "other");
    await addMember(t, outer, inner);
    await addMember(t, inner, user.id);
    await addMember(t, other, user.id);

    const memberOf = await t.admin("GET", `/beta/users/${user.upn}/memberOf`);
    expect(memberOf.status).toBe(200);
    expect(memberOf.body["@odata.context"]).toBe(`${t.url}/beta/$metadata#directoryObjects`);
    expect(memberOf.body.value).toEqual([
      expect.objectContaining({ "@odata.type": "#microsoft.graph.group", id: inner, displayName: "inner", securityEnabled: true }),
      expect.objectContaining({ "@odata.type": "#microsoft.graph.group", id: other }),
    ]);
    const transitive = await t.admin("GET", `/beta/users/${user.id}/transitiveMemberOf?$select=id,displayName&$orderby=displayName`);
    expect(transitive.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.group", id: inner, displayName: "inner" },
      { "@odata.type": "#microsoft.graph.group", id: other, displayName: "other" },
      { "@odata.type": "#microsoft.graph.group", id: outer, displayName: "outer" },
    ]);
    // Paged as the directory's lists, $count an advanced query as there.
    const first = await eventual(t, `/beta/users/${user.id}/transitiveMemberOf?$top=2&$count=true`);
    expect(first.body["@odata.count"]).toBe(3);
    const second = await eventual(t, first.body["@odata.nextLink"].slice(t.url.length));
    expect([...first.body.value, ...second.body.value].map((g: { id: string }) => g.id).sort()).toEqual([inner, other, outer].sort());
    const uncounted = await t.admin("GET", `/beta/users/${user.id}/memberOf?$count=true`);
    expect(uncounted.status).toBe(200);
    expect(uncounted.body).not.toHaveProperty("@odata.count");

    expect((await t.admin("GET", `/beta/groups/${inner}/memberOf`)).body.value.map((g: { id: string }) => g.id)).toEqual([outer]);
    expect((await t.admin("GET", `/beta/groups/${inner}/transitiveMemberOf`)).body.value.map((g: { id: string }) => g.id)).toEqual([outer]);
    expect((await t.admin("GET", `/beta/groups/${outer}/memberOf`)).body.value).toEqual([]);

    // A device in the inner group is one of the outer group's transitive members, with the user and the inner group.
    const directoryId = await directoryIdOf(t, device.deviceId);
    await addMember(t, inner, directoryId);
    const members = await t.admin("GET", `/beta/groups/${outer}/transitiveMembers`);
    expect(members.status).toBe(200);
    expect(members.body.value.map((m: { "@odata.type": string; id: string }) => [m["@odata.type"], m.id])).toEqual([
      ["#microsoft.graph.group", inner],
      ["#microsoft.graph.user", user.id],
      ["#microsoft.graph.device", directoryId],
    ]);
    const users = await t.admin("GET", `/beta/groups/${outer}/transitiveMembers?$filter=${encodeURIComponent(`userPrincipalName eq '${user.upn}'`)}`);
    expect(users.body.value).toEqual([expect.objectContaining({ id: user.id })]);
    expect(errorOf(await t.admin("GET", "/beta/groups/Pilot/transitiveMembers"))).toMatchObject({ status: 400, message: "Invalid object identifier 'Pilot'." });
  });

  it("ends a walk of groups that are members of each other", async () => {
    const t = service();
    const a = await group(t, "a");
    const b = await group(t, "b");
    await addMember(t, a, b);
    await addMember(t, b, a);
    expect((await t.admin("GET", `/beta/groups/${a}/transitiveMembers`)).body.value.map((m: { id: string }) => m.id)).toEqual([b]);
    expect((await t.admin("GET", `/beta/groups/${a}/transitiveMemberOf`)).body.value.map((m: { id: string }) => m.id)).toEqual([b]);
  });
});
