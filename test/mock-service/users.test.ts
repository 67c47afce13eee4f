/**
 * The tenant and its users over real HTTP: organization (MDM authority), subscribed SKUs, users
 * with passwords, licence assignment.
 */
import { describe, expect, it } from "vitest";
import { INTUNE_SKU_ID } from "../../mock-service/admin-client.js";
import { errorOf, PASSWORD, useService } from "./support/service.js";

const EXCHANGE_SKU_ID = "4b9405b0-7788-4568-add1-99614e613b69";
const service = useService();

function newUser(upn = "ann@contoso.example", extra: Record<string, unknown> = {}) {
  return {
    accountEnabled: true,
    displayName: "Ann Example",
    mailNickname: "ann",
    userPrincipalName: upn,
    passwordProfile: { forceChangePasswordNextSignIn: false, password: PASSWORD },
    ...extra,
  };
}

describe("the tenant", () => {
  it("has Intune as its MDM authority", async () => {
    const t = service();
    const reply = await t.admin("GET", "/beta/organization");
    expect(reply.status).toBe(200);
    expect(reply.body.value).toHaveLength(1);
    expect(reply.body.value[0]).toMatchObject({ mobileDeviceManagementAuthority: "intune" });
  });

  it("lists its licences, with the skuIds assignLicense takes", async () => {
    const t = service();
    const reply = await t.admin("GET", "/beta/subscribedSkus");
    const parts = reply.body.value.map((s: { skuPartNumber: string; skuId: string }) => `${s.skuPartNumber} ${s.skuId}`);
    expect(parts).toContain(`INTUNE_A ${INTUNE_SKU_ID}`);
    expect(parts).toContain(`EXCHANGESTANDARD ${EXCHANGE_SKU_ID}`);
  });
});

