/**
 * A JSON body whose Content-Type names a charset, on the admin and the device API. UTF-8 (or no
 * charset) is read as ever; a body declared UTF-16 (a .NET client's `new StringContent(json,
 * Encoding.Unicode, "application/json")`) is decoded as UTF-16, as ASP.NET Core's JSON input
 * formatter does; any other charset is 415 naming it. Before, every body was read as UTF-8: a
 * UTF-16 one was refused as "not valid UTF-8: byte 41 (0xe9)", the charset never named.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { createProfile, enrollRequest, errorOf, http, PROFILES, useService } from "./support/service.js";

const service = useService();
const PROFILE = { displayName: "Lab é ✓", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" };

function utf16(text: string, bigEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from(`${bom ? "\ufeff" : ""}${text}`, "utf16le");
  return bigEndian ? le.swap16() : le;
}

describe("a JSON body declared in a charset", () => {
  it.each([
    ["charset=utf-16, little-endian with a byte-order mark", "utf-16", utf16(JSON.stringify(PROFILE), false, true)],
    ["charset=utf-16, little-endian without one", "utf-16", utf16(JSON.stringify(PROFILE), false, false)],
    ["charset=utf-16, big-endian with a byte-order mark", "utf-16", utf16(JSON.stringify(PROFILE), true, true)],
    ["charset=utf-16, big-endian without one", "utf-16", utf16(JSON.stringify(PROFILE), true, false)],
    ["charset=UTF-16LE", "UTF-16LE", utf16(JSON.stringify(PROFILE), false, false)],
    ["charset=\"utf-16be\"", '"utf-16be"', utf16(JSON.stringify(PROFILE), true, false)],
    ["charset=\"UTF-8\"", '"UTF-8"', Buffer.from(JSON.stringify(PROFILE))],
  ])("admin API, %s: read as such (201)", async (_name, charset, raw) => {
    const t = service();
    const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": `application/json; charset=${charset}` } });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.displayName).toBe("Lab é ✓");
  });

  it("admin API, another charset: 415 naming it", async () => {
    const t = service();
    const raw = Buffer.from(JSON.stringify(PROFILE), "latin1");
    const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json; charset=iso-8859-1" } });
    expect(errorOf(reply)).toEqual({
      status: 415,
      code: "unsupportedMediaType",
      message: "the body is sent with charset=iso-8859-1; the service reads JSON as UTF-8 (RFC 8259), or UTF-16 when the charset says so: send it encoded as UTF-8, with charset=utf-8 or no charset",
    });
  });

  it("admin API, bytes that are not UTF-16 though the charset says so: 400 saying which", async () => {
    const t = service();
    const raw = Buffer.concat([utf16(JSON.stringify(PROFILE), false, false), Buffer.from([0x41])]);
    const reply = await http(`${t.url}${PROFILES}`, { method: "POST", raw, bearer: t.service.adminToken, headers: { "content-type": "application/json; charset=utf-16" } });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(reply.body.error.message).toBe("the request body is not valid UTF-16 (little-endian), as its charset=utf-16 says; send the body encoded as UTF-8, with charset=utf-8 or no charset");
  });

  it("device API: a UTF-16 enrollment enrolls; another charset is 415 in the device API's error body", async () => {
    const t = service();
    const profile = await createProfile(t, { enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
    const request = JSON.stringify(enrollRequest(profile.tokenValue!));
    const enrolled = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: utf16(request, false, true), headers: { "content-type": "application/json; charset=utf-16" } });
    expect(enrolled.status, enrolled.text).toBe(200);
    expect(typeof enrolled.body.deviceId).toBe("string");
    const refused = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", raw: request, headers: { "content-type": "application/json; charset=windows-1252" } });
    expect(refused.status).toBe(415);
    expect(refused.body).toEqual({ error: { code: "unsupportedMediaType", message: expect.stringMatching(/^the body is sent with charset=windows-1252; /) } });
  });
});
