/**
 * Smart lockout on the device API's sign-in: after the threshold of failed sign-ins for an account
 * name, sign-ins for that name are refused (429 accountLocked, Retry-After) for a lockout that
 * grows, whether or not the account exists.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes, type EnrollResponse } from "../../agent/protocol/device-api.js";
import { createProfile, enroll, errorOf, licensedUser, PASSWORD, useService, type TestService } from "./support/service.js";

const service = useService({ lockoutThreshold: 3 });

async function signInAs(t: TestService, device: EnrollResponse, upn: string, password: string) {
  return t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: upn, password });
}

async function setUp(t: TestService) {
  const profile = await createProfile(t);
  const user = await licensedUser(t);
  const device = await enroll(t, profile.tokenValue);
  return { user, device };
}

describe("sign-in lockout", () => {
  it("locks an account after the threshold of wrong passwords, refusing even the right one until the lockout ends", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    for (let i = 0; i < 3; i++) expect(errorOf(await signInAs(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
    const locked = await signInAs(t, device, user.upn, PASSWORD);
    expect(errorOf(locked)).toEqual({ status: 429, code: "accountLocked", message: "too many failed sign-ins for this account; it is locked for 60 more seconds, try again then" });
    expect(locked.headers.get("retry-after")).toBe("60");
    t.clock.advance(30_000);
    expect((await signInAs(t, device, user.upn, PASSWORD)).headers.get("retry-after")).toBe("30");
    t.clock.advance(30_000);
    expect((await signInAs(t, device, user.upn, PASSWORD)).status).toBe(200);
  });

  it("locks for longer each time: after a lockout, one more failure locks again for twice as long", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    for (let i = 0; i < 3; i++) await signInAs(t, device, user.upn, "Wr0ng-password");
    t.clock.advance(60_000);
    expect(errorOf(await signInAs(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
    expect((await signInAs(t, device, user.upn, PASSWORD)).headers.get("retry-after")).toBe("120");
  });

  it("answers an unknown account exactly as a real one, so the refusal reveals nothing", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    const replies = [];
    for (const upn of [user.upn, "nobody@contoso.example"]) {
      for (let i = 0; i < 3; i++) await signInAs(t, device, upn, "Wr0ng-password");
      const reply = await signInAs(t, device, upn, PASSWORD);
      replies.push({ ...errorOf(reply), retryAfter: reply.headers.get("retry-after") });
    }
    expect(replies[1]).toEqual(replies[0]);
  });

  it("checks at most the threshold of a burst of parallel guesses; the rest are refused", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    const replies = await Promise.all(Array.from({ length: 20 }, () => signInAs(t, device, ` ${user.upn.toUpperCase()} `, "Wr0ng-password")));
    const codes = replies.map((r) => errorOf(r).code);
    expect(codes.filter((c) => c === "invalidCredentials")).toHaveLength(3);
    expect(codes.filter((c) => c === "accountLocked")).toHaveLength(17);
    expect(replies.every((r) => r.headers.get("retry-after") !== null || r.status === 401)).toBe(true);
  });

  it("lets a burst of parallel sign-ins with the right password through, the threshold at a time", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    // A fleet's devices sharing one user. Before, 17 of these 20 were refused: "too many failed
    // sign-ins for this account", although none had failed.
    const replies = await Promise.all(Array.from({ length: 20 }, () => signInAs(t, device, user.upn, PASSWORD)));
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    // And the name is left with no record: a wrong password afterwards is one failure, not a lockout.
    expect(errorOf(await signInAs(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
    expect((await signInAs(t, device, user.upn, PASSWORD)).status).toBe(200);
  });

  it("forgets the failures after a successful sign-in", async () => {
    const t = service();
    const { user, device } = await setUp(t);
    for (let i = 0; i < 2; i++) await signInAs(t, device, user.upn, "Wr0ng-password");
    expect((await signInAs(t, device, user.upn, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect(errorOf(await signInAs(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
  });
});

describe("the default threshold", () => {
  const defaults = useService();

  it("is 10 failed sign-ins, as in Entra", async () => {
    const t = defaults();
    const { user, device } = await setUp(t);
    for (let i = 0; i < 10; i++) expect(errorOf(await signInAs(t, device, user.upn, "Wr0ng-password")).code).toBe("invalidCredentials");
    expect(errorOf(await signInAs(t, device, user.upn, PASSWORD)).code).toBe("accountLocked");
  });
});
