/**
 * Just enough of PKCS#12 (RFC 7292) to tell whether Android can open a Wi-Fi user certificate's key
 * store with the empty password ManagedProvisioning gives it (docs/provisioning-facts.md §1, "EAP
 * certificates").
 *
 * Android's PKCS12 key store is BouncyCastle's (platform/external/bouncycastle,
 * `PKCS12KeyStoreSpi.engineLoad`): when the store carries a MAC, it recomputes it with the password
 * and throws IOException "PKCS12 key store mac invalid - wrong password or corrupted file." when it
 * differs; with an empty password it also tries the "wrong zero" form (the empty password encoded
 * as two zero bytes, as OpenSSL's `-passout pass:` writes it) before giving up. The MAC key comes
 * from the PKCS#12 key derivation (RFC 7292 Appendix B.2, ID 3) with the MAC's own digest.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A DER element's tag, and where its content starts and ends; null when the header is cut short. */
export function derElement(bytes: Uint8Array, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > bytes.length) return null;
  const tag = bytes[at]!;
  const first = bytes[at + 1]!;
  let length = first;
  let start = at + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || start + count > bytes.length) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  return { tag, start, end: start + length };
}

type Element = NonNullable<ReturnType<typeof derElement>>;

/** The elements inside a constructed element, in order; null when one runs past its parent. */
function children(bytes: Uint8Array, parent: Element): Element[] | null {
  const out: Element[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = derElement(bytes, at);
    if (child === null || child.end > parent.end) return null;
    out.push(child);
    at = child.end;
  }
  return out;
}

/** PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }. */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  const pfx = derElement(bytes, 0);
  if (pfx === null || pfx.tag !== 0x30 || pfx.end > bytes.length) return false;
  const version = derElement(bytes, pfx.start);
  return version !== null && version.tag === 0x02 && version.end - version.start === 1 && bytes[version.start] === 3;
}

const hex = (bytes: Uint8Array, e: Element) => Buffer.from(bytes.subarray(e.start, e.end)).toString("hex");

/** DER contents of the object identifiers used here. */
const OID = { data: "2a864886f70d010701" } as const;

/** MAC digests by OID (sha1, sha224, sha256, sha384, sha512): node's name and its block size. */
const DIGESTS: Readonly<Record<string, { name: string; block: number }>> = {
  "2b0e03021a": { name: "sha1", block: 64 },
  "608648016503040204": { name: "sha224", block: 64 },
  "608648016503040201": { name: "sha256", block: 64 },
  "608648016503040202": { name: "sha384", block: 128 },
  "608648016503040203": { name: "sha512", block: 128 },
};

/** RFC 7292 Appendix B.2: `size` bytes of key material of purpose `id` from password bytes and salt. */
function pkcs12Kdf(digest: { name: string; block: number }, id: number, password: Buffer, salt: Buffer, iterations: number, size: number): Buffer {
  const v = digest.block;
  const repeat = (b: Buffer) => (b.length === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: v * Math.ceil(b.length / v) }, (_, i) => b[i % b.length]!)));
  const I = Buffer.concat([repeat(salt), repeat(password)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let produced = 0; produced < size; ) {
    let A = createHash(digest.name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(digest.name).update(A).digest();
    out.push(A);
    produced += A.length;
    const B = Buffer.from(Array.from({ length: v }, (_, i) => A[i % A.length]!));
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

/** What reading the store with the empty password shows; a field is null where it could not be told. */
export interface Pkcs12Reading {
  /** False when the store's MAC does not verify with the empty password (it was exported with a password). */
  emptyPasswordOpens: boolean | null;
}

/**
 * Reads a PKCS#12 store as far as needed (looksLikePkcs12 holds). Only a DER store is read; BER
 * (indefinite lengths, constructed strings) and unknown MAC digests are left unjudged (null).
 */
export function readPkcs12(bytes: Uint8Array): Pkcs12Reading {
  const unknown: Pkcs12Reading = { emptyPasswordOpens: null };
  const pfx = derElement(bytes, 0)!;
  const [, authSafe, macData] = children(bytes, pfx) ?? [];
  const contentInfo = authSafe && authSafe.tag === 0x30 ? children(bytes, authSafe) : null;
  if (!contentInfo || contentInfo[0]?.tag !== 0x06 || hex(bytes, contentInfo[0]) !== OID.data) return unknown;
  const explicit = contentInfo[1];
  const octets = explicit?.tag === 0xa0 ? derElement(bytes, explicit.start) : null;
  if (!octets || octets.tag !== 0x04 || octets.end > explicit!.end) return unknown;
  const content = Buffer.from(bytes.subarray(octets.start, octets.end));
  return { emptyPasswordOpens: macVerifies(bytes, macData, content) };
}

/** MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }. */
function macVerifies(bytes: Uint8Array, macData: Element | undefined, content: Buffer): boolean | null {
  if (macData === undefined) return true; // no MAC: nothing checks the password
  const [digestInfo, salt, iterationsElement] = (macData.tag === 0x30 ? children(bytes, macData) : null) ?? [];
  const [algorithm, digestElement] = (digestInfo?.tag === 0x30 ? children(bytes, digestInfo) : null) ?? [];
  const oid = algorithm?.tag === 0x30 ? children(bytes, algorithm)?.[0] : undefined;
  const digest = oid?.tag === 0x06 ? DIGESTS[hex(bytes, oid)] : undefined;
  if (!digest || digestElement?.tag !== 0x04 || salt?.tag !== 0x04) return null;
  let iterations = 1;
  if (iterationsElement !== undefined) {
    if (iterationsElement.tag !== 0x02 || iterationsElement.end - iterationsElement.start > 4) return null;
    iterations = Number.parseInt(hex(bytes, iterationsElement), 16);
  }
  // A count beyond any exporter's (2048 to 100000 are usual) is left unjudged rather than hashed for seconds.
  if (iterations < 1 || iterations > 1_000_000) return null;
  const expected = Buffer.from(bytes.subarray(digestElement.start, digestElement.end));
  const saltBytes = Buffer.from(bytes.subarray(salt.start, salt.end));
  const size = createHash(digest.name).digest().length;
  // The empty password as BouncyCastle encodes it (no bytes), then the "wrong zero" form it also tries.
  return [Buffer.alloc(0), Buffer.alloc(2)].some((password) => {
    const key = pkcs12Kdf(digest, 3, password, saltBytes, iterations, size);
    const mac = createHmac(digest.name, key).update(content).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  });
}
