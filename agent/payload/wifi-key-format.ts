/**
 * How Android reads a Wi-Fi password's format (AOSP ManagedProvisioning; docs/provisioning-facts.md §1).
 * The payload rules report on these and the device configures its network by them, so both
 * ask here.
 */

const HEX_DIGITS = /^[0-9A-Fa-f]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function isHexDigits(text: string): boolean {
  return HEX_DIGITS.test(text);
}

export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

/**
 * A WEP key of 10, 26 or 58 hex digits is used raw; anything else is used as ASCII text
 * (ManagedProvisioning's WifiConfigurationProvider quotes it).
 */
export function isRawWepKey(text: string): boolean {
  return [10, 26, 58].includes(text.length) && isHexDigits(text);
}

/** The only WEP key sizes Android's Wi-Fi service adds: 40 and 104 bits (docs/provisioning-facts.md §1). */
const WEP_KEY_BYTES: readonly number[] = [5, 13];

/**
 * Why Android can never add a WEP network with this key, naming its length and how the device
 * reads it; null for a key it adds: 10 or 26 hex digits (used raw) or 5 or 13 printable ASCII
 * characters. The validator, the device and the service all ask here, so they agree.
 */
export function wepKeyProblem(text: string): string | null {
  if (isRawWepKey(text)) {
    const bytes = text.length / 2;
    return WEP_KEY_BYTES.includes(bytes) ? null : `${text.length} hex digits, which the device passes raw: a ${bytes}-byte (${bytes * 8}-bit) key`;
  }
  if (!isPrintableAscii(text)) return `${text.length} characters, some outside printable ASCII`;
  if (WEP_KEY_BYTES.includes(text.length)) return null;
  return isHexDigits(text)
    ? `${text.length} hex digits, not 10, 26 or 58 of them, so the device uses them as ASCII text: a ${text.length}-byte key`
    : `${text.length} characters, which the device uses as ASCII text: a ${text.length}-byte key`;
}

/** What a WEP key must be for Android to add the network, for messages. */
export const USABLE_WEP_KEYS = "5 or 13 printable ASCII characters, or 10 or 26 hex digits";

/** A WEP key Android adds: see wepKeyProblem. */
export function isUsableWepKey(text: string): boolean {
  return wepKeyProblem(text) === null;
}

/** 64 hex digits are a WPA pre-shared key itself rather than a passphrase. */
export function isRawWpaKey(text: string): boolean {
  return text.length === 64 && isHexDigits(text);
}

/** Why a text is not a WPA passphrase (8 to 63 printable ASCII characters); empty when it is one. */
export function wpaPassphraseProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.length < 8 || text.length > 63) problems.push(`it is ${text.length} characters long (8 to 63 needed)`);
  if (!isPrintableAscii(text)) problems.push("it contains characters outside printable ASCII");
  return problems;
}
