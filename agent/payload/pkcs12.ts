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
import { type Pkcs12Entry, pkcs12Entries } from "./pkcs12-aliases.js";
import { MAX_ITERATIONS } from "./pkcs12-cipher.js";
import { children, derElement, type DerElement, hex, integerValue, pkcs12Kdf } from "./pkcs12-der.js";

/** PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }. */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  const pfx = derElement(bytes, 0);
  if (pfx === null || pfx.tag !== 0x30 || pfx.end > bytes.length) return false;
  const version = derElement(bytes, pfx.start);
  return version !== null && version.tag === 0x02 && version.end - version.start === 1 && bytes[version.start] === 3;
}

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

/** What reading the store with the empty password shows; a field is null where it could not be told. */
export interface Pkcs12Reading {
  /** False when the store's MAC does not verify with the empty password (it was exported with a password). */
  emptyPasswordOpens: boolean | null;
  /** The entries `KeyStore.aliases()` lists once the store opens (pkcs12-aliases.ts); null when not read. */
  entries: Pkcs12Entry[] | null;
}

/**
 * Reads a PKCS#12 store as far as needed (looksLikePkcs12 holds). Only a DER store is read; BER
 * (indefinite lengths, constructed strings), unknown MAC digests and ciphers node does not carry
 * are left unjudged (null).
 */
export function readPkcs12(bytes: Uint8Array): Pkcs12Reading {
  const unknown: Pkcs12Reading = { emptyPasswordOpens: null, entries: null };
  const pfx = derElement(bytes, 0)!;
  const [, authSafe, macData] = children(bytes, pfx) ?? [];
  const contentInfo = authSafe && authSafe.tag === 0x30 ? children(bytes, authSafe) : null;
  if (!contentInfo || contentInfo[0]?.tag !== 0x06 || hex(bytes, contentInfo[0]) !== OID.data) return unknown;
  const explicit = contentInfo[1];
  const octets = explicit?.tag === 0xa0 ? derElement(bytes, explicit.start) : null;
  if (!octets || octets.tag !== 0x04 || octets.end > explicit!.end) return unknown;
  const content = Buffer.from(bytes.subarray(octets.start, octets.end));
  const password = macPassword(bytes, macData, content);
  if (password === null) return unknown;
  if (password === "neither") return { emptyPasswordOpens: false, entries: null };
  return { emptyPasswordOpens: true, entries: pkcs12Entries(content, password === "wrong zero") };
}

/**
 * Which encoding of the empty password verifies the MAC: "empty" (no bytes, also when there is no
 * MAC: nothing checks the password), "wrong zero" (two zero bytes), "neither", or null (unjudged).
 * MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }.
 */
function macPassword(bytes: Uint8Array, macData: DerElement | undefined, content: Buffer): "empty" | "wrong zero" | "neither" | null {
  if (macData === undefined) return "empty";
  const [digestInfo, salt, iterationsElement] = (macData.tag === 0x30 ? children(bytes, macData) : null) ?? [];
  const [algorithm, digestElement] = (digestInfo?.tag === 0x30 ? children(bytes, digestInfo) : null) ?? [];
  const oid = algorithm?.tag === 0x30 ? children(bytes, algorithm)?.[0] : undefined;
  const digest = oid?.tag === 0x06 ? DIGESTS[hex(bytes, oid)] : undefined;
  if (!digest || digestElement?.tag !== 0x04 || salt?.tag !== 0x04) return null;
  const iterations = iterationsElement === undefined ? 1 : integerValue(bytes, iterationsElement);
  if (iterations === null || iterations < 1 || iterations > MAX_ITERATIONS) return null;
  const expected = Buffer.from(bytes.subarray(digestElement.start, digestElement.end));
  const saltBytes = Buffer.from(bytes.subarray(salt.start, salt.end));
  const size = createHash(digest.name).digest().length;
  const verifies = (password: Buffer) => {
    const key = pkcs12Kdf(digest, 3, password, saltBytes, iterations, size);
    const mac = createHmac(digest.name, key).update(content).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  };
  // The empty password as BouncyCastle encodes it (no bytes), then the "wrong zero" form it also tries.
  if (verifies(Buffer.alloc(0))) return "empty";
  return verifies(Buffer.alloc(2)) ? "wrong zero" : "neither";
}
