/**
 * A virtual device against the mock service over HTTP, on a simulated clock: the out-of-box flow
 * and every way the service or the payload can refuse it, ending on the screen a real device shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Jimp } from "jimp";
import { MemoryStorage, writeJson } from "../../agent/device/virtual/storage.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import { HOUR } from "../../agent/machine/checkin-cadence.js";
import { PROFILE, setUpTenant, tearDownTenant, USER, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

const P = "android.app.extra.PROVISIONING_";

/** The agent's package file as the service serves it (the admin token may download it). */
async function agentArchive(versionName: string): Promise<Uint8Array> {
  const offer = (await t.service.admin.listPackages()).find((p) => p.packageName === AGENT_PACKAGE && p.versionName === versionName)!;
  const response = await fetch(offer.downloadUrl, { headers: { authorization: `Bearer ${t.service.adminToken}` } });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}
const EXTRAS = `${P}ADMIN_EXTRAS_BUNDLE`;

describe("a device out of the box", () => {
  it("enrolls with the profile's QR code and installs Company Portal and Authenticator", async () => {
    const device = await t.device();
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    expect(report.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.apps.map((a) => a.package).sort()).toEqual([AUTHENTICATOR_PACKAGE, AGENT_PACKAGE, COMPANY_PORTAL_PACKAGE].sort());
    const states = report.timeline.map((e) => e.state);
    expect(states).toEqual(
      expect.arrayContaining([
        "welcome",
        "scanningQr",
        "checkingPayload",
        "checkingPreconditions",
        "connectingWifi",
        "downloadingAgent",
        "verifyingAgent",
        "installingAgent",
        "settingDeviceOwner",
        "enrolling.requesting",
        "signingIn.waitingForUser",
        "signingIn.verifying.requesting",
        "installingApps.installing.requesting",
        "enrolled.idle",
      ]),
    );
    // The service sees the same device, with the user and the profile's name.
    const listed = await t.service.admin.getManagedDevice(report.deviceId!);
    expect(listed).toMatchObject({ serialNumber: device.identity.serialNumber, userPrincipalName: USER.userPrincipalName, enrollmentProfileName: "Factory 1 devices" });
  });

  it("enrolls from the payload JSON, shown to the camera as a QR code", async () => {
    const device = await t.device({ qr: { payload: t.payload } });
    expect((await device.enroll()).finalState).toBe("enrolled");
  });

  it("gives the same identity for the same seed and a different one for another", async () => {
    const a = await t.device({ seed: 42 });
    const b = await t.device({ seed: 42 });
    const c = await t.device({ seed: 43 });
    expect(a.identity).toEqual(b.identity);
    expect(c.identity.serialNumber).not.toBe(a.identity.serialNumber);
    expect((await t.device({ seed: 42, identity: { serialNumber: "R58N123ABC" } })).identity.serialNumber).toBe("R58N123ABC");
  });

  it("waits at the sign-in screen when nobody signs in", async () => {
    const device = await t.device({ user: undefined as never });
    const report = await device.enroll();
    expect(report.finalStatePath).toBe("signingIn.waitingForUser");
    device.send({ type: "SIGN_IN", ...USER });
    await device.runUntil((d) => d.state === "enrolled.idle");
    expect(device.state).toBe("enrolled.idle");
  });

  it("refuses a wrong password and lets the user try again", async () => {
    const device = await t.device({ user: { userPrincipalName: USER.userPrincipalName, password: "wrong" } });
    const report = await device.enroll();
    expect(report.finalState).toBe("signInFailed");
    expect(report.failure).toMatchObject({ code: "invalidCredentials", screen: "Your account or password is incorrect." });
    device.send({ type: "RETRY" });
    await device.runUntil((d) => d.state === "signingIn.waitingForUser");
    device.send({ type: "SIGN_IN", ...USER });
    await device.runUntil((d) => d.state === "enrolled.idle");
    expect(device.state).toBe("enrolled.idle");
  });

  it("shows the lockout by name on the sign-in screen after ten wrong passwords", async () => {
    const upn = "lockout@contoso.example";
    await t.service.admin.createLicensedUser({ displayName: "Locked Out", userPrincipalName: upn, password: "Passw0rd!" });
    const device = await t.device({ user: { userPrincipalName: upn, password: "wrong" } });
    expect((await device.enroll()).failure).toMatchObject({ code: "invalidCredentials" });
    for (let attempt = 2; attempt <= 11; attempt++) {
      device.send({ type: "RETRY" });
      await device.runUntil((d) => d.state === "signingIn.waitingForUser");
      device.send({ type: "SIGN_IN", userPrincipalName: upn, password: attempt <= 10 ? "wrong" : "Passw0rd!" });
      await device.runUntil((d) => d.failure !== null);
    }
    expect(device.failure).toMatchObject({
      code: "accountLocked",
      screen: "Your account is temporarily locked to prevent unauthorized use. Try again later.",
    });
  });

  it("refuses a user without an Intune licence", async () => {
    await t.service.admin.createUser({ displayName: "No Licence", userPrincipalName: "nolicence@contoso.example", password: "Passw0rd!" });
    const device = await t.device({ user: { userPrincipalName: "nolicence@contoso.example", password: "Passw0rd!" } });
    const report = await device.enroll();
    expect(report.finalState).toBe("signInFailed");
    expect(report.failure?.code).toBe("userNotLicensed");
  });

  it("refuses to enroll with a revoked token and says so", async () => {
    const { profile, qr } = await t.newProfile();
    await t.service.admin.revokeToken(profile.id);
    const report = await (await t.device({ qr: { image: qr } })).enroll();
    expect(report.finalState).toBe("enrollmentFailed");
    expect(report.failure).toMatchObject({ code: "tokenRevoked", status: 401 });
    expect(report.failure?.screen).toMatch(/revoked/);
  });

  it("refuses a token replaced by a newer one, and enrolls with the new QR code", async () => {
    const { profile, qr } = await t.newProfile();
    await t.service.admin.createToken(profile.id);
    const old = await (await t.device({ qr: { image: qr } })).enroll();
    expect(old.failure?.code).toBe("tokenReplaced");
    const fresh = Buffer.from((await t.service.admin.getProfile(profile.id)).qrCodeImage.value, "base64");
    expect((await (await t.device({ qr: { image: fresh } })).enroll()).finalState).toBe("enrolled");
  });

  it("refuses an expired token once the service's clock passes its expiry", async () => {
    const { qr } = await t.newProfile({
      ...PROFILE,
      displayName: "Short-lived",
      tokenExpirationDateTime: new Date(t.clock.now() + HOUR).toISOString(),
    });
    await t.clock.advance(2 * HOUR);
    const report = await (await t.device({ qr: { image: qr } })).enroll();
    expect(report.failure?.code).toBe("tokenExpired");
  });

  it("downloads the agent, then is refused at enrollment, once the QR code's profile is deleted", async () => {
    const { profile, qr } = await t.newProfile();
    await t.service.admin.deleteProfile(profile.id);
    const report = await (await t.device({ qr: { image: qr } })).enroll();
    // The download location knows nothing of profiles: the payload's cookie outlives its profile.
    expect(report.finalState).toBe("enrollmentFailed");
    expect(report.failure?.code).toBe("profileDeleted");
  });

  it("says the QR code carries no enrollment token", async () => {
    const payload = { ...t.payload, [EXTRAS]: { "com.microsoft.intune.aosp.serviceUrl": t.service.url } };
    const report = await (await t.device({ qr: { payload } })).enroll();
    expect(report.finalState).toBe("enrollmentFailed");
    expect(report.failure?.code).toBe("enrollmentTokenMissing");
  });

  it("shows \"Can't set up device\" with the finding for a payload Android rejects", async () => {
    const payload = { ...t.payload };
    delete payload[`${P}DEVICE_ADMIN_COMPONENT_NAME`];
    const report = await (await t.device({ qr: { payload } })).enroll();
    expect(report.finalState).toBe("cantSetUpDevice");
    expect(report.failure?.screen).toMatch(/^Can't set up device/);
    expect(report.failure?.finding).toMatchObject({ severity: "error" });
    expect(report.failure?.finding?.path).toContain("DEVICE_ADMIN_COMPONENT_NAME");
  });

  it("goes on with a hex checksum, as Android does, and stops at \"checksum error\" needing a reset", async () => {
    // The right digest in the wrong encoding: Android skips the non-base64 characters at parse
    // time and only finds the mismatch after downloading the agent.
    const key = `${P}DEVICE_ADMIN_PACKAGE_CHECKSUM`;
    const hex = Buffer.from(String(t.payload[key]), "base64url").toString("hex");
    const report = await (await t.device({ qr: { payload: { ...t.payload, [key]: hex } } })).enroll();
    expect(report.timeline.map((e) => e.state)).toContain("downloadingAgent");
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "checksumError", step: "verifyAgent" });
    expect(report.failure?.screen).toMatch(/checksum error/);
    expect(report.failure?.finding?.rule).toBe("checksum-encoding");
  });

  it("goes on with an ftp:// download location and stops when the download fails", async () => {
    const key = `${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`;
    const ftp = String(t.payload[key]).replace(/^https?:/, "ftp:");
    const report = await (await t.device({ qr: { payload: { ...t.payload, [key]: ftp } } })).enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "downloadFailed", step: "downloadAgent" });
    expect(report.failure?.finding?.rule).toBe("download-location-scheme");
  });

  it("fails the download of an HTTP:// location, which Android's download manager does not accept", async () => {
    const key = `${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`;
    const upper = String(t.payload[key]).replace(/^http:/, "HTTP:");
    const report = await (await t.device({ qr: { payload: { ...t.payload, [key]: upper } } })).enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "downloadFailed", step: "downloadAgent" });
    expect(report.failure?.finding?.rule).toBe("download-location-scheme");
  });

  it("goes on with an admin class name Java would not allow, and finds no such receiver in the agent", async () => {
    const key = `${P}DEVICE_ADMIN_COMPONENT_NAME`;
    const component = "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.Aosp-Receiver";
    const report = await (await t.device({ qr: { payload: { ...t.payload, [key]: component } } })).enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure?.step).toBe("verifyAgent");
    expect(report.failure?.finding?.rule).toBe("admin-component-format");
  });

  it("shows \"Can't set up device\", naming the key, for an admin component it cannot read", async () => {
    const key = `${P}DEVICE_ADMIN_COMPONENT_NAME`;
    const report = await (await t.device({ qr: { payload: { ...t.payload, [key]: "com.microsoft.intune.aospagent" } } })).enroll();
    expect(report.finalState).toBe("cantSetUpDevice");
    expect(report.failure?.finding?.rule).toBe("admin-component-format");
  });

  it("shows \"Can't set up device\" for QR text that is not JSON", async () => {
    const report = await (await t.device({ qr: { payload: "WIFI:S:Contoso;T:WPA;P:secret;;" } })).enroll();
    expect(report.finalState).toBe("cantSetUpDevice");
  });

  it("shows \"Can't set up device\" for a code whose text starts with a byte-order mark", async () => {
    // The simulator's choice: libcore's org.json skips the mark, but the closed setup wizard's parser is not known.
    const text = `\uFEFF${JSON.stringify(t.payload)}`;
    const report = await (await t.device({ qr: { payload: text } })).enroll();
    expect(report.finalState).toBe("cantSetUpDevice");
    expect(report.failure?.finding?.rule).toBe("byte-order-mark");
  });

  it("finds no QR code in a blank picture", async () => {
    const blank = await new Jimp({ width: 200, height: 200, color: 0xffffffff }).getBuffer("image/png");
    const report = await (await t.device({ qr: { image: blank } })).enroll();
    expect(report.finalState).toBe("qrNotFound");
    expect(report.failure?.code).toBe("noQrCode");
  });

  it("refuses a device that is already set up", async () => {
    const storage = new MemoryStorage();
    writeJson(storage, "system/device-owner.json", { packageName: "com.example.dpc", className: "com.example.dpc.Admin" });
    const report = await (await t.device({ storage })).enroll();
    expect(report.finalState).toBe("cantSetUpDevice");
    expect(report.failure).toMatchObject({ code: "alreadyProvisioned", screen: "Device is already set up" });
  });

  it("refuses a device with factory reset protection on", async () => {
    const report = await (await t.device({ resetProtection: true })).enroll();
    expect(report.failure).toMatchObject({ code: "resetProtection" });
    expect(report.failure?.screen).toMatch(/reset protection/);
  });

  it("uses the network it is on when the payload names no Wi-Fi", async () => {
    const { qr } = await t.newProfile({ displayName: "Wired", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: false });
    // Seed 1 has a setup wizard, which put it on a network (a RealWear, seed 7, has none: no-setup-wizard.test.ts).
    const report = await (await t.device({ qr: { image: qr }, seed: 1 })).enroll();
    expect(report.finalState).toBe("enrolled");
    expect(report.timeline.map((e) => e.state)).toContain("checkingNetwork");
    expect(report.timeline.map((e) => e.state)).not.toContain("connectingWifi");
  });

  it("probes for a hidden network the payload says is hidden", async () => {
    const { qr } = await t.newProfile({ displayName: "Hidden", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Back-Office", wifiHidden: true, wifiSecurityType: "wpa", wifiPassword: "back-office-key" });
    const report = await (await t.device({ qr: { image: qr } })).enroll();
    expect(report.finalState).toBe("enrolled");
    expect(report.timeline.some((e) => e.detail === "Probing for hidden network Back-Office")).toBe(true);
  });

  it("never finds a hidden network the payload does not call hidden", async () => {
    const payload = { ...t.payload, [`${P}WIFI_SSID`]: "Back-Office" };
    const device = await t.device({
      qr: { payload },
      environment: { payloadNetwork: "absent", networks: [{ ssid: "Back-Office", hidden: true, security: "WPA", password: "staging-passphrase" }] },
    });
    const report = await device.enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.message).toMatch(/does not broadcast its name/);
  });

  it("joins an open network, and a WEP network with a hex key", async () => {
    const open = await t.newProfile({ displayName: "Open", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Guest", wifiSecurityType: "none" });
    expect((await (await t.device({ qr: { image: open.qr } })).enroll()).finalState).toBe("enrolled");
    const wep = await t.newProfile({ displayName: "WEP", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Old-AP", wifiSecurityType: "wep", wifiPassword: "0123456789abcdef0123456789" });
    expect((await (await t.device({ qr: { image: wep.qr } })).enroll()).finalState).toBe("enrolled");
  });

  it("treats WIFI_SECURITY_TYPE \"WPA2\" as an open network and times out joining the real WPA one", async () => {
    const payload = { ...t.payload, [`${P}WIFI_SECURITY_TYPE`]: "WPA2" };
    const report = await (await t.device({ qr: { payload } })).enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.code).toBe("wifiTimeout");
    expect(report.failure?.message).toMatch(/"WPA2" reads as NONE/);
  });

  it("skips the agent download when its preinstalled agent reaches the payload's minimum version code", async () => {
    const agent = await agentArchive("24.9.2");
    const payload = { ...t.payload, [`${P}DEVICE_ADMIN_MINIMUM_VERSION_CODE`]: 2409002 };
    const device = await t.device({ qr: { payload }, preinstalled: [agent] });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    const states = report.timeline.map((e) => e.state);
    expect(states).not.toContain("downloadingAgent");
    expect(report.timeline.find((e) => e.state === "settingDeviceOwner")!.detail).toMatch(/already installed \(version code 2409002 reaches the minimum 2409002\): no download/);
  });

  it("downloads the agent when the preinstalled one is older than the minimum, or when the payload gives no minimum", async () => {
    const old = await agentArchive("24.5.0");
    const withMinimum = { ...t.payload, [`${P}DEVICE_ADMIN_MINIMUM_VERSION_CODE`]: 2409002 };
    for (const [payload, preinstalled] of [[withMinimum, old], [t.payload, await agentArchive("24.9.2")]] as const) {
      const report = await (await t.device({ qr: { payload }, preinstalled: [preinstalled] })).enroll();
      expect(report.timeline.map((e) => e.state)).toContain("downloadingAgent");
      expect(report.finalState).toBe("enrolled");
    }
  });

  it("keeps its system image's agent through a factory reset (what was installed over it is erased)", async () => {
    const device = await t.device({ preinstalled: [await agentArchive("24.5.0")] });
    expect((await device.enroll()).finalState).toBe("enrolled");
    expect(device.context.agent?.versionName).toBe("24.9.2");
    await t.service.admin.wipe(device.context.enrollment!.deviceId);
    await device.runUntil((d) => d.state === "welcome");
    expect((await device.installedApps()).map((a) => `${a.packageName} ${a.versionName}`)).toEqual([`${AGENT_PACKAGE} 24.5.0`]);
  });

  it("cannot add the network for a WPA passphrase Android cannot use: \"Couldn't connect to Wi-Fi\", no reset needed", async () => {
    // ManagedProvisioning builds the Wi-Fi configuration unchecked; WifiManager.addNetwork refuses it.
    const payload = { ...t.payload, [`${P}WIFI_PASSWORD`]: "short" };
    const device = await t.device({ qr: { payload } });
    const report = await device.enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure).toMatchObject({ code: "wifiAddFailed", screen: "Couldn't connect to Wi-Fi", step: "joinWifi" });
    expect(report.failure?.finding?.rule).toBe("wifi-wpa-passphrase");
    expect(device.snapshot.can({ type: "RETRY", at: 0 })).toBe(true);
  });

  it("cannot add a WPA network without a password, nor one whose SSID is over 32 bytes", async () => {
    const noPassword = { ...t.payload };
    delete noPassword[`${P}WIFI_PASSWORD`];
    const longName = { ...t.payload, [`${P}WIFI_SSID`]: "Contoso-Staging-Network-Of-The-Third-Floor" };
    for (const [payload, rule] of [[noPassword, "wifi-password-missing"], [longName, "wifi-ssid-too-long"]] as const) {
      const report = await (await t.device({ qr: { payload } })).enroll();
      expect(report.finalState).toBe("wifiFailed");
      expect(report.failure?.code).toBe("wifiAddFailed");
      expect(report.failure?.finding?.rule).toBe(rule);
    }
  });
});
