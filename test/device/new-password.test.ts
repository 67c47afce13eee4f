/**
 * An account that must change its password at the next sign-in (passwordProfile.
 * forceChangePasswordNextSignIn): Entra ID asks for a new password during that sign-in, and
 * createDevice's user.newPassword is what the user types there. Before, such an account could
 * not enroll at all: the sign-in failed with passwordChangeRequired until an admin reset it.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOUR, SimulatedClock, TranscriptFile, createDevice, startMockService, type MockService } from "../../agent/index.js";
import { deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-new-password-");
const UPN = "casey@contoso.example";
const TEMPORARY = "Temp-Pa55word";
const CHOSEN = "Ch0sen-Pa55word";

let clock: SimulatedClock;
let service: MockService;
let image: Buffer;

beforeEach(async () => {
  clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
  service = await startMockService({ now: () => new Date(clock.now()), passwordHashCost: 4 });
  const user = await service.admin.createLicensedUser({ displayName: "Casey", userPrincipalName: UPN, password: "Fir5t-Password" });
  // An admin's reset: a temporary password the user must change at the next sign-in.
  await service.admin.request("PATCH", `/beta/users/${user.id}`, { passwordProfile: { password: TEMPORARY, forceChangePasswordNextSignIn: true } });
  const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
  image = Buffer.from(profile.qrCodeImage.value, "base64");
});
afterEach(async () => {
  await service.close();
});

describe("createDevice user.newPassword", () => {
  it("enrolls an account that must change its password, setting the new one, which the transcript keeps out", async () => {
    const path = temp.file("new-password.jsonl");
    const transcript = new TranscriptFile(path);
    const device = await createDevice({ qr: { image }, clock, seed: 4, transcript: transcript.write, user: { userPrincipalName: UPN, password: TEMPORARY, newPassword: CHOSEN } });
    const report = await device.enroll();
    expect(report.finalState, JSON.stringify(report.failure)).toBe("enrolled");
    const signedIn = device.records.find((r) => r.kind === "step" && r.eventType === "xstate.done.actor.signIn");
    expect(signedIn?.kind === "step" ? signedIn.output : null).toMatchObject({ userPrincipalName: UPN, passwordChanged: true });
    await transcript.finish(device);
    device.dispose();
    const text = readFileSync(path, "utf8");
    expect(text).toContain('"newPassword"');
    expect(text).not.toContain(CHOSEN);
    expect(text).not.toContain(TEMPORARY);
    // The service now takes the chosen password, with no change asked.
    const next = await createDevice({ qr: { image }, clock, seed: 5, user: { userPrincipalName: UPN, password: CHOSEN } });
    expect((await next.enroll()).finalState).toBe("enrolled");
    next.dispose();
  });

  it("signs in with the new password after a wipe: the user's password is the one they chose", async () => {
    const device = await createDevice({ qr: { image }, clock, seed: 6, user: { userPrincipalName: UPN, password: TEMPORARY, newPassword: CHOSEN } });
    expect((await device.enroll()).finalState).toBe("enrolled");
    await service.admin.wipe(device.context.enrollment!.deviceId);
    await device.runFor(2 * HOUR);
    expect(device.state).toBe("welcome");
    // Set up again: the same person types the password they chose, and no change is asked.
    const again = await device.enroll();
    expect(again.finalState, JSON.stringify(again.failure)).toBe("enrolled");
    expect(device.context.user?.userPrincipalName).toBe(UPN);
    device.dispose();
  });

  it("without a new password the sign-in fails as passwordChangeRequired, saying how to give one", async () => {
    const device = await createDevice({ qr: { image }, clock, seed: 7, user: { userPrincipalName: UPN, password: TEMPORARY } });
    const report = await device.enroll();
    expect(report.finalState).toBe("signInFailed");
    expect(report.failure).toMatchObject({ code: "passwordChangeRequired", message: expect.stringContaining("--new-password") });
    device.dispose();
  });

  it("a new password the policy refuses fails the sign-in as newPasswordRefused", async () => {
    const device = await createDevice({ qr: { image }, clock, seed: 8, user: { userPrincipalName: UPN, password: TEMPORARY, newPassword: "simple" } });
    const report = await device.enroll();
    expect(report.failure).toMatchObject({ code: "newPasswordRefused", message: expect.stringContaining("password complexity requirements") });
    expect(report.failure?.screen ?? "").toMatch(/new password/);
    device.dispose();
  });
});
