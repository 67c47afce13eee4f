/**
 * What one sign-in's password check costs the service at each scrypt cost a fleet might use:
 * CPU time per verifyPassword (mock-service/domain/secrets.ts), every cost measured in this one
 * process, one check at a time, and each as a ratio to 2^8 (the fleet's cost before it was 2^4).
 *
 *   npm run bench:password-hash
 */
import { hashPassword, verifyPassword } from "../mock-service/domain/secrets.js";
import { benchOptions } from "./options.js";

// No options: --help says so, and anything else is refused rather than ignored.
benchOptions("bench:password-hash", {});

const PASSWORD = "Fleet-Enroll-2025!";
const COSTS = [4, 6, 8, 10];
const CHECKS = 300;

/** CPU of the whole process (scrypt runs on libuv's pool, not this thread), in ms per check. */
async function cpuPerCheck(cost: number): Promise<number> {
  const stored = await hashPassword(PASSWORD, cost);
  for (let i = 0; i < 20; i++) await verifyPassword(PASSWORD, stored);
  const before = process.cpuUsage();
  for (let i = 0; i < CHECKS; i++) {
    if (!(await verifyPassword(PASSWORD, stored))) throw new Error("the password did not verify");
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / CHECKS;
}

const figures = new Map<number, number>();
for (const cost of COSTS) figures.set(cost, await cpuPerCheck(cost));
const base = figures.get(8)!;
console.log("| scrypt cost | CPU per sign-in check | against 2^8 |\n|---|---:|---:|");
for (const [cost, ms] of figures) console.log(`| 2^${cost} | ${ms.toFixed(3)} ms | ${(ms / base).toFixed(2)}x |`);
