/**
 * What the device will make of a checksum string, and how to fix it. The device decodes it as
 * URL-safe base64 (android-base64.ts) and compares the bytes with the SHA-256 it computes, so a
 * checksum in another encoding is not refused at first: it fails later as "checksum error".
 */
import { decodeAndroidBase64UrlSafe, toBase64Url } from "./android-base64.js";

export const SHA256_BYTES = 32;

export type ChecksumVerdict =
  /** Decodes to 32 bytes. `stray` lists characters the device skipped on the way. */
  | { kind: "ok"; bytes: Uint8Array; stray: string[]; clean: string }
  /** An empty string: the device treats it as no checksum at all. */
  | { kind: "empty" }
  /** Hex digits: a SHA-256 (fix derivable) or another digest (SHA-1). */
  | { kind: "hex"; digestBytes: number; fix: string | null; deviceBytes: Uint8Array | null }
  /** Standard base64 ("+", "/"): the device skips those characters and gets other bytes. */
  | { kind: "standard-base64"; fix: string | null; deviceBytes: Uint8Array | null }
  /** The device's decoder fails: the payload is refused while parsing. */
  | { kind: "undecodable"; reason: string }
  /** Decodes, but not to 32 bytes. */
  | { kind: "length"; bytes: Uint8Array };

export function analyseChecksum(text: string): ChecksumVerdict {
  const decoded = decodeAndroidBase64UrlSafe(text);
  if (decoded.ok && decoded.bytes.length === 0 && decoded.skipped.length === 0) return { kind: "empty" };

  // Hex, possibly with the colons or spaces keytool and openssl print.
  const hexDigits = text.replace(/[\s:]/g, "");
  if (/^[0-9a-fA-F]+$/.test(hexDigits) && (hexDigits.length === 64 || hexDigits.length === 40)) {
    const digest = Buffer.from(hexDigits, "hex");
    return {
      kind: "hex",
      digestBytes: digest.length,
      fix: digest.length === SHA256_BYTES ? toBase64Url(digest) : null,
      deviceBytes: decoded.ok ? decoded.bytes : null,
    };
  }

  if (/[+/]/.test(text)) {
    const standard = /^[A-Za-z0-9+/]+={0,2}$/.test(text.trim()) ? Buffer.from(text.trim(), "base64") : null;
    return {
      kind: "standard-base64",
      fix: standard !== null && standard.length === SHA256_BYTES ? toBase64Url(standard) : null,
      deviceBytes: decoded.ok ? decoded.bytes : null,
    };
  }

  if (!decoded.ok) return { kind: "undecodable", reason: decoded.reason };
  if (decoded.bytes.length !== SHA256_BYTES) return { kind: "length", bytes: decoded.bytes };
  return { kind: "ok", bytes: decoded.bytes, stray: decoded.skipped, clean: toBase64Url(decoded.bytes) };
}
