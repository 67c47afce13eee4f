/**
 * The directory's refusals carry Entra ID's codes (Request_BadRequest, Request_ResourceNotFound
 * with Entra's sentence), as Graph passes them through; Intune's routes keep invalidRequest and
 * itemNotFound.
 */
import { describe, expect, it } from "vitest";
import { DEVICES, errorOf, licensedUser, PROFILES, useService } from "./support/service.js";

const service = useService();

const MISSING = "6f0c1f5e-0000-4000-8000-000000000000";
const entraNotFound = (id: string) => `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`;

describe("directory refusals", () => {
  it.each([
    ["GET", `/beta/users/${MISSING}`],
    ["PATCH", `/beta/users/${MISSING}`, { accountEnabled: false }],
    ["POST", `/beta/users/${MISSING}/assignLicense`, { addLicenses: [], removeLicenses: [] }],
    ["GET", `/beta/groups/${MISSING}`],
    ["DELETE", `/beta/groups/${MISSING}`],
    ["GET", `/beta/groups/${MISSING}/members`],
    ["GET", `/beta/directoryObjects/${MISSING}`],
    ["GET", `/beta/organization/${MISSING}`],
  ])("%s %s is 404 Request_ResourceNotFound in Entra's words", async (method, path, body?: unknown) => {
    const reply = await service().admin(method, path, body);
    expect(errorOf(reply)).toEqual({ status: 404, code: "Request_ResourceNotFound", message: entraNotFound(MISSING) });
    expect(reply.body.error.innerError).toBeDefined();
  });

  // Before, 404 "Resource 'Pilot group' does not exist": a script that takes 404 for "already
  // deleted" swallowed its own bug (a display name passed as an id) on the mock, not on Graph.
  it.each([
    ["GET", "/beta/groups/not-a-guid"],
    ["PATCH", "/beta/groups/not-a-guid", { description: "x" }],
    ["DELETE", "/beta/groups/not-a-guid"],
    ["GET", "/beta/groups/not-a-guid/members"],
    ["POST", "/beta/groups/not-a-guid/members/$ref", { "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${MISSING}` }],
    ["GET", "/beta/directoryObjects/not-a-guid"],
  ])("%s %s with a malformed object id is 400 Request_BadRequest in Entra's words", async (method, path, body?: unknown) => {
    const reply = await service().admin(method, path, body);
    expect(errorOf(reply)).toEqual({ status: 400, code: "Request_BadRequest", message: "Invalid object identifier 'not-a-guid'." });
  });

  it("keeps a user principal name as a key of /users: an unknown one is 404", async () => {
    const reply = await service().admin("GET", "/beta/users/not-a-guid");
    expect(errorOf(reply)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
  });

  it("answers a member reference to no object 404 Request_ResourceNotFound naming it, and a non-member's removal too", async () => {
    const t = service();
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body;
    const add = await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${MISSING}` });
    expect(errorOf(add)).toEqual({ status: 404, code: "Request_ResourceNotFound", message: entraNotFound(MISSING) });
    const remove = await t.admin("DELETE", `/beta/groups/${group.id}/members/${MISSING}/$ref`);
    expect(errorOf(remove)).toEqual({ status: 404, code: "Request_ResourceNotFound", message: entraNotFound(MISSING) });
  });

  it.each([
    ["a body that breaks the schema", "POST", "/beta/groups", { displayName: 5 }],
    ["a malformed membership rule", "POST", "/beta/groups", { displayName: "X", groupTypes: ["DynamicMembership"], membershipRule: "device.deviceModel -eq" }],
    ["a $filter that does not parse", "GET", `/beta/users?$filter=${encodeURIComponent("displayName eq")}`],
    ["a $top over the limit", "GET", "/beta/groups?$top=1000"],
    ["another @odata.type", "POST", "/beta/groups", { "@odata.type": "#microsoft.graph.user", displayName: "X" }],
    ["a bad $select on directoryObjects", "GET", "/beta/directoryObjects?$select=nope"],
  ])("answers %s 400 Request_BadRequest", async (_name, method, path, body?: unknown) => {
    const reply = await service().admin(method, path, body);
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
  });

  it("answers an unknown licence 400 Request_BadRequest", async () => {
    const t = service();
    const { id } = await licensedUser(t);
    const reply = await t.admin("POST", `/beta/users/${id}/assignLicense`, { addLicenses: [{ skuId: MISSING }], removeLicenses: [] });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest", message: expect.stringContaining("does not correspond to a valid company License") });
  });

  it("answers the same codes inside a $batch", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/$batch", {
      requests: [
        { id: "1", method: "GET", url: `/users/${MISSING}` },
        { id: "2", method: "GET", url: "/groups?$top=1000" },
      ],
    });
    expect(reply.status).toBe(200);
    const byId = Object.fromEntries(reply.body.responses.map((r: { id: string; status: number; body: { error: { code: string } } }) => [r.id, [r.status, r.body.error.code]]));
    expect(byId).toEqual({ "1": [404, "Request_ResourceNotFound"], "2": [400, "Request_BadRequest"] });
  });

  it("leaves Intune's codes on deviceManagement routes", async () => {
    const t = service();
    expect(errorOf(await t.admin("GET", `${DEVICES}/${MISSING}`))).toMatchObject({ status: 404, code: "itemNotFound" });
    expect(errorOf(await t.admin("GET", `${PROFILES}/${MISSING}`))).toMatchObject({ status: 404, code: "itemNotFound" });
    expect(errorOf(await t.admin("POST", PROFILES, { displayName: 5 }))).toMatchObject({ status: 400, code: "invalidRequest" });
  });
});
