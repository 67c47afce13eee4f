/** What every part of the service shares: the store, the clock, the public URL and the log. */
import type { Store } from "./store/index.js";

export interface ServiceContext {
  store: Store;
  /** The tenant's id (Graph accountId / organization id). */
  tenantId: string;
  /** The service's clock in ms since the epoch (tests move it through startMockService's `now`). */
  now(): number;
  /** The base URL devices use, without a trailing slash (known once the server listens). */
  baseUrl(): string;
  /** Diagnostics (unexpected errors, request lines with logging on). */
  log(line: string): void;
  /** scrypt cost (log2 N) for passwords set from now on; default DEFAULT_PASSWORD_HASH_COST. */
  passwordHashCost?: number;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
