/**
 * Writes as the official Graph SDKs make them, over real HTTP: a read-modify-write PATCH after the
 * service changed a value on its own, `@odata.type` on creates, `null` for nullable properties,
 * a required enrollmentMode, an empty PATCH; and the addresses `$metadata` declares
 * (the deviceManagement singleton, directoryObjects, one terms assignment).
 */
import { describe, expect, it } from "vitest";
import { createProfile, directoryIdOf, enroll, enrolledDevice, errorOf, PROFILES, START_TIME, useService } from "./support/service.js";

const service = useService();
const USER_ASSOCIATED = "corporateOwnedAOSPUserAssociatedDevice";
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const TERMS = "/beta/deviceManagement/termsAndConditions";
const TERMS_BODY = { displayName: "Terms", title: "Terms", bodyText: "Be kind.", acceptanceStatement: "I accept" };

/** The Warning header values of an answer (one per warning). */
function warnings(headers: Headers): string[] {
  return (headers.get("warning") ?? "").split(/, (?=299 )/).filter((w) => w !== "");
}

describe("a read-modify-write PATCH after the service changed a value on its own", () => {
  it("applies the change when devices enrolled in between, naming the counters it ignored", async () => {
    const t = service();
    const stale = (await t.admin("GET", `${PROFILES}/${(await createProfile(t)).id}`)).body;
    await enroll(t, stale.tokenValue);
    await enroll(t, stale.tokenValue);
    const reply = await t.admin("PATCH", `${PROFILES}/${stale.id}`, { ...stale, description: "changed by script" });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ description: "changed by script", enrolledDeviceCount: 2, enrollmentTokenUsageCount: 2 });
    const named = warnings(reply.headers);
    expect(named).toHaveLength(2);
    expect(named[0]).toMatch(/^299 aosp-sim "enrolledDeviceCount was ignored: the service sets it, and the value sent is not its current one/);
    expect(named[1]).toMatch(/^299 aosp-sim "enrollmentTokenUsageCount was ignored/);
  });

  it("applies the change when the token was replaced in between, and keeps the new token", async () => {
    const t = service();
    const stale = (await t.admin("GET", `${PROFILES}/${(await createProfile(t)).id}`)).body;
    t.clock.advance(60_000);
    expect((await t.admin("POST", `${PROFILES}/${stale.id}/createToken`, { tokenValidityInSeconds: 3600 })).status).toBe(204);
    const fresh = (await t.admin("GET", `${PROFILES}/${stale.id}`)).body;
    const reply = await t.admin("PATCH", `${PROFILES}/${stale.id}`, { ...stale, description: "after createToken" });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ description: "after createToken", tokenValue: fresh.tokenValue, tokenExpirationDateTime: fresh.tokenExpirationDateTime });
    const named = warnings(reply.headers).map((w) => /^299 aosp-sim "(\w+) was ignored/.exec(w)?.[1]);
    expect(named).toEqual(["tokenValue", "tokenCreationDateTime", "tokenExpirationDateTime", "qrCodeContent", "qrCodeImage", "lastModifiedDateTime"]);
    expect(reply.headers.get("warning")).toContain("call createToken with tokenValidityInSeconds");
    // revokeToken in between: the same.
    const again = (await t.admin("GET", `${PROFILES}/${stale.id}`)).body;
    expect((await t.admin("POST", `${PROFILES}/${stale.id}/revokeToken`)).status).toBe(204);
    expect((await t.admin("PATCH", `${PROFILES}/${stale.id}`, { ...again, description: "after revokeToken" })).status).toBe(200);
  });

  // Before, a value of the wrong type passed, named only in the Warning header as an earlier read.
  it("refuses a service-set property of another type than a GET answers, as any wrong type", async () => {
    const t = service();
    const { id } = await createProfile(t);
    for (const [name, value] of [["enrolledDeviceCount", "x"], ["lastModifiedDateTime", "not a date"], ["tokenValue", 5]] as const) {
      const reply = await t.admin("PATCH", `${PROFILES}/${id}`, { description: "d", [name]: value });
      expect(errorOf(reply).status, `${name}: ${reply.text}`).toBe(400);
      expect(reply.body.error.message).toContain(name);
    }
  });

  it("still refuses a change to a property that never changes, and to terms' id", async () => {
    const t = service();
    const profile = await createProfile(t);
    const moved = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { ...profile, createdDateTime: "2020-01-01T00:00:00Z" });
    expect(errorOf(moved)).toMatchObject({ status: 400, message: expect.stringContaining("createdDateTime is read-only and cannot be changed") });
    const terms = (await t.admin("POST", TERMS, TERMS_BODY)).body;
    const renamed = await t.admin("PATCH", `${TERMS}/${terms.id}`, { ...terms, id: "7d6f0c1e-0000-4000-8000-000000000000" });
    expect(errorOf(renamed)).toMatchObject({ status: 400, message: expect.stringContaining("id is read-only and cannot be changed") });
  });

  it("applies terms read before another change, naming their modification times", async () => {
    const t = service();
    const stale = (await t.admin("POST", TERMS, TERMS_BODY)).body;
    t.clock.advance(60_000);
    expect((await t.admin("PATCH", `${TERMS}/${stale.id}`, { description: "first" })).status).toBe(200);
    const reply = await t.admin("PATCH", `${TERMS}/${stale.id}`, { ...stale, title: "Second" });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ title: "Second", description: null });
    expect(warnings(reply.headers).map((w) => /"(\w+) was ignored/.exec(w)?.[1])).toEqual(["lastModifiedDateTime", "modifiedDateTime"]);
  });
});