describe("users", () => {
  it("creates a user with a password (201, Graph shape, no password in the answer)", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/users", newUser());
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      accountEnabled: true,
      displayName: "Ann Example",
      mailNickname: "ann",
      userPrincipalName: "ann@contoso.example",
      assignedLicenses: [],
    });
    expect(reply.text).not.toContain(PASSWORD);
    expect(reply.body.passwordProfile).toBeUndefined();
  });

  it("lists users, finds one by id or by userPrincipalName, and filters by userPrincipalName", async () => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    await t.admin("POST", "/beta/users", newUser("bob@contoso.example"));
    expect((await t.admin("GET", "/beta/users")).body.value).toHaveLength(2);
    expect((await t.admin("GET", `/beta/users/${ann.id}`)).body.userPrincipalName).toBe("ann@contoso.example");
    expect((await t.admin("GET", "/beta/users/ANN@contoso.example")).body.id).toBe(ann.id);
    const filtered = await t.admin("GET", `/beta/users?$filter=${encodeURIComponent("userPrincipalName eq 'bob@contoso.example'")}`);
    expect(filtered.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual(["bob@contoso.example"]);
  });

  it("finds a user by a long userPrincipalName in the path", async () => {
    const t = service();
    const upn = `${"a".repeat(64)}@${"sub.".repeat(9)}example`;
    expect(upn.length).toBeGreaterThan(100);
    const created = await t.admin("POST", "/beta/users", newUser(upn));
    expect(created.status).toBe(201);
    expect((await t.admin("GET", `/beta/users/${encodeURIComponent(upn)}`)).body.id).toBe(created.body.id);
  });

  it("answers 404 for an unknown user", async () => {
    const t = service();
    expect(errorOf(await t.admin("GET", "/beta/users/nobody@contoso.example"))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect(errorOf(await t.admin("PATCH", "/beta/users/nobody", { accountEnabled: false })).status).toBe(404);
    expect(
      errorOf(await t.admin("POST", "/beta/users/nobody/assignLicense", { addLicenses: [], removeLicenses: [] })).status,
    ).toBe(404);
  });

  it("refuses a userPrincipalName taken (in any case) with Entra's sentence and the property in details", async () => {
    const t = service();
    await t.admin("POST", "/beta/users", newUser());
    const reply = await t.admin("POST", "/beta/users", newUser("ANN@CONTOSO.EXAMPLE"));
    expect(errorOf(reply)).toEqual({ status: 400, code: "Request_BadRequest", message: "Another object with the same value for property userPrincipalName already exists." });
    expect(reply.body.error.details).toEqual([expect.objectContaining({ code: "ObjectConflict", target: "userPrincipalName" })]);
  });

  it.each(["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"])(
    "requires %s on create, as Graph's Create user does, and creates nothing without it",
    async (property) => {
      const t = service();
      const { [property as keyof ReturnType<typeof newUser>]: _left, ...body } = newUser();
      const reply = await t.admin("POST", "/beta/users", body);
      expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest", message: `"${property}" is required` });
      expect((await t.admin("GET", "/beta/users")).body.value).toEqual([]);
    },
  );

  it("keeps the mailNickname and accountEnabled it is given", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/users", newUser("dana@contoso.example", { mailNickname: "dana.w", accountEnabled: false }));
    expect(reply.body).toMatchObject({ mailNickname: "dana.w", accountEnabled: false });
    expect(errorOf(await t.admin("POST", "/beta/users", newUser("eve@contoso.example", { mailNickname: "  " })))).toMatchObject({
      status: 400,
      code: "Request_BadRequest",
      message: "Property mailNickname value is required but is empty or missing.",
    });
  });

  it.each([
    ["a character Entra's username policy does not allow", "ann+lab@contoso.example", /the alias 'ann\+lab' must be 1 to 64 of A-Z/],
    ["an alias ending with a period", "ann.@contoso.example", /the alias must not end with a period/],
    ["an alias over 64 characters", `${"a".repeat(65)}@contoso.example`, /must be 1 to 64/],
    ["a domain that is no domain name", "ann@contoso", /the domain 'contoso' must be a domain name/],
    ["a domain over 48 characters", `ann@${"d".repeat(45)}.example`, /up to 48 characters/],
    ["two @", "ann@x@contoso.example", /with one @/],
  ])("refuses a userPrincipalName with %s (Invalid value ... 'userPrincipalName')", async (_name, upn, message) => {
    const reply = await service().admin("POST", "/beta/users", newUser(upn));
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply.body.error.message).toMatch(/^Invalid value specified for property 'userPrincipalName' of resource 'User'/);
    expect(reply.body.error.message).toMatch(message);
  });

  it("refuses a password with a character outside Entra's set (Unicode), even with three kinds, on create and PATCH", async () => {
    const t = service();
    const reply = await t.admin("POST", "/beta/users", newUser("c@contoso.example", { passwordProfile: { password: "pässwörd-2026" } }));
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply.body.error.message).toMatch(/^The specified password does not comply with password complexity requirements: "ä" is not one of the characters/);
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    expect(errorOf(await t.admin("PATCH", `/beta/users/${ann.id}`, { passwordProfile: { password: "Pässwörd 2026" } })).status).toBe(400);
    // The space and every ASCII symbol are allowed.
    expect((await t.admin("PATCH", `/beta/users/${ann.id}`, { passwordProfile: { password: "correct horse 7 ~`|" } })).status).toBe(204);
  });

  it.each([
    ["a userPrincipalName that is not alias@domain", [newUser("ann")], /alias@domain/],
    ["a password without enough kinds of characters", [newUser("c@contoso.example", { passwordProfile: { password: "alllowercase" } })], /complexity/],
    ["a password shorter than 8 characters", [newUser("c@contoso.example", { passwordProfile: { password: "Ab1!" } })], /complexity/],
    ["a missing password", [newUser("c@contoso.example", { passwordProfile: {} })], /passwordProfile\.password" is required/],
  ])("refuses %s with 400", async (_name, bodies, message) => {
    const t = service();
    let reply;
    for (const body of bodies) reply = await t.admin("POST", "/beta/users", body);
    expect(errorOf(reply!)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply!.body.error.message).toMatch(message);
  });

  it("patches a user's display name, account state and password (204)", async () => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const reply = await t.admin("PATCH", `/beta/users/${ann.id}`, { displayName: "Ann E.", accountEnabled: false });
    expect(reply.status).toBe(204);
    expect((await t.admin("GET", `/beta/users/${ann.id}`)).body).toMatchObject({ displayName: "Ann E.", accountEnabled: false });
    const weak = await t.admin("PATCH", `/beta/users/${ann.id}`, { passwordProfile: { password: "weak" } });
    expect(errorOf(weak).status).toBe(400);
  });
});

