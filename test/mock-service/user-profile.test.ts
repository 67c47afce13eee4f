/**
 * A user's profile properties (jobTitle, department, businessPhones, ...), as Graph's Create and
 * Update user take them: kept, read back (those Graph returns only on $select only then), filtered
 * and cleared with null. Before, a PATCH naming one was 400 "a property of microsoft.graph.user
 * that the mock does not simulate", and a create's usageLocation was dropped.
 */
import { describe, expect, it } from "vitest";
import { errorOf, http, licensedUser, PASSWORD, useService } from "./support/service.js";

const service = useService();

describe("a user's profile properties", () => {
  it("are stored by a PATCH and read back, by default or with $select as Graph answers them", async () => {
    const t = service();
    const user = await licensedUser(t);
    const patch = await t.admin("PATCH", `/beta/users/${user.upn}`, { jobTitle: "Technician", department: "Field Ops", officeLocation: "B1", mobilePhone: "+1 555 0101", businessPhones: ["+1 555 0100"] });
    expect(patch.status).toBe(204);
    const read = await t.admin("GET", `/beta/users/${user.id}`);
    expect(read.body).toMatchObject({ jobTitle: "Technician", officeLocation: "B1", mobilePhone: "+1 555 0101", businessPhones: ["+1 555 0100"], givenName: null, surname: null });
    // Graph returns department only on $select.
    expect(read.body).not.toHaveProperty("department");
    const selected = await t.admin("GET", `/beta/users/${user.id}?$select=id,department,city,otherMails`);
    expect(selected.body).toMatchObject({ id: user.id, department: "Field Ops", city: null, otherMails: [] });

    expect((await t.admin("PATCH", `/beta/users/${user.id}`, { jobTitle: null, businessPhones: [] })).status).toBe(204);
    expect((await t.admin("GET", `/beta/users/${user.id}?$select=jobTitle,businessPhones,department`)).body).toMatchObject({ jobTitle: null, businessPhones: [], department: "Field Ops" });
  });

  it("are taken by a create, filtered on, and listed", async () => {
    const t = service();
    const created = await t.admin("POST", "/beta/users", {
      accountEnabled: true, displayName: "Bo", mailNickname: "bo", userPrincipalName: "bo@contoso.example",
      passwordProfile: { password: PASSWORD }, department: "Sales", usageLocation: "US", givenName: "Bo",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ givenName: "Bo", jobTitle: null });
    await licensedUser(t);
    const sales = await t.admin("GET", `/beta/users?$filter=${encodeURIComponent("department eq 'Sales'")}&$select=userPrincipalName,department,usageLocation`);
    expect(sales.body.value).toEqual([{ userPrincipalName: "bo@contoso.example", department: "Sales", usageLocation: "US" }]);
    const unset = await http(`${t.url}/beta/users?$filter=${encodeURIComponent("department eq null")}&$select=userPrincipalName`, { bearer: t.service.adminToken });
    expect(unset.body.value).toEqual([{ userPrincipalName: "ann@contoso.example" }]);
  });

  it("refuses a second business phone, and a property the mock does not keep, saying so", async () => {
    const t = service();
    const user = await licensedUser(t);
    expect(errorOf(await t.admin("PATCH", `/beta/users/${user.id}`, { businessPhones: ["1", "2"] }))).toMatchObject({ status: 400, message: expect.stringContaining("businessPhones") });
    const aboutMe = errorOf(await t.admin("PATCH", `/beta/users/${user.id}`, { aboutMe: "hi" }));
    expect(aboutMe).toMatchObject({ status: 400, message: expect.stringContaining('"aboutMe" is a property of microsoft.graph.user that the mock does not simulate') });
  });
});
