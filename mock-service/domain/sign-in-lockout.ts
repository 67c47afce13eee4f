/**
 * Sign-in throttling modelled on Entra ID smart lockout: after `threshold` failed sign-ins for an
 * account name, further sign-ins for that name are refused for a lockout period that grows with
 * each lockout (1 minute, then 2, 4, ... up to an hour); after a lockout ends, one more failure
 * locks again. A successful sign-in clears the account's record. The count is kept per name as
 * typed (trimmed, case-insensitive), whether or not such a user exists, so the refusal reveals
 * nothing about which accounts exist. Sign-ins whose passwords are still being checked count as
 * possible failures, so a burst of parallel guesses cannot slip past the threshold: while
 * `threshold` of a name's sign-ins are in play (failed, or being checked), one more waits for a
 * turn. A burst of sign-ins with the right password (a fleet's devices sharing one user, a class
 * setting up its tablets at once) so gets through, a turn at a time; a burst of guesses is still
 * checked `threshold` at a time, and the guesses waiting are refused as soon as those lock the
 * name (refusing them at once would tell a burst of right passwords "too many failed sign-ins"
 * when none had failed).
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
/** Sign-ins that may wait for a turn, per name; past it one is refused (a flood stays bounded). */
export const MAX_WAITING_PER_NAME = 1_000;
/** How long a sign-in refused for a full queue is told to wait before trying again. */
const BUSY_RETRY_MS = 1_000;

/** Why a sign-in may not be made now, and the milliseconds before it may be tried again. */
export type SignInRefusal = { why: "locked" | "busy"; waitMs: number };

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

  /** Sign-ins waiting for a turn, by name, in the order they came. */
  private readonly waiting = new Map<string, ((refusal: SignInRefusal | null) => void)[]>();

  /**
   * Starts a sign-in for `name`: resolves with null once the password may be checked (the attempt
   * counts as pending until `finish`), after waiting for a turn while `threshold` are in play, or
   * with why it may not be made now.
   */
  begin(name: string): Promise<SignInRefusal | null> {
    const key = keyOf(name);
    const record = this.accounts.get(key) ?? newRecord();
    const left = record.lockedUntil - this.now();
    if (left > 0) return Promise.resolve({ why: "locked", waitMs: left });
    if (record.failures + record.pending < this.policy.threshold) {
      record.pending += 1;
      this.remember(key, record);
      return Promise.resolve(null);
    }
    const queue = this.waiting.get(key) ?? [];
    if (queue.length >= MAX_WAITING_PER_NAME) return Promise.resolve({ why: "busy", waitMs: BUSY_RETRY_MS });
    this.waiting.set(key, queue);
    return new Promise((resolve) => queue.push(resolve));
  }

  /** Ends a sign-in that `begin` allowed, and gives its turn to the next waiting. */
  finish(name: string, succeeded: boolean): void {
    const key = keyOf(name);
    const record = this.accounts.get(key);
    if (record) this.settle(key, record, succeeded);
    // Also when the record was dropped (a flood of other names): its waiters must not hang.
    this.giveTurns(key);
  }

  private settle(key: string, record: AccountRecord, succeeded: boolean): void {
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

  /**
   * The turns free now go to the first waiting, counted as pending at once (a sign-in arriving
   * meanwhile cannot take them); once the name is locked, every waiting sign-in is refused.
   */
  private giveTurns(key: string): void {
    const queue = this.waiting.get(key);
    if (!queue) return;
    const record = this.accounts.get(key) ?? newRecord();
    const left = record.lockedUntil - this.now();
    if (left > 0) {
      this.waiting.delete(key);
      for (const resolve of queue) resolve({ why: "locked", waitMs: left });
      return;
    }
    while (queue.length > 0 && record.failures + record.pending < this.policy.threshold) {
      record.pending += 1;
      queue.shift()!(null);
    }
    if (queue.length === 0) this.waiting.delete(key);
    if (record.pending > 0) this.remember(key, record);
  }

  private remember(key: string, record: AccountRecord): void {
    this.accounts.delete(key);
    this.accounts.set(key, record);
    if (this.accounts.size > MAX_TRACKED_NAMES) this.accounts.delete(this.accounts.keys().next().value!);
  }
}

function newRecord(): AccountRecord {
  return { failures: 0, pending: 0, lockouts: 0, lockedUntil: 0 };
}

function keyOf(name: string): string {
  return name.trim().toLowerCase();
}
