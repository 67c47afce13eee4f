/**
 * Findings about a QR image rather than the payload in it: no code, several codes, a fragile
 * print (measured: error correction used, contrast), decoders that disagree, a high version,
 * non-ASCII text without an ECI marker. Pure: it looks at what the decoder returned.
 */
import { isFragile, isNearlyUncorrectable, type DecodeImageResult } from "../qr/types.js";
import { firstInvalidUtf8 } from "./check.js";
import type { Finding } from "./findings.js";
import { finding } from "./rules/catalog.js";
import { HIGH_VERSION, HIGH_VERSION_HINT, highVersionMessage } from "./rules/size.js";

/** Findings about the image; `code` is the one whose payload is checked (the first), if any. */
export function imageFindings(image: DecodeImageResult): Finding[] {
  const findings: Finding[] = [];
  const code = image.codes[0];
  if (code === undefined) {
    findings.push(finding("qr-no-code", "",
      `No QR code found in the ${image.width}x${image.height} image by either decoder: a device's camera would not ` +
        "start provisioning from it.",
      "check that the whole code is in the picture with its quiet zone (4 light modules), sharp, evenly lit and not mirrored"));
    return findings;
  }
  if (image.codes.length > 1) {
    findings.push(finding("qr-multiple-codes", "",
      `The image holds ${image.codes.length} QR codes; only the first is checked, and a device's camera reads ` +
        "whichever it finds first.",
      "show one provisioning code at a time"));
  }
  if (code.disagreement !== null && code.disagreement.length > 1) {
    findings.push(finding("qr-decoder-disagreement", "",
      `The decoders read different texts from this code (${code.disagreement.map((d) => d.decoder).join(" vs ")}): ` +
        "a device's scanner may read either, or something else again.",
      "re-render the code from the payload (e.g. aosp-sim qr) and print it larger, with higher error correction"));
  } else if (isFragile(code)) {
    const left = code.unusedErrorCorrection;
    // Which of isFragile's reasons holds: only jsQR read it, its error correction, or its contrast.
    const why = left === null
      ? "Only jsQR, the fallback decoder, reads this code; zxing-cpp cannot"
      : isNearlyUncorrectable(code)
        ? `Reading this code used ${Math.round((1 - left) * 100)} % of its error correction ` +
          `(${Math.round(left * 100)} % left; ISO/IEC 15415 grades under 50 % C or worse)`
        : null;
    findings.push(finding("qr-fragile", "",
      `${why ?? `The code's symbol contrast is ${Math.round((code.symbolContrast ?? 0) * 100)} % ` +
        "(its light modules against its dark ones; ISO/IEC 15415 fails contrast under 20 %)"}: ` +
        "the print is fragile, and some device cameras may not read it.",
      why === null
        ? "print in black on white (no grey, tinted or glossy stock), or photograph the code in even light"
        : "print the code larger and sharper, with a full quiet zone, or use a higher error-correction level"));
  }
  if (code.version !== null && code.version > HIGH_VERSION) {
    findings.push(finding("qr-high-version", "", highVersionMessage(code.version, "is"), HIGH_VERSION_HINT));
  }
  // A leading byte-order mark has its own finding; it is not the non-ASCII content this is about.
  if (code.eci === null && /[^\x00-\x7f]/.test(code.text.replace(/^\uFEFF/, ""))) {
    findings.push(firstInvalidUtf8(code.bytes) < 0
      ? finding("qr-no-eci", "",
        "The text has non-ASCII characters but the code carries no ECI marker saying it is UTF-8: Android's scanner " +
          "guesses UTF-8 from the bytes and reads it correctly, but a few readers decode such codes as Latin-1.",
        "test the code on the target devices, or keep names and passwords ASCII")
      : finding("qr-no-eci", "",
        "The text has non-ASCII characters, the code carries no ECI marker, and its bytes are not UTF-8: each scanner " +
          "guesses the character set, so a device may read other characters than the ones meant.",
        "encode the payload as UTF-8 (e.g. with aosp-sim qr), or keep names and passwords ASCII"));
  }
  return findings;
}