describe("a PATCH that changes nothing", () => {
  it("keeps lastModifiedDateTime of a profile, a policy and terms", async () => {
    const t = service();
    const profile = await createProfile(t);
    const policy = (await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Lockdown" })).body;
    const terms = (await t.admin("POST", TERMS, TERMS_BODY)).body;
    t.clock.advance(60_000);
    for (const [path, before] of [[PROFILES, profile], [CONFIGURATIONS, policy], [TERMS, terms]] as const) {
      for (const body of [{}, { displayName: before.displayName }]) {
        const reply = await t.admin("PATCH", `${path}/${before.id}`, body);
        expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(200);
        expect(reply.body.lastModifiedDateTime, `${path} ${JSON.stringify(body)}`).toBe(START_TIME.toISOString());
      }
    }
    // A real change still moves it.
    const changed = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { description: "new" });
    expect(changed.body.lastModifiedDateTime).toBe(t.clock.now.toISOString());
  });
});

describe("@odata.type on a create", () => {
  it("refuses a type other than the entity set's on every create, naming the expected one", async () => {
    const t = service();
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body;
    const terms = (await t.admin("POST", TERMS, TERMS_BODY)).body;
    const policy = (await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Lockdown" })).body;
    const target = { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id };
    const cases: [string, string, Record<string, unknown>, string][] = [
      [PROFILES, "#microsoft.graph.bogusType", { displayName: "W", enrollmentMode: USER_ASSOCIATED }, "#microsoft.graph.androidDeviceOwnerEnrollmentProfile"],
      [PROFILES, "#microsoft.graph.androidForWorkEnrollmentProfile", { displayName: "W", enrollmentMode: USER_ASSOCIATED }, "#microsoft.graph.androidDeviceOwnerEnrollmentProfile"],
      ["/beta/users", "#microsoft.graph.group", { accountEnabled: true, displayName: "Bob", mailNickname: "bob", userPrincipalName: "bob@contoso.example", passwordProfile: { password: "Corr3ct-Horse" } }, "#microsoft.graph.user"],
      ["/beta/groups", "#microsoft.graph.user", { displayName: "Other", mailEnabled: false, mailNickname: "other", securityEnabled: true }, "#microsoft.graph.group"],
      [TERMS, "#microsoft.graph.bogusType", TERMS_BODY, "#microsoft.graph.termsAndConditions"],
      [`${TERMS}/${terms.id}/assignments`, "#microsoft.graph.deviceConfigurationAssignment", { target }, "#microsoft.graph.termsAndConditionsAssignment"],
      [CONFIGURATIONS, "#microsoft.graph.windows10GeneralConfiguration", { displayName: "Other" }, "#microsoft.graph.aospDeviceOwnerDeviceConfiguration"],
    ];
    for (const [path, odataType, body, expected] of cases) {
      const reply = await t.admin("POST", path, { ...body, "@odata.type": odataType });
      // The directory's sets answer Entra ID's code, Intune's their own.
      const code = path.startsWith("/beta/users") || path.startsWith("/beta/groups") ? "Request_BadRequest" : "invalidRequest";
      expect(errorOf(reply), `${path} ${odataType}`).toMatchObject({ status: 400, code, message: expect.stringContaining(`"${expected}"`) });
      expect(reply.body.error.message, path).toContain(odataType);
    }
    const assign = await t.admin("POST", `${CONFIGURATIONS}/${policy.id}/assign`, {
      assignments: [{ "@odata.type": "#microsoft.graph.termsAndConditionsAssignment", target }],
    });
    expect(errorOf(assign)).toMatchObject({ status: 400, message: expect.stringContaining("assignments[0]") });
    expect(assign.body.error.message).toContain("#microsoft.graph.deviceConfigurationAssignment");
    expect((await t.admin("GET", PROFILES)).body.value).toEqual([]);
  });

  it("accepts the entity set's own type, with or without its '#', as a PATCH does", async () => {
    const t = service();
    for (const odataType of ["#microsoft.graph.androidDeviceOwnerEnrollmentProfile", "microsoft.graph.androidDeviceOwnerEnrollmentProfile"]) {
      expect((await t.admin("POST", PROFILES, { displayName: "W", enrollmentMode: USER_ASSOCIATED, "@odata.type": odataType })).status).toBe(201);
    }
    const policy = await t.admin("POST", CONFIGURATIONS, { "@odata.type": "microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "No hash" });
    expect(policy.status, policy.text).toBe(201);
    const retyped = await t.admin("PATCH", `${CONFIGURATIONS}/${policy.body.id}`, { "@odata.type": "microsoft.graph.aospDeviceOwnerDeviceConfiguration", cameraBlocked: true });
    expect(retyped.status, retyped.text).toBe(200);
    expect((await t.admin("POST", TERMS, { ...TERMS_BODY, "@odata.type": "microsoft.graph.termsAndConditions" })).status).toBe(201);
  });
});

describe("enrollmentMode on a create", () => {
  it("is required, and the refusal names the two AOSP modes", async () => {
    const t = service();
    const reply = await t.admin("POST", PROFILES, { displayName: "nomode" });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest", message: expect.stringContaining('"enrollmentMode" is required') });
    expect(reply.body.error.message).toContain("one of corporateOwnedAOSPUserAssociatedDevice, corporateOwnedAOSPUserlessDevice");
    expect((await t.admin("GET", PROFILES)).body.value).toEqual([]);
  });

  it("is marked required in /openapi.json, with displayName, so generated clients require it", async () => {
    const t = service();
    const document = (await t.admin("GET", "/openapi.json")).body;
    const create = document.paths["/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual(["displayName", "enrollmentMode"]);
    const patch = document.paths["/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}"].patch;
    expect(patch.requestBody.content["application/json"].schema.required).toBeUndefined();
  });
});

describe("null for a nullable property", () => {
  it("clears a profile's text, Wi-Fi and scope tags to what a new profile has, on PATCH and on create", async () => {
    const t = service();
    const profile = await createProfile(t, {
      description: "Line 1",
      wifiSsid: "Staging",
      wifiSecurityType: "none",
      configureWifi: false,
      roleScopeTagIds: ["0", "7"],
      deviceNameTemplate: "LAB-{{SERIALLAST4DIGITS}}",
    });
    for (const name of ["description", "wifiSsid", "wifiPassword", "deviceNameTemplate", "roleScopeTagIds"]) {
      const reply = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { [name]: null });
      expect(reply.status, `${name}: ${reply.text}`).toBe(200);
    }
    const cleared = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    const plain = await createProfile(t, { displayName: "Plain" });
    for (const name of ["description", "wifiSsid", "wifiPassword", "deviceNameTemplate", "roleScopeTagIds"]) {
      expect(cleared[name], name).toEqual((plain as unknown as Record<string, unknown>)[name]);
    }
    const created = await t.admin("POST", PROFILES, {
      displayName: "Nulls",
      enrollmentMode: USER_ASSOCIATED,
      description: null,
      wifiSsid: null,
      wifiPassword: null,
      deviceNameTemplate: null,
      roleScopeTagIds: null,
      tokenExpirationDateTime: null,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ description: "", wifiSsid: "", roleScopeTagIds: ["0"], tokenExpirationDateTime: plain.tokenExpirationDateTime });
  });

  it("is refused where $metadata says Nullable=\"false\"", async () => {
    const t = service();
    const profile = await createProfile(t);
    const reply = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { wifiHidden: null });
    expect(errorOf(reply).status).toBe(400);
    const metadata = (await t.admin("GET", "/beta/$metadata")).text;
    expect(metadata).toContain('<Property Name="wifiHidden" Type="Edm.Boolean" Nullable="false" />');
    expect(metadata).toContain('<Property Name="description" Type="Edm.String" />');
  });
});

describe("terms and conditions assignments", () => {
  it("answer a create with a Location that GET reads, as Graph's termsAndConditionsAssignment get", async () => {
    const t = service();
    const terms = (await t.admin("POST", TERMS, TERMS_BODY)).body;
    const created = await t.admin("POST", `${TERMS}/${terms.id}/assignments`, { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } });
    expect(created.status).toBe(201);
    const location = created.headers.get("location");
    expect(location).toBe(`${t.url}${TERMS}/${terms.id}/assignments/${created.body.id}`);
    const read = await t.admin("GET", location!.slice(t.url.length));
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({
      "@odata.context": `${t.url}/beta/$metadata#deviceManagement/termsAndConditions('${terms.id}')/assignments/$entity`,
      "@odata.type": "#microsoft.graph.termsAndConditionsAssignment",
      id: created.body.id,
      target: expect.objectContaining({ "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" }),
    });
    const unknown = await t.admin("GET", `${TERMS}/${terms.id}/assignments/${terms.id}_nobody`);
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: "itemNotFound" });
  });
});

