/**
 * Graph's other spellings of a /beta URL, as the official SDKs and scripts write them: query
 * option names without `$` or in another case, keys in parentheses, a trailing slash; and the
 * `$filter` idioms the mock does not take, said as such; and the `OData-Version` header Graph's
 * answers carry.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { createProfile, DEVICES, enroll, enrolledDevice, errorOf, factoryGroup, http, PROFILES, useService, type TestService } from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);
const ids = (reply: { body: { value: { id: string }[] } }) => reply.body.value.map((item) => item.id);

/** Three devices enrolled with one profile, serial numbers in enrollment order. */
async function threeDevices(t: TestService): Promise<string[]> {
  const profile = await createProfile(t);
  const enrolled: string[] = [];
  for (let i = 0; i < 3; i++) enrolled.push((await enroll(t, profile.tokenValue)).deviceId);
  return enrolled;
}

describe("query options without $ (optional on /beta)", () => {
  it("applies filter, orderby, top, count and select as their $ twins, never answering the whole list", async () => {
    const t = service();
    const all = await threeDevices(t);
    const nobody = await t.admin("GET", `${DEVICES}?filter=${q("userPrincipalName eq 'nobody@contoso.example'")}`);
    expect(nobody.status, nobody.text).toBe(200);
    expect(nobody.body.value).toEqual([]);
    expect(ids(await t.admin("GET", `${DEVICES}?Filter=${q(`id eq '${all[1]}'`)}`))).toEqual([all[1]]);

    const sorted = (await t.admin("GET", `${DEVICES}?$orderby=${q("serialNumber desc")}`)).body.value.map((d: { id: string }) => d.id);
    const page = await t.admin("GET", `${DEVICES}?orderby=${q("serialNumber desc")}&top=2&count=true&select=id`);
    expect(page.status, page.text).toBe(200);
    expect(page.body["@odata.count"]).toBe(3);
    expect(ids(page)).toEqual(sorted.slice(0, 2));
    expect(Object.keys(page.body.value[0])).toEqual(["@odata.type", "id"]);

    const entity = await t.admin("GET", `${DEVICES}/${all[0]}?select=id`);
    expect(Object.keys(entity.body)).toEqual(["@odata.context", "@odata.type", "id"]);
  });

  it("applies them on a device's detected apps", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const apps = [
      { packageName: "com.example.notes", versionName: "3.1", versionCode: 31 },
      { packageName: "com.example.mail", versionName: "1.0", versionCode: 10 },
    ];
    const checkIn = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps });
    expect(checkIn.status, checkIn.text).toBe(200);
    const path = `${DEVICES}/${device.deviceId}/detectedApps`;
    expect((await t.admin("GET", path)).body.value.length).toBeGreaterThan(1);
    const filtered = await t.admin("GET", `${path}?filter=${q("displayName eq 'com.example.notes'")}&select=displayName`);
    expect(filtered.body.value).toEqual([{ displayName: "com.example.notes" }]);
  });

  it("refuses an unsupported option without $ as its $ twin, and one given in two spellings as given twice", async () => {
    const t = service();
    for (const name of ["expand", "search", "skip", "Expand"]) {
      const reply = await t.admin("GET", `${DEVICES}?${name}=x`);
      expect(errorOf(reply), name).toMatchObject({ status: 400, code: "invalidRequest" });
      expect(reply.body.error.message).toMatch(new RegExp(`^the query option \\$${name.toLowerCase()} is not supported on this route; it supports \\$filter`));
    }
    const twice = await t.admin("GET", `${DEVICES}?filter=${q("model eq 'a'")}&$filter=${q("model eq 'b'")}`);
    expect(errorOf(twice)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(twice.body.error.message).toBe(
      "the query option $filter is given more than once (2 times, as filter, $filter: names are read in any case, with or without $); give it at most once",
    );
    expect((await t.admin("GET", `${DEVICES}?$TOP=1&top=2`)).body.error.message).toMatch(/\$top is given more than once \(2 times, as \$TOP, top/);
    // An action takes no options, in either spelling.
    expect((await t.admin("POST", `${DEVICES}/x/wipe?filter=a`)).body.error.message).toMatch(/\$filter is not supported on this route; it takes no query options/);
  });

  it("leaves names that are not system query options alone, as custom options", async () => {
    const t = service();
    await threeDevices(t);
    const reply = await t.admin("GET", `${DEVICES}?tenant=contoso&filters=x`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.value).toHaveLength(3);
  });

  it("writes @odata.nextLink with the canonical names, and following it pages on", async () => {
    const t = service();
    const all = await threeDevices(t);
    const first = await t.admin("GET", `${DEVICES}?top=1&Select=id&filter=${q("operatingSystem eq 'AndroidAOSP'")}&count=true`);
    const link = first.body["@odata.nextLink"] as string;
    const params = [...new URL(link).searchParams.keys()];
    expect(params.sort()).toEqual(["$count", "$filter", "$select", "$skiptoken", "$top"]);
    const second = await http(link, { bearer: t.service.adminToken });
    expect(second.status, second.text).toBe(200);
    expect([...ids(first), ...ids(second)]).toEqual(all.slice(0, 2));
  });
});

