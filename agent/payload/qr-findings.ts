/**
 * Findings about a QR image rather than the payload in it: no code, several codes, a fragile
 * print (measured: error correction used, contrast), decoders that disagree, a high version,
 * non-ASCII text without an ECI marker. Pure: it looks at what the decoder returned.
 *
 * Every code in an image is checked, not only the first: a device's camera reads whichever it
 * finds first, so one broken code makes the image invalid. With several codes each finding
 * about a code says which ("Code 2 of 2: ..."), in the image's order.
 */
import { modulePixels } from "../qr/index.js";
import { isQuietZoneShort, MIN_QUIET_ZONE, quietZoneMessage } from "../qr/quiet-zone.js";
import { frameList, frameUnit } from "../qr/frames.js";
import { noQrCodeStory } from "../qr/no-code.js";
import { isFragile, isNearlyUncorrectable, type DecodeImageResult, type DecodedCode } from "../qr/types.js";
import { firstInvalidUtf8 } from "./check.js";
import type { Finding } from "./findings.js";
import { finding } from "./rules/catalog.js";
import { HIGH_VERSION, highVersionHint, highVersionMessage } from "./rules/size.js";

/**
 * Findings about the image: no code, several codes, and for every code its own findings (those
 * about the print, plus whatever `perCode` adds, e.g. its payload's), each labelled with the
 * code it concerns when there are several.
 */
export function imageFindings(image: DecodeImageResult, perCode: (code: DecodedCode) => Finding[] = () => []): Finding[] {
  const findings: Finding[] = [];
  if (image.codes.length === 0) {
    const frames = (image.frameCount ?? 1) > 1 ? ` (in any of its ${image.frameCount} ${frameUnit(image.frameKind)}s)` : "";
    const story = noQrCodeStory(image, ` by either decoder${frames}`,
      "check that the whole code is in the picture with its quiet zone (4 light modules), sharp, evenly lit and not mirrored");
    findings.push(finding("qr-no-code", "",
      `${story.what.charAt(0).toUpperCase()}${story.what.slice(1)}. A device's camera would not start provisioning from it.`,
      story.fix));
    return findings;
  }
  const story = framesStory(image);
  if (story !== null) {
    findings.push(finding("qr-animated", "", `${capitalised(story)}.`,
      "show one still image of one code: export a frame that shows it as a PNG (ImageMagick counts frames from 0: `magick 'anim.gif[1]' code.png` writes frame 2)"));
  }
  // In an animated image several codes may be one per frame (qr-animated says so); several in one frame are several in view.
  if (image.codes.length > 1 && (story === null || someFrameShowsSeveral(image.codes))) {
    findings.push(finding("qr-multiple-codes", "",
      `The image holds ${image.codes.length} QR codes; a device's camera reads whichever it finds first, so every ` +
        "one is checked and any code that fails makes the image invalid.",
      "show one provisioning code at a time"));
  }
  findings.push(...labelledByCode(image.codes.map((code) => [...codeFindings(code), ...perCode(code)])));
  return findings;
}

/** Whether one frame of an animated image shows more than one code. */
function someFrameShowsSeveral(codes: readonly DecodedCode[]): boolean {
  const seen = new Set<number>();
  for (const frame of codes.flatMap((c) => c.frames ?? [])) {
    if (seen.has(frame)) return true;
    seen.add(frame);
  }
  return false;
}

/**
 * For an animated image whose frames do not all show the same code(s): what a camera may see,
 * frame by frame ("an animated GIF of 3 frames, and a camera reads whichever is on screen: frame 1
 * shows no code, frames 2 and 3 code 1"); null for a still image or frames that all agree.
 */
