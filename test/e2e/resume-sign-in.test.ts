/**
 * The password typed at sign-in lives in the sign-in screen's memory, never in the device's
 * storage: a device stopped (or killed, or its power cut) while signing in comes back at the
 * sign-in screen, and the account is typed again. The built CLI against a live service started here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { ANN, serviceWithAnnForFile } from "../helpers/live-account.js";

const temp = deviceTempDir("aosp-resume-sign-in-");
const USER = ANN;
const payload = temp.file("payload.json");
serviceWithAnnForFile(payload);

/** Every file the device keeps, as one text. */
const stored = (dir: string) => readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");

describe("enroll --device-dir stopped while signing in", { timeout: 120_000 }, () => {
  it("keeps no password, and resumes at the sign-in screen, where the account is typed again", async () => {
    const dir = temp.file("dev-until");
    const first = await aospSim(["enroll", payload, "--seed", "2", "--clock", "simulated", "--user", USER.upn, "--password", USER.password, "--device-dir", dir, "--until", "signingIn.verifying"]);
    expect(first.code, first.stderr).toBe(0);
    // Before: "credentials":{"userPrincipalName":"ann@contoso.example","password":"Corr3ct-Horse"} in the snapshot.
    expect(stored(dir)).not.toContain(USER.password);
    // Before: "Powered on; resuming: Signing in as ann@contoso.example ... Enrolled", exit 0, without the password.
    const bare = await aospSim(["enroll", payload, "--seed", "2", "--clock", "simulated", "--device-dir", dir]);
    expect(bare.stdout).toMatch(/signingIn\.waitingForUser +power on +Powered on; resuming: .*sign in to your work account/);
    expect(bare.stdout).toMatch(/--user UPN --password PW/);
    expect(bare.code).toBe(1);
    const typed = await aospSim(["enroll", payload, "--seed", "2", "--clock", "simulated", "--user", USER.upn, "--password", USER.password, "--device-dir", dir]);
    expect(typed.stdout).toMatch(/Enrolled/);
    expect(typed.code).toBe(0);
  });

  it("power-loss@signingIn.verifying: back at the sign-in screen, the user signs in again", async () => {
    const run = await aospSim(["enroll", payload, "--seed", "2", "--clock", "simulated", "--user", USER.upn, "--password", USER.password, "--fault", "power-loss@signingIn.verifying"]);
    // Before: "Powered on; resuming: Signing in as ann@contoso.example", the remembered password sent again.
    expect(run.stdout).toMatch(/signingIn\.waitingForUser +power on +Powered on; resuming: .*sign in to your work account/);
    expect(run.stdout).toMatch(/Enrolled/);
    expect(run.code).toBe(0);
  });
});
