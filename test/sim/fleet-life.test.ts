/**
 * A fleet's --life against a service that stops answering: the devices that end their lives out
 * of touch fail, and the check-ins that failed are counted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runFleet } from "../../agent/index.js";
import { FLEET_USER } from "../../agent/sim/fleet/tenant.js";
import { startMockService } from "../../mock-service/index.js";
import { serviceBehindProxy } from "../helpers/device-traffic-proxy.js";

/**
 * A mock service behind a proxy that refuses (503) each device's check-ins whose number
 * `refused` picks (1 the first), and passes everything else.
 */
async function failingCheckIns(refused: (n: number) => boolean) {
  const byDevice = new Map<string, number>();
  return serviceBehindProxy(
    (path) => {
      const checkIn = /^\/device\/v1\/devices\/([^/]+)\/checkIn$/.exec(path);
      if (!checkIn) return "pass";
      const seen = (byDevice.get(checkIn[1]!) ?? 0) + 1;
      byDevice.set(checkIn[1]!, seen);
      if (!refused(seen)) return "pass";
      return (res) => res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"serviceUnavailable","message":"down"}}');
    },
    { passwordHashCost: 8, lockoutThreshold: 1_000_000 },
  );
}

describe("a fleet's --life", () => {
  it("fails the devices whose service stopped answering their check-ins, and counts the failed check-ins", async () => {
    // Every check-in after a device's fourth: the service went down.
    const service = await failingCheckIns((n) => n > 4);
    try {
      // Before: exit 0, "3 of 3 enrolled, 0 failed", "lived 30d each after enrolling".
      const { summary, devices } = await runFleet({ devices: 3, seed: 7, lifeMs: 30 * 86_400_000, service: { url: service.url, adminToken: service.adminToken } });
      expect(summary).toMatchObject({ enrolled: 0, failed: 3, failedByReason: { stoppedCheckingIn: 3 } });
      expect(summary.checkInsFailed).toBeGreaterThanOrEqual(3 * 3);
      expect(summary.failures[0]!.timeline!.at(-1)).toMatch(/Check-in failed/);
      // It failed when its life ended: how long it ran is its enrollment and its life (before,
      // its enrollment alone, and timelineBySecond counted it failed in the second it enrolled).
      for (const d of devices) expect(d.ranMs!, JSON.stringify(d)).toBeGreaterThan(2 * d.totalMs!);
      // They got through their first check-in before their lives failed: their phases count (before,
      // "phases": {} and "no device finished a phase").
      expect(summary.phases.total?.count).toBe(3);
      expect(summary.phasesDeviceTime.signIn?.count).toBe(3);
    } finally {
      await service.close();
    }
  });

  it("counts the check-ins of a device that is off when its life ends", async () => {
    // A check-in refused sends the device to wait and retry, where its power is cut for 5 days:
    // its 2-day life ends with it off. Before, such a device counted 0 check-ins.
    const service = await failingCheckIns((n) => n === 5);
    try {
      const { summary } = await runFleet({
        devices: 2, seed: 7, lifeMs: 2 * 86_400_000,
        faults: ["power-loss=5d@enrolled.checkingIn.waitingToRetry=100%"],
        service: { url: service.url, adminToken: service.adminToken },
      });
      expect(summary).toMatchObject({ enrolled: 2, failed: 0 });
      // The first check-in and those before the refused one, on each device.
      expect(summary.checkIns).toBeGreaterThanOrEqual(2 * 3);
    } finally {
      await service.close();
    }
  });

  it("tells its progress which devices are living their life, on the main thread and on device threads", async () => {
    // Before, progress said nothing between the devices' enrollment and their lives' end.
    const seen: { done: number; living?: number }[] = [];
    await runFleet({ devices: 4, concurrency: 4, threads: 2, seed: 3, lifeMs: 2 * 86_400_000, embedded: "inline", onProgress: (p) => void seen.push({ done: p.done, ...(p.living === undefined ? {} : { living: p.living }) }) });
    expect(Math.max(...seen.map((p) => p.living ?? 0))).toBeGreaterThan(0);
    expect(seen.every((p) => p.living !== undefined && p.done + p.living <= 4)).toBe(true);
    expect(seen.at(-1)).toEqual({ done: 4, living: 0 });
    const without: { living?: number }[] = [];
    await runFleet({ devices: 1, seed: 3, embedded: "inline", onProgress: (p) => void without.push(p) });
    expect(without.every((p) => p.living === undefined)).toBe(true);
  });

  it("lets a device that is off when its first check-in is due check in once back, and live its life", async () => {
    // Power cut for 25 h as the first check-in starts. Before: off past the fleet's 24 h wait for
    // the first check-in, each device failed as noFirstCheckIn and lived none of its week (0 check-ins).
    const { summary } = await runFleet({ devices: 2, seed: 5, lifeMs: 7 * 86_400_000, embedded: "inline", faults: ["power-loss=25h@enrolled.checkingIn=100%"] });
    expect(summary).toMatchObject({ enrolled: 2, failed: 0 });
    // A week at 3 a day, after the first check-in's cadence: some 22 each.
    expect(summary.checkIns).toBeGreaterThanOrEqual(2 * 20);
    // Without a life, off for 3 days: it enrolls once back and checked in.
    const { summary: noLife } = await runFleet({ devices: 2, seed: 5, embedded: "inline", faults: ["power-loss=3d@enrolled.checkingIn=100%"] });
    expect(noLife).toMatchObject({ enrolled: 2, failed: 0 });
  });

  it("counts check-ins the devices recover from, without failing them", async () => {
    // Each device's check-in requests 5 to 14 refused: a brief outage, longer than one check-in's
    // retries (a check-in is one attempt however many requests its retries make).
    const service = await failingCheckIns((n) => n >= 5 && n <= 14);
    try {
      const { summary } = await runFleet({ devices: 2, seed: 7, lifeMs: 86_400_000, service: { url: service.url, adminToken: service.adminToken } });
      expect(summary).toMatchObject({ enrolled: 2, failed: 0 });
      expect(summary.checkInsFailed).toBeGreaterThanOrEqual(2);
    } finally {
      await service.close();
    }
  });
});

describe("a fleet on a service that outlives it", () => {
  it("sets the fleet user's password again, so the service hashes it at its cost now", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aosp-sim-fleet-user-"));
    const dbFile = join(dir, "svc.db");
    const fleetOn = async (passwordHashCost: number) => {
      const service = await startMockService({ port: 0, dbFile, passwordHashCost, lockoutThreshold: 1_000_000 });
      try {
        await runFleet({ devices: 1, seed: 1, service: { url: service.url, adminToken: service.adminToken } });
      } finally {
        await service.close();
      }
      const db = new Database(dbFile, { readonly: true });
      try {
        const row = db.prepare("SELECT password_hash FROM users WHERE user_principal_name = ?").get(FLEET_USER.userPrincipalName) as { password_hash: string };
        return row.password_hash.split("$")[1];
      } finally {
        db.close();
      }
    };
    try {
      expect(await fleetOn(10)).toBe(String(2 ** 10));
      // Before, still 2^10: the user made by the first run kept its hash, and the fleets of the
      // service restarted at cost 8 paid 2^10 for every sign-in (and were told to use cost 8).
      expect(await fleetOn(8)).toBe(String(2 ** 8));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