describe("the addresses $metadata declares", () => {
  it("serves the deviceManagement singleton: the tenant's Intune account, its subscription state and compliance policy settings", async () => {
    const t = service();
    const tenant = (await t.admin("GET", "/beta/organization")).body.value[0].id as string;
    const reply = await t.admin("GET", "/beta/deviceManagement");
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({
      "@odata.context": `${t.url}/beta/$metadata#deviceManagement`,
      "@odata.type": "#microsoft.graph.deviceManagement",
      id: tenant,
      intuneAccountId: tenant,
      subscriptionState: "active",
      settings: { "@odata.type": "#microsoft.graph.deviceManagementSettings", secureByDefault: false, deviceComplianceCheckinThresholdDays: 30 },
    });
  });

  it("serves directoryObjects/{id} as the user, group or device it is, and lists them", async () => {
    const t = service();
    const { device, user } = await enrolledDevice(t);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body;
    const context = `${t.url}/beta/$metadata#directoryObjects/$entity`;
    expect((await t.admin("GET", `/beta/directoryObjects/${user.id}`)).body).toMatchObject({
      "@odata.context": context, "@odata.type": "#microsoft.graph.user", id: user.id, userPrincipalName: user.upn,
    });
    expect((await t.admin("GET", `/beta/directoryObjects/${group.id.toUpperCase()}`)).body).toMatchObject({
      "@odata.context": context, "@odata.type": "#microsoft.graph.group", id: group.id, displayName: "Lab",
    });
    const deviceObject = await directoryIdOf(t, device.deviceId);
    expect((await t.admin("GET", `/beta/directoryObjects/${deviceObject}`)).body).toMatchObject({
      "@odata.context": context, "@odata.type": "#microsoft.graph.device", id: deviceObject,
    });
    const unknown = await t.admin("GET", "/beta/directoryObjects/00000000-0000-4000-8000-000000000000");
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    const list = await t.admin("GET", "/beta/directoryObjects");
    expect(list.body.value.map((o: { "@odata.type": string }) => o["@odata.type"])).toEqual(["#microsoft.graph.user", "#microsoft.graph.group", "#microsoft.graph.device"]);
    const paged = await t.admin("GET", "/beta/directoryObjects?$top=2&$select=id");
    expect(paged.body.value).toHaveLength(2);
    const rest = await t.admin("GET", paged.body["@odata.nextLink"].slice(t.url.length));
    expect(rest.body.value).toEqual([{ "@odata.type": "#microsoft.graph.device", id: deviceObject }]);
  });
});

