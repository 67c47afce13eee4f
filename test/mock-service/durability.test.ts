/**
 * Durability: with --db, every write the service acknowledged is still there after a kill -9.
 * The service runs as users run it (the built CLI in its own process), is killed without warning
 * right after its last answer, and is restarted on the same file.
 */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { AGENT_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import { AdminClient } from "../../mock-service/admin-client.js";
import { MIGRATIONS } from "../../mock-service/store/migrations.js";
import { useTempDir } from "../payload/support/cli.js";
import { startServe, stop } from "./support/serve-process.js";
import { enrollRequest, http, PASSWORD } from "./support/service.js";

const temp = useTempDir("aosp-durability-");

describe("the service's state with --db", () => {
  it("survives kill -9: every acknowledged write reads back after a restart on the same file", async () => {
    const db = temp.file("state.db");
    const first = await startServe(["--port", "0", "--db", db, "--admin-token", "durable-admin"]);
    const admin = new AdminClient(first.url, first.adminToken);
    const user = await admin.createLicensedUser({ displayName: "Ann", userPrincipalName: "ann@contoso.example", password: PASSWORD });
    const profile = await admin.createProfile({ displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" });
    const group = await admin.createGroup({ displayName: "Factory", groupTypes: ["DynamicMembership"], membershipRule: 'device.enrollmentProfileName -eq "Factory 1 devices"' });
    const published = await admin.publishPackage({ packageName: AGENT_PACKAGE, versionName: "25.0.0" });
    const enrolled = await http(`${first.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(profile.tokenValue, { serialNumber: "DURABLE1" }) });
    expect(enrolled.status).toBe(200);
    const { deviceId, deviceCredential } = enrolled.body;
    const device = (method: string, path: string, json?: unknown) => http(`${first.url}${path}`, { method, json, bearer: deviceCredential });
    expect((await device("POST", deviceRoutes.signIn(deviceId), { userPrincipalName: user.userPrincipalName, password: PASSWORD })).status).toBe(200);
    const apps = [{ packageName: "com.example.notes", versionName: "3.1", versionCode: 31 }];
    expect((await device("POST", deviceRoutes.checkIn(deviceId), { agentVersion: "24.9.2", apps })).status).toBe(200);
    const logs = await device("POST", deviceRoutes.logs(deviceId), { logs: "before the crash" });
    await admin.revokeToken(profile.id);
    await admin.wipe(deviceId); // the last acknowledged write before the kill

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = await startServe(["--port", "0", "--db", db, "--admin-token", "durable-admin"]);
    try {
      const again = new AdminClient(second.url, second.adminToken);
      const readUser = await again.request<{ assignedLicenses: unknown[] }>("GET", `/beta/users/${user.id}`);
      expect(readUser.assignedLicenses).toHaveLength(1);
      const readProfile = await again.getProfile(profile.id);
      expect(readProfile).toMatchObject({ displayName: "Factory 1 devices", wifiSsid: "Staging", tokenValue: profile.tokenValue, enrolledDeviceCount: 1, enrollmentTokenUsageCount: 1 });
      expect(Date.parse(readProfile.tokenExpirationDateTime)).toBeLessThanOrEqual(Date.now());
      const readDevice = await again.getManagedDevice(deviceId);
      expect(readDevice).toMatchObject({ serialNumber: "DURABLE1", userPrincipalName: "ann@contoso.example", managementState: "wipePending" });
      expect((await again.detectedApps(deviceId)).map((a) => a.displayName)).toEqual(["com.example.notes"]);
      // The device's directory object (its own object id, its deviceId the managed device's azureADDeviceId).
      expect((await again.groupMembers(group.id)).map((m) => m.deviceId)).toEqual([readDevice.azureADDeviceId]);
      expect((await again.listPackages()).map((p) => `${p.packageName} ${p.versionName}`)).toContain(`${AGENT_PACKAGE} 25.0.0`);
      expect((await again.listPackages()).find((p) => p.versionName === "25.0.0")?.packageChecksum).toBe(published.packageChecksum);
      expect((await again.incident(logs.body.incidentId)).logs).toBe("before the crash");
      // Secrets are kept as hashes and still work: the revoked token is refused, the credential is accepted.
      const refused = await http(`${second.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(profile.tokenValue) });
      expect(refused.body.error.code).toBe("tokenRevoked");
      const checkIn = await http(`${second.url}${deviceRoutes.checkIn(deviceId)}`, { method: "POST", json: { agentVersion: "24.9.2", apps }, bearer: deviceCredential });
      expect(checkIn.body.actions.map((a: { type: string }) => a.type)).toEqual(["wipe"]);
    } finally {
      expect(await stop(second)).toBe(0);
    }

    // The file is a WAL-mode SQLite database at the latest schema version, with no secret in clear.
    const raw = new Database(db, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      const dump = JSON.stringify(raw.prepare("SELECT * FROM devices").all()) + JSON.stringify(raw.prepare("SELECT * FROM users").all());
      expect(dump).not.toContain(deviceCredential);
      expect(dump).not.toContain(PASSWORD);
    } finally {
      raw.close();
    }
  });

  it("starts empty on a new file and keeps nothing without --db", async () => {
    const db = temp.file("fresh.db");
    const withFile = await startServe(["--port", "0", "--db", db]);
    const admin = new AdminClient(withFile.url, withFile.adminToken);
    expect(await admin.listProfiles()).toEqual([]);
    await admin.createProfile({ displayName: "Kept", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    expect(await stop(withFile)).toBe(0);

    const inMemory = await startServe(["--port", "0"]);
    const memoryAdmin = new AdminClient(inMemory.url, inMemory.adminToken);
    await memoryAdmin.createProfile({ displayName: "Lost", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    expect(await stop(inMemory)).toBe(0);
    const restarted = await startServe(["--port", "0"]);
    try {
      expect(await new AdminClient(restarted.url, restarted.adminToken).listProfiles()).toEqual([]);
    } finally {
      await stop(restarted);
    }
    const reopened = await startServe(["--port", "0", "--db", db]);
    try {
      expect((await new AdminClient(reopened.url, reopened.adminToken).listProfiles()).map((p) => p.displayName)).toEqual(["Kept"]);
    } finally {
      await stop(reopened);
    }
  });

  it("refuses a database written by a newer version", async () => {
    const db = temp.file("future.db");
    const raw = new Database(db);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const { runCli } = await import("../payload/support/cli.js");
    const result = await runCli(["serve", "--port", "0", "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schema version \d+, newer than this build knows/);
  });
});
