/**
 * Properties Graph beta declares on user, group and managedDevice that the mock does not simulate:
 * `$select` answers them as Graph answers an unset property; `$filter`, `$orderby` and a PATCH
 * refuse them saying the mock does not simulate them; a name Graph does not declare keeps Graph's
 * "Could not find a property named" refusal.
 */
import { describe, expect, it } from "vitest";
import { createProfile, DEVICES, enroll, errorOf, licensedUser, useService } from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);

describe("properties Graph declares that the mock does not simulate", () => {
  it("answers $select of them on users, groups and managed devices as Graph answers them unset", async () => {
    const t = service();
    const user = await licensedUser(t);
    await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true });
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);

    const users = await t.admin("GET", `/beta/users?$select=${q("id,jobTitle,department,businessPhones,userType")}`);
    expect(users.status, users.text).toBe(200);
    expect(users.body.value).toEqual([{ id: user.id, jobTitle: null, department: null, businessPhones: [], userType: null }]);
    const one = await t.admin("GET", `/beta/users/${user.id}?$select=${q("id,JobTitle")}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ id: user.id, jobTitle: null });

    const groups = await t.admin("GET", `/beta/groups?$select=${q("id,securityIdentifier,proxyAddresses")}`);
    expect(groups.status, groups.text).toBe(200);
    expect(groups.body.value[0]).toEqual({ id: expect.any(String), securityIdentifier: null, proxyAddresses: [] });

    const devices = await t.admin(
      "GET",
      `${DEVICES}?$select=${q("id,imei,wiFiMacAddress,usersLoggedOn,deviceCategoryDisplayName,totalStorageSpaceInBytes,easActivated,easActivationDateTime")}`,
    );
    expect(devices.status, devices.text).toBe(200);
    expect(devices.body.value[0]).toEqual({
      "@odata.type": "#microsoft.graph.managedDevice",
      id: expect.any(String),
      imei: null,
      wiFiMacAddress: null,
      usersLoggedOn: [],
      deviceCategoryDisplayName: "Unknown",
      totalStorageSpaceInBytes: 0,
      easActivated: false,
      easActivationDateTime: "0001-01-01T00:00:00Z",
    });
  });

  it("keeps Graph's refusal for a name Graph does not declare", async () => {
    const t = service();
    const reply = await t.admin("GET", `/beta/users?$select=${q("id,shoeSize")}`);
    expect(errorOf(reply)).toMatchObject({ status: 400 });
    expect(errorOf(reply).message).toContain("could not find a property named 'shoeSize' on type 'microsoft.graph.user'");
  });

  it("refuses $filter and $orderby on them saying the mock does not simulate them, not that Graph lacks them", async () => {
    const t = service();
    for (const path of [`${DEVICES}?$filter=${q("imei eq '1'")}`, `${DEVICES}?$orderby=imei`]) {
      const reply = await t.admin("GET", path);
      expect(errorOf(reply).status, path).toBe(400);
      expect(errorOf(reply).message, path).toContain("'imei' is a property of microsoft.graph.managedDevice that the mock does not simulate");
      expect(errorOf(reply).message, path).not.toContain("could not find");
    }
  });

  it("refuses a write of one saying the mock does not simulate it, and keeps Graph's refusal for an unknown name", async () => {
    const t = service();
    const user = await licensedUser(t);
    const patch = await t.admin("PATCH", `/beta/users/${user.id}`, { displayName: "Ann", aboutMe: "Technician" });
    expect(errorOf(patch)).toMatchObject({ status: 400 });
    expect(errorOf(patch).message).toMatch(
      /^"aboutMe" is a property of microsoft.graph.user that the mock does not simulate, so it cannot be written here; this route writes accountEnabled, displayName, mailNickname, passwordProfile, jobTitle, department, /,
    );
    const unknown = await t.admin("PATCH", `/beta/users/${user.id}`, { shoeSize: 9 });
    expect(errorOf(unknown).message).toBe('"shoeSize" is not a property this route accepts');
  });
});
