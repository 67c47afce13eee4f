/**
 * members@odata.bind and owners@odata.bind on POST /beta/groups and PATCH /beta/groups/{id}, as
 * Graph's *Create group* and *Add members* (example 2) document them. Before, each was 400
 * "\"members@odata.bind\" is not a property this route accepts".
 */
import { describe, expect, it } from "vitest";
import { createProfile, directoryIdOf, enroll, errorOf, licensedUser, type TestService, useService } from "./support/service.js";

const service = useService();

async function memberIds(t: TestService, groupId: string): Promise<string[]> {
  const reply = await t.admin("GET", `/beta/groups/${groupId}/members`);
  expect(reply.status).toBe(200);
  return (reply.body.value as { id: string }[]).map((m) => m.id);
}

describe("members@odata.bind and owners@odata.bind", () => {
  it("create a security group with its owner and members, in any of Graph's URL forms", async () => {
    const t = service();
    const ann = await licensedUser(t, "ann@contoso.example");
    const bob = await licensedUser(t, "bob@contoso.example");
    const inner = (await t.admin("POST", "/beta/groups", { displayName: "inner" })).body.id as string;
    const device = await enroll(t, (await createProfile(t)).tokenValue);
    const deviceObject = await directoryIdOf(t, device.deviceId);
    const reply = await t.admin("POST", "/beta/groups", {
      displayName: "Pilot",
      mailEnabled: false,
      mailNickname: "pilot",
      securityEnabled: true,
      "owners@odata.bind": [`https://graph.microsoft.com/v1.0/users/${ann.id}`],
      "members@odata.bind": [
        `https://graph.microsoft.com/v1.0/users/${ann.id}`,
        `https://graph.microsoft.com/beta/directoryObjects/${bob.id}`,
        `https://graph.microsoft.com/beta/groups('${inner}')`,
        `devices/${deviceObject}`,
      ],
    });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get("warning")).toBeNull();
    expect((await t.admin("GET", `/beta/groups/${reply.body.id}/owners`)).body.value.map((o: { id: string }) => o.id)).toEqual([ann.id]);
    expect(await memberIds(t, reply.body.id)).toEqual([ann.id, bob.id, inner, deviceObject]);
  });

  it("add up to 20 members in one PATCH, and refuse 21, a member twice or an unknown one, adding none", async () => {
    const t = service();
    const users = [];
    for (let i = 0; i < 21; i++) users.push(await licensedUser(t, `user${i}@contoso.example`));
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot" })).body.id as string;
    const refs = (ids: string[]) => ids.map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`);
    const tooMany = await t.admin("PATCH", `/beta/groups/${group}`, { "members@odata.bind": refs(users.map((u) => u.id)) });
    expect(errorOf(tooMany)).toMatchObject({ status: 400, code: "Request_BadRequest", message: expect.stringContaining("names 21 objects; Graph adds up to 20 in one request") });
    const twice = await t.admin("PATCH", `/beta/groups/${group}`, { "members@odata.bind": refs([users[0]!.id, users[0]!.id]) });
    expect(errorOf(twice)).toMatchObject({ status: 400, message: expect.stringContaining("can only be present once") });
    const unknown = await t.admin("PATCH", `/beta/groups/${group}`, { "members@odata.bind": refs([users[1]!.id, "5a5a5a5a-0000-4000-8000-000000000000"]) });
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(await memberIds(t, group)).toEqual([]);
    const twenty = await t.admin("PATCH", `/beta/groups/${group}`, { description: "twenty", "members@odata.bind": refs(users.slice(0, 20).map((u) => u.id)) });
    expect(twenty.status, twenty.text).toBe(204);
    expect(await memberIds(t, group)).toHaveLength(20);
    expect((await t.admin("GET", `/beta/groups/${group}`)).body.description).toBe("twenty");
    const again = await t.admin("PATCH", `/beta/groups/${group}`, { "members@odata.bind": refs([users[20]!.id, users[0]!.id]) });
    expect(errorOf(again).message).toMatch(/already exist/);
    expect(await memberIds(t, group)).toHaveLength(20);
  });

  it("refuse members for a dynamic group and an owner that is no user, creating no group", async () => {
    const t = service();
    const ann = await licensedUser(t);
    const dynamic = await t.admin("POST", "/beta/groups", {
      displayName: "Dynamic",
      groupTypes: ["DynamicMembership"],
      membershipRule: "device.objectId -ne null",
      "members@odata.bind": [`https://graph.microsoft.com/v1.0/directoryObjects/${ann.id}`],
    });
    expect(errorOf(dynamic)).toMatchObject({ status: 400, message: expect.stringContaining("come from its membershipRule") });
    const group = (await t.admin("POST", "/beta/groups", { displayName: "x" })).body.id as string;
    const owner = await t.admin("POST", "/beta/groups", { displayName: "y", "owners@odata.bind": [`https://graph.microsoft.com/v1.0/users/${group}`] });
    expect(errorOf(owner)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(errorOf(await t.admin("POST", "/beta/groups", { displayName: "z", "members@odata.bind": [""] })).message).toBe(
      "members@odata.bind[0] must end with the member's id, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}",
    );
    expect((await t.admin("GET", "/beta/groups")).body.value.map((g: { displayName: string }) => g.displayName)).toEqual(["x"]);
  });
});
