/**
 * The device API's 401s: the challenge header RFC 9110 requires on every one, and a message as
 * precise as the admin API's for each way an Authorization header (or download cookie) fails.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { AGENT_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import { createProfile, enroll, enrolledDevice, enrollRequest, errorOf, http, useService } from "./support/service.js";

const service = useService();
const CHALLENGE = 'Bearer realm="aosp-sim"';

/** Every route that takes the device credential, with the device id filled in. */
function credentialRoutes(deviceId: string): [string, string][] {
  return [
    ["POST", deviceRoutes.signIn(deviceId)],
    ["POST", deviceRoutes.checkIn(deviceId)],
    ["GET", deviceRoutes.updates(deviceId)],
    ["POST", deviceRoutes.acknowledge(deviceId, "some-action")],
    ["POST", deviceRoutes.logs(deviceId)],
    ["POST", deviceRoutes.policyStates(deviceId)],
    ["POST", deviceRoutes.acceptTerms(deviceId, "some-terms")],
    ["GET", deviceRoutes.package(AGENT_PACKAGE, 1)],
  ];
}

describe("the device API's 401", () => {
  it("carries WWW-Authenticate on every route and for every way the credential fails", async () => {
    const t = service();
    for (const [method, path] of credentialRoutes("some-device")) {
      for (const authorization of [undefined, "Basic", "Basic YWRtaW46cGFzcw==", "Bearer", "Bearer a b", "Bearer zzz"]) {
        const reply = await http(`${t.url}${path}`, { method, headers: authorization === undefined ? {} : { authorization }, ...(method === "POST" ? { json: {} } : {}) });
        const what = `${method} ${path} ${authorization}`;
        expect(errorOf(reply), what).toMatchObject({ status: 401, code: "unauthorized" });
        expect(reply.headers.get("www-authenticate"), what).toBe(CHALLENGE);
        // The device API's error contract: {"error": {"code", "message"}}, nothing more.
        expect(Object.keys(reply.body), what).toEqual(["error"]);
        expect(Object.keys(reply.body.error), what).toEqual(["code", "message"]);
      }
    }
  });

  it("carries it on the 401s of a refused enrollment token and a refused sign-in too", async () => {
    const t = service();
    const unknownToken = await http(`${t.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest("no-such-token") });
    expect(errorOf(unknownToken)).toMatchObject({ status: 401, code: "tokenUnknown" });
    expect(unknownToken.headers.get("www-authenticate")).toBe(CHALLENGE);
    const profile = await createProfile(t);
    const device = await enroll(t, profile.tokenValue);
    const signIn = await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "nobody@contoso.example", password: "wrong" });
    expect(errorOf(signIn)).toMatchObject({ status: 401, code: "invalidCredentials" });
    expect(signIn.headers.get("www-authenticate")).toBe(CHALLENGE);
  });
});

describe("the device API's 401 message", () => {
  const send = "send the device credential issued at enrollment as Authorization: Bearer <credential>";
  const cases: [string | undefined, string][] = [
    [undefined, `the request has no Authorization header; ${send}`],
    ["Bearer", `the Authorization header says Bearer with no credential after it; ${send}`],
    ["Bearer a b", `the Authorization header's Bearer credential holds a space, which no credential has; ${send}, the credential alone after the scheme`],
    ["Bearer zzz", `this device credential is not one the service issued; ${send} (a device reset or a new service database needs a new enrollment)`],
    ["Basic YWRtaW46cGFzcw==", `the Authorization header uses the Basic scheme; the device API takes only Bearer: ${send}`],
  ];

  it("says what is wrong with the header, and how to fix it, on the routes of a device", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    for (const [authorization, message] of cases) {
      for (const [method, path] of credentialRoutes(device.deviceId).filter(([, path]) => !path.includes("/packages/"))) {
        const reply = await http(`${t.url}${path}`, { method, headers: authorization === undefined ? {} : { authorization }, ...(method === "POST" ? { json: {} } : {}) });
        expect(reply.body.error, `${path} ${authorization}`).toEqual({ code: "unauthorized", message });
      }
    }
  });

  it("says the same on a package download, naming the download cookie as the other way in", async () => {
    const t = service();
    const path = `${t.url}${deviceRoutes.package(AGENT_PACKAGE, 1)}`;
    const other = "or the download cookie from the QR payload as the Cookie header";
    const expected: [Record<string, string>, string][] = [
      [{}, `the request has neither a download cookie nor an Authorization header; send the download cookie from the QR payload as the Cookie header, or a device credential as Authorization: Bearer <credential>`],
      [{ cookie: "aospsim_download=guess" }, `the Cookie header holds no download cookie the service issued; send the download cookie from the QR payload as the Cookie header, or a device credential as Authorization: Bearer <credential>`],
      [{ authorization: "Bearer" }, `the Authorization header says Bearer with no credential after it; send a device credential as Authorization: Bearer <credential>, ${other}`],
      [{ authorization: "Bearer a b" }, `the Authorization header's Bearer credential holds a space, which no credential has; send a device credential alone after the scheme, Authorization: Bearer <credential>, ${other}`],
      [{ authorization: "Bearer zzz" }, `this Bearer credential is not one the service issued to an enrolled device; send an enrolled device's credential as Authorization: Bearer <credential>, ${other}`],
      [{ authorization: "Basic YWRtaW46cGFzcw==" }, `the Authorization header uses the Basic scheme; the device API takes only Bearer: send a device credential as Authorization: Bearer <credential>, ${other}`],
    ];
    for (const [headers, message] of expected) {
      const reply = await http(path, { headers });
      expect(reply.body.error, JSON.stringify(headers)).toEqual({ code: "unauthorized", message });
    }
  });
});
