/**
 * Enrollment profiles over real HTTP: Graph shape, validation (400 with a Graph error body), the
 * token (create, replace, revoke), the QR payload and image, and the export.
 */
import { describe, expect, it } from "vitest";
import {
  AGENT_ADMIN_COMPONENT,
  AGENT_PACKAGE,
  EXTRA_ENROLLMENT_TOKEN,
  EXTRA_SERVICE_URL,
} from "../../agent/protocol/intune-conventions.js";
import { createProfile, DAY, enroll, errorOf, payloadOf, PROFILES, START_TIME, useService } from "./support/service.js";

const P = "android.app.extra.PROVISIONING_";
const service = useService();

describe("creating an enrollment profile", () => {
  it("answers 201 with every Graph property and a token", async () => {
    const t = service();
    const reply = await t.admin("POST", PROFILES, {
      "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
      displayName: "Factory 1 devices",
      description: "Line 1",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
      wifiSsid: "Staging",
      wifiSecurityType: "wpa",
      wifiPassword: "correct horse",
      wifiHidden: true,
      roleScopeTagIds: ["0", "7"],
      deviceNameTemplate: "LAB-{{SERIALLAST4DIGITS}}",
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("location")).toBe(`${t.url}${PROFILES}/${reply.body.id}`);
    const profile = reply.body;
    expect(profile).toMatchObject({
      "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
      displayName: "Factory 1 devices",
      description: "Line 1",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
      enrollmentTokenType: "default",
      configureWifi: true,
      wifiSsid: "Staging",
      wifiHidden: true,
      wifiSecurityType: "wpa",
      wifiPassword: "correct horse",
      isTeamsDeviceProfile: false,
      roleScopeTagIds: ["0", "7"],
      deviceNameTemplate: "LAB-{{SERIALLAST4DIGITS}}",
      enrolledDeviceCount: 0,
      enrollmentTokenUsageCount: 0,
      createdDateTime: START_TIME.toISOString(),
      lastModifiedDateTime: START_TIME.toISOString(),
      tokenCreationDateTime: START_TIME.toISOString(),
      qrCodeImage: { type: "image/png" },
    });
    expect(profile.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(profile.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(profile["@odata.context"]).toBe(`${t.url}/beta/$metadata#deviceManagement/androidDeviceOwnerEnrollmentProfiles/$entity`);
  });

  it("accepts a create body shaped like Graph's documentation example, ignoring the read-only properties", async () => {
    const t = service();
    const reply = await t.admin("POST", PROFILES, {
      "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
      accountId: "Account Id value",
      displayName: "Display Name value",
      description: "Description value",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
      enrollmentTokenType: "default",
      createdDateTime: "2016-12-31T23:59:43.797191-08:00",
      lastModifiedDateTime: "2017-01-01T00:00:35.1329464-08:00",
      tokenValue: "Token Value value",
      tokenCreationDateTime: "2017-01-01T00:02:43.5775965-08:00",
      tokenExpirationDateTime: "2026-06-01T00:00:00Z",
      enrolledDeviceCount: 3,
      enrollmentTokenUsageCount: 9,
      wifiSsid: "Wifi Ssid value",
      wifiPassword: "Wifi Password value",
      wifiSecurityType: "wpa",
      wifiHidden: true,
      isTeamsDeviceProfile: false,
      qrCodeContent: "Qr Code Content value",
      qrCodeImage: { "@odata.type": "microsoft.graph.mimeContent", type: "Type value", value: "dmFsdWU=" },
      roleScopeTagIds: ["Role Scope Tag Ids value"],
      configureWifi: true,
      deviceNameTemplate: "",
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ accountId: expect.not.stringMatching(/value/), enrolledDeviceCount: 0, enrollmentTokenUsageCount: 0 });
    expect(reply.body.tokenValue).not.toBe("Token Value value");
    expect(reply.body.createdDateTime).toBe(START_TIME.toISOString());
  });

  it("issues a token of at least 128 random bits, different for every profile", async () => {
    const t = service();
    const a = await createProfile(t);
    const b = await createProfile(t);
    expect(a.tokenValue).toMatch(/^[0-9A-HJKMNP-TV-Z]{32}$/); // 32 base32 characters = 160 bits
    expect(a.tokenValue).not.toBe(b.tokenValue);
  });

  it("defaults to a 90-day token and no Wi-Fi", async () => {
    const t = service();
    const profile = await createProfile(t, { displayName: "Defaults" });
    expect(profile.enrollmentMode).toBe("corporateOwnedAOSPUserAssociatedDevice");
    expect(profile.tokenExpirationDateTime).toBe(new Date(START_TIME.getTime() + 90 * DAY).toISOString());
    expect(profile.configureWifi).toBe(false);
    expect(payloadOf(profile)[`${P}WIFI_SSID`]).toBeUndefined();
  });

  it("takes the token expiry it is given", async () => {
    const t = service();
    const expiry = new Date(START_TIME.getTime() + 30 * DAY).toISOString();
    const profile = await createProfile(t, { tokenExpirationDateTime: expiry });
    expect(profile.tokenExpirationDateTime).toBe(expiry);
  });
});

describe("profile validation answers 400 with a Graph error", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a missing name", { description: "no name" }, /displayName.*required/],
    ["a blank name", { displayName: "   " }, /displayName.*required/],
    ["a Wi-Fi type other than none, wpa or wep", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wpa2" }, /wifiSecurityType.*none, wpa, wep/],
    ["WPA without a pre-shared key", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wpa" }, /wifiPassword.*required for wifiSecurityType wpa/],
    ["WEP without a pre-shared key", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wep" }, /wifiPassword.*required for wifiSecurityType wep/],
    ["a WPA key devices cannot use", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wpa", wifiPassword: "short" }, /8 to 63 printable ASCII/],
    // Before, accepted: devices are given it quoted, as a passphrase, which Android's Wi-Fi service refuses.
    ["a WPA key of 64 hex digits", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wpa", wifiPassword: "ab".repeat(32) }, /WPA pre-shared key of 64 hex digits.*give the network's passphrase instead/],
    ["a WEP key of another length", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wep", wifiPassword: "abc" }, /WEP key is text of 5 or 13 bytes in UTF-8 \(5 or 13 ASCII characters\), or 10 or 26 hex digits \(this one is 3 hex digits, not 10, 26 or 58 of them, so the device uses them as ASCII text: a 3-byte key\); devices cannot join with this one/],
    // Before, accepted: Android's Wi-Fi service adds only 5- and 13-byte WEP keys, and these are 29 bytes.
    ["a WEP key of 58 hex digits", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wep", wifiPassword: "ab".repeat(29) }, /\(this one is 58 hex digits, which the device passes raw: a 29-byte \(232-bit\) key\); devices cannot join/],
    ["a WEP key of 12 hex digits", { displayName: "x", wifiSsid: "n", wifiSecurityType: "wep", wifiPassword: "0123456789ab" }, /devices cannot join with this one/],
    ["Wi-Fi on without an SSID", { displayName: "x", configureWifi: true }, /wifiSsid.*required when configureWifi/],
    ["an SSID over 32 bytes", { displayName: "x", wifiSsid: "ü".repeat(17) }, /34 bytes.*at most 32/],
    ["an expiry in the past", { displayName: "x", tokenExpirationDateTime: new Date(START_TIME.getTime() - 1000).toISOString() }, /expire in the future/],
    ["an expiry of now", { displayName: "x", tokenExpirationDateTime: START_TIME.toISOString() }, /expire in the future/],
    ["an expiry over 65 years ahead", { displayName: "x", tokenExpirationDateTime: "2091-03-03T09:00:00.000Z" }, /at most 65 years ahead for user-associated/],
    [
      "a userless expiry over 90 days ahead",
      { displayName: "x", enrollmentMode: "corporateOwnedAOSPUserlessDevice", tokenExpirationDateTime: new Date(START_TIME.getTime() + 91 * DAY).toISOString() },
      /at most 90 days ahead for userless/,
    ],
    ["an enrollment mode that is not AOSP", { displayName: "x", enrollmentMode: "corporateOwnedFullyManaged" }, /enrollmentMode.*corporateOwnedAOSPUserAssociatedDevice/],
    ["an unknown property", { displayName: "x", wifiPassphrase: "y" }, /"wifiPassphrase" is not a property/],
    ["a wrong type", { displayName: "x", wifiHidden: "yes" }, /"wifiHidden" must be a boolean/],
    ["an unknown name macro", { displayName: "x", deviceNameTemplate: "{{IMEI}}" }, /unknown macro \{\{IMEI\}\}/],
    // Before, accepted: Graph's property table allows at most 63 characters.
    ["a name template over 63 characters", { displayName: "x", deviceNameTemplate: `LAB-${"x".repeat(49)}-{{SERIAL}}` }, /^"deviceNameTemplate" is longer than 63 characters$/],
    ["a date that is not a date", { displayName: "x", tokenExpirationDateTime: "next week" }, /tokenExpirationDateTime/],
  ];
  it.each(cases)("refuses %s", async (_name, body, message) => {
    const t = service();
    const reply = await t.admin("POST", PROFILES, { enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", ...body });
    expect(errorOf(reply)).toMatchObject({ status: 400, code: "invalidRequest" });
    expect(reply.body.error.message).toMatch(message);
  });

  it("accepts a name template of exactly 63 characters", async () => {
    const t = service();
    const template = `LAB-${"x".repeat(48)}-{{SERIAL}}`;
    expect(template).toHaveLength(63);
    expect((await createProfile(t, { deviceNameTemplate: template })).deviceNameTemplate).toBe(template);
  });

  it("accepts an expiry exactly 65 years ahead, and 90 days for userless", async () => {
    const t = service();
    await createProfile(t, { tokenExpirationDateTime: "2091-03-02T09:00:00.000Z" });
    await createProfile(t, {
      enrollmentMode: "corporateOwnedAOSPUserlessDevice",
      tokenExpirationDateTime: new Date(START_TIME.getTime() + 90 * DAY).toISOString(),
    });
  });

  it("allows only one Teams profile per tenant", async () => {
    const t = service();
    const teams = await createProfile(t, { displayName: "Teams rooms", isTeamsDeviceProfile: true });
    const second = await t.admin("POST", PROFILES, { displayName: "More rooms", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", isTeamsDeviceProfile: true });
    expect(errorOf(second).status).toBe(400);
    expect(second.body.error.message).toMatch(new RegExp(`only one profile per tenant.*${teams.id}`));
    const other = await createProfile(t, { displayName: "Other" });
    const patch = await t.admin("PATCH", `${PROFILES}/${other.id}`, { isTeamsDeviceProfile: true });
    expect(errorOf(patch).status).toBe(400);
    // The Teams profile itself may be saved again.
    expect((await t.admin("PATCH", `${PROFILES}/${teams.id}`, { isTeamsDeviceProfile: true })).status).toBe(200);
  });
});

describe("reading, changing and deleting profiles", () => {
  it("lists profiles in a Graph envelope and gets one by id", async () => {
    const t = service();
    const a = await createProfile(t, { displayName: "A" });
    const b = await createProfile(t, { displayName: "B" });
    const list = await t.admin("GET", PROFILES);
    expect(list.status).toBe(200);
    expect(list.body["@odata.context"]).toBe(`${t.url}/beta/$metadata#deviceManagement/androidDeviceOwnerEnrollmentProfiles`);
    expect(list.body.value.map((p: { id: string }) => p.id)).toEqual([a.id, b.id]);
    const one = await t.admin("GET", `${PROFILES}/${b.id}`);
    expect(one.body).toMatchObject({ id: b.id, displayName: "B", tokenValue: b.tokenValue });
  });

  it("filters profiles by name and mode, and refuses a filter it cannot apply", async () => {
    const t = service();
    await createProfile(t, { displayName: "Factory 1" });
    const kiosk = await createProfile(t, { displayName: "Kiosks", enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
    const byName = await t.admin("GET", `${PROFILES}?$filter=${encodeURIComponent("displayName eq 'kiosks'")}`);
    expect(byName.body.value.map((p: { id: string }) => p.id)).toEqual([kiosk.id]);
    const byMode = await t.admin("GET", `${PROFILES}?$filter=${encodeURIComponent("enrollmentMode eq 'corporateOwnedAOSPUserlessDevice'")}`);
    expect(byMode.body.value.map((p: { id: string }) => p.id)).toEqual([kiosk.id]);
    const byPrefix = await t.admin("GET", `${PROFILES}?$filter=${encodeURIComponent("startswith(displayName,'K')")}`);
    expect(byPrefix.body.value.map((p: { id: string }) => p.id)).toEqual([kiosk.id]);
    const unsupported = await t.admin("GET", `${PROFILES}?$filter=${encodeURIComponent("startswith(tokenValue,'K')")}`);
    expect(errorOf(unsupported)).toMatchObject({ status: 400, code: "invalidRequest" });
  });

  it("answers 404 itemNotFound for an unknown profile on every profile route", async () => {
    const t = service();
    for (const [method, path] of [
      ["GET", `${PROFILES}/nope`],
      ["PATCH", `${PROFILES}/nope`],
      ["DELETE", `${PROFILES}/nope`],
      ["POST", `${PROFILES}/nope/createToken`],
      ["POST", `${PROFILES}/nope/revokeToken`],
    ] as const) {
      const reply = await t.admin(method, path, method === "PATCH" ? { description: "x" } : undefined);
      expect(errorOf(reply), `${method} ${path}`).toMatchObject({ status: 404, code: "itemNotFound" });
    }
  });

  it("patches writable properties and changes the QR payload's Wi-Fi with them", async () => {
    const t = service();
    const profile = await createProfile(t);
    t.clock.advance(60_000);
    const reply = await t.admin("PATCH", `${PROFILES}/${profile.id}`, {
      displayName: "Renamed",
      wifiSsid: "Warehouse",
      wifiSecurityType: "wep",
      wifiPassword: "0123456789",
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ displayName: "Renamed", configureWifi: false, tokenValue: profile.tokenValue });
    expect(reply.body.lastModifiedDateTime).toBe(new Date(START_TIME.getTime() + 60_000).toISOString());
    const on = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { configureWifi: true });
    const payload = payloadOf(on.body);
    expect(payload[`${P}WIFI_SSID`]).toBe("Warehouse");
    expect(payload[`${P}WIFI_SECURITY_TYPE`]).toBe("WEP");
    expect(payload[`${P}WIFI_PASSWORD`]).toBe("0123456789");
  });

  // Before, a PATCH that gave a profile without Wi-Fi its network answered 200 with no word that the
  // QR code leaves it out (configureWifi stays false, as a PATCH keeps what it does not send).
  it("warns when Wi-Fi settings are sent that configureWifi false leaves out of the QR code, and how to use them", async () => {
    const t = service();
    const profile = await createProfile(t);
    const wifi = { wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "password123" };
    const left = await t.admin("PATCH", `${PROFILES}/${profile.id}`, wifi);
    expect(left.status).toBe(200);
    expect(left.body.configureWifi).toBe(false);
    expect(payloadOf(left.body)[`${P}WIFI_SSID`]).toBeUndefined();
    expect(left.headers.get("warning")).toMatch(
      /^299 aosp-sim "configureWifi is false on this profile, so the QR code leaves out wifiSsid, wifiSecurityType, wifiPassword .*send 'configureWifi': true to use them"$/,
    );
    // Decided either way, nothing is said; sent back as read, nothing is either.
    const off = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { ...wifi, configureWifi: false });
    expect(off.headers.get("warning")).toBeNull();
    const on = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { ...wifi, configureWifi: true });
    expect(on.headers.get("warning")).toBeNull();
    expect(payloadOf(on.body)[`${P}WIFI_SSID`]).toBe("Lab");
    const { qrCodeImage: _image, ...read } = on.body;
    expect((await t.admin("PATCH", `${PROFILES}/${profile.id}`, read)).headers.get("warning")).toBeNull();
    // A create with a key and no network: the SSID is what is missing.
    const keyOnly = await t.admin("POST", PROFILES, {
      displayName: "Key only",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
      wifiSecurityType: "wpa",
      wifiPassword: "password123",
    });
    expect(keyOnly.status).toBe(201);
    expect(keyOnly.headers.get("warning")).toMatch(/no network \(no wifiSsid\), so configureWifi is false and the QR code leaves out wifiSecurityType, wifiPassword: give wifiSsid/);
    const plain = await t.admin("POST", PROFILES, { displayName: "Plain", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    expect(plain.headers.get("warning")).toBeNull();
  });

  it("accepts a GET-modify-PATCH round trip; a new token expiry is ignored with a warning naming createToken; the mode cannot change", async () => {
    const t = service();
    const profile = await createProfile(t);
    const roundTrip = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { ...profile, description: "edited" });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.description).toBe("edited");
    expect(roundTrip.headers.get("warning")).toBeNull();
    const expiry = await t.admin("PATCH", `${PROFILES}/${profile.id}`, {
      tokenExpirationDateTime: new Date(START_TIME.getTime() + 5 * DAY).toISOString(),
    });
    expect(expiry.status).toBe(200);
    expect(expiry.body.tokenExpirationDateTime).toBe(profile.tokenExpirationDateTime);
    expect(expiry.headers.get("warning")).toMatch(/^299 aosp-sim "tokenExpirationDateTime was ignored: .*createToken with tokenValidityInSeconds/);
    const mode = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
    expect(mode.body.error.message).toMatch(/cannot change/);
  });

  it("refuses changing a property that never changes, naming it; the same value sent back is accepted", async () => {
    const t = service();
    const profile = await createProfile(t);
    for (const [name, value] of [
      ["id", "7d6f0c1e-0000-4000-8000-000000000000"],
      ["accountId", "another-tenant"],
      ["createdDateTime", "2020-01-01T00:00:00Z"],
    ] as const) {
      const reply = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { description: "edited", [name]: value });
      expect(errorOf(reply), name).toMatchObject({ status: 400, code: "invalidRequest", message: expect.stringContaining(`${name} is read-only`) });
    }
    const unchanged = await t.admin("GET", `${PROFILES}/${profile.id}`);
    expect(unchanged.body).toMatchObject({ tokenValue: profile.tokenValue, description: profile.description });
    // The same values sent back (a round trip) are no change.
    const echo = { id: profile.id, tokenValue: profile.tokenValue, enrolledDeviceCount: 0, createdDateTime: profile.createdDateTime.replace(".000Z", "Z") };
    const echoed = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { ...echo, description: "edited" });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get("warning")).toBeNull();
    // Its id in capitals is the same id, as in a path (before, "id is read-only and cannot be changed").
    expect((await t.admin("PATCH", `${PROFILES}/${profile.id}`, { id: profile.id.toUpperCase(), description: "edited" })).status).toBe(200);
    // Another entity's type is no edit of this one (before, accepted and ignored).
    const retyped = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { "@odata.type": "#microsoft.graph.user", description: "edited" });
    expect(errorOf(retyped)).toMatchObject({ status: 400, message: expect.stringContaining('"@odata.type" cannot change') });
    expect((await t.admin("PATCH", `${PROFILES}/${profile.id}`, { "@odata.type": "microsoft.graph.androidDeviceOwnerEnrollmentProfile", description: "edited" })).status).toBe(200);
  });

  it("refuses a patch that breaks a rule, and keeps the profile as it was", async () => {
    const t = service();
    const profile = await createProfile(t, { wifiSsid: "Staging" });
    const reply = await t.admin("PATCH", `${PROFILES}/${profile.id}`, { wifiSecurityType: "wpa" });
    expect(errorOf(reply).status).toBe(400);
    expect((await t.admin("GET", `${PROFILES}/${profile.id}`)).body.wifiSecurityType).toBe("none");
  });

  it("deletes a profile with 204; it is gone afterwards", async () => {
    const t = service();
    const profile = await createProfile(t);
    const reply = await t.admin("DELETE", `${PROFILES}/${profile.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await t.admin("GET", `${PROFILES}/${profile.id}`)).status).toBe(404);
    expect((await t.admin("GET", PROFILES)).body.value).toEqual([]);
  });
});

describe("the profile's token", () => {
  it("createToken replaces the token with a new value and expiry (204)", async () => {
    const t = service();
    const profile = await createProfile(t);
    t.clock.advance(1000);
    const reply = await t.admin("POST", `${PROFILES}/${profile.id}/createToken`, { tokenValidityInSeconds: 3600 });
    expect(reply.status).toBe(204);
    const after = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    expect(after.tokenValue).not.toBe(profile.tokenValue);
    expect(after.tokenCreationDateTime).toBe(new Date(START_TIME.getTime() + 1000).toISOString());
    expect(after.tokenExpirationDateTime).toBe(new Date(START_TIME.getTime() + 1000 + 3_600_000).toISOString());
    expect(payloadOf(after)[`${P}ADMIN_EXTRAS_BUNDLE`][EXTRA_ENROLLMENT_TOKEN]).toBe(after.tokenValue);
  });

  it("createToken without a body gives the default validity", async () => {
    const t = service();
    const profile = await createProfile(t);
    expect((await t.admin("POST", `${PROFILES}/${profile.id}/createToken`)).status).toBe(204);
    const after = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    expect(after.tokenExpirationDateTime).toBe(new Date(START_TIME.getTime() + 90 * DAY).toISOString());
  });

  it("createToken applies the same expiry limits", async () => {
    const t = service();
    const userless = await createProfile(t, { enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
    const tooLong = await t.admin("POST", `${PROFILES}/${userless.id}/createToken`, { tokenValidityInSeconds: 91 * 86_400 });
    expect(errorOf(tooLong).status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/90 days/);
    const zero = await t.admin("POST", `${PROFILES}/${userless.id}/createToken`, { tokenValidityInSeconds: 0 });
    expect(errorOf(zero).status).toBe(400);
  });

  it("revokeToken expires the token now (204) and keeps the profile", async () => {
    const t = service();
    const profile = await createProfile(t);
    t.clock.advance(5000);
    const reply = await t.admin("POST", `${PROFILES}/${profile.id}/revokeToken`);
    expect(reply.status).toBe(204);
    const after = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    expect(after.tokenExpirationDateTime).toBe(new Date(START_TIME.getTime() + 5000).toISOString());
  });

  it("counts enrollments with the current token, and resets the count with a new token", async () => {
    const t = service();
    const profile = await createProfile(t);
    await enroll(t, profile.tokenValue);
    await enroll(t, profile.tokenValue);
    let after = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    expect(after).toMatchObject({ enrolledDeviceCount: 2, enrollmentTokenUsageCount: 2 });
    await t.admin("POST", `${PROFILES}/${profile.id}/createToken`);
    await enroll(t, (await t.admin("GET", `${PROFILES}/${profile.id}`)).body.tokenValue);
    after = (await t.admin("GET", `${PROFILES}/${profile.id}`)).body;
    expect(after).toMatchObject({ enrolledDeviceCount: 3, enrollmentTokenUsageCount: 1 });
  });
});

describe("the QR payload the profile issues", () => {
  it("holds the agent component, a versioned agent URL, its checksum, the cookie and the extras", async () => {
    const t = service();
    const profile = await createProfile(t, { wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse", wifiHidden: true });
    const payload = payloadOf(profile);
    const packages = await t.service.admin.listPackages();
    const newestAgent = packages.filter((p) => p.packageName === AGENT_PACKAGE).at(-1)!;
    expect(payload).toEqual({
      [`${P}DEVICE_ADMIN_COMPONENT_NAME`]: AGENT_ADMIN_COMPONENT,
      [`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]: `${t.url}/device/v1/packages/${AGENT_PACKAGE}/${newestAgent.versionCode}`,
      [`${P}DEVICE_ADMIN_PACKAGE_CHECKSUM`]: newestAgent.packageChecksum,
      [`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER`]: expect.stringMatching(/^aospsim_download=[A-Za-z0-9_-]{32}$/),
      [`${P}SKIP_ENCRYPTION`]: false,
      [`${P}LEAVE_ALL_SYSTEM_APPS_ENABLED`]: false,
      [`${P}WIFI_SSID`]: "Staging",
      [`${P}WIFI_HIDDEN`]: true,
      [`${P}WIFI_SECURITY_TYPE`]: "WPA",
      [`${P}WIFI_PASSWORD`]: "correct horse",
      [`${P}ADMIN_EXTRAS_BUNDLE`]: { [EXTRA_ENROLLMENT_TOKEN]: profile.tokenValue, [EXTRA_SERVICE_URL]: t.url },
    });
  });

  it("keeps pointing at the same agent after a newer one is published", async () => {
    const t = service();
    const profile = await createProfile(t);
    const before = payloadOf(profile)[`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`];
    await t.service.admin.publishPackage({ packageName: AGENT_PACKAGE, versionName: "25.1.0" });
    const after = payloadOf((await t.admin("GET", `${PROFILES}/${profile.id}`)).body);
    expect(after[`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]).toBe(before);
    // A new token points at the new agent.
    await t.admin("POST", `${PROFILES}/${profile.id}/createToken`);
    const renewed = payloadOf((await t.admin("GET", `${PROFILES}/${profile.id}`)).body);
    expect(renewed[`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]).toMatch(/\/com\.microsoft\.intune\.aospagent\/2409003$/);
  });

  it("leaves the Wi-Fi password out for an open network", async () => {
    const t = service();
    const payload = payloadOf(await createProfile(t, { wifiSsid: "Open", wifiSecurityType: "none", wifiPassword: "ignored" }));
    expect(payload[`${P}WIFI_SECURITY_TYPE`]).toBe("NONE");
    expect(payload[`${P}WIFI_PASSWORD`]).toBeUndefined();
  });

  it("serves the QR code as a PNG, in qrCodeImage and as a file", async () => {
    const t = service();
    const profile = await createProfile(t);
    const fromGraph = Buffer.from(profile.qrCodeImage.value, "base64");
    expect(fromGraph.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const file = await fetch(`${t.url}/sim/v1/enrollmentProfiles/${profile.id}/qrCode.png`, {
      headers: { authorization: `Bearer ${t.service.adminToken}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(fromGraph);
  });

  it("exports the profile's provisioning JSON as a file, as the console's Export does", async () => {
    const t = service();
    const profile = await createProfile(t, { displayName: "Factory 1 devices" });
    const reply = await t.admin("GET", `/sim/v1/enrollmentProfiles/${profile.id}/export`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-disposition")).toBe(`attachment; filename="Factory 1 devices.json"; filename*=UTF-8''Factory%201%20devices.json`);
    expect(reply.body).toEqual(payloadOf(profile));
  });
});
