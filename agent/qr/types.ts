/**
 * What the QR toolkit returns for an image, and the few facts about QR symbols every part of it
 * shares. `aosp-sim decode --json` prints `DecodedCode`s
 * (CLI contract, README "decode": file, text, decoder, version, ecLevel, mode, eci), and `validate` reports
 * the QR metadata of an image input from the same object.
 */
import { givenValue } from "../protocol/given-value.js";

export type DecoderName = "zxing" | "jsqr";

/**
 * Below this share of unused error correction a code is a fragile print: reading it took more
 * than half of what its error correction can repair, so a little more blur, glare or wear and
 * it is unreadable (ISO/IEC 15415 grades unused error correction under 0.50 C or worse).
 */
export const FRAGILE_UNUSED_ERROR_CORRECTION = 0.5;
/**
 * Below this symbol contrast (symbol-contrast.ts) a code is a fragile print: ISO/IEC 15415 fails
 * contrast under 20 %. Only a failing grade counts, because a photo's contrast also depends on
 * its exposure (the ZXing corpus photos and the camera set measure 33 % and more).
 */
export const FRAGILE_SYMBOL_CONTRAST = 0.2;

/** Error-correction levels, from the most data to the most redundancy. */
export const EC_LEVELS = ["L", "M", "Q", "H"] as const;
export type EcLevel = (typeof EC_LEVELS)[number];

/** The level a decoder (or a user) names, or null when it is none of L, M, Q, H (case-sensitive). */
export function asEcLevel(value: string | null | undefined): EcLevel | null {
  return EC_LEVELS.find((level) => level === value) ?? null;
}

/** Modules per side of a QR version (1..40). */
export function moduleCountOf(version: number): number {
  return 17 + 4 * version;
}
/** QR data modes; "mixed" when the code uses more than one segment mode. */
export type QrMode = "numeric" | "alphanumeric" | "byte" | "kanji" | "mixed";

export interface DecodedCode {
  /** The exact decoded text. */
  text: string;
  /** The raw bytes of the code's data segments (byte-mode content as stored in the symbol). */
  bytes: Uint8Array;
  /** Which decoder(s) read this code, joined with "+" (e.g. "zxing+jsqr"). */
  decoder: string;
  decoders: DecoderName[];
  /**
   * The share of the code's error correction its zxing-cpp reading left unused (0..1, ISO/IEC
   * 15415), null when zxing-cpp could not read it (only jsQR did).
   */
  unusedErrorCorrection: number | null;
  /** Light against dark modules in the image, as a share of the full range (0..1); null when unknown. */
  symbolContrast: number | null;
  /** QR version 1..40, null when unknown. */
  version: number | null;
  ecLevel: EcLevel | null;
  mode: QrMode | null;
  /** ECI designator (e.g. 26 for UTF-8) when the symbol carries one, else null. */
  eci: number | null;
  /** Modules per side (17 + 4 * version), null when unknown. */
  moduleCount: number | null;
  /** Corner points in image pixels, clockwise from top-left, when known. */
  corners: { x: number; y: number }[] | null;
  /**
   * Light modules on a dark ground, as zxing-cpp read it (it tries the inverted image too);
   * absent when zxing-cpp did not read the code. Many scanners read only dark on light.
   */
  inverted?: boolean;
  /**
   * Modules of clear ground around the code in the image (0..4, to a tenth; quiet-zone.ts);
   * absent when the code's size is unknown. ISO/IEC 18004 asks for 4.
   */
  quietZone?: number;
  /**
   * In an animated image (a GIF of several frames): the frames that show this code, 1-based, in
   * order; absent for a still image.
   */
  frames?: number[];
  /** Mirrored (rows and columns swapped, as seen through the back of a print), as zxing-cpp read it; absent when it did not. */
  mirrored?: boolean;
  /**
   * When the decoders read different texts from the same code: every reading, by decoder.
   * Never resolved silently; the CLI reports it and `validate` makes it an error.
   */
  disagreement: { decoder: DecoderName; text: string }[] | null;
}

/** A reading that used more than half the code's error correction: a misread is possible. */
export function isNearlyUncorrectable(code: Pick<DecodedCode, "unusedErrorCorrection">): boolean {
  return code.unusedErrorCorrection !== null && code.unusedErrorCorrection < FRAGILE_UNUSED_ERROR_CORRECTION;
}

/**
 * A print that may fail on a device: its reading used more than half its error correction, its
 * contrast fails, or only jsQR, the fallback decoder, reads it.
 */
export function isFragile(code: Pick<DecodedCode, "unusedErrorCorrection" | "symbolContrast">): boolean {
  if (code === null || typeof code !== "object") {
    throw new TypeError(`isFragile: code must be a decoded code, one of decodeQrImage's codes (got ${givenValue(code)})`);
  }
  return code.unusedErrorCorrection === null || isNearlyUncorrectable(code) ||
    (code.symbolContrast !== null && code.symbolContrast < FRAGILE_SYMBOL_CONTRAST);
}

/** An image of several frames: an animation's frames are shown in turn, a TIFF's pages are separate pictures. */
export type FrameKind = "animated GIF" | "animated WebP" | "animated PNG" | "multi-page TIFF";

export interface DecodeImageResult {
  /** The file name as given (or "<stdin>", or a caller-chosen label). */
  file: string;
  width: number;
  height: number;
  /** Frames in the image, each one read: 1 (or absent) for a still image, more for an animated GIF or WebP or a TIFF's pages. */
  frameCount?: number;
  /** What the frames are, when there are several (absent for a still image). */
  frameKind?: FrameKind;
  codes: DecodedCode[];
  /**
   * With no QR code: the other barcodes found instead ("Data Matrix", "Aztec", ...), which a
   * provisioning scanner does not read. Absent when there are QR codes, or nothing else either.
   */
  otherSymbologies?: string[];
}
