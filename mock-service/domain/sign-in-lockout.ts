/**
 * Sign-in throttling modelled on Entra ID smart lockout: after `threshold` failed sign-ins for an
 * account name, further sign-ins for that name are refused for a lockout period that grows with
 * each lockout (1 minute, then 2, 4, ... up to an hour); after a lockout ends, one more failure
 * locks again. A successful sign-in clears the account's record. The count is kept per name as
 * typed (trimmed, case-insensitive), whether or not such a user exists, so the refusal reveals
 * nothing about which accounts exist. Sign-ins whose passwords are still being checked count as
 * possible failures, so a burst of parallel guesses cannot slip past the threshold.
 */

export interface LockoutPolicy {
  /** Failed sign-ins before an account name is locked (Entra's default: 10). */
  threshold: number;
  /** The first lockout's length; each further one doubles it. */
  firstLockoutMs: number;
  maxLockoutMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { threshold: 10, firstLockoutMs: 60_000, maxLockoutMs: 3_600_000 };

/** Names remembered at most; the oldest record goes first (a flood of made-up names stays bounded). */
const MAX_TRACKED_NAMES = 100_000;

interface AccountRecord {
  failures: number;
  pending: number;
  lockouts: number;
  lockedUntil: number;
}

export class SignInLockout {
  private readonly accounts = new Map<string, AccountRecord>();

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly now: () => number,
  ) {}

  /**
   * Starts a sign-in for `name`: the milliseconds the caller must wait when the name is locked
   * (the attempt is not made), else 0 and the attempt is counted as pending until `finish`.
   */
  begin(name: string): number {
    const key = keyOf(name);
    const record = this.accounts.get(key) ?? { failures: 0, pending: 0, lockouts: 0, lockedUntil: 0 };
    const left = record.lockedUntil - this.now();
    if (left > 0) return left;
    // Guesses being checked right now count too: at most `threshold` are ever in play.
    if (record.failures + record.pending >= this.policy.threshold) return 1000;
    record.pending += 1;
    this.remember(key, record);
    return 0;
  }

  /** Ends a sign-in that `begin` allowed. */
  finish(name: string, succeeded: boolean): void {
    const key = keyOf(name);
    const record = this.accounts.get(key);
    if (!record) return;
    record.pending = Math.max(0, record.pending - 1);
    if (succeeded) {
      if (record.pending === 0) this.accounts.delete(key);
      else Object.assign(record, { failures: 0, lockouts: 0, lockedUntil: 0 });
      return;
    }
    record.failures += 1;
    if (record.failures >= this.policy.threshold) {
      record.lockedUntil = this.now() + Math.min(this.policy.firstLockoutMs * 2 ** record.lockouts, this.policy.maxLockoutMs);
      record.lockouts += 1;
      record.failures = this.policy.threshold - 1; // after the lockout, the next failure locks again
    }
  }

  private remember(key: string, record: AccountRecord): void {
    this.accounts.delete(key);
    this.accounts.set(key, record);
    if (this.accounts.size > MAX_TRACKED_NAMES) this.accounts.delete(this.accounts.keys().next().value!);
  }
}

function keyOf(name: string): string {
  return name.trim().toLowerCase();
}
