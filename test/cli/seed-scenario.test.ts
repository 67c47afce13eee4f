/**
 * The seed end to end through the CLI, on a fresh tenant (fixtures/scenarios/seed-end-to-end.json):
 * the MDM authority set, a licensed user, the profile, the dynamic group, a configuration (camera
 * blocked, numeric password of 6), an alphabetic password rule and a compliance policy assigned,
 * terms accepted, and a RealWear device enrolled from the QR code alone.
 */
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const SCENARIO = fileURLToPath(new URL("../../fixtures/scenarios/seed-end-to-end.json", import.meta.url));
const temp = deviceTempDir("aosp-seed-");

describe("aosp-sim run with the seed's scenario", { timeout: 120_000 }, () => {
  it("runs the seed end to end and shows what the admin and the device see", async () => {
    const result = await aospSim(["run", SCENARIO]);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    // RealWear: from power-on straight to the scanner, no six taps, and the timeline says why.
    expect(out).toMatch(/scanningQr +scanner opens +Scan the QR code \(RealWear devices skip the first-time setup/);
    expect(out).not.toMatch(/taps opened the scanner/);
    // Terms after sign-in, before the apps install.
    const order = ["signingIn.verifying", "acceptingTerms.waitingForUser", "acceptingTerms.accepting", "installingApps.installing", "enrolled.idle"];
    let at = 0;
    for (const state of order) {
      const found = out.indexOf(` ${state} `, at);
      expect(found, state).toBeGreaterThan(-1);
      at = found;
    }
    // The next check-in applies the policies.
    expect(out).toMatch(/Checked in \(#1, 3 apps reported\); policies "Factory lockdown", "Legacy password rule" applied: camera blocked; numeric password of 6 required/);
    expect(out).toMatch(/the user set a 6-digit device password/);
    // What the admin is told and reads.
    expect(out).toMatch(/The admin sets Intune as the MDM authority/);
    expect(out).toMatch(/the service warns: "Legacy password rule": password type alphabetic cannot be enforced on Android \(AOSP\) devices/);
    expect(out).toMatch(/configuration +"Factory lockdown" v1: compliant \(cameraBlocked compliant = blocked;.*passwordRequiredType compliant = numeric, 6 digits/);
    expect(out).toMatch(/"Legacy password rule" v1: notApplicable \(passwordRequiredType notApplicable: password type alphabetic cannot be enforced/);
    // Evaluated by the device: the 6-digit password the configuration made the user set meets it.
    expect(out).toMatch(/compliance +"Factory compliance" v1: compliant \(securityBlockJailbrokenDevices compliant = not rooted; passwordRequired compliant = password set; passwordRequiredType compliant = numeric; passwordMinimumLength compliant = 6 digits\)/);
    expect(out).toMatch(/result +passed/);
  });

  it("stops with a clear screen and reason when the user declines the terms", async () => {
    const path = temp.file("decline.json");
    const { readFileSync } = await import("node:fs");
    const scenario = JSON.parse(readFileSync(SCENARIO, "utf8"));
    writeFileSync(path, JSON.stringify({ ...scenario, device: { seed: 7, acceptTerms: false }, until: "enrolled", expect: { failure: "termsDeclined" } }));
    const result = await aospSim(["run", path]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/termsDeclined +decline terms +You need to accept your organization's terms and conditions to set up this device\. \(termsDeclined: the user declined "Contoso acceptable use"/);
  });

  it("refuses a tenant set-up step that lacks what it needs (exit 2)", async () => {
    const path = temp.file("bad.json");
    writeFileSync(path, JSON.stringify({ tenantSetup: [{ do: "assignConfiguration", displayName: "x" }] }));
    const result = await aospSim(["run", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at \/tenantSetup\/0/);
  });
});
