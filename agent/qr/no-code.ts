/**
 * What to say about an image in which no QR code was read: the `decode` error and the
 * `qr-no-code` finding share it. When the image holds another kind of barcode (Data Matrix,
 * Aztec, PDF417 ...), that is the reason, not focus or lighting: the setup wizard's scanner reads
 * QR codes only (docs/provisioning-facts.md §1, "the QR text is JSON").
 */
import type { DecodeImageResult } from "./types.js";

export interface NoCodeStory {
  /** Why nothing was read, without the file name: "no QR code found in the 328x328 image". */
  what: string;
  fix: string;
}

function listed(names: readonly string[]): string {
  const withArticle = names.map((n) => `${/^[AEIOU]/.test(n) ? "an" : "a"} ${n} code`);
  return withArticle.length <= 1 ? withArticle.join("") : `${withArticle.slice(0, -1).join(", ")} and ${withArticle.at(-1)}`;
}

export function noQrCodeStory(image: DecodeImageResult, framesNote: string, readingFix: string): NoCodeStory {
  const base = `no QR code found in the ${image.width}x${image.height} image${framesNote}`;
  const others = image.otherSymbologies ?? [];
  if (others.length === 0) return { what: base, fix: readingFix };
  return {
    what: `${base}: it holds ${listed(others)} instead, and the setup wizard's provisioning scanner reads only QR codes`,
    fix: "render the payload as a QR code (aosp-sim qr payload.json -o code.png)",
  };
}
