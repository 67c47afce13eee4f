/**
 * POST /beta/$batch (Graph JSON batching) over real HTTP: as the official Graph client's
 * BatchRequestContent builds it and BatchResponseContent reads it, and the batch rules Graph
 * documents (20 requests, unique ids, relative URLs, a Content-Type with a body, dependsOn).
 */
import { BatchRequestContent, BatchResponseContent } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { AdminClient } from "../../mock-service/admin-client.js";
import { createProfile, errorOf, PROFILES, useService } from "./support/service.js";

const service = useService();
const BATCH = "/beta/$batch";
const USER_ASSOCIATED = "corporateOwnedAOSPUserAssociatedDevice";

/** A batch of `requests`, sent with the admin token; the answers by id. */
async function batch(requests: object[]) {
  const reply = await service().admin("POST", BATCH, { requests });
  return { reply, byId: new Map<string, any>((reply.body?.responses ?? []).map((answer: { id: string }) => [answer.id, answer])) };
}

describe("a batch built by the official Graph client", () => {
  it("runs each request as if sent alone, and BatchResponseContent reads the answers", async () => {
    const t = service();
    const existing = await createProfile(t);
    // URLs without the version, as Graph wants them in a batch (the client strips the host only).
    const content = new BatchRequestContent([
      { id: "list", request: new Request(`${t.url}/deviceManagement/androidDeviceOwnerEnrollmentProfiles?$select=displayName&$count=true`) },
      {
        id: "create",
        request: new Request(`${t.url}/deviceManagement/androidDeviceOwnerEnrollmentProfiles`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ displayName: "Batched", enrollmentMode: USER_ASSOCIATED }),
        }),
      },
      { id: "missing", request: new Request(`${t.url}/deviceManagement/androidDeviceOwnerEnrollmentProfiles/no-such-id`) },
    ]);
    const reply = await t.admin("POST", BATCH, await content.getContent());
    expect(reply.status, reply.text).toBe(200);
    const answers = new BatchResponseContent(reply.body);

    const list = answers.getResponseById("list")!;
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ "@odata.count": 1, value: [{ displayName: existing.displayName }] });

    const create = answers.getResponseById("create")!;
    expect(create.status).toBe(201);
    const created = (await create.json()) as { id: string };
    expect(created).toMatchObject({ displayName: "Batched", enrollmentMode: USER_ASSOCIATED });
    expect(create.headers.get("location")).toBe(`${t.url}${PROFILES}/${created.id}`);
    expect((await t.admin("GET", `${PROFILES}/${created.id}`)).status).toBe(200);

    const missing = answers.getResponseById("missing")!;
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("itemNotFound");
  });
});

describe("a paged list in a batch", () => {
  // Before, an injected request had no Host: the link read http://localhost:80/beta/..., which a
  // script following it (Graph's paging contract) could not reach, or reached another program on.
  it("links its next page on the address the batch came to, as the same request sent alone", async () => {
    const t = service();
    await createProfile(t);
    await createProfile(t);
    const path = "/deviceManagement/androidDeviceOwnerEnrollmentProfiles?$top=1&$select=id";
    const alone = await t.admin("GET", `/beta${path}`);
    const { byId } = await batch([{ id: "1", method: "GET", url: path }]);
    const link = byId.get("1").body["@odata.nextLink"] as string;
    expect(link.startsWith(`${t.url}/beta/deviceManagement/`), link).toBe(true);
    expect(link).toBe(alone.body["@odata.nextLink"]);
    const next = await t.admin("GET", link.slice(t.url.length));
    expect(next.status).toBe(200);
    expect(next.body.value).toHaveLength(1);
  });
});

