/**
 * Security and bad input over real HTTP: the admin token on every admin route, body limits,
 * unknown routes, malformed JSON, hostile keys, no stack traces, and the OpenAPI document.
 */
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { constantTimeEqual } from "../../mock-service/domain/secrets.js";
import { createProfile, DEVICES, errorOf, http, PROFILES, useService } from "./support/service.js";

const service = useService();

interface OpenApiDocument {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> };
}

async function openApi(url: string): Promise<OpenApiDocument> {
  const reply = await http(`${url}/openapi.json`);
  expect(reply.status).toBe(200);
  return reply.body as OpenApiDocument;
}

/** Every admin route in the OpenAPI document, with its path parameters filled in. */
async function adminRoutes(url: string): Promise<[string, string][]> {
  const doc = await openApi(url);
  const routes: [string, string][] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith("/beta/") && !path.startsWith("/sim/")) continue;
    for (const method of Object.keys(operations)) {
      routes.push([method.toUpperCase(), path.replace(/\{[^}]+\}/g, "some-id")]);
    }
  }
  return routes;
}

describe("the admin token", () => {
  it("is required on every admin route: none, a wrong one or another scheme is 401", async () => {
    const t = service();
    const routes = await adminRoutes(t.url);
    expect(routes.length).toBeGreaterThanOrEqual(25);
    for (const [method, path] of routes) {
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token" }, { authorization: `Basic ${t.service.adminToken}` }];
      for (const headers of attempts) {
        const reply = await http(`${t.url}${path}`, { method, headers, ...(method === "GET" || method === "DELETE" ? {} : { json: {} }) });
        expect(errorOf(reply), `${method} ${path} ${JSON.stringify(headers)}`).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
        expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
  });

  it("answers no data to a token that is a prefix or extension of the real one", async () => {
    const t = service();
    const token = t.service.adminToken;
    for (const guess of [token.slice(0, -1), `${token}x`, token.toUpperCase()]) {
      expect((await http(`${t.url}${PROFILES}`, { bearer: guess })).status).toBe(401);
    }
    expect((await http(`${t.url}${PROFILES}`, { bearer: token })).status).toBe(200);
  });

  it("is compared in constant time (digests of equal length, whatever the input lengths)", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "x".repeat(10_000))).toBe(false);
  });

  it("can be chosen, and is random when not", async () => {
    const chosen = await startMockService({ adminToken: "lab-token-1" });
    const random = await startMockService();
    try {
      expect(chosen.adminToken).toBe("lab-token-1");
      expect((await http(`${chosen.url}${PROFILES}`, { bearer: "lab-token-1" })).status).toBe(200);
      expect(random.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await chosen.close();
      await random.close();
    }
  });

  it("refuses an admin token that cannot travel in a header", async () => {
    await expect(startMockService({ adminToken: "has space" })).rejects.toThrow(/printable ASCII characters without spaces/);
    await expect(startMockService({ adminToken: "" })).rejects.toThrow(/admin token/);
  });
});

