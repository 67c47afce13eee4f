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

/** A UTF-16 surrogate without its other half: Java's UTF-8 encoder refuses it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why Android can never add a WEP network with this key, naming its length and how the device
 * reads it; null for a key it adds. A key of 10, 26 or 58 hex digits is passed raw, anything else
 * quoted as text (ManagedProvisioning's WifiConfigurationProvider), and the Wi-Fi service counts
 * the key's bytes, a quoted one's as UTF-8 (WifiConfigurationUtil.validateWepKeys over
 * NativeUtil.hexOrQuotedStringToBytes): 5 or 13 bytes are added, whatever the characters, so
 * 5 or 13 ASCII characters (control characters too), or fewer characters of which some take more
 * than one byte ("clé1" is 5 bytes). Text that has no UTF-8 form (a lone surrogate) is refused.
 * The validator, the device and the service all ask here, so they agree.
 */
export function wepKeyProblem(text: string): string | null {
  if (isRawWepKey(text)) {
    const bytes = text.length / 2;
    return WEP_KEY_BYTES.includes(bytes) ? null : `${text.length} hex digits, which the device passes raw: a ${bytes}-byte (${bytes * 8}-bit) key`;
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const unit = `\\u${lone[0].charCodeAt(0).toString(16)}`;
    return `text with a lone UTF-16 surrogate (${unit}, half of a pair), which has no UTF-8 form, so Android cannot turn it into key bytes`;
  }
  const bytes = Buffer.byteLength(text, "utf8");
  if (WEP_KEY_BYTES.includes(bytes)) return null;
  const characters = [...text].length;
  if (bytes !== text.length) return `${characters} characters, which the device uses as text: ${bytes} bytes in UTF-8, a ${bytes}-byte key`;
  return isHexDigits(text)
    ? `${text.length} hex digits, not 10, 26 or 58 of them, so the device uses them as ASCII text: a ${text.length}-byte key`
    : `${text.length} characters, which the device uses as ASCII text: a ${text.length}-byte key`;
}

/** What a WEP key must be for Android to add the network, for messages. */
export const USABLE_WEP_KEYS = "text of 5 or 13 bytes in UTF-8 (5 or 13 ASCII characters), or 10 or 26 hex digits";

/** The key bytes Android configures for a WEP key it adds: the hex digits' bytes, or the text's UTF-8. */
export function wepKeyBytes(text: string): Uint8Array {
  return new Uint8Array(isRawWepKey(text) ? Buffer.from(text, "hex") : Buffer.from(text, "utf8"));
}

/** A WEP key Android adds: see wepKeyProblem. */
export function isUsableWepKey(text: string): boolean {
  return wepKeyProblem(text) === null;
}

/** 64 hex digits are a WPA pre-shared key itself rather than a passphrase. */
export function isRawWpaKey(text: string): boolean {
  return text.length === 64 && isHexDigits(text);
}

/**
 * Why a provisioning payload's 64-hex-digit WPA key can never be added. ManagedProvisioning
 * (WifiConfigurationProvider.updateForWPAConfiguration) always quotes the password, as a
 * passphrase, with no hex branch; the Wi-Fi service (WifiConfigurationUtil.validatePsk) refuses a
 * quoted key longer than 65 characters, 63 and the quotes (docs/provisioning-facts.md §1).
 */
export const PROVISIONED_HEX_WPA_KEY_PROBLEM =
  "64 hex digits, which Android's provisioning passes quoted, as a passphrase: 66 characters with the quotes, and the " +
  "Wi-Fi service adds a quoted passphrase of at most 65 (63 characters and the quotes)";

/** Why a text is not a WPA passphrase (8 to 63 printable ASCII characters); empty when it is one. */
export function wpaPassphraseProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.length < 8 || text.length > 63) problems.push(`it is ${text.length} characters long (8 to 63 needed)`);
  if (!isPrintableAscii(text)) problems.push("it contains characters outside printable ASCII");
  return problems;
}
