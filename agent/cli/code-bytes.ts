/**
 * What a decoded code holds as bytes, for the commands that print or check it: its bytes are
 * meant to be UTF-8 unless an ECI marker names another character set, and when they are not
 * valid UTF-8 its text is only a converted reading of them (replacement characters, Latin-1).
 * `validate` reports such a code (`text-encoding`); `decode` prints its bytes unchanged.
 */
import { firstInvalidUtf8 } from "../payload/check.js";
import { ECI_UTF8 } from "../qr/index.js";
import type { DecodedCode } from "../qr/types.js";

/**
 * Whether the code's bytes are meant to be UTF-8: byte segments (alone or mixed with numeric or
 * alphanumeric ones, whose bytes are ASCII), with no ECI marker or the UTF-8 one.
 */
export function meantAsUtf8(code: Pick<DecodedCode, "mode" | "eci">): boolean {
  return (code.mode === "byte" || code.mode === "mixed") && (code.eci === null || code.eci === ECI_UTF8);
}

/** Whether the code's text is a conversion of bytes that are meant to be UTF-8 and are not. */
export function textIsConverted(code: Pick<DecodedCode, "mode" | "eci" | "bytes">): boolean {
  return meantAsUtf8(code) && firstInvalidUtf8(code.bytes) >= 0;
}