describe("bad input", () => {
  it("answers malformed JSON with 400 invalidRequest on both APIs", async () => {
    const t = service();
    const admin = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"displayName": ', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(errorOf(admin)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(admin.body.error.message).toMatch(/not valid JSON/);
    const trailing = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{\n  "displayName": "x",\n}', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(trailing.body.error.message).toMatch(/^the request body is not valid JSON: .* at line 3, column 1; send one JSON object$/);
    // Before: "after JSON at position 7 at line 1, column 8", the place said twice.
    const after = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"a":1}{', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(after.body.error.message).toBe("the request body is not valid JSON: Unexpected non-whitespace character after JSON at line 1, column 8; send one JSON object");
    // Before, column 24: an emoji is two UTF-16 code units, one character.
    const emoji = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"displayName": "📱📱" x}', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(emoji.body.error.message).toMatch(/ at line 1, column 22; send one JSON object$/);
    const device = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: "nope", headers: { "content-type": "application/json" } });
    expect(errorOf(device)).toMatchObject({ status: 400, code: "invalidRequest" });
  });

  it("refuses __proto__ and constructor keys, naming the key and where it is", async () => {
    const t = service();
    for (const [raw, message] of [
      ['{"displayName": "x", "__proto__": {"admin": true}}', 'the request body holds a forbidden "__proto__" key at "__proto__"'],
      ['{"displayName": "x", "extra": [{"constructor": {"prototype": {"a": 1}}}]}', 'the request body holds a forbidden "constructor" key at "extra.0.constructor"'],
    ]) {
      const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
      expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message).toContain(message);
    }
  });

  // Before, 201 with the last value: "a" was lost in silence. Graph's OData reader refuses such a body.
  it("refuses a property given twice in one object, naming it and where it is, and keeps nothing", async () => {
    const t = service();
    for (const [raw, message] of [
      ['{"displayName": "a", "displayName": "b", "enrollmentMode": "corporateOwnedAOSPUserAssociatedDevice"}', 'the request body gives the property "displayName" twice in one object, at "displayName": only one value would be kept'],
      // Spelt differently, the same key once decoded.
      ['{"displayName": "a", "enrollmentMode": "corporateOwnedAOSPUserAssociatedDevice", "display\\u004eame": "b"}', 'the property "displayName" twice in one object, at "displayName"'],
      ['{"displayName": "a", "roleScopeTagIds": ["0"], "extra": [{"k": "\\"", "k": 1}]}', 'the property "k" twice in one object, at "extra.0.k"'],
    ]) {
      const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
      expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message).toContain(message);
    }
    expect((await t.admin("GET", PROFILES)).body.value).toEqual([]);
    // A key's name inside a string is no duplicate.
    const fine = await http(`${t.url}${PROFILES}`, {
      method: "POST",
      raw: '{"displayName": "displayName\\",\\"displayName", "description": "{\\"a\\": 1, \\"a\\": 2}", "enrollmentMode": "corporateOwnedAOSPUserAssociatedDevice", "roleScopeTagIds": ["0"]}',
      bearer: t.service.adminToken,
      headers: { "content-type": "application/json" },
    });
    expect(fine.status, fine.text).toBe(201);
    const device = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: '{"enrollmentToken": "x", "enrollmentToken": "y"}', headers: { "content-type": "application/json" } });
    expect(errorOf(device)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(device.body.error.message).toContain('the property "enrollmentToken" twice in one object');
  });

  it("refuses a body that is not UTF-8, or holds a lone surrogate, naming the property, rather than storing U+FFFD", async () => {
    const t = service();
    const raw = Buffer.concat([Buffer.from('{"displayName": "ab'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const bytes = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(errorOf(bytes)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(bytes.body.error.message).toBe('the request body is not valid UTF-8: byte 20 (0xff) in "displayName" is not part of a UTF-8 character; send the body encoded as UTF-8');
    const lone = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"displayName": "\\ud800x"}', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(errorOf(lone)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(lone.body.error.message).toMatch(/^"displayName" holds a lone UTF-16 surrogate/);
    // A pair is one character, and welcome.
    const pair = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"displayName": "\\ud83d\\ude00", "enrollmentMode": "corporateOwnedAOSPUserAssociatedDevice"}', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(pair.status, pair.text).toBe(201);
    expect((await t.admin("GET", PROFILES)).body.value.map((p: { displayName: string }) => p.displayName)).toEqual(["\u{1F600}"]);
  });

  // Before, 1e400 (which JSON.parse reads as Infinity) was "must be an integer or null", though
  // 99999999999999999999999 was "must be <= 2147483647": the number is there, only too large.
  it("refuses a number no double holds as out of range, naming the property", async () => {
    const t = service();
    const profile = await t.admin("POST", PROFILES, { displayName: "Kiosks", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const tokenRoute = `${PROFILES}/${profile.body.id as string}/createToken`;
    for (const raw of ['{"tokenValidityInSeconds": 1e400}', '{"tokenValidityInSeconds": -1e999}']) {
      const reply = await http(`${t.url}${tokenRoute}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
      expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message).toMatch(/^"tokenValidityInSeconds" holds a number out of range \(beyond ±1\.8e308/);
    }
    const nested = await http(`${t.url}${PROFILES}`, { method: "POST", raw: '{"displayName": "x", "roleScopeTagIds": [1e309]}', bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(nested.body.error.message).toMatch(/^"roleScopeTagIds\.0" holds a number out of range/);
  });

  it("answers a compressed body with 415 naming its encoding", async () => {
    const t = service();
    const reply = await http(`${t.url}${PROFILES}`, {
      method: "POST",
      raw: gzipSync('{"displayName": "x"}'),
      bearer: t.service.adminToken,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(errorOf(reply)).toMatchObject({ status: 415, code: "unsupportedMediaType" });
    expect(reply.body.error.message).toMatch(/Content-Encoding: gzip; the service reads only uncompressed bodies \(identity\)/);
  });

  it("answers a body that is not a JSON object", async () => {
    const t = service();
    for (const json of [[], "text", 42, null]) {
      const reply = await http(`${t.url}${PROFILES}`, { method: "POST", json, bearer: t.service.adminToken });
      expect(errorOf(reply), JSON.stringify(json)).toMatchObject({ status: 400, code: "invalidRequest" });
    }
    const empty = await http(`${t.url}${PROFILES}`, { method: "POST", bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(empty.body.error.message).toMatch(/request body must be a JSON object/);
  });

  it("refuses bodies over the limit with 413 payloadTooLarge", async () => {
    const t = service();
    const huge = JSON.stringify({ displayName: "x", description: "a".repeat(300 * 1024) });
    const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw: huge, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(errorOf(reply)).toMatchObject({ status: 413, code: "payloadTooLarge" });
    expect(reply.body.error.message).toBe("the request body is larger than the 256 KiB this route accepts; send a smaller one");
    const device = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: huge, headers: { "content-type": "application/json" } });
    expect(errorOf(device)).toMatchObject({ status: 413, code: "payloadTooLarge" });
  });

  it("answers a body that is not JSON with 415", async () => {
    const t = service();
    const reply = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: "token=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(errorOf(reply)).toMatchObject({ status: 415, code: "unsupportedMediaType" });
  });

  it("answers deeply nested JSON without failing", async () => {
    const t = service();
    const raw = `{"displayName": "x", "description": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json" } });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
  });

  it("answers unknown routes outside /beta with 404 notFound", async () => {
    const t = service();
    for (const [method, path] of [
      ["GET", "/nope"],
      ["GET", "/device/v1/devices"],
    ]) {
      const reply = await http(`${t.url}${path}`, { method, bearer: t.service.adminToken });
      expect(errorOf(reply), `${method} ${path}`).toMatchObject({ status: 404, code: "notFound" });
    }
  });

  // Before: "there is no route GET /v1.0/users", which did not say that /beta serves it.
  it("answers a /v1.0 path with a 404 that names its /beta twin and how to point a Graph client there", async () => {
    const t = service();
    for (const [method, path, beta] of [
      ["GET", "/v1.0/users?$top=1", "GET /beta/users instead"],
      ["POST", "/v1.0/deviceManagement/deviceConfigurations", "POST /beta/deviceManagement/deviceConfigurations instead"],
      ["GET", "/V1.0", "GET /beta/... instead"],
    ]) {
      const reply = await http(`${t.url}${path}`, { method, bearer: t.service.adminToken });
      const error = errorOf(reply);
      expect(error, `${method} ${path}`).toMatchObject({ status: 404, code: "notFound" });
      expect(error.message).toContain("serves Microsoft Graph's beta endpoint only, not v1.0");
      expect(error.message).toContain(beta);
      expect(error.message).toContain('defaultVersion: "beta"');
    }
    // Only the version segment: a path that merely starts alike is an unknown route as before.
    expect(errorOf(await http(`${t.url}/v1.0x/users`)).message).toBe("there is no route GET /v1.0x/users; see /openapi.json for the routes");
  });

  it("answers an unknown segment under /beta as Graph does, naming the segment", async () => {
    const t = service();
    const device = "6f1c1f7e-0c55-4b7e-9a39-1d8f0a1c2b3d";
    for (const [method, path, segment] of [
      ["GET", "/beta/me", "me"],
      ["GET", "/beta/deviceManagement/somethingElse", "somethingElse"],
      // Graph's own actions it does not simulate (syncDevice, retire) are 501: test/mock-service/unsimulated-routes.test.ts.
      ["POST", `${DEVICES}/${device}/selfDestruct`, "selfDestruct"],
    ]) {
      const reply = await http(`${t.url}${path}`, { method, bearer: t.service.adminToken });
      expect(errorOf(reply), `${method} ${path}`).toMatchObject({ status: 400, code: "BadRequest" });
      expect(reply.body.error.message, path).toMatch(new RegExp(`^Resource not found for the segment '${segment}'\\.`));
      expect(reply.body.error.innerError["request-id"], path).toBe(reply.headers.get("request-id"));
    }
    // Without the admin token, nothing is said about paths.
    expect(errorOf(await http(`${t.url}/beta/me`))).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
  });

  it("answers a method a /beta path does not take with 405 and the methods it takes in Allow", async () => {
    const t = service();
    for (const [method, path, allow] of [
      ["PUT", "/beta/users", "GET, HEAD, POST"],
      ["DELETE", "/beta/users", "GET, HEAD, POST"],
      ["PUT", PROFILES, "GET, HEAD, POST"],
      ["DELETE", "/beta/users/$count", "GET, HEAD"],
      ["DELETE", "/beta/groups/$count", "GET, HEAD"],
    ]) {
      const reply = await http(`${t.url}${path}`, { method, bearer: t.service.adminToken });
      expect(errorOf(reply), `${method} ${path}`).toMatchObject({ status: 405, code: "Request_BadRequest" });
      expect(reply.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(reply.body.error.message).toContain("Specified HTTP method is not allowed for the request target");
    }
  });

  it("says the admin API takes the Bearer scheme when another is sent", async () => {
    const t = service();
    const reply = await http(`${t.url}/beta/users`, { headers: { authorization: "Basic YWRtaW46cGFzcw==" } });
    expect(errorOf(reply)).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
    expect(reply.body.error.message).toMatch(/uses the Basic scheme; the admin API takes only Bearer/);
  });

  // Before, a bare "Basic" (no credentials) was told "Access token is empty", on both APIs, and
  // the device API said nothing of the scheme even with credentials after it.
  it("names the scheme sent when it is not Bearer, with or without credentials after it, on both APIs", async () => {
    const t = service();
    const admin = await http(`${t.url}/beta/users`, { headers: { authorization: "Basic" } });
    expect(errorOf(admin)).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
    expect(admin.body.error.message).toBe(
      "The Authorization header uses the Basic scheme; the admin API takes only Bearer: send Authorization: Bearer <admin token> (serve prints the token on its first line).",
    );
    // Graph's 401 shape: its innerError and the challenge header.
    expect(Object.keys(admin.body.error.innerError)).toEqual(["date", "request-id", "client-request-id"]);
    expect(admin.headers.get("www-authenticate")).toMatch(/^Bearer/);
    for (const [header, scheme] of [["Basic", "Basic"], ["basic YWRtaW46cGFzcw==", "basic"], ["Negotiate abc", "Negotiate"], ['Digest username="x"', "Digest"]]) {
      const reply = await http(`${t.url}${PROFILES}`, { headers: { authorization: header! } });
      expect(reply.body.error.message, header).toMatch(new RegExp(`^The Authorization header uses the ${scheme} scheme; the admin API takes only Bearer: send Authorization: Bearer <admin token>`));
      for (const path of [deviceRoutes.checkIn("some-device"), deviceRoutes.package("com.microsoft.intune.aospagent", 1)]) {
        const device = await http(`${t.url}${path}`, { method: path.endsWith("checkIn") ? "POST" : "GET", headers: { authorization: header! }, ...(path.endsWith("checkIn") ? { json: {} } : {}) });
        expect(errorOf(device), `${path} ${header}`).toMatchObject({ status: 401, code: "unauthorized" });
        expect(device.body.error.message, `${path} ${header}`).toMatch(new RegExp(`^the Authorization header uses the ${scheme} scheme; the device API takes only Bearer: send .*Authorization: Bearer <credential>`));
      }
    }
  });

  it("tells a Bearer header with no token, or a token with a space in it, what it lacks", async () => {
    const t = service();
    const bare = await http(`${t.url}/beta/users`, { headers: { authorization: "Bearer" } });
    expect(errorOf(bare)).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
    expect(bare.body.error.message).toMatch(/^Access token is empty: the Authorization header says Bearer with no token after it; send Authorization: Bearer <admin token>/);
    const none = await http(`${t.url}/beta/users`);
    expect(none.body.error.message).toMatch(/^Access token is empty: the request has no Authorization header; send Authorization: Bearer <admin token>/);
    const spaced = await http(`${t.url}/beta/users`, { headers: { authorization: `Bearer ${t.service.adminToken} x` } });
    expect(spaced.body.error.message).toMatch(/^The Authorization header's Bearer token holds a space, which no token has: /);
    const device = await http(`${t.url}${deviceRoutes.checkIn("some-device")}`, { method: "POST", json: {}, headers: { authorization: "Bearer" } });
    expect(device.body.error).toMatchObject({ code: "unauthorized", message: "the Authorization header says Bearer with no credential after it; send the device credential issued at enrollment as Authorization: Bearer <credential>" });
  });

  it("answers an over-long or badly encoded path with the documented error body, not the framework's", async () => {
    const t = service();
    for (const path of [`${PROFILES}/${"a".repeat(600)}`, `${PROFILES}/%ZZ`, `${deviceRoutes.checkIn("x".repeat(600))}`]) {
      const reply = await http(`${t.url}${path}`, { bearer: t.service.adminToken });
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.status, path).toBeLessThan(500);
      expect(Object.keys(reply.body), path).toEqual(["error"]);
      expect(reply.body.error.code, path).toMatch(/^(invalidRequest|notFound)$/);
      expect(reply.body.error.message, path).toMatch(/path|URL/i);
      expect(reply.text, path).not.toMatch(/FST_|Bad Request/);
    }
  });

  it("carries the request-id header, and echoes client-request-id, on answers refused before routing", async () => {
    // Found by the API fuzzer: a path the router refuses (over-long segment, bad %-escape) was
    // answered without the tracing headers every answer carries.
    const t = service();
    for (const path of [`${PROFILES}/${"a".repeat(600)}`, `${PROFILES}/%ZZ`, `${deviceRoutes.checkIn("x".repeat(600))}`]) {
      const reply = await http(`${t.url}${path}`, { bearer: t.service.adminToken, headers: { "client-request-id": "fuzz-1" } });
      expect(reply.status, path).toBe(400);
      expect(reply.headers.get("request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.headers.get("client-request-id"), path).toBe("fuzz-1");
      if (!path.startsWith("/device/")) expect(reply.body.error.innerError["request-id"], path).toBe(reply.headers.get("request-id"));
    }
  });

  it("answers a JSON object sent as text/plain with 415, not 'not a JSON object'", async () => {
    const t = service();
    const reply = await http(`${t.url}${PROFILES}`, {
      method: "POST",
      raw: '{"displayName": "Lab"}',
      bearer: t.service.adminToken,
      headers: { "content-type": "text/plain" },
    });
    expect(errorOf(reply)).toMatchObject({ status: 415, code: "unsupportedMediaType" });
  });

  it("refuses OData query options it does not support instead of ignoring them", async () => {
    const t = service();
    await createProfile(t, { displayName: "one" });
    await createProfile(t, { displayName: "two" });
    // $top, $select, $orderby and $count are supported now (test/mock-service/odata.test.ts); these are not.
    for (const path of [`${PROFILES}?$expand=x`, `${PROFILES}?$search=one`, `${DEVICES}?$skip=1`, "/beta/users?$apply=x", "/beta/groups?$expand=members"]) {
      const reply = await t.admin("GET", path);
      expect(errorOf(reply), path).toMatchObject({ status: 400, code: path.startsWith("/beta/deviceManagement") ? "invalidRequest" : "Request_BadRequest" });
      expect(reply.body.error.message, path).toMatch(/\$(expand|search|skip|apply) is not supported/);
    }
  });

  it("ignores an empty body on actions, as Graph clients send one", async () => {
    const t = service();
    const profile = await createProfile(t);
    const reply = await http(`${t.url}${PROFILES}/${profile.id}/revokeToken`, {
      method: "POST",
      bearer: t.service.adminToken,
      headers: { "content-type": "application/json" },
    });
    expect(reply.status).toBe(204);
  });
});

describe("failures inside the service", () => {
  let broken: MockService | undefined;
  afterEach(async () => broken?.close());

  it("answer 500 with the documented body and no stack trace, and are logged", async () => {
    let fail = false;
    const logged: string[] = [];
    broken = await startMockService({
      now: () => {
        if (fail) throw new Error("clock failure in /secret/src/clock.ts:12");
        return new Date();
      },
      log: (line) => logged.push(line),
    });
    fail = true;
    const admin = await http(`${broken.url}${PROFILES}`, { method: "POST", json: { displayName: "x", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }, bearer: broken.adminToken });
    expect(admin.status).toBe(500);
    expect(admin.body.error).toMatchObject({ code: "generalException", message: expect.stringMatching(/failed to handle/) });
    expect(admin.text).not.toMatch(/secret|clock\.ts|\bat\b.*:\d+/);
    const device = await http(`${broken.url}${deviceRoutes.enroll()}`, {
      method: "POST",
      json: { enrollmentToken: "x", serialNumber: "s", model: "m", manufacturer: "g", osVersion: "14", agentVersion: "24.9.2" },
    });
    expect(errorOf(device)).toMatchObject({ status: 500, code: "internalError" });
    expect(logged.join("\n")).toMatch(/clock failure/);
  });
});

describe("the OpenAPI document", () => {
  it("describes both APIs and the simulator's extensions, with their security", async () => {
    const t = service();
    const doc = await openApi(t.url);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: t.url }]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles",
        "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}/createToken",
        "/beta/deviceManagement/managedDevices/{id}/wipe",
        "/beta/groups/{id}/members/$ref",
        "/beta/users/{id}/assignLicense",
        "/sim/v1/packages",
        "/device/v1/enroll",
        "/device/v1/devices/{deviceId}/checkIn",
        "/device/v1/packages/{packageName}/{versionCode}",
      ]),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminToken", "deviceCredential", "downloadCookie"]);
    expect(doc.paths["/beta/users"]!["post"]!.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths["/device/v1/devices/{deviceId}/checkIn"]!["post"]!.security).toEqual([{ deviceCredential: [] }]);
    expect(JSON.stringify(doc)).toContain("ErrorBody");
  });
});

describe("the OpenAPI document for client generators", () => {
  // Before: no operation had an operationId (generators invented method names), and the QR PNG
  // and package downloads listed no 200, so a generated client had no success type for them.
  it("names every operation with a unique operationId and types the file downloads' 200 as binary", async () => {
    const t = service();
    const doc = await openApi(t.url);
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect((operation as { operationId?: string }).operationId, `${method.toUpperCase()} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
        ids.push((operation as { operationId: string }).operationId);
      }
    }
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
    expect((doc.paths["/beta/deviceManagement/managedDevices/{id}"]!["get"] as { operationId?: string }).operationId).toBe("getBetaDeviceManagementManagedDevicesById");
    for (const [path, mediaType] of [
      ["/sim/v1/enrollmentProfiles/{id}/qrCode.png", "image/png"],
      ["/device/v1/packages/{packageName}/{versionCode}", "application/vnd.android.package-archive"],
    ] as const) {
      const ok = (doc.paths[path]!["get"] as { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }).responses["200"];
      expect(ok?.content?.[mediaType]?.schema, path).toEqual({ type: "string", format: "binary" });
    }
    // The PNG is still served as bytes.
    const profile = await createProfile(t);
    const png = await http(`${t.url}/sim/v1/enrollmentProfiles/${profile.id}/qrCode.png`, { bearer: t.service.adminToken });
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
  });
});
