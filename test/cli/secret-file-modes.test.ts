/**
 * Files that hold secrets are their owner's alone (0600, a folder 0700), whatever the umask lets
 * others read: the --db file and its -wal, a --device-dir and its files, a transcript that keeps
 * the secrets, and a QR code image. Checked under umask 022, the common default that made them
 * world-readable before.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-modes-");
const PAYLOAD = join(import.meta.dirname, "../../fixtures/payloads/android-valid-full.json");
let umask: number;

beforeAll(() => {
  // Inherited by the CLI's child processes too.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});

/** A path's permission bits, as `ls -l` shows them in octal. */
function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe("files that hold secrets", { timeout: 60_000 }, () => {
  it("the service's --db file and its -wal are 0600", async () => {
    const db = temp.file("svc.db");
    const service = await startMockService({ port: 0, dbFile: db, passwordHashCost: 4 });
    try {
      await service.admin.createProfile({ displayName: "Modes", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" });
      expect(existsSync(`${db}-wal`)).toBe(true);
      expect([mode(db), mode(`${db}-wal`)]).toEqual(["600", "600"]);
    } finally {
      await service.close();
    }
  });

  it("a --device-dir is 0700 and its files 0600; a transcript keeping secrets is 0600, a redacted one is not narrowed", async () => {
    const dir = temp.file("device");
    const keep = temp.file("keep.jsonl");
    const redacted = temp.file("redacted.jsonl");
    // An earlier run's file, readable by all: narrowed as it is written again.
    writeFileSync(keep, "", { mode: 0o644 });
    const kept = await aospSim(["enroll", PAYLOAD, "--clock", "simulated", "--seed", "1", "--device-dir", dir, "--transcript", keep, "--transcript-secrets", "keep"]);
    expect(kept.stderr).not.toMatch(/\n\s+at /);
    expect(mode(dir)).toBe("700");
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect([name, mode(join(dir, name))]).toEqual([name, "600"]);
    expect(mode(keep)).toBe("600");
    await aospSim(["enroll", PAYLOAD, "--clock", "simulated", "--seed", "1", "--transcript", redacted]);
    expect(mode(redacted)).toBe("644");
  });

  it("a QR code image (the payload's token and Wi-Fi key) is 0600", async () => {
    const png = temp.file("qr.png");
    const result = await aospSim(["qr", PAYLOAD, "--output", png]);
    expect(result.code, result.stderr).toBe(0);
    expect(mode(png)).toBe("600");
  });
});