describe("the batch rules Graph documents", () => {
  it("refuses more than 20 requests, naming the limit", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/users" }));
    const { reply } = await batch(requests);
    expect(errorOf(reply)).toMatchObject({ status: 400, message: expect.stringContaining("at most 20 requests; this one holds 21") });
    expect((await batch(requests.slice(1))).reply.status).toBe(200);
  });

  it("refuses an id used twice, ignoring case", async () => {
    const { reply } = await batch([
      { id: "a", method: "GET", url: "/users" },
      { id: "A", method: "GET", url: "/groups" },
    ]);
    expect(errorOf(reply)).toMatchObject({ status: 400, message: expect.stringContaining('requests[1].id "A" is used twice') });
  });

  it("answers a URL that repeats the version, or is absolute, with that request's 400", async () => {
    const { reply, byId } = await batch([
      { id: "versioned", method: "GET", url: "/beta/users" },
      { id: "absolute", method: "GET", url: "https://graph.microsoft.com/beta/users" },
      { id: "fine", method: "GET", url: "users" },
    ]);
    expect(reply.status).toBe(200);
    expect(byId.get("versioned")).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("Resource not found for the segment 'beta'") } } });
    expect(byId.get("absolute").body.error.message).toContain("relative to the version, e.g. /users");
    expect(byId.get("fine")).toMatchObject({ status: 200, body: { value: [] } });
  });

  it("answers a body without a Content-Type, and a nested batch, with that request's 400", async () => {
    const { byId } = await batch([
      { id: "untyped", method: "POST", url: PROFILES.slice("/beta".length), body: { displayName: "x", enrollmentMode: USER_ASSOCIATED } },
      { id: "nested", method: "POST", url: "/$batch", headers: { "Content-Type": "application/json" }, body: { requests: [] } },
    ]);
    expect(byId.get("untyped")).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("needs headers with its Content-Type") } } });
    expect(byId.get("nested").body.error.message).toBe("a batch cannot hold another batch");
    expect((await service().admin("GET", PROFILES)).body.value).toEqual([]);
  });

  it("runs a sequential batch in order, answering 424 after a request that failed", async () => {
    const url = PROFILES.slice("/beta".length);
    const json = { "Content-Type": "application/json" };
    const { byId } = await batch([
      { id: "1", method: "POST", url, headers: json, body: { displayName: "First", enrollmentMode: USER_ASSOCIATED } },
      { id: "2", method: "POST", url, headers: json, body: { displayName: "No mode" }, dependsOn: ["1"] },
      { id: "3", method: "POST", url, headers: json, body: { displayName: "Third", enrollmentMode: USER_ASSOCIATED }, dependsOn: ["2"] },
    ]);
    expect(byId.get("1").status).toBe(201);
    expect(byId.get("2").status).toBe(400);
    expect(byId.get("3")).toMatchObject({ status: 424, body: { error: { code: "failedDependency", message: expect.stringContaining('request "2"') } } });
    const names = (await service().admin("GET", PROFILES)).body.value.map((p: { displayName: string }) => p.displayName);
    expect(names).toEqual(["First"]);
  });

  it("refuses a dependency on a later or unknown request, and a batch half sequential", async () => {
    const forward = await batch([
      { id: "1", method: "GET", url: "/users", dependsOn: ["2"] },
      { id: "2", method: "GET", url: "/users" },
    ]);
    expect(errorOf(forward.reply).message).toContain('requests[0].dependsOn names "2", which is not the id of a request before it');
    const mixed = await batch([
      { id: "1", method: "GET", url: "/users" },
      { id: "2", method: "GET", url: "/users", dependsOn: ["1"] },
      { id: "3", method: "GET", url: "/groups" },
    ]);
    expect(errorOf(mixed.reply).message).toContain("requests[2] names no dependsOn while others do");
  });

  it("needs the admin token on the batch, and uses it for every request in it", async () => {
    const t = service();
    const anonymous = await fetch(`${t.url}${BATCH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ id: "1", method: "GET", url: "/users" }] }),
    });
    expect(anonymous.status).toBe(401);
    const { byId } = await batch([{ id: "1", method: "GET", url: "/users", headers: { Authorization: "Bearer wrong" } }]);
    expect(byId.get("1").status).toBe(200);
  });

  it("refuses a request without a url or method, naming it", async () => {
    const { reply } = await batch([{ id: "1", method: "GET" }]);
    expect(errorOf(reply)).toMatchObject({ status: 400, message: '"requests.0.url" is required' });
    const wrong = await batch([{ id: "1", method: "FETCH", url: "/users" }]);
    expect(errorOf(wrong.reply).message).toContain('"requests.0.method" must be one of: GET, POST, PATCH, PUT, DELETE');
  });
});

describe("AdminClient.batch", () => {
  it("sends a body as JSON, answering each request in order, a failure as its status", async () => {
    const t = service();
    const admin = new AdminClient(t.url, t.service.adminToken);
    const answers = await admin.batch([
      { id: "create", method: "POST", url: "/deviceManagement/androidDeviceOwnerEnrollmentProfiles", body: { displayName: "Via client", enrollmentMode: USER_ASSOCIATED } },
      { id: "bad", method: "GET", url: "/deviceManagement/managedDevices/none" },
    ]);
    expect(answers.map((answer) => [answer.id, answer.status])).toEqual([["create", 201], ["bad", 404]]);
    await expect(admin.batch([])).rejects.toThrow(/requests/);
  });
});
