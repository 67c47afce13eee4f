/**
 * `aosp-sim run --service` and the account its device signs in as: on a service shared by teams,
 * an account of the scenario's user name that no run made is refused (exit 2, with the fix), never
 * licensed or changed; the run's own account is reused by a later run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim } from "../helpers/device-cli.js";

const TOKEN = "run-user-test-token";
let dir: string;
let service: MockService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aosp-sim-run-user-"));
  service = await startMockService({ port: 0, adminToken: TOKEN, passwordHashCost: 4 });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A scenario file that enrolls as `userPrincipalName` and stops there. */
function scenario(userPrincipalName: string): string {
  const file = join(dir, `${userPrincipalName}.json`);
  writeFileSync(file, JSON.stringify({ user: { userPrincipalName, password: "Run-Own-Pw-2025!" }, until: "enrolled" }));
  return file;
}

describe("aosp-sim run --service: the scenario's user", { timeout: 60_000 }, () => {
  it("refuses, exit 2, an account of that name no run made, and leaves it unlicensed", async () => {
    // Before: licensed unsaid, then "signInFailed (invalidCredentials)" and exit 1, as a failed scenario.
    await service.admin.createUser({ displayName: "Bob (real, unlicensed on purpose)", userPrincipalName: "bob@contoso.example", password: "Bobs-Own-Pw-7" });
    const result = await aospSim(["run", scenario("bob@contoso.example"), "--service", service.url, "--admin-token", TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${service.url}: already has a user bob@contoso.example that no run created (its mail nickname is "bob", not "aosp-sim-run-bob"): the run signs its device in as that name and will not license it or change its password`,
    );
    expect(result.stderr).toContain(`fix: give the scenario's "user" another userPrincipalName (the run then creates its own), or rename or delete that user if it is not needed`);
    expect((await service.admin.getUser("bob@contoso.example")).assignedLicenses).toEqual([]);
  });

  it("creates its own account, licensed, and a later run reuses it", async () => {
    const file = scenario("carol@contoso.example");
    for (const attempt of [1, 2]) {
      const result = await aospSim(["run", file, "--service", service.url, "--admin-token", TOKEN]);
      expect(result.code, `run ${attempt}: ${result.stderr}`).toBe(0);
    }
    const made = await service.admin.getUser("carol@contoso.example");
    expect(made.mailNickname).toBe("aosp-sim-run-carol");
    expect(made.assignedLicenses).toHaveLength(1);
  });
});
