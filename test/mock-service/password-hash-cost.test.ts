/**
 * The service's password-hash cost: lower for fleets, stored with each hash, range-checked.
 */
import { describe, expect, it } from "vitest";
import { hashPassword, scryptMaxmem, verifyPassword } from "../../mock-service/domain/secrets.js";
import { startMockService } from "../../mock-service/index.js";

describe("password hash cost", () => {
  it("stores the cost with the hash, so hashes of any cost verify", async () => {
    const cheap = await hashPassword("Fleet-Enroll-2025!", 8);
    expect(cheap).toMatch(/^scrypt\$256\$/);
    expect(await verifyPassword("Fleet-Enroll-2025!", cheap)).toBe(true);
    expect(await verifyPassword("wrong", cheap)).toBe(false);
    expect(await hashPassword("x")).toMatch(/^scrypt\$16384\$/);
  });

  it("creates a user at cost 15, past Node's default 32 MiB scrypt memory limit", async () => {
    const service = await startMockService({ passwordHashCost: 15 });
    try {
      const user = await service.admin.createUser({
        displayName: "Ann",
        userPrincipalName: "ann@contoso.example",
        password: "Corr3ct-Horse",
      });
      expect(user.userPrincipalName).toBe("ann@contoso.example");
    } finally {
      await service.close();
    }
  });

  it("gives scrypt the memory each allowed cost needs, up to about 1 GiB at cost 20", () => {
    for (const cost of [4, 14, 15, 20]) {
      const needed = 128 * 8 * (2 ** cost + 2 + 1);
      const maxmem = scryptMaxmem({ N: 2 ** cost, r: 8, p: 1 });
      expect(maxmem).toBeGreaterThanOrEqual(needed);
      expect(maxmem).toBeLessThanOrEqual(needed + 2 * 1024 * 1024);
    }
  });

  it("refuses a cost outside 4..20 with the fix", async () => {
    await expect(startMockService({ passwordHashCost: 30 })).rejects.toThrow(/password hash cost 30 is out of range/);
  });
});
