/**
 * Routes Graph serves that the mock does not: 501 `notImplemented` naming the route and what the
 * mock serves there, not Graph's "Resource not found for the segment", which would send a script
 * author looking for a typo in a generated call. A segment Graph lacks keeps Graph's refusal.
 */
import { describe, expect, it } from "vitest";
import { createProfile, DEVICES, enroll, errorOf, licensedUser, useService } from "./support/service.js";

const service = useService();

describe("Graph routes the mock does not simulate", () => {
  it("answers 501 notImplemented for a Graph navigation, an Intune device action and a type cast", async () => {
    const t = service();
    const user = await licensedUser(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body.id as string;
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    const device = (await t.admin("GET", `${DEVICES}?$select=id`)).body.value[0].id as string;

    const sync = errorOf(await t.admin("POST", `${DEVICES}/${device}/syncDevice`));
    expect(sync).toMatchObject({ status: 501, code: "notImplemented" });
    expect(sync.message).toContain("POST /beta/deviceManagement/managedDevices/{id}/syncDevice: the Intune action 'syncDevice' is not simulated by the mock");
    expect(sync.message).toContain("Android (AOSP) devices take wipe and delete only");
    expect(sync.message).toContain("POST /beta/deviceManagement/managedDevices/{id}/wipe");
    for (const action of ["retire", "rebootNow"]) expect(errorOf(await t.admin("POST", `${DEVICES}/${device}/${action}`)).status, action).toBe(501);

    const registered = errorOf(await t.admin("GET", `/beta/users/${user.id}/registeredDevices`));
    expect(registered).toMatchObject({ status: 501, code: "notImplemented" });
    expect(registered.message).toContain("GET /beta/users/{id}/registeredDevices: the microsoft.graph.user navigation 'registeredDevices' is a Graph route the mock does not simulate");
    expect(registered.message).toContain("POST /beta/users/{id}/assignLicense");
    expect(registered.message).toContain("GET /beta/users/{id}/memberOf");
    for (const path of [
      `/beta/users/${user.upn}/licenseDetails`,
      `/beta/groups/${group}/acceptedSenders`,
      `${DEVICES}/${device}/users`,
    ]) {
      expect(errorOf(await t.admin("GET", path)), path).toMatchObject({ status: 501, code: "notImplemented" });
    }

    const cast = errorOf(await t.admin("GET", `/beta/groups/${group}/members/microsoft.graph.user`));
    expect(cast).toMatchObject({ status: 501, code: "notImplemented" });
    expect(cast.message).toContain(`type-cast segments ('microsoft.graph.user') are not simulated by the mock; ask /beta/groups/${group}/members`);
  });

  it("keeps Graph's refusal for a segment Graph lacks", async () => {
    const t = service();
    const user = await licensedUser(t);
    for (const path of ["/beta/me", `/beta/users/${user.id}/shoes`]) {
      const refusal = errorOf(await t.admin("GET", path));
      expect(refusal, path).toMatchObject({ status: 400, code: "BadRequest" });
      expect(refusal.message, path).toMatch(/^Resource not found for the segment '(me|shoes)'/);
    }
  });
});
