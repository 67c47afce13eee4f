/**
 * Passwords that passed scrypt a moment ago, remembered for a few minutes so that the same correct
 * password is not hashed again. A fleet signs thousands of devices in as one user; each scrypt was
 * about a tenth of the whole fleet's CPU (README "Benchmarks"), spent proving the same thing.
 *
 * Only successes are remembered, so a wrong guess always pays the full scrypt: guessing costs an
 * attacker what it did. What is kept is an HMAC of the stored hash and the password under a key
 * drawn at random when the service starts, never the password; the stored hash carries the
 * user's salt, so a changed password (a new hash) is never matched by an entry for the old one.
 * Entries are bounded in number and age, on the service's clock.
 */
import { createHmac, randomBytes } from "node:crypto";

export const RECENT_SIGN_IN_TTL_MS = 5 * 60_000;
export const RECENT_SIGN_INS_KEPT = 10_000;

export class RecentSignIns {
  private readonly key = randomBytes(32);
  /** Digest to the time it stops counting; in insertion order, so the oldest is first. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = RECENT_SIGN_IN_TTL_MS,
    private readonly kept = RECENT_SIGN_INS_KEPT,
  ) {}

  /** Whether `password` matched `storedHash` within the last few minutes. */
  holds(password: string, storedHash: string): boolean {
    const digest = this.digest(password, storedHash);
    const expires = this.expiries.get(digest);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.expiries.delete(digest);
    return false;
  }

  /** Records that `password` matched `storedHash` (scrypt said so). */
  remember(password: string, storedHash: string): void {
    const digest = this.digest(password, storedHash);
    this.expiries.delete(digest);
    this.expiries.set(digest, this.now() + this.ttlMs);
    if (this.expiries.size > this.kept) this.expiries.delete(this.expiries.keys().next().value!);
  }

  private digest(password: string, storedHash: string): string {
    // The stored hash is `scrypt$N$salt$hash` (no NUL), so the separator keeps the two apart.
    return createHmac("sha256", this.key).update(storedHash).update("\0").update(password).digest("base64");
  }
}
