/**
 * Secrets the service issues and checks: enrollment tokens, device credentials, download cookies,
 * the admin token and user passwords.
 *
 * Tokens and credentials are random (at least 128 bits) and are looked up by their SHA-256, so a
 * lookup never compares the secret itself byte by byte; the admin token is compared with
 * timingSafeEqual. Passwords are stored as scrypt hashes with a per-user salt, computed with the
 * asynchronous API: each hash runs on libuv's thread pool, so a flood of sign-ins queues there
 * instead of freezing the event loop (and /health with it).
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { usableCores } from "../../agent/protocol/usable-cores.js";

/** Crockford's base32: no I, L, O or U, so a token read aloud or typed is hard to get wrong. */
const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A random string of `length` base32 characters (5 bits each). */
export function randomBase32(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE32[randomInt(32)];
  return out;
}

/** Enrollment token: 32 base32 characters = 160 bits. */
export function newEnrollmentToken(): string {
  return randomBase32(32);
}

/** Device credential: 32 random bytes, URL-safe base64. */
export function newDeviceCredential(): string {
  return randomBytes(32).toString("base64url");
}

/** Admin token when none is given: 32 random bytes, URL-safe base64. */
export function newAdminToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Per-profile download cookie value (the part after `aospsim_download=`). */
export function newCookieSecret(): string {
  return randomBytes(24).toString("base64url");
}

/** Incident IDs are short enough to read to a help desk: 10 base32 characters (50 bits). */
export function newIncidentId(): string {
  return randomBase32(10);
}

/** SHA-256 as hex: the key under which a token or credential is stored. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time equality of two strings of any length (compares their SHA-256 digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a, "utf8").digest();
  const db = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(da, db);
}

const SCRYPT_KEY_LENGTH = 32;
// N=2^14 keeps sign-in around tens of milliseconds: secure enough for a simulator, fast for fleets.
const SCRYPT_OPTIONS = { N: 1 << 14, r: 8, p: 1 } as const;

/** scrypt's three parameters as this module passes them (`maxmem` is derived from them). */
type ScryptParams = { N: number; r: number; p: number };

/**
 * Hashes running at once: one core fewer than the process may use (a container's CPU limit
 * counts: agent/protocol/usable-cores.ts), so that a flood of sign-ins
 * leaves a core to the event loop (the other requests, /health) instead of four CPU-bound
 * thread-pool threads crowding it out. The rest wait their turn, in order.
 */
const MAX_PARALLEL_HASHES = Math.max(1, usableCores() - 1);
let hashing = 0;
const waiting: (() => void)[] = [];

/**
 * The memory one scrypt hash needs, in bytes, with room to spare: OpenSSL refuses a hash whose
 * work area (128·r·(N+2) bytes for V plus 128·r·p for B) exceeds `maxmem`, and Node's default
 * `maxmem` is 32 MiB, which cost 15 (N = 2^15, r = 8) already reaches. Cost 20 needs about 1 GiB
 * a hash, and MAX_PARALLEL_HASHES of them may run at once.
 */
export function scryptMaxmem(options: { N: number; r: number; p: number }): number {
  return 128 * options.r * (options.N + 2 + options.p) + SCRYPT_MAXMEM_MARGIN;
}

/** Headroom above scrypt's own work area (OpenSSL rounds and adds small buffers of its own). */
const SCRYPT_MAXMEM_MARGIN = 1 << 20;

/** scrypt on the thread pool (the callback API wrapped; `util.promisify` loses the options overload). */
async function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptParams): Promise<Buffer> {
  if (hashing >= MAX_PARALLEL_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  hashing += 1;
  try {
    const withMemory: ScryptOptions = { ...options, maxmem: scryptMaxmem(options) };
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password, salt, keyLength, withMemory, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    hashing -= 1;
    waiting.shift()?.();
  }
}

/** scrypt's cost parameter N, as log2 (14 by default). */
export const DEFAULT_PASSWORD_HASH_COST = 14;

/**
 * `scrypt$<N>$<salt b64>$<hash b64>`. The cost is stored with the hash, so a service started with
 * a lower cost (fleet runs, where thousands of devices sign in) still verifies older hashes.
 */
export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_HASH_COST): Promise<string> {
  const salt = randomBytes(16);
  const options = { ...SCRYPT_OPTIONS, N: 2 ** cost };
  const hash = await scryptAsync(password, salt, SCRYPT_KEY_LENGTH, options);
  return `scrypt$${options.N}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !n || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = await scryptAsync(password, Buffer.from(saltB64, "base64"), expected.length, {
    ...SCRYPT_OPTIONS,
    N: Number(n),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
