/**
 * The seed's prerequisites over real HTTP: Intune as the tenant's MDM authority (a new tenant has
 * none, and refuses AOSP profiles until it is set), and the 21Vianet cloud, which never allows them.
 */
import { describe, expect, it } from "vitest";
import { errorOf, PROFILES, useService } from "./support/service.js";

const body = { displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" };

describe("a new tenant", () => {
  const service = useService({ tenant: "new" });

  it("has no MDM authority and refuses an AOSP profile with what the admin must do", async () => {
    const t = service();
    const org = (await t.admin("GET", "/beta/organization")).body.value[0];
    expect(org.mobileDeviceManagementAuthority).toBe("unknown");
    const refused = await t.admin("POST", PROFILES, body);
    expect(errorOf(refused)).toMatchObject({ status: 400, code: "mdmAuthorityNotSet" });
    expect(refused.body.error.message).toContain(`POST /beta/organization/${org.id}/setMobileDeviceManagementAuthority`);
    expect((await t.admin("GET", PROFILES)).body.value).toEqual([]);
  });

  it("creates profiles once Intune is set as the MDM authority, and setting it again changes nothing", async () => {
    const t = service();
    const org = (await t.admin("GET", "/beta/organization")).body.value[0];
    const set = await t.admin("POST", `/beta/organization/${org.id}/setMobileDeviceManagementAuthority`);
    expect(set.status).toBe(200);
    expect(set.body.value).toBe(1);
    expect((await t.admin("GET", "/beta/organization")).body.value[0].mobileDeviceManagementAuthority).toBe("intune");
    // The entity the action is bound to answers by its id too (before, 404 "no route").
    const byId = await t.admin("GET", `/beta/organization/${org.id.toUpperCase()}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: org.id, mobileDeviceManagementAuthority: "intune", "@odata.context": expect.stringContaining("$metadata#organization/$entity") });
    expect((await t.admin("GET", "/beta/organization/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await t.admin("POST", `/beta/organization/${org.id}/setMobileDeviceManagementAuthority`)).status).toBe(200);
    expect((await t.admin("POST", PROFILES, body)).status).toBe(201);
  });

  it("answers 404 for another organization's id", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/organization/00000000-0000-0000-0000-000000000000/setMobileDeviceManagementAuthority");
    expect(errorOf(reply)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
  });
});

describe("a tenant operated by 21Vianet", () => {
  const service = useService({ cloud: "21vianet" });

  it("refuses AOSP profiles with the reason, even with Intune as its authority", async () => {
    const t = service();
    const refused = await t.admin("POST", PROFILES, body);
    expect(errorOf(refused)).toMatchObject({ status: 400, code: "aospNotAvailableIn21Vianet" });
    expect(refused.body.error.message).toContain("not available in Microsoft Azure operated by 21Vianet");
  });
});

describe("the default tenant", () => {
  const service = useService();

  it("is ready: Intune is its MDM authority", async () => {
    const t = service();
    expect((await t.admin("GET", "/beta/organization")).body.value[0].mobileDeviceManagementAuthority).toBe("intune");
    expect((await t.admin("POST", PROFILES, body)).status).toBe(201);
  });
});
