/**
 * `aosp-sim fleet --service` and the account its devices sign in as: a service shared by teams
 * keeps its users' passwords, and the fleet says which account it uses and what it leaves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../mock-service/domain/secrets.js";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim } from "../helpers/device-cli.js";

const TOKEN = "fleet-user-test-token";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aosp-sim-fleet-user-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `use` against a service on the --db file `name`, closed after (the service holds the file locked while it runs). */
async function onService<T>(name: string, use: (service: MockService) => Promise<T>): Promise<T> {
  const service = await startMockService({ port: 0, dbFile: join(dir, name), adminToken: TOKEN, passwordHashCost: 4, lockoutThreshold: 1_000_000 });
  try {
    return await use(service);
  } finally {
    await service.close();
  }
}

/** A user's stored password hash, read from a closed service's --db file. */
function passwordHash(name: string, userPrincipalName: string): string | undefined {
  const db = new Database(join(dir, name), { readonly: true });
  try {
    return (db.prepare("SELECT password_hash FROM users WHERE user_principal_name = ?").get(userPrincipalName) as { password_hash: string } | undefined)?.password_hash;
  } finally {
    db.close();
  }
}

describe("aosp-sim fleet --service: the fleet's user", { timeout: 60_000 }, () => {
  it("leaves another account's password alone, says which account it uses, and publishes no password", async () => {
    // A team's own account of the name the fleet used to take over (and reset to a password in its source).
    await onService("shared.db", (service) => service.admin.createLicensedUser({ displayName: "Fleet tests", userPrincipalName: "fleet@contoso.example", password: "Admins-Own-Pw-7" }));
    const before = passwordHash("shared.db", "fleet@contoso.example");
    const result = await onService("shared.db", (service) => aospSim(["fleet", "--devices", "2", "--seed", "11", "--service", service.url, "--admin-token", TOKEN]));
    expect(result.code, result.stderr).toBe(0);
    expect(passwordHash("shared.db", "fleet@contoso.example")).toBe(before);
    expect(result.stderr).toContain(
      'fleet: its devices sign in as aosp-sim-fleet@contoso.example ("aosp-sim fleet runner"), created on the service if missing (a user of that name no fleet made is refused, never changed), its password derived from the admin token and written nowhere; left on the service after the run: that licensed user, the profile "Fleet 11" and the devices enrolled',
    );
    // The account it made has no password anyone can read in the package.
    const made = passwordHash("shared.db", "aosp-sim-fleet@contoso.example");
    expect(made).toBeDefined();
    expect(await verifyPassword("Fleet-Enroll-2025!", made!)).toBe(false);
    // A later run finds its own account and uses it.
    const again = await onService("shared.db", (service) => aospSim(["fleet", "--devices", "2", "--seed", "12", "--service", service.url, "--admin-token", TOKEN, "--no-progress"]));
    expect(again.code, again.stderr).toBe(0);
  });

  it("refuses, exit 2, an account of its user's name that no fleet made, and leaves its password", async () => {
    await onService("foreign.db", (service) => service.admin.createLicensedUser({ displayName: "Someone's account", userPrincipalName: "aosp-sim-fleet@contoso.example", password: "Their-Own-Pw-9" }));
    const before = passwordHash("foreign.db", "aosp-sim-fleet@contoso.example");
    let url = "";
    const result = await onService("foreign.db", (service) => {
      url = service.url;
      return aospSim(["fleet", "--devices", "2", "--service", service.url, "--admin-token", TOKEN, "--no-progress"]);
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${url}: already has a user aosp-sim-fleet@contoso.example that no fleet created (its display name is "Someone's account", not "aosp-sim fleet runner"): the fleet signs its devices in as that name and will not change another account's password`,
    );
    expect(result.stderr).toMatch(/fix: rename or delete that user/);
    expect(passwordHash("foreign.db", "aosp-sim-fleet@contoso.example")).toBe(before);
  });
});