describe("query option names in any case", () => {
  it("takes the SDK's $skipToken, $TOP and $Select, and $count=TRUE", async () => {
    const t = service();
    const all = await threeDevices(t);
    const first = await t.admin("GET", `${DEVICES}?$TOP=1&$Select=id`);
    expect(first.status, first.text).toBe(200);
    expect(ids(first)).toEqual([all[0]]);
    expect(Object.keys(first.body.value[0])).toEqual(["@odata.type", "id"]);
    const token = new URL(first.body["@odata.nextLink"]).searchParams.get("$skiptoken")!;
    // GraphRequest.skipToken() spells it so, as Graph's own documentation does.
    const second = await t.admin("GET", `${DEVICES}?$top=1&$select=id&$skipToken=${token}`);
    expect(second.status, second.text).toBe(200);
    expect(ids(second)).toEqual([all[1]]);
    for (const value of ["TRUE", "True"]) {
      const counted = await t.admin("GET", `${DEVICES}?$count=${value}&$top=1`);
      expect(counted.status, counted.text).toBe(200);
      expect(counted.body["@odata.count"]).toBe(3);
    }
    expect((await t.admin("GET", `${DEVICES}?$count=FALSE`)).body["@odata.count"]).toBeUndefined();
  });
});

describe("$filter idioms the mock does not take", () => {
  it("says lambda operators and property paths are not supported, and what to write instead", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const lambda = await t.admin("GET", `/beta/groups?$filter=${q("groupTypes/any(c:c eq 'DynamicMembership')")}`);
    expect(errorOf(lambda)).toMatchObject({ status: 400, code: "Request_BadRequest" });
    expect(lambda.body.error.message).toBe(
      "$filter: lambda operators (any, all) are not supported (on 'groupTypes'); filter on the item's own properties with eq, ne, in, startswith, endswith or contains; " +
        "to find dynamic groups, write membershipRuleProcessingState in ('On', 'Paused') (at character 11 of 'groupTypes/any(c:c eq 'DynamicMembership')')",
    );
    const instead = await t.admin("GET", `/beta/groups?$filter=${q("membershipRuleProcessingState in ('On', 'Paused')")}`);
    expect(ids(instead)).toEqual([group.id]);

    const all = await t.admin("GET", `${PROFILES}?$filter=${q("roleScopeTagIds/all(t:t eq '0')")}`);
    expect(all.body.error.message).toMatch(/^\$filter: lambda operators \(any, all\) are not supported \(on 'roleScopeTagIds'\); filter on the item's own properties/);
    const path = await t.admin("GET", `${PROFILES}?$filter=${q("qrCodeImage/type eq 'image/png'")}`);
    expect(path.body.error.message).toMatch(/^\$filter: property paths \('qrCodeImage\/\.\.\.'\) are not supported; filter on the item's own properties/);
    const isof = await t.admin("GET", `${PROFILES}?$filter=${q("isof('microsoft.graph.androidDeviceOwnerEnrollmentProfile')")}`);
    expect(isof.body.error.message).toMatch(/unknown function 'isof'; the functions are startswith, endswith, contains/);
  });
});

describe("trailing slash and key syntax", () => {
  it("takes a collection or an entity path with a trailing slash as the path without it", async () => {
    const t = service();
    const all = await threeDevices(t);
    const list = await t.admin("GET", `${DEVICES}/`);
    expect(list.status, list.text).toBe(200);
    expect(ids(list)).toEqual(all);
    const entity = await t.admin("GET", `${DEVICES}/${all[0]}/?$select=id`);
    expect(entity.body).toMatchObject({ id: all[0] });
  });

  it("addresses an entity as Collection('key'), nested paths and actions included", async () => {
    const t = service();
    const [device] = await threeDevices(t);
    const quoted = await t.admin("GET", `${DEVICES}('${device}')?$select=id`);
    expect(quoted.status, quoted.text).toBe(200);
    expect(quoted.body.id).toBe(device);
    // The quotes escaped, and a GUID key unquoted (its letters in upper case), as OData writes them.
    expect((await t.admin("GET", `${DEVICES}(%27${device}%27)`)).body.id).toBe(device);
    expect((await t.admin("GET", `${DEVICES}(${device!.toUpperCase()})`)).body.id).toBe(device);
    const apps = await t.admin("GET", `${DEVICES}('${device}')/detectedApps`);
    expect(apps.status, apps.text).toBe(200);
    expect(apps.body["@odata.context"]).toContain(`managedDevices('${device}')/detectedApps`);
    expect((await t.admin("GET", `${DEVICES}('${device}')/detectedApps/$count`)).text).toBe(String(apps.body.value.length));
    const user = await t.admin("POST", "/beta/users", {
      displayName: "O'Brien",
      userPrincipalName: "o'brien@contoso.example",
      mailNickname: "obrien",
      accountEnabled: true,
      passwordProfile: { password: "Corr3ct-Horse" },
    });
    expect(user.status, user.text).toBe(201);
    // A quote inside a key is written twice.
    expect((await t.admin("GET", `/beta/users('o''brien@contoso.example')`)).body.id).toBe(user.body.id);
    expect((await t.admin("POST", `${DEVICES}('${device}')/wipe`, {})).status).toBe(204);
  });

  it("refuses an empty or unreadable key as an unknown segment", async () => {
    const t = service();
    for (const segment of ["managedDevices('')", "managedDevices(nokey)"]) {
      const reply = await t.admin("GET", `/beta/deviceManagement/${segment}`);
      expect(errorOf(reply), segment).toMatchObject({ status: 400, code: "BadRequest", message: expect.stringContaining(`segment '${segment}'`) });
    }
  });
});

describe("OData-Version", () => {
  it("is 4.0 on every /beta answer, errors included, and absent elsewhere", async () => {
    const t = service();
    for (const path of [DEVICES, `${DEVICES}/nope`, `${DEVICES}?$expand=x`, "/beta/nothing", "/beta/$metadata"]) {
      expect((await t.admin("GET", path)).headers.get("odata-version"), path).toBe("4.0");
    }
    expect((await http(`${t.url}${DEVICES}`)).headers.get("odata-version")).toBe("4.0");
    expect((await http(`${t.url}/health`)).headers.get("odata-version")).toBeNull();
    expect((await http(`${t.url}/device/v1/devices/x/checkIn`, { method: "POST", json: {} })).headers.get("odata-version")).toBeNull();
  });
});
