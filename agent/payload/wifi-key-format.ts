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

/** A WEP key of 10, 26 or 58 hex digits is used raw; anything else is used as ASCII text. */
export function isRawWepKey(text: string): boolean {
  return [10, 26, 58].includes(text.length) && isHexDigits(text);
}

/**
 * A WEP key as access points give them: 5 or 13 printable ASCII characters, or 10 or 26 (or 58) hex
 * digits used raw. Any other key will most likely not match the network (the wifi-wep-key rule).
 */
export function isUsualWepKey(text: string): boolean {
  return isRawWepKey(text) || ([5, 13].includes(text.length) && isPrintableAscii(text));
}

/** A WEP key a device can configure: 10, 26 or 58 hex digits, or 5, 13 or 29 printable ASCII characters (40, 104 or 232 bits). */
export function isUsableWepKey(text: string): boolean {
  return isRawWepKey(text) || ([5, 13, 29].includes(text.length) && isPrintableAscii(text));
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
