/**
 * What java.util.Base64.getDecoder(), the RFC 4648 basic decoder, makes of a text.
 * ManagedProvisioning decodes the Wi-Fi CA and user certificates with it
 * (WifiConfigurationProvider.buildCACertificate, loadKeystoreFromCertificate;
 * docs/provisioning-facts.md §1). Unlike android.util.Base64 (the checksums' decoder) it skips
 * nothing: a line break, a space or a URL-safe "-" throws IllegalArgumentException. Missing
 * padding is accepted; wrong padding, or data after it, is not. Checked against OpenJDK 17, whose
 * decoder Android's libcore carries.
 */

const ALPHABET = /[A-Za-z0-9+/]/;

function describe(char: string): string {
  if (char === "\n" || char === "\r") return "a line break";
  if (char === " ") return "a space";
  if (char === "\t") return "a tab";
  if (char === "-" || char === "_") return `"${char}" (URL-safe base64, not standard)`;
  const code = char.codePointAt(0)!;
  return code < 0x21 || code > 0x7e ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `"${char}"`;
}

/** Why Java's basic decoder throws on this text, or null when it decodes (1-based positions). */
export function javaBase64Problem(text: string): string | null {
  const chars = [...text];
  const padAt = chars.indexOf("=");
  const data = padAt === -1 ? chars : chars.slice(0, padAt);
  const bad = data.findIndex((c) => !ALPHABET.test(c));
  if (bad !== -1) return `${describe(data[bad]!)} at character ${bad + 1}, which is not in the base64 alphabet`;
  const rest = padAt === -1 ? [] : chars.slice(padAt);
  const afterPad = rest.findIndex((c) => c !== "=");
  if (afterPad !== -1) return `data after the "=" padding at character ${padAt + 1}`;
  const over = data.length % 4;
  if (over === 1) return `its ${data.length} base64 characters leave 1 over after the last group of 4, which holds no whole byte (a character is missing or extra)`;
  const padding = rest.length;
  if (padding === 0) return null;
  if (over === 0) return `"=" padding after a complete group of 4 characters, where none belongs`;
  const wanted = 4 - over;
  return padding === wanted ? null : `${padding} "=" where ${wanted} ${wanted === 1 ? "completes" : "complete"} the last group`;
}
