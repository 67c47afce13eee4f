/**
 * Decrypting a PKCS#12 store's encrypted content with the empty password, as Android's
 * BouncyCastle key store does when ManagedProvisioning loads WIFI_USER_CERTIFICATE
 * (`PKCS12KeyStoreSpi.cryptData`, platform/external/bouncycastle): the PKCS#12 PBE schemes
 * (RFC 7292 Appendix C, key and IV from the Appendix B.2 derivation with SHA-1) take the password
 * as no bytes, or as two zero bytes when only that "wrong zero" form verified the MAC; PBES2
 * (RFC 8018, PBKDF2 then a block cipher) takes it as no bytes.
 *
 * Triple DES and AES run on node:crypto; RC2 (OpenSSL 1.1's default for certificates, `openssl
 * pkcs12 -legacy`), which Node's OpenSSL 3 keeps in its unloaded legacy provider, on
 * pkcs12-rc2.ts. RC4 schemes are left unjudged (null).
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { children, hex, type DerElement, integerValue, pkcs12Kdf } from "./pkcs12-der.js";
import { rc2CbcDecrypt } from "./pkcs12-rc2.js";

/** PKCS#12 PBE OIDs (1.2.840.113549.1.12.1.x) read here: cipher name and key size. */
const PKCS12_PBE: Readonly<Record<string, { cipher: string; keySize: number }>> = {
  "2a864886f70d010c0103": { cipher: "des-ede3-cbc", keySize: 24 }, // pbeWithSHAAnd3-KeyTripleDES-CBC
  "2a864886f70d010c0104": { cipher: "des-ede-cbc", keySize: 16 }, // pbeWithSHAAnd2-KeyTripleDES-CBC
  "2a864886f70d010c0105": { cipher: "rc2-cbc", keySize: 16 }, // pbeWithSHAAnd128BitRC2-CBC
  "2a864886f70d010c0106": { cipher: "rc2-cbc", keySize: 5 }, // pbeWithSHAAnd40BitRC2-CBC
};

/** PBES2 encryption schemes: cipher name and key size. */
const PBES2_CIPHERS: Readonly<Record<string, { cipher: string; keySize: number }>> = {
  "608648016503040102": { cipher: "aes-128-cbc", keySize: 16 },
  "608648016503040116": { cipher: "aes-192-cbc", keySize: 24 },
  "60864801650304012a": { cipher: "aes-256-cbc", keySize: 32 },
  "2a864886f70d0307": { cipher: "des-ede3-cbc", keySize: 24 },
};

/** PBKDF2 PRFs (hmacWithSHA1 is the default when none is named). */
const PBKDF2_PRFS: Readonly<Record<string, string>> = {
  "2a864886f70d0207": "sha1",
  "2a864886f70d0208": "sha224",
  "2a864886f70d0209": "sha256",
  "2a864886f70d020a": "sha384",
  "2a864886f70d020b": "sha512",
};

const PBES2 = "2a864886f70d01050d";
const PBKDF2 = "2a864886f70d01050c";

/** A count beyond any exporter's (2048 to 100000 are usual) is left unjudged rather than hashed for seconds. */
export const MAX_ITERATIONS = 1_000_000;

/**
 * Key-derivation iterations left for one store: every encrypted content costs its own derivation,
 * so without a shared allowance a store of many contents would keep a check busy for a minute.
 */
export interface IterationBudget {
  iterations: number;
}

/** Takes `cost` iterations from the budget; false (and nothing taken) when they are not there. */
function spend(budget: IterationBudget, cost: number): boolean {
  if (cost > budget.iterations) return false;
  budget.iterations -= cost;
  return true;
}

function decipher(cipher: string, key: Buffer, iv: Buffer, data: Uint8Array): Buffer | null {
  if (cipher === "rc2-cbc") return rc2CbcDecrypt(key, iv, data);
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return null; // bad padding: not this password, or not this cipher
  }
}

/**
 * The plaintext of `data` encrypted under the AlgorithmIdentifier `algorithm`, or null when the
 * scheme is not one read here or the content does not decrypt.
 */
export function decryptWithEmptyPassword(
  bytes: Uint8Array, algorithm: DerElement, data: Uint8Array, wrongZero: boolean, budget: IterationBudget,
): Buffer | null {
  const [oid, params] = (algorithm.tag === 0x30 ? children(bytes, algorithm) : null) ?? [];
  if (oid?.tag !== 0x06 || params?.tag !== 0x30) return null;
  const scheme = hex(bytes, oid);
  const pbe = PKCS12_PBE[scheme];
  if (pbe) {
    const [salt, count] = children(bytes, params) ?? [];
    const iterations = count ? integerValue(bytes, count) : null;
    if (salt?.tag !== 0x04 || iterations === null || iterations < 1 || !spend(budget, 2 * iterations)) return null; // key, then IV
    const password = wrongZero ? Buffer.alloc(2) : Buffer.alloc(0);
    const saltBytes = Buffer.from(bytes.subarray(salt.start, salt.end));
    const sha1 = { name: "sha1", block: 64 };
    const key = pkcs12Kdf(sha1, 1, password, saltBytes, iterations, pbe.keySize);
    const iv = pkcs12Kdf(sha1, 2, password, saltBytes, iterations, 8);
    return decipher(pbe.cipher, key, iv, data);
  }
  if (scheme !== PBES2) return null;
  const [kdf, encryption] = children(bytes, params) ?? [];
  const [kdfOid, kdfParams] = (kdf?.tag === 0x30 ? children(bytes, kdf) : null) ?? [];
  if (kdfOid?.tag !== 0x06 || hex(bytes, kdfOid) !== PBKDF2 || kdfParams?.tag !== 0x30) return null;
  const [salt, count, ...rest] = children(bytes, kdfParams) ?? [];
  const iterations = count ? integerValue(bytes, count) : null;
  if (salt?.tag !== 0x04 || iterations === null || iterations < 1) return null;
  // keyLength INTEGER OPTIONAL, then prf AlgorithmIdentifier DEFAULT hmacWithSHA1
  const prfElement = rest.find((e) => e.tag === 0x30);
  const prfOid = prfElement ? children(bytes, prfElement)?.[0] : undefined;
  const prf = prfOid === undefined ? "sha1" : prfOid.tag === 0x06 ? PBKDF2_PRFS[hex(bytes, prfOid)] : undefined;
  const [encOid, ivElement] = (encryption?.tag === 0x30 ? children(bytes, encryption) : null) ?? [];
  const cipher = encOid?.tag === 0x06 ? PBES2_CIPHERS[hex(bytes, encOid)] : undefined;
  if (prf === undefined || cipher === undefined || ivElement?.tag !== 0x04 || !spend(budget, iterations)) return null;
  const key = pbkdf2Sync(Buffer.alloc(0), Buffer.from(bytes.subarray(salt.start, salt.end)), iterations, cipher.keySize, prf);
  return decipher(cipher.cipher, key, Buffer.from(bytes.subarray(ivElement.start, ivElement.end)), data);
}

