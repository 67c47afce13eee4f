/**
 * Secrets given in the environment instead of the command line, where every user of the machine
 * can read them (`ps`): AOSP_SIM_ADMIN_TOKEN for serve, fleet --service and run --service, and
 * AOSP_SIM_PASSWORD for enroll --user.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-secret-env-");
let service: MockService;

beforeAll(async () => {
  service = await startMockService({ port: 0, adminToken: "env-test-token", passwordHashCost: 4 });
});
afterAll(async () => {
  await service.close();
});

/** `aosp-sim serve` until its first line, then stopped; with `env` added to its environment. */
function serveFirstLine(args: string[], env: Record<string, string>) {
  return aospSim(["serve", "--port", "0", ...args], { env, onStdout: (out, signal) => (out.includes("\n") ? signal("SIGTERM") : undefined), killAfterMs: 20_000 });
}

describe("secrets in the environment", { timeout: 60_000 }, () => {
  // The first line is DESIGN.md's contract: the token on it however it was given.
  it("serve takes its admin token from AOSP_SIM_ADMIN_TOKEN and prints it on its first line; a token on the command line wins", async () => {
    const fromEnv = await serveFirstLine([], { AOSP_SIM_ADMIN_TOKEN: "secret-from-env" });
    expect(fromEnv.stdout.split("\n")[0]).toMatch(/^aosp-sim mock service listening on http:\/\/127\.0\.0\.1:\d+ admin token secret-from-env$/);
    expect(fromEnv.stderr).not.toContain("secret-from-env");
    const given = await serveFirstLine(["--admin-token", "on-the-line"], { AOSP_SIM_ADMIN_TOKEN: "secret-from-env" });
    expect(given.stdout.split("\n")[0]).toMatch(/ admin token on-the-line$/);
  });

  // Before, served with it: a token of a few characters is guessed by anyone who reaches the port.
  it("serve refuses an AOSP_SIM_ADMIN_TOKEN under 8 characters, naming the variable, exit 2", async () => {
    const short = await serveFirstLine([], { AOSP_SIM_ADMIN_TOKEN: "abc" });
    expect(short.code).toBe(2);
    expect(short.stdout).toBe("");
    expect(short.stderr).toMatch(/^aosp-sim: AOSP_SIM_ADMIN_TOKEN: the admin token is 3 characters; serve needs at least 8.*\n\s+fix: .*AOSP_SIM_ADMIN_TOKEN="\$\(openssl rand -hex 16\)"\n$/);
    expect(short.stderr).not.toContain("abc");
  });

  it("refuses an empty AOSP_SIM_ADMIN_TOKEN, or one the service refuses, naming the variable, exit 2", async () => {
    const empty = await serveFirstLine([], { AOSP_SIM_ADMIN_TOKEN: "" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^aosp-sim: AOSP_SIM_ADMIN_TOKEN: is set but empty\n\s+fix: set it to the secret, or unset it/);
    const refused = await aospSim(["run", "--service", service.url], { env: { AOSP_SIM_ADMIN_TOKEN: "not-the-token" } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/AOSP_SIM_ADMIN_TOKEN: the service refused it/);
  });

  it("fleet --service takes its admin token from AOSP_SIM_ADMIN_TOKEN", async () => {
    const result = await aospSim(["fleet", "--devices", "1", "--service", service.url, "--no-progress", "--json"], { env: { AOSP_SIM_ADMIN_TOKEN: "env-test-token" } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ enrolled: 1 });
  });

  it("enroll --user takes its password from AOSP_SIM_PASSWORD and the device signs in", async () => {
    await service.admin.createLicensedUser({ displayName: "Ann", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse" });
    const profile = await service.admin.createProfile({ displayName: "Env", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const file = temp.file("profile.json");
    writeFileSync(file, JSON.stringify(profile));
    const result = await aospSim(["enroll", file, "--user", "ann@contoso.example", "--clock", "simulated", "--seed", "3", "--json"], { env: { AOSP_SIM_PASSWORD: "Corr3ct-Horse" } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ finalState: "enrolled" });
  });
});
