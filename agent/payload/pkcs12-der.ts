/**
 * The DER reading and the PKCS#12 key derivation (RFC 7292 Appendix B.2) that pkcs12.ts and
 * pkcs12-cipher.ts share. Only DER is read: BER forms (indefinite lengths) give null.
 */
import { createHash } from "node:crypto";

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

export type DerElement = NonNullable<ReturnType<typeof derElement>>;

/** The elements inside a constructed element, in order; null when one runs past its parent. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] | null {
  const out: DerElement[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = derElement(bytes, at);
    if (child === null || child.end > parent.end) return null;
    out.push(child);
    at = child.end;
  }
  return out;
}

/** An element's content as lowercase hex (how OIDs are compared here). */
export const hex = (bytes: Uint8Array, e: DerElement) => Buffer.from(bytes.subarray(e.start, e.end)).toString("hex");

/** A small non-negative INTEGER's value, or null (not an INTEGER, negative, or over 4 bytes). */
export function integerValue(bytes: Uint8Array, e: DerElement): number | null {
  const size = e.end - e.start;
  if (e.tag !== 0x02 || size < 1 || size > 4 || bytes[e.start]! & 0x80) return null;
  return Number.parseInt(hex(bytes, e), 16);
}

/** RFC 7292 Appendix B.2: `size` bytes of key material of purpose `id` from password bytes and salt. */
export function pkcs12Kdf(digest: { name: string; block: number }, id: number, password: Buffer, salt: Buffer, iterations: number, size: number): Buffer {
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
