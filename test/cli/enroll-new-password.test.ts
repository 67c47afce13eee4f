/**
 * `enroll --new-password` (or AOSP_SIM_NEW_PASSWORD): the new password typed when the account
 * must change its password at this sign-in. Before, such an account could not enroll (the
 * sign-in failed with passwordChangeRequired) and the flag did not exist (exit 2, unknown option).
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-enroll-new-password-");
let service: MockService;
let profileFile: string;

/** A licensed user whose password an admin has just reset: it must be changed at the next sign-in. */
async function resetUser(upn: string): Promise<void> {
  const user = await service.admin.createLicensedUser({ displayName: upn, userPrincipalName: upn, password: "Fir5t-Password" });
  await service.admin.request("PATCH", `/beta/users/${user.id}`, { passwordProfile: { password: "Temp-Pa55word", forceChangePasswordNextSignIn: true } });
}

beforeAll(async () => {
  service = await startMockService({ port: 0, passwordHashCost: 4 });
  const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
  profileFile = temp.file("profile.json");
  writeFileSync(profileFile, JSON.stringify(profile));
});
afterAll(async () => {
  await service.close();
});

describe("enroll --new-password", { timeout: 60_000 }, () => {
  it("enrolls an account that must change its password, which then signs in with the new one", async () => {
    await resetUser("dana@contoso.example");
    const enrolled = await aospSim(["enroll", profileFile, "--user", "dana@contoso.example", "--password", "Temp-Pa55word", "--new-password", "Ch0sen-Pa55word", "--clock", "simulated", "--seed", "3", "--json"]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(JSON.parse(enrolled.stdout)).toMatchObject({ finalState: "enrolled" });
    const again = await aospSim(["enroll", profileFile, "--user", "dana@contoso.example", "--clock", "simulated", "--seed", "4", "--json"], { env: { AOSP_SIM_PASSWORD: "Ch0sen-Pa55word" } });
    expect(again.code, again.stderr).toBe(0);
  });

  it("takes the new password from AOSP_SIM_NEW_PASSWORD; without one the failure names --new-password", async () => {
    await resetUser("eli@contoso.example");
    const args = ["enroll", profileFile, "--user", "eli@contoso.example", "--password", "Temp-Pa55word", "--clock", "simulated", "--seed", "5"];
    const refused = await aospSim(args);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/passwordChangeRequired[\s\S]*--new-password/);
    const enrolled = await aospSim(args, { env: { AOSP_SIM_NEW_PASSWORD: "Ch0sen-Pa55word" } });
    expect(enrolled.code, enrolled.stdout + enrolled.stderr).toBe(0);
  });

  it("refuses --new-password without --user, exit 2", async () => {
    const result = await aospSim(["enroll", profileFile, "--new-password", "Ch0sen-Pa55word", "--clock", "simulated"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aosp-sim: --new-password: is the new password of the account --user signs in as\n\s+fix: pass --user UPN --password PW with it/);
  });
});
