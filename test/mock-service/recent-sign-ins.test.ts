/**
 * Remembered sign-ins: a password that passed scrypt is not hashed again for a few minutes, and
 * nothing about a sign-in's answer changes with it (a changed password, a disabled account, a
 * lockout and a wrong password are refused as before).
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes, type EnrollResponse } from "../../agent/protocol/device-api.js";
import { hashPassword } from "../../mock-service/domain/secrets.js";
import { RecentSignIns, RECENT_SIGN_IN_TTL_MS } from "../../mock-service/domain/recent-sign-ins.js";
import { createProfile, enroll, errorOf, licensedUser, PASSWORD, useService, type TestService } from "./support/service.js";

describe("RecentSignIns", () => {
  const stored = "scrypt$256$c2FsdA==$aGFzaA==";

  it("holds a remembered password until its time is up, on the clock it is given", () => {
    let now = 1_000;
    const recent = new RecentSignIns(() => now);
    expect(recent.holds(PASSWORD, stored)).toBe(false);
    recent.remember(PASSWORD, stored);
    expect(recent.holds(PASSWORD, stored)).toBe(true);
    now += RECENT_SIGN_IN_TTL_MS - 1;
    expect(recent.holds(PASSWORD, stored)).toBe(true);
    now += 1;
    expect(recent.holds(PASSWORD, stored)).toBe(false);
  });

  it("never holds another password, or the same password against another stored hash (a changed password)", async () => {
    const recent = new RecentSignIns(() => 0);
    const first = await hashPassword(PASSWORD, 4);
    recent.remember(PASSWORD, first);
    expect(recent.holds("Corr3ct-Horse ", first)).toBe(false);
    expect(recent.holds(PASSWORD, await hashPassword(PASSWORD, 4))).toBe(false);
  });

  it("keeps a bounded number, forgetting the oldest first", () => {
    const recent = new RecentSignIns(() => 0, RECENT_SIGN_IN_TTL_MS, 3);
    for (const p of ["a", "b", "c", "d"]) recent.remember(p, stored);
    expect(["a", "b", "c", "d"].map((p) => recent.holds(p, stored))).toEqual([false, true, true, true]);
  });

  it("keeps nothing that holds the password itself", () => {
    const recent = new RecentSignIns(() => 0);
    recent.remember(PASSWORD, stored);
    expect(JSON.stringify([...(recent as unknown as { expiries: Map<string, number> }).expiries.keys()])).not.toContain(PASSWORD);
  });
});

describe("device sign-in after a remembered one", () => {
  const service = useService({ lockoutThreshold: 3, passwordHashCost: 4 });

  async function signIn(t: TestService, device: EnrollResponse, upn: string, password: string) {
    return t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: upn, password });
  }

  async function signedInOnce(t: TestService) {
    const profile = await createProfile(t);
    const user = await licensedUser(t);
    const device = await enroll(t, profile.tokenValue);
    expect((await signIn(t, device, user.upn, PASSWORD)).status).toBe(200);
    return { user, device };
  }

  it("refuses the old password once an admin changes it, and takes the new one", async () => {
    const t = service();
    const { user, device } = await signedInOnce(t);
    expect((await t.admin("PATCH", `/beta/users/${user.id}`, { passwordProfile: { password: "N3w-Password!" } })).status).toBe(204);
    expect(errorOf(await signIn(t, device, user.upn, PASSWORD)).code).toBe("invalidCredentials");
    expect((await signIn(t, device, user.upn, "N3w-Password!")).status).toBe(200);
  });

  it("refuses a remembered password when the account has been disabled since", async () => {
    const t = service();
    const { user, device } = await signedInOnce(t);
    await t.admin("PATCH", `/beta/users/${user.id}`, { accountEnabled: false });
    expect(errorOf(await signIn(t, device, user.upn, PASSWORD)).code).toBe("accountDisabled");
  });

  it("still counts wrong passwords and locks the account, the remembered password included", async () => {
    const t = service();
    const { user, device } = await signedInOnce(t);
    for (let i = 0; i < 3; i++) expect(errorOf(await signIn(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
    expect(errorOf(await signIn(t, device, user.upn, PASSWORD)).code).toBe("accountLocked");
  });

  it("takes the remembered password again after its time is up (it is checked with scrypt then)", async () => {
    const t = service();
    const { user, device } = await signedInOnce(t);
    t.clock.advance(RECENT_SIGN_IN_TTL_MS + 1);
    expect((await signIn(t, device, user.upn, PASSWORD)).status).toBe(200);
  });
});