describe("the deviceManagement singleton of a new tenant", () => {
  const fresh = useService({ tenant: "new" });

  it("is pending until Intune is the MDM authority, then active", async () => {
    const t = fresh();
    expect((await t.admin("GET", "/beta/deviceManagement")).body.subscriptionState).toBe("pending");
    const org = (await t.admin("GET", "/beta/organization")).body.value[0].id as string;
    await t.admin("POST", `/beta/organization/${org}/setMobileDeviceManagementAuthority`);
    expect((await t.admin("GET", "/beta/deviceManagement")).body.subscriptionState).toBe("active");
  });
});

// Before: `{"DisplayName": ...}` on a create was "\"displayName\" is required", and on a PATCH
// "\"DisplayName\" is not a property this route accepts", neither saying that only the case differed.
describe("a property name written in another case", () => {
  it("is named with the spelling the route takes, on a create, a nested object and a PATCH", async () => {
    const t = service();
    const create = errorOf(await t.admin("POST", PROFILES, { DisplayName: "Lab", enrollmentMode: USER_ASSOCIATED }));
    expect(create).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(create.message).toBe('"displayName" is required (the body has "DisplayName": property names are case-sensitive; write "displayName")');
    const user = errorOf(
      await t.admin("POST", "/beta/users", {
        accountEnabled: true, displayName: "Bob", mailNickname: "bob", userPrincipalName: "bob@contoso.example",
        passwordProfile: { forceChangePasswordNextSignIn: false, Password: "Corr3ct-Horse" },
      }),
    );
    expect(user.message).toBe('"passwordProfile.password" is required (the body has "passwordProfile.Password": property names are case-sensitive; write "password")');
    const profile = await createProfile(t);
    const patch = errorOf(await t.admin("PATCH", `${PROFILES}/${profile.id}`, { WifiSsid: "Staging" }));
    expect(patch.message).toBe('"WifiSsid" is not a property this route accepts; property names are case-sensitive: write "wifiSsid"');
    // A name the route has in no case keeps the plain refusal.
    expect(errorOf(await t.admin("PATCH", `${PROFILES}/${profile.id}`, { shoe: 1 })).message).toBe('"shoe" is not a property this route accepts');
  });
});
