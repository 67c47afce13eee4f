/** OData on the admin API as Graph clients use it: query options, paging, errors, $metadata, throttling. */
import { describe, expect, it } from "vitest";
import { xml2json } from "odata-csdl/lib/xml2json.js";
import { createProfile, DEVICES, enroll, errorOf, http, licensedUser, PROFILES, useService, type TestService } from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);
const ids = (reply: { body: { value: { id: string }[] } }) => reply.body.value.map((item) => item.id);

async function devices(t: TestService, count: number, token: string): Promise<string[]> {
  const enrolled: string[] = [];
  for (let i = 0; i < count; i++) {
    enrolled.push((await enroll(t, token, { model: i % 2 === 0 ? "Pixel 8" : "Quest 3", manufacturer: i % 2 === 0 ? "Google" : "Meta" })).deviceId);
  }
  return enrolled;
}

/** Every item of a list, following @odata.nextLink as a client does. */
async function allPages(t: TestService, path: string, onPage?: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let url: string | undefined = `${t.url}${path}`;
  for (let page = 0; url !== undefined; page++) {
    const reply = await http(url, { bearer: t.service.adminToken });
    expect(reply.status, reply.text).toBe(200);
    seen.push(...ids(reply));
    url = reply.body["@odata.nextLink"];
    if (onPage) await onPage(page);
  }
  return seen;
}

