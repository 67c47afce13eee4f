/**
 * A query option the directory cannot answer gets Entra ID's own refusal, as Graph passes it
 * through: 400 `Request_UnsupportedQuery` with Entra's sentence (then the mock's hint in
 * parentheses), on users, groups, devices and directoryObjects. Intune's routes keep invalidRequest.
 * docs/graph-directory-facts.md cites the answers.
 */
import { describe, expect, it } from "vitest";
import { DEVICES, errorOf, http, useService } from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);

describe("Entra ID's Request_UnsupportedQuery", () => {
  it.each([
    ["/beta/users", "mail", "User"],
    ["/beta/groups", "mailNickname", "Group"],
    ["/beta/devices", "model", "Device"],
    ["/beta/directoryObjects", "userPrincipalName", "DirectoryObject"],
  ])("answers $orderby on a property %s cannot sort with Entra's words", async (path, property, resource) => {
    const reply = await service().admin("GET", `${path}?$orderby=${property}`);
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect(reply.body.error.message).toMatch(new RegExp(`^Unsupported sort property '${property}' for '${resource}'\\. \\(\\$orderby: .*sortable properties: `));
  });

  it.each([
    ["/beta/devices", "model eq 'x'", "model", "Device"],
    ["/beta/users", "contains(displayName,'a')", "displayName", "User"],
    ["/beta/groups", "startswith(id,'a')", "id", "Group"],
  ])("answers a $filter clause %s does not take (%s) with Entra's words", async (path, filter, property, resource) => {
    const reply = await service().admin("GET", `${path}?$filter=${q(filter)}`);
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect(reply.body.error.message).toMatch(
      new RegExp(`^Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'\\. \\(\\$filter: `),
    );
  });

  it("answers $search without ConsistencyLevel: eventual with Entra's words, and says the mock has no $search", async () => {
    const t = service();
    for (const path of ["/beta/users", "/beta/groups", "/beta/devices", "/beta/directoryObjects"]) {
      const reply = await t.admin("GET", `${path}?$search=${q('"displayName:ann"')}`);
      expect(errorOf(reply), path).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
      expect(reply.body.error.message, path).toMatch(/^Request with \$search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual' \(this mock does not serve \$search/);
    }
    // With the header the mock still serves no $search: its own refusal, the directory's bad-request code.
    const eventual = await http(`${t.url}/beta/users?$search=${q('"displayName:ann"')}`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });
    expect(errorOf(eventual)).toMatchObject({ status: 400, code: "Request_BadRequest", message: expect.stringContaining("$search is not supported on this route") });
  });

  it("keeps Request_BadRequest for what is not a query Entra cannot answer, and Intune's codes on Intune's routes", async () => {
    const t = service();
    // A $filter that does not parse, and a value of the wrong type, are bad requests.
    expect(errorOf(await t.admin("GET", `/beta/users?$filter=${q("displayName eq")}`))).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(errorOf(await t.admin("GET", `/beta/users?$filter=${q("accountEnabled eq 'x'")}`))).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(errorOf(await t.admin("GET", `${DEVICES}?$orderby=nope`))).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(errorOf(await t.admin("GET", `${DEVICES}?$filter=${q("contains(id,'a')")}`))).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(errorOf(await t.admin("GET", "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles?$search=x"))).toMatchObject({ status: 400, code: "invalidRequest" });
  });
});

describe("$orderby that Entra ID answers only in an advanced query", () => {
  const eventual = (t: ReturnType<typeof service>, path: string) => http(`${t.url}${path}`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });

  it("refuses users sorted by createdDateTime without ConsistencyLevel: eventual and $count=true, and sorts them with both", async () => {
    const t = service();
    // A second apart on the service's clock: created in one millisecond, the two tie.
    for (const name of ["b", "a"]) {
      await t.service.admin.createUser({ displayName: name, userPrincipalName: `${name}@contoso.example`, password: "P@ss-w0rd" });
      t.clock.now = new Date(t.clock.now.getTime() + 1000);
    }
    for (const [path, headers] of [["/beta/users?$orderby=createdDateTime", false], ["/beta/users?$orderby=createdDateTime%20desc", true]] as const) {
      const refused = headers ? await eventual(t, path) : await t.admin("GET", path);
      expect(errorOf(refused), path).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
      expect(refused.body.error.message, path).toMatch(/^Unsupported sort property 'createdDateTime' for 'User'\. \(\$orderby: sorting by 'createdDateTime' is an advanced query/);
    }
    const sorted = await eventual(t, "/beta/users?$orderby=createdDateTime%20desc&$count=true&$select=displayName");
    expect(sorted.status).toBe(200);
    expect(sorted.body.value.map((u: { displayName: string }) => u.displayName)).toEqual(["a", "b"]);
    expect((await t.admin("GET", "/beta/users?$orderby=displayName")).status).toBe(200);
  });

  it("refuses groups sorted by createdDateTime, and devices by displayName outside an advanced query", async () => {
    const t = service();
    const groups = await eventual(t, "/beta/groups?$orderby=createdDateTime&$count=true");
    expect(errorOf(groups)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery", message: expect.stringMatching(/^Unsupported sort property 'createdDateTime' for 'Group'\./) });
    expect(errorOf(await t.admin("GET", "/beta/devices?$orderby=displayName"))).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect((await eventual(t, "/beta/devices?$orderby=displayName&$count=true")).status).toBe(200);
  });

  it("refuses $filter with $orderby on a directory set outside an advanced query, in Entra ID's words", async () => {
    const t = service();
    const path = `/beta/users?$filter=${q("startswith(displayName,'a')")}&$orderby=displayName`;
    const refused = await t.admin("GET", path);
    expect(errorOf(refused)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery", message: expect.stringMatching(/^Sorting not supported for current query\. /) });
    expect((await eventual(t, `${path}&$count=true`)).status).toBe(200);
  });
});
