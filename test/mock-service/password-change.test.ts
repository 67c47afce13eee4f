/**
 * passwordProfile.forceChangePasswordNextSignIn (and ...WithMfa): a device's sign-in as such a
 * user is refused, naming the flag, until an admin sets a password without it. Before, the flag
 * was accepted and ignored: the sign-in passed with the temporary password.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { screenFor } from "../../agent/machine/failures.js";
import { createProfile, enroll, errorOf, PASSWORD, type TestService, useService } from "./support/service.js";

const service = useService();
const INTUNE_A = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5";

async function userWith(t: TestService, upn: string, flags: Record<string, boolean>): Promise<string> {
  const created = await t.admin("POST", "/beta/users", {
    accountEnabled: true,
    displayName: upn,
    mailNickname: upn.split("@")[0],
    userPrincipalName: upn,
    passwordProfile: { password: PASSWORD, ...flags },
  });
  expect(created.status, created.text).toBe(201);
  const sku = (await t.admin("GET", "/beta/subscribedSkus")).body.value.find((s: { servicePlans: { servicePlanId: string }[] }) =>
    s.servicePlans.some((p) => p.servicePlanId === INTUNE_A),
  );
  expect((await t.admin("POST", `/beta/users/${created.body.id}/assignLicense`, { addLicenses: [{ skuId: sku.skuId }], removeLicenses: [] })).status).toBe(200);
  return created.body.id as string;
}

describe("a password the user must change at the next sign-in", () => {
  it("refuses the device's sign-in naming the flag, until an admin sets a password without it", async () => {
    const t = service();
    const profile = await createProfile(t);
    const id = await userWith(t, "new@contoso.example", { forceChangePasswordNextSignIn: true });
    const device = await enroll(t, profile.tokenValue);
    const signIn = (password: string) => t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "new@contoso.example", password });
    const refused = await signIn(PASSWORD);
    expect(errorOf(refused)).toMatchObject({
      status: 403,
      code: "passwordChangeRequired",
      message: expect.stringContaining("must change the password at this sign-in (passwordProfile.forceChangePasswordNextSignIn is true)"),
    });
    expect(screenFor("passwordChangeRequired")).toMatch(/update your password/);
    // A wrong password is still just a wrong password: the flag is not told to a guesser.
    expect(errorOf(await signIn("Wr0ng-Horse")).code).toBe("invalidCredentials");
    const reset = await t.admin("PATCH", `/beta/users/${id}`, { passwordProfile: { password: "N3w-Horse-Battery", forceChangePasswordNextSignIn: false } });
    expect(reset.status).toBe(204);
    expect((await signIn("N3w-Horse-Battery")).status).toBe(200);
  });

  it("refuses it for forceChangePasswordNextSignInWithMfa too, and not for a user created with both flags false", async () => {
    const t = service();
    const profile = await createProfile(t);
    await userWith(t, "mfa@contoso.example", { forceChangePasswordNextSignInWithMfa: true });
    await userWith(t, "ok@contoso.example", { forceChangePasswordNextSignIn: false, forceChangePasswordNextSignInWithMfa: false });
    const first = await enroll(t, profile.tokenValue);
    const mfa = await t.device(first.deviceCredential, "POST", deviceRoutes.signIn(first.deviceId), { userPrincipalName: "mfa@contoso.example", password: PASSWORD });
    expect(errorOf(mfa)).toMatchObject({ code: "passwordChangeRequired", message: expect.stringContaining("passwordProfile.forceChangePasswordNextSignInWithMfa is true") });
    const second = await enroll(t, profile.tokenValue);
    expect((await t.device(second.deviceCredential, "POST", deviceRoutes.signIn(second.deviceId), { userPrincipalName: "ok@contoso.example", password: PASSWORD })).status).toBe(200);
  });
});

describe("a new password given at the sign-in that asks for one (Entra's Update your password page)", () => {
  it("sets it, clears the flag and signs in; from then on the new password is the password", async () => {
    const t = service();
    const profile = await createProfile(t);
    await userWith(t, "temp@contoso.example", { forceChangePasswordNextSignIn: true });
    const device = await enroll(t, profile.tokenValue);
    const signIn = (body: Record<string, string>) => t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "temp@contoso.example", ...body });
    const changed = await signIn({ password: PASSWORD, newPassword: "N3w-Horse-Battery" });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ userPrincipalName: "temp@contoso.example", passwordChanged: true });
    // The temporary password no longer works; the new one needs no change.
    expect(errorOf(await signIn({ password: PASSWORD })).code).toBe("invalidCredentials");
    const again = await signIn({ password: "N3w-Horse-Battery", newPassword: "An0ther-Horse" });
    expect(again.status).toBe(200);
    expect(again.body.passwordChanged).toBeUndefined();
    expect((await signIn({ password: "N3w-Horse-Battery" })).status).toBe(200);
  });

  it("refuses a new password that is the current one or breaks the password policy (400 newPasswordRefused), and keeps the flag", async () => {
    const t = service();
    const profile = await createProfile(t);
    await userWith(t, "weak@contoso.example", { forceChangePasswordNextSignIn: true });
    const device = await enroll(t, profile.tokenValue);
    const signIn = (body: Record<string, string>) => t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "weak@contoso.example", ...body });
    expect(errorOf(await signIn({ password: PASSWORD, newPassword: PASSWORD }))).toMatchObject({ status: 400, code: "newPasswordRefused", message: expect.stringContaining("the new password is the current one") });
    expect(errorOf(await signIn({ password: PASSWORD, newPassword: "short" }))).toMatchObject({ status: 400, code: "newPasswordRefused", message: expect.stringContaining("8 to 256 characters") });
    expect(errorOf(await signIn({ password: PASSWORD }))).toMatchObject({ code: "passwordChangeRequired", message: expect.stringContaining("--new-password") });
    // A wrong current password is a wrong password, new password or not.
    expect(errorOf(await signIn({ password: "Wr0ng-Horse", newPassword: "N3w-Horse-Battery" })).code).toBe("invalidCredentials");
  });

  it("still refuses forceChangePasswordNextSignInWithMfa, whose multifactor step the simulated user cannot pass", async () => {
    const t = service();
    const profile = await createProfile(t);
    await userWith(t, "mfa2@contoso.example", { forceChangePasswordNextSignInWithMfa: true });
    const device = await enroll(t, profile.tokenValue);
    const refused = await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: "mfa2@contoso.example", password: PASSWORD, newPassword: "N3w-Horse-Battery" });
    expect(errorOf(refused)).toMatchObject({ status: 403, code: "passwordChangeRequired", message: expect.stringContaining("multifactor authentication") });
  });
});
