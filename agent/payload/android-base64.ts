/**
 * Checksums decoded exactly the way the device decodes them, so that the validator and the
 * simulated device agree on the bytes a real device would compare.
 *
 * ManagedProvisioning turns PROVISIONING_DEVICE_ADMIN_*_CHECKSUM into bytes with
 * `android.util.Base64.decode(value, Base64.URL_SAFE)` (StoreUtils.stringToByteArray). That
 * decoder is a small state machine: it reads the UTF-8 bytes of the string, *skips* every byte
 * outside the URL-safe alphabet (so "+", "/", ":", spaces and non-ASCII vanish silently), accepts
 * optional "=" padding, and fails only on a few shapes (a lone trailing character, padding in the
 * wrong place, data after the padding). A failure makes the device refuse the whole payload.
 *
 * Node's own base64url decoder is more lenient (it accepts "+" and "/"), so it cannot stand in.
 */

const URL_SAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SKIP = -1;
const EQUALS = -2;

/** Byte -> 6-bit value, SKIP or EQUALS: Android's DECODE_WEBSAFE table. */
const DECODE_WEBSAFE: Int8Array = (() => {
  const table = new Int8Array(256).fill(SKIP);
  for (let i = 0; i < URL_SAFE_ALPHABET.length; i++) table[URL_SAFE_ALPHABET.charCodeAt(i)] = i;
  table["=".charCodeAt(0)] = EQUALS;
  return table;
})();

export type AndroidBase64Result =
  | { ok: true; bytes: Uint8Array; skipped: string[] }
  | { ok: false; reason: string; skipped: string[] };

/**
 * Decodes like `android.util.Base64.decode(text, URL_SAFE)`. `skipped` lists the characters the
 * device ignored (each once, in order of first appearance).
 */
export function decodeAndroidBase64UrlSafe(text: string): AndroidBase64Result {
  const input = new TextEncoder().encode(text);
  const out: number[] = [];
  const skippedBytes = new Set<number>();
  // States 0-3: reading a 4-character group; 4: read one "=", expect one more; 5: only
  // skippable bytes may follow.
  let state = 0;
  let value = 0;
  // Characters of the alphabet read so far (for the message on padding).
  let dataCharacters = 0;
  const fail = (reason: string): AndroidBase64Result => ({ ok: false, reason, skipped: skippedText(text, skippedBytes) });

  for (const byte of input) {
    const d = DECODE_WEBSAFE[byte] ?? SKIP;
    if (d === SKIP) {
      skippedBytes.add(byte);
      continue;
    }
    if (d !== EQUALS) dataCharacters++;
    switch (state) {
      case 0:
        if (d === EQUALS) return fail("padding \"=\" where data was expected");
        value = d;
        state = 1;
        break;
      case 1:
        if (d === EQUALS) return fail("padding \"=\" after a single character of a group");
        value = (value << 6) | d;
        state = 2;
        break;
      case 2:
        if (d === EQUALS) {
          out.push((value >> 4) & 0xff);
          state = 4;
        } else {
          value = (value << 6) | d;
          state = 3;
        }
        break;
      case 3:
        if (d === EQUALS) {
          out.push((value >> 10) & 0xff, (value >> 2) & 0xff);
          state = 5;
        } else {
          value = (value << 6) | d;
          out.push((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
          state = 0;
        }
        break;
      case 4:
        if (d !== EQUALS) return fail("data after a single \"=\" (expected \"==\")");
        state = 5;
        break;
      default:
        if (d !== EQUALS) return fail("data after the padding");
        // 43 characters and "==": one "=" completes the last group, and the second is one too many.
        return fail(`one "=" too many: after ${dataCharacters} characters, ${dataCharacters % 4 === 3 ? "one \"=\"" : "\"==\""} completes the last group, ${dataCharacters + 4 - (dataCharacters % 4)} characters in all`);
    }
  }

  switch (state) {
    case 1:
      return fail("one character left over at the end (the length does not fit base64)");
    case 2:
      out.push((value >> 4) & 0xff);
      break;
    case 3:
      out.push((value >> 10) & 0xff, (value >> 2) & 0xff);
      break;
    case 4:
      return fail("a single \"=\" at the end (expected \"==\")");
    default:
      break;
  }
  return { ok: true, bytes: Uint8Array.from(out), skipped: skippedText(text, skippedBytes) };
}

/** The characters of `text` whose UTF-8 bytes the decoder skipped, each listed once. */
function skippedText(text: string, skippedBytes: Set<number>): string[] {
  if (skippedBytes.size === 0) return [];
  const seen = new Set<string>();
  for (const ch of text) {
    if (seen.has(ch)) continue;
    const bytes = new TextEncoder().encode(ch);
    if (bytes.every((b) => skippedBytes.has(b) && DECODE_WEBSAFE[b] === SKIP)) seen.add(ch);
  }
  return [...seen];
}

/** URL-safe base64 without padding: the form the validator suggests. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
