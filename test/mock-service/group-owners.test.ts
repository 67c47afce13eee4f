/**
 * A group's owners, as Graph's Create group (owners@odata.bind), Add owners (owners/$ref) and
 * List group owners set and read them. Before, owners were checked and not kept: a Warning said
 * so, and GET /beta/groups/{id}/owners and POST .../owners/$ref were 501.
 */
import { describe, expect, it } from "vitest";
import { errorOf, licensedUser, useService } from "./support/service.js";

const service = useService();

describe("a group's owners", () => {
  it("are kept from owners@odata.bind and owners/$ref, listed as users, and leave with their user", async () => {
    const t = service();
    const ann = await licensedUser(t);
    const bo = await licensedUser(t, "bo@contoso.example");
    const created = await t.admin("POST", "/beta/groups", {
      displayName: "Pilot", mailEnabled: false, mailNickname: "pilot", securityEnabled: true, groupTypes: [],
      "owners@odata.bind": [`https://graph.microsoft.com/v1.0/users/${ann.id}`],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("warning")).toBeNull();
    const group = created.body.id as string;
    expect((await t.admin("POST", `/beta/groups/${group}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${bo.id}` })).status).toBe(204);
    const owners = await t.admin("GET", `/beta/groups/${group}/owners`);
    expect(owners.status).toBe(200);
    expect(owners.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.user", id: ann.id, displayName: "Ann Example", userPrincipalName: ann.upn },
      { "@odata.type": "#microsoft.graph.user", id: bo.id, displayName: "Ann Example", userPrincipalName: bo.upn },
    ]);
    expect(errorOf(await t.admin("POST", `/beta/groups/${group}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/users/${bo.id}` })).message).toMatch(/already exist/);
    expect(errorOf(await t.admin("POST", `/beta/groups/${group}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/users/${group}` })).status).toBe(404);
    expect((await t.admin("DELETE", `/beta/users/${bo.id}`)).status).toBe(204);
    expect((await t.admin("GET", `/beta/groups/${group}/owners?$select=id`)).body.value).toEqual([{ "@odata.type": "#microsoft.graph.user", id: ann.id }]);
  });
});