describe("assignLicense", () => {
  it("adds and removes licences and answers with the user", async () => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const added = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, {
      addLicenses: [{ skuId: INTUNE_SKU_ID, disabledPlans: [] }, { skuId: EXCHANGE_SKU_ID }],
      removeLicenses: [],
    });
    expect(added.status).toBe(200);
    expect(added.body.assignedLicenses.map((l: { skuId: string }) => l.skuId).sort()).toEqual([INTUNE_SKU_ID, EXCHANGE_SKU_ID].sort());
    const removed = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, { addLicenses: [], removeLicenses: [INTUNE_SKU_ID] });
    expect(removed.body.assignedLicenses).toEqual([{ skuId: EXCHANGE_SKU_ID, disabledPlans: [] }]);
  });

  it("refuses a skuId the tenant does not have, naming the ones it has", async () => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const reply = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, {
      addLicenses: [{ skuId: "00000000-0000-0000-0000-000000000000" }],
      removeLicenses: [],
    });
    expect(errorOf(reply).status).toBe(400);
    expect(reply.body.error.message).toMatch(/does not correspond to a valid company License.*INTUNE_A/);
  });

  it("gives each SKU's service plans their ids, and keeps the plans a licence disables", async () => {
    const t = service();
    const skus = (await t.admin("GET", "/beta/subscribedSkus")).body.value as { skuId: string; servicePlans: { servicePlanId: string; servicePlanName: string }[] }[];
    for (const sku of skus) {
      expect(sku.servicePlans.length).toBeGreaterThan(0);
      for (const plan of sku.servicePlans) expect(plan.servicePlanId, plan.servicePlanName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const exchange = skus.find((s) => s.skuId === EXCHANGE_SKU_ID)!.servicePlans[0]!.servicePlanId;
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const added = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, {
      addLicenses: [{ skuId: EXCHANGE_SKU_ID, disabledPlans: [exchange.toUpperCase()] }],
      removeLicenses: [],
    });
    expect(added.body.assignedLicenses).toEqual([{ skuId: EXCHANGE_SKU_ID, disabledPlans: [exchange] }]);
    expect((await t.admin("GET", `/beta/users/${ann.id}`)).body.assignedLicenses).toEqual([{ skuId: EXCHANGE_SKU_ID, disabledPlans: [exchange] }]);
    // Adding a licence the user has already sets its disabled plans anew.
    const again = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, { addLicenses: [{ skuId: EXCHANGE_SKU_ID, disabledPlans: [] }], removeLicenses: [] });
    expect(again.body.assignedLicenses).toEqual([{ skuId: EXCHANGE_SKU_ID, disabledPlans: [] }]);
  });

  it.each([
    ["a disabled plan that is not a GUID", "not-a-guid", /'not-a-guid' is not a GUID/],
    ["a disabled plan the SKU does not include", "9aaf7827-d63c-4b61-89c3-182f06f82e5c", /not a service plan of INTUNE_A.*c1ec4a95-1f05-45b3-a911-aa3fa01094f5/],
  ])("refuses %s, and assigns nothing", async (_name, plan, message) => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const reply = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, { addLicenses: [{ skuId: INTUNE_SKU_ID, disabledPlans: [plan] }], removeLicenses: [] });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(reply.body.error.message).toMatch(message);
    expect((await t.admin("GET", `/beta/users/${ann.id}`)).body.assignedLicenses).toEqual([]);
  });

  it("needs both addLicenses and removeLicenses, as Graph does", async () => {
    const t = service();
    const ann = (await t.admin("POST", "/beta/users", newUser())).body;
    const reply = await t.admin("POST", `/beta/users/${ann.id}/assignLicense`, { addLicenses: [{ skuId: INTUNE_SKU_ID }] });
    expect(errorOf(reply).status).toBe(400);
    expect(reply.body.error.message).toMatch(/"removeLicenses" is required/);
  });
});