describe("paging", () => {
  it("pages with $top and @odata.nextLink, every device exactly once, stable while devices enroll", async () => {
    const t = service();
    const profile = await createProfile(t);
    const first = await devices(t, 25, profile.tokenValue);
    const added: string[] = [];
    const seen = await allPages(t, `${DEVICES}?$top=10&$select=id`, async () => {
      added.push(...(await devices(t, 2, profile.tokenValue)));
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, first.length)).toEqual(first);
    // Devices enrolled during the walk come after the ones listed first, none skipped.
    expect(seen).toEqual([...first, ...added.slice(0, seen.length - first.length)]);
  });

  it("pages sorted lists by their sort key, resuming after the last key seen", async () => {
    const t = service();
    const profile = await createProfile(t);
    await devices(t, 12, profile.tokenValue);
    const sorted = await allPages(t, `${DEVICES}?$orderby=${q("serialNumber desc")}&$top=5`);
    const all = (await t.admin("GET", `${DEVICES}?$orderby=${q("serialNumber desc")}`)).body.value;
    expect(sorted).toEqual(all.map((d: { id: string }) => d.id));
    const serials = all.map((d: { serialNumber: string }) => d.serialNumber);
    expect(serials).toEqual([...serials].sort().reverse());
  });

  it("pages every collection by default at Graph's page size, whatever the client asks", async () => {
    const t = service();
    for (let i = 0; i < 101; i++) await t.admin("POST", "/beta/groups", { displayName: `g${i}`, mailEnabled: false, mailNickname: `g${i}`, securityEnabled: true });
    const first = await t.admin("GET", "/beta/groups");
    expect(first.body.value).toHaveLength(100);
    expect(first.body["@odata.nextLink"]).toMatch(/\/beta\/groups\?\$skiptoken=/);
    const rest = await http(first.body["@odata.nextLink"], { bearer: t.service.adminToken });
    expect(rest.body.value).toHaveLength(1);
    expect(rest.body["@odata.nextLink"]).toBeUndefined();
    expect(errorOf(await t.admin("GET", "/beta/groups?$top=1000"))).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect((await t.admin("GET", "/beta/groups?$top=1000")).body.error.message).toMatch(/\$top.*1 to 999/);
  });

  it("refuses every $top that is not a page size the same way, saying which sizes the collection takes", async () => {
    const t = service();
    for (const top of ["-1", "abc", "1e3", "0", "1.5", "99999999999999999999"]) {
      const reply = await t.admin("GET", `${DEVICES}?$top=${q(top)}`);
      expect(errorOf(reply), top).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message, top).toBe(`$top: invalid page size '${top}'; use 1 to 1000 on this collection (default 1000)`);
    }
  });

  it("puts @odata.count and @odata.nextLink before value, as Graph does", async () => {
    const t = service();
    const profile = await createProfile(t);
    await devices(t, 2, profile.tokenValue);
    const reply = await t.admin("GET", `${DEVICES}?$count=true&$top=1`);
    expect(Object.keys(reply.body)).toEqual(["@odata.context", "@odata.count", "@odata.nextLink", "value"]);
  });

  it("refuses a $skiptoken it did not issue, or one replayed on another query", async () => {
    const t = service();
    const profile = await createProfile(t);
    await devices(t, 3, profile.tokenValue);
    const page = await t.admin("GET", `${DEVICES}?$top=1`);
    const token = new URL(page.body["@odata.nextLink"]).searchParams.get("$skiptoken")!;
    const replayed = await t.admin("GET", `${DEVICES}?$top=1&$orderby=model&$skiptoken=${token}`);
    expect(errorOf(replayed)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(replayed.body.error.message).toMatch(/\$skiptoken.*nextLink/);
    expect(errorOf(await t.admin("GET", `${DEVICES}?$skiptoken=garbage!`))).toMatchObject({ status: 400 });
  });

  // Before: 400 "the query option $skip is not supported on this route". Graph's
  // androidDeviceOwnerEnrollmentProfile page: "Supports: $select, $top, $skip".
  it("takes $skip on enrollment profiles: the first page starts after that many, the next follow @odata.nextLink", async () => {
    const t = service();
    for (const name of ["A", "B", "C", "D", "E"]) await createProfile(t, { displayName: name });
    const names = (reply: { body: { value: { displayName: string }[] } }) => reply.body.value.map((p) => p.displayName);
    const first = await t.admin("GET", `${PROFILES}?$orderby=displayName&$skip=1&$top=2&$count=true&$select=displayName`);
    expect(first.status, first.text).toBe(200);
    expect(names(first)).toEqual(["B", "C"]);
    expect(first.body["@odata.count"]).toBe(5);
    const link = first.body["@odata.nextLink"] as string;
    expect(new URL(link).searchParams.has("$skip")).toBe(false);
    const second = await http(link, { bearer: t.service.adminToken });
    expect(names(second)).toEqual(["D", "E"]);
    expect(second.body["@odata.nextLink"]).toBeUndefined();
    expect(names(await t.admin("GET", `${PROFILES}?$orderby=displayName&$skip=5`))).toEqual([]);
    const bad = await t.admin("GET", `${PROFILES}?$skip=-1`);
    expect(errorOf(bad)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(bad.body.error.message).toBe("$skip: invalid number of items '-1'; use a whole number, 0 or more (e.g. $skip=20)");
  });

  // Before: both were answered. Graph's page, of deviceNameTemplate: "$Search, $orderBy and $filter are not supported."
  it("refuses $filter and $orderby on a profile's deviceNameTemplate, as Graph documents", async () => {
    const t = service();
    await createProfile(t, { deviceNameTemplate: "LAB-{{SERIAL}}" });
    expect(errorOf(await t.admin("GET", `${PROFILES}?$filter=${q("deviceNameTemplate eq 'LAB-{{SERIAL}}'")}`))).toMatchObject({ status: 400 });
    expect(errorOf(await t.admin("GET", `${PROFILES}?$orderby=deviceNameTemplate`))).toMatchObject({ status: 400 });
    expect((await t.admin("GET", `${PROFILES}?$select=deviceNameTemplate`)).body.value).toEqual([
      { "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile", deviceNameTemplate: "LAB-{{SERIAL}}" },
    ]);
  });
});

describe("$filter, $select, $orderby, $count", () => {
  it("filters managed devices with Graph's operators, enums and dates", async () => {
    const t = service();
    const profile = await createProfile(t);
    const all = await devices(t, 4, profile.tokenValue);
    const match = async (filter: string) => ids(await t.admin("GET", `${DEVICES}?$filter=${q(filter)}`));
    expect(await match("startswith(model,'quest')")).toEqual([all[1], all[3]]);
    expect(await match("manufacturer ne 'Meta'")).toEqual([all[0], all[2]]);
    expect(await match(`serialNumber eq 'nope' or id eq '${all[2]}'`)).toEqual([all[2]]);
    expect(await match(`id in ('${all[0]}', '${all[3]}')`)).toEqual([all[0], all[3]]);
    expect(await match("not (model eq 'Pixel 8') and operatingSystem eq 'AndroidAOSP'")).toEqual([all[1], all[3]]);
    expect(await match("managementState eq microsoft.graph.managementState'managed'")).toEqual(all);
    expect(await match("enrolledDateTime ge 2026-03-02T09:00:00Z and enrolledDateTime lt 2026-03-03T00:00:00Z")).toEqual(all);
    expect(await match("contains(deviceName,'zzz')")).toEqual([]);
    const wrongEnum = await t.admin("GET", `${DEVICES}?$filter=${q("managementState eq 'gone'")}`);
    expect(errorOf(wrongEnum)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(wrongEnum.body.error.message).toMatch(/^\$filter: 'gone' is not a value of 'managementState'; its values are 'managed'/);
    const syntax = await t.admin("GET", `${DEVICES}?$filter=${q("startswit(model,'a')")}`);
    expect(syntax.body.error.message).toMatch(/unknown function 'startswit'.*at character 1/);
  });

  it("$select on an entity and a list, including the profile's QR image alone", async () => {
    const t = service();
    const profile = await createProfile(t, { displayName: "Lab" });
    const image = await t.admin("GET", `${PROFILES}/${profile.id}?$select=qrCodeImage`);
    expect(Object.keys(image.body).sort()).toEqual(["@odata.context", "@odata.type", "qrCodeImage"]);
    expect(image.body["@odata.context"]).toMatch(/\$metadata#deviceManagement\/androidDeviceOwnerEnrollmentProfiles\(qrCodeImage\)\/\$entity$/);
    expect(Buffer.from(image.body.qrCodeImage.value, "base64").subarray(1, 4).toString()).toBe("PNG");
    const exported = await t.admin("GET", `${PROFILES}?$select=${q("tokenValue,tokenExpirationDateTime,qrCodeContent")}`);
    expect(Object.keys(exported.body.value[0]).sort()).toEqual(["@odata.type", "qrCodeContent", "tokenExpirationDateTime", "tokenValue"]);
    const unknown = await t.admin("GET", `${PROFILES}?$select=qrCode`);
    expect(errorOf(unknown)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(unknown.body.error.message).toMatch(/\$select: could not find a property named 'qrCode' on type 'microsoft.graph.androidDeviceOwnerEnrollmentProfile'/);
  });

  it("knows no property by the names every JavaScript object has (__proto__, constructor, toString)", async () => {
    // Found while fuzzing: $select=constructor answered 200 with emptied items, and $filter
    // called these names properties that cannot be filtered on.
    const t = service();
    const profile = await createProfile(t, { displayName: "Lab" });
    await enroll(t, profile.tokenValue);
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      for (const [option, value, message] of [
        ["$select", name, `$select: could not find a property named '${name}' on type 'microsoft.graph.managedDevice'`],
        ["$filter", `${name} eq 'x'`, `$filter: could not find a property named '${name}'`],
        ["$orderby", name, `$orderby: '${name}'`],
      ] as const) {
        const reply = await t.admin("GET", `${DEVICES}?${option}=${q(value)}`);
        expect(errorOf(reply), `${option}=${value}`).toMatchObject({ status: 400, code: "invalidRequest" });
        expect(reply.body.error.message, `${option}=${value}`).toContain(message);
      }
    }
    const entity = await t.admin("GET", `${PROFILES}/${profile.id}?$select=${q("constructor,id")}`);
    expect(errorOf(entity)).toMatchObject({ status: 400, code: "invalidRequest" });
  });

  it("counts with $count=true; directory objects count only with ConsistencyLevel: eventual, and ne, not and endswith need both", async () => {
    const t = service();
    const profile = await createProfile(t);
    await devices(t, 3, profile.tokenValue);
    const counted = await t.admin("GET", `${DEVICES}?$count=true&$top=1`);
    expect(counted.body["@odata.count"]).toBe(3);
    expect(counted.body.value).toHaveLength(1);
    await licensedUser(t, "ann@contoso.example");
    await licensedUser(t, "bob@fabrikam.example");
    // Without the header Entra ID answers the page and leaves the count out (it fails silently).
    const plain = await t.admin("GET", "/beta/users?$count=true");
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty("@odata.count");
    expect(plain.body.value).toHaveLength(2);
    const withHeader = await http(`${t.url}/beta/users?$count=true`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });
    expect(withHeader.body["@odata.count"]).toBe(2);
    // An advanced operator with $count=true but no header is still refused, as Graph refuses it.
    const endsWithNoHeader = await t.admin("GET", `/beta/users?$filter=${q("endswith(userPrincipalName,'@fabrikam.example')")}&$count=true`);
    expect(errorOf(endsWithNoHeader)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    const endsWith = `/beta/users?$filter=${q("endswith(userPrincipalName,'@fabrikam.example')")}`;
    expect(errorOf(await t.admin("GET", endsWith))).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    const advanced = await http(`${t.url}${endsWith}&$count=true`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });
    expect(advanced.body["@odata.count"]).toBe(1);
    expect(advanced.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual(["bob@fabrikam.example"]);
    const contains = await t.admin("GET", `/beta/users?$filter=${q("contains(displayName,'a')")}`);
    expect(contains.body.error.message).toMatch(/does not support the operator 'contains'/);
  });
});

describe("/$count, the number alone", () => {
  const eventual = { ConsistencyLevel: "eventual" };

  it("answers the number as text/plain on every collection that takes $count=true, honouring $filter", async () => {
    const t = service();
    const profile = await createProfile(t);
    await devices(t, 3, profile.tokenValue);
    const counted = await t.admin("GET", `${DEVICES}/$count`);
    expect(counted.status, counted.text).toBe(200);
    expect(counted.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(counted.text).toBe("3");
    const filtered = await t.admin("GET", `${DEVICES}/$count?$filter=${q("model eq 'Quest 3'")}`);
    expect(filtered.text).toBe("1");
    expect((await t.admin("GET", `${PROFILES}/$count`)).text).toBe("1");
    expect((await t.admin("GET", "/beta/deviceManagement/deviceConfigurations/$count")).text).toBe("0");
    // Options that shape a page mean nothing to a number: refused, naming what the route takes.
    const top = await t.admin("GET", `${DEVICES}/$count?$top=1`);
    expect(errorOf(top)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(top.body.error.message).toContain("it supports $filter");
  });

  it("counts users and groups only with ConsistencyLevel: eventual, and then takes advanced filters", async () => {
    const t = service();
    await licensedUser(t, "ann@contoso.example");
    await licensedUser(t, "bob@fabrikam.example");
    const plain = await t.admin("GET", "/beta/users/$count");
    expect(errorOf(plain)).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect(plain.body.error.message).toContain("ConsistencyLevel: eventual");
    const users = await http(`${t.url}/beta/users/$count`, { bearer: t.service.adminToken, headers: eventual });
    expect(users.text).toBe("2");
    const endsWith = `/beta/users/$count?$filter=${q("endswith(userPrincipalName,'@fabrikam.example')")}`;
    expect((await http(`${t.url}${endsWith}`, { bearer: t.service.adminToken, headers: eventual })).text).toBe("1");
    expect(errorOf(await t.admin("GET", "/beta/groups/$count"))).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body.id;
    expect((await http(`${t.url}/beta/groups/$count`, { bearer: t.service.adminToken, headers: eventual })).text).toBe("1");
    expect((await http(`${t.url}/beta/groups/${group}/members/$count`, { bearer: t.service.adminToken, headers: eventual })).text).toBe("0");
    // The twin runs the list's own checks: a group that does not exist has no members to count.
    const missing = await http(`${t.url}/beta/groups/${crypto.randomUUID()}/members/$count`, { bearer: t.service.adminToken, headers: eventual });
    expect(errorOf(missing)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
  });
});

describe("Graph's error shape and tracing headers", () => {
  it("answers request-id on every answer, echoes client-request-id, and puts both with the date in innerError", async () => {
    const t = service();
    const clientRequestId = "5b1d8f7e-2a59-4c55-9d0e-0c1c1ab3a001";
    const ok = await http(`${t.url}/beta/users`, { bearer: t.service.adminToken, headers: { "client-request-id": clientRequestId } });
    expect(ok.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get("client-request-id")).toBe(clientRequestId);
    const missing = await http(`${t.url}${DEVICES}/nope`, { bearer: t.service.adminToken, headers: { "client-request-id": clientRequestId } });
    expect(missing.body.error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      "request-id": missing.headers.get("request-id"),
      "client-request-id": clientRequestId,
    });
    const noRoute = await http(`${t.url}/beta/nothingHere`, { bearer: t.service.adminToken });
    expect(noRoute.body.error.innerError["request-id"]).toBe(noRoute.headers.get("request-id"));
  });

  it("has a client-request-id in every innerError: the request-id when the client sent none", async () => {
    const t = service();
    for (const path of [`${DEVICES}/nope`, "/beta/nothingHere", `${PROFILES}/%ZZ`]) {
      const reply = await t.admin("GET", path);
      const requestId = reply.headers.get("request-id");
      expect(requestId, path).toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.body.error.innerError, path).toMatchObject({ "request-id": requestId, "client-request-id": requestId });
      expect(reply.headers.get("client-request-id"), path).toBe(requestId);
    }
  });

  it("answers a URL too long to read in Graph's shape, not the framework's", async () => {
    const t = service();
    const reply = await t.admin("GET", `/beta/users?$filter=${q(`displayName eq '${"a".repeat(18_000)}'`)}`);
    expect(reply.status).toBe(431);
    expect(Object.keys(reply.body)).toEqual(["error"]);
    expect(reply.body.error).toMatchObject({ code: "invalidRequest", message: expect.stringMatching(/URL.*16 KB/) });
    const requestId = reply.headers.get("request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.body.error.innerError).toMatchObject({ "request-id": requestId, "client-request-id": requestId, date: expect.any(String) });
  });

  it("says a query option given twice is given twice", async () => {
    const t = service();
    const reply = await t.admin("GET", "/beta/users?$top=1&$top=2");
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply.body.error.message).toMatch(/\$top.*more than once/);
  });

  it("lists an enum's values without an empty member", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/deviceManagement/deviceConfigurations", {
      "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration",
      displayName: "Lockdown",
      passwordRequiredType: "long",
    });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(reply.body.error.message).toMatch(/passwordRequiredType.*customPassword/);
    expect(reply.body.error.message).not.toMatch(/, (,|$)/);
  });
});

describe("$metadata", () => {
  it("is a CSDL document the OASIS converter reads, declaring what the lists filter on", async () => {
    const t = service();
    const reply = await t.admin("GET", "/beta/$metadata");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/xml/);
    const csdl = xml2json(reply.text) as Record<string, any>;
    const graph = csdl["microsoft.graph"];
    // The converter writes qualified names with the schema's alias, graph (as Graph's own document has).
    expect(graph.$Alias).toBe("graph");
    expect(graph.managedDevice.$BaseType).toBe("graph.entity");
    expect(graph.managedDevice.managementState.$Type).toBe("graph.managementState");
    expect(graph.managementState.wipePending).toBeTypeOf("number");
    expect(graph.user.$BaseType).toBe("graph.directoryObject");
    expect(graph.deviceManagement.managedDevices.$Type).toBe("graph.managedDevice");
    expect(graph.GraphService.users.$Type).toBe("graph.user");
    expect(graph.GraphService.deviceManagement.$Type).toBe("graph.deviceManagement");
    const list = await t.admin("GET", "/beta/users");
    expect(list.body["@odata.context"]).toBe(`${t.url}/beta/$metadata#users`);
  });
});

describe("/openapi.json", () => {
  it("documents the query options of each list and the 429 answer", async () => {
    const t = service();
    const doc = (await http(`${t.url}/openapi.json`)).body;
    const list = doc.paths["/beta/deviceManagement/managedDevices"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(["$filter", "$select", "$orderby", "$top", "$count", "$skiptoken"]);
    expect(list.responses["429"].description).toMatch(/Retry-After/);
    expect(doc.paths["/beta/users/{id}"].get.parameters.map((p: { name: string }) => p.name)).toContain("$select");
    expect(doc.paths["/device/v1/devices/{deviceId}/checkIn"].post.responses).toHaveProperty("429");
  });
});

