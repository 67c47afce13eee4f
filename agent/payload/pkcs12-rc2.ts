/**
 * RC2-CBC decryption (RFC 2268), for the PKCS#12 PBE schemes with RC2 (RFC 7292 Appendix C):
 * pbeWithSHAAnd40BitRC2-CBC is what OpenSSL 1.1 (and `openssl pkcs12 -legacy`), older Windows
 * and Java key tools encrypt certificates with. Node's OpenSSL 3 keeps RC2 in its legacy provider,
 * which Node does not load, so node:crypto cannot run it; Android's BouncyCastle can. Only
 * decryption, only for judging a store: RC2 is not a cipher to protect anything with.
 */

/** PITABLE, RFC 2268 section 2: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Buffer.from(
  "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82" +
  "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7" +
  "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731" +
  "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad",
  "hex",
);

/** The 64 16-bit subkeys (RFC 2268 section 2) of a key with `effectiveBits` effective key bits. */
function expandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

const SHIFTS = [1, 2, 3, 5] as const;

/** One 8-byte block decrypted in place (RFC 2268 section 4: 5 r-mixing, r-mashing, 6, r-mashing, 5). */
function decryptBlock(K: Uint16Array, block: Uint8Array): void {
  const R = [0, 1, 2, 3].map((i) => block[2 * i]! | (block[2 * i + 1]! << 8));
  let j = 63;
  const rMix = () => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i]!;
      const r = R[i]!;
      const rotated = ((r >> s) | (r << (16 - s))) & 0xffff;
      const a = R[(i + 3) % 4]!, b = R[(i + 2) % 4]!, c = R[(i + 1) % 4]!;
      R[i] = (rotated - K[j--]! - (a & b) - (~a & c)) & 0xffff;
    }
  };
  const rMash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  for (const [mixes, mash] of [[5, true], [6, true], [5, false]] as const) {
    for (let m = 0; m < mixes; m++) rMix();
    if (mash) rMash();
  }
  for (let i = 0; i < 4; i++) {
    block[2 * i] = R[i]! & 0xff;
    block[2 * i + 1] = R[i]! >> 8;
  }
}

/**
 * RC2-CBC with PKCS#7 padding removed; the key's full length counts as effective bits (what
 * BouncyCastle and OpenSSL use for the PKCS#12 schemes). Null when the length or padding is wrong.
 */
export function rc2CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer | null {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8 || key.length < 1 || key.length > 128) return null;
  const K = expandKey(key, key.length * 8);
  const out = Buffer.from(data);
  let previous = Buffer.from(iv);
  for (let at = 0; at < out.length; at += 8) {
    const cipherBlock = Buffer.from(out.subarray(at, at + 8));
    const block = out.subarray(at, at + 8);
    decryptBlock(K, block);
    for (let i = 0; i < 8; i++) block[i]! ^= previous[i]!;
    previous = cipherBlock;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((b) => b === pad)) return null;
  return out.subarray(0, out.length - pad);
}