export function framesStory(image: DecodeImageResult): string | null {
  const count = image.frameCount ?? 1;
  // No code in any frame is qr-no-code's to say.
  if (count <= 1 || image.codes.length === 0) return null;
  const all = Array.from({ length: count }, (_, i) => i + 1);
  const withCode = new Set(image.codes.flatMap((c) => c.frames ?? []));
  const none = all.filter((f) => !withCode.has(f));
  if (none.length === 0 && image.codes.every((c) => (c.frames?.length ?? count) === count)) return null;
  const unit = frameUnit(image.frameKind);
  const parts = image.codes.map((c, i) =>
    `${frameList(c.frames ?? all, unit)} ${c.frames?.length === 1 ? "shows" : "show"} ${image.codes.length > 1 ? `code ${i + 1}` : "the code"}`);
  if (none.length > 0) parts.push(`${frameList(none, unit)} ${none.length === 1 ? "shows" : "show"} no code`);
  const differ = image.codes.length > 1 ? `: the ${unit}s show ${image.codes.length} different codes, and a device provisions from whichever its camera reads` : "";
  const kind = image.frameKind ?? "animated GIF";
  const seen = unit === "page"
    ? "and a camera sees whichever page is printed or shown"
    : "and a camera reads whichever frame is on screen";
  return `${kind.startsWith("animated") ? "an" : "a"} ${kind} of ${count} ${unit}s, ${seen}: ${parts.join("; ")}${differ}`;
}

/**
 * The findings of each code (in the image's order) as one list; with several codes each says
 * which code(s) it concerns, and one that several codes share (the same code printed twice) is
 * listed once for all of them.
 */
function labelledByCode(perCode: readonly Finding[][]): Finding[] {
  if (perCode.length === 1) return [...perCode[0]!];
  const groups = new Map<string, { finding: Finding; codes: number[] }>();
  perCode.forEach((findings, index) => {
    for (const f of findings) {
      const key = JSON.stringify([f.severity, f.rule, f.path, f.message, f.hint]);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { finding: f, codes: [index + 1] });
      else if (!group.codes.includes(index + 1)) group.codes.push(index + 1);
    }
  });
  return [...groups.values()].map(({ finding: f, codes }) => ({ ...f, message: `${codeLabel(codes, perCode.length)}: ${f.message}` }));
}

/** "Code 2 of 3", "Codes 1 and 3 of 3", "Codes 1, 2 and 3 of 3". */
function codeLabel(codes: readonly number[], total: number): string {
  if (codes.length === 1) return `Code ${codes[0]} of ${total}`;
  return `Codes ${codes.slice(0, -1).join(", ")} and ${codes[codes.length - 1]} of ${total}`;
}

/** Findings about one code's print and symbol: decoders that disagree, a fragile print, a high version, no ECI. */
function codeFindings(code: DecodedCode): Finding[] {
  const findings: Finding[] = [];
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
  // The same check `qr` makes when it renders, measured here on the image (a little short of 4
  // is the measure's own error, not a narrower margin: isQuietZoneShort). The message gives the
  // zone as measured, to a tenth: rounded, 3.6 modules would be "4 modules, less than the 4".
  if (code.quietZone !== undefined && isQuietZoneShort(code.quietZone, modulePixels(code))) {
    findings.push(finding("qr-quiet-zone", "", `${capitalised(quietZoneMessage(code.quietZone))}.`,
      `leave a light margin of ${MIN_QUIET_ZONE} modules on every side of the code (aosp-sim qr renders one by default)`));
  }
  findings.push(...orientationFindings(code));
  if (code.version !== null && code.version > HIGH_VERSION) {
    findings.push(finding("qr-high-version", "", highVersionMessage(code.version, "is"), highVersionHint(code.ecLevel)));
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

/**
 * A light-on-dark or mirrored code. zxing-cpp reads both because it is asked to try them; the
 * setup wizard's scanner is not open source, and ZXing (Java), which many Android camera
 * scanners build on, tries inverted images only when the app passes DecodeHintType.ALSO_INVERTED,
 * while its QR decoder retries a mirrored reading by itself (docs/provisioning-facts.md §2).
 */
function orientationFindings(code: DecodedCode): Finding[] {
  const findings: Finding[] = [];
  if (code.inverted === true) {
    findings.push(finding("qr-inverted", "",
      "The code is light on dark (inverted). This tool reads it because it also tries the inverted image, but ZXing, " +
        "the decoder many Android camera scanners build on, reads light-on-dark codes only when the app asks for it, " +
        "and the setup wizard's scanner is not open source: some scanners cannot read this code.",
      "print the code dark on light (black modules on a white ground)"));
  }
  if (code.mirrored === true) {
    findings.push(finding("qr-mirrored", "",
      "The code is mirrored (printed reversed, or seen through the back of a transparency). ZXing retries a mirrored " +
        "reading by itself, but other scanners do not, and the setup wizard's scanner is not open source.",
      "print the code the right way round"));
  }
  return findings;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
