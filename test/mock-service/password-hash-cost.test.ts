/**
 * The service's password-hash cost: lower for fleets, stored with each hash, range-checked.
 */
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../mock-service/domain/secrets.js";
import { startMockService } from "../../mock-service/index.js";

describe("password hash cost", () => {
  it("stores the cost with the hash, so hashes of any cost verify", async () => {
    const cheap = await hashPassword("Fleet-Enroll-2025!", 8);
    expect(cheap).toMatch(/^scrypt\$256\$/);
    expect(await verifyPassword("Fleet-Enroll-2025!", cheap)).toBe(true);
    expect(await verifyPassword("wrong", cheap)).toBe(false);
    expect(await hashPassword("x")).toMatch(/^scrypt\$16384\$/);
  });

  it("refuses a cost outside 4..20 with the fix", async () => {
    await expect(startMockService({ passwordHashCost: 30 })).rejects.toThrow(/password hash cost 30 is out of range/);
  });
});
