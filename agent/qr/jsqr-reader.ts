/**
 * jsQR, a pure-JavaScript reader with its own finder, sampler and binariser, so it fails on
 * different images than zxing-cpp does. It reads one code per call; to find several, each code
 * it reads is painted over and the image scanned again.
 *
 * Its text is not used as is: jsQR decodes byte segments as UTF-8 or drops them. The segments it
 * reports (chunks, with raw bytes) are decoded again with zxing's charset rules (charset.ts).
 */
import jsQRModule, { type QRCode } from "jsqr";
import { cloneBitmap, fillQuad, type Bitmap, type Point } from "./bitmap.js";
import { segmentsToText, type Segment } from "./charset.js";
import type { Reading } from "./reading.js";
import { moduleCountOf, type QrMode } from "./types.js";

// jsqr is CommonJS: its function is both module.exports and module.exports.default.
const jsQR = jsQRModule.default;

type Chunk = QRCode["chunks"][number];

/** jsQR's chunks as the segments charset.ts understands. */
export function segmentsFromChunks(chunks: readonly Chunk[]): Segment[] {
  const segments: Segment[] = [];
  for (const chunk of chunks) {
    if ("assignmentNumber" in chunk) segments.push({ kind: "eci", eci: chunk.assignmentNumber });
    else if ("bytes" in chunk) segments.push({ kind: chunk.type === "kanji" ? "kanji" : "byte", bytes: chunk.bytes });
    else segments.push({ kind: chunk.type === "numeric" ? "numeric" : "alphanumeric", text: chunk.text });
  }
  return segments;
}

/** The data mode of a symbol: its one segment mode, or "mixed". */
export function modeOfSegments(segments: readonly Segment[]): QrMode | null {
  const modes = new Set(segments.filter((s) => s.kind !== "eci").map((s) => s.kind as QrMode));
  if (modes.size === 0) return null;
  if (modes.size > 1) return "mixed";
  return [...modes][0]!;
}

/**
 * One jsQR scan. jsQR merges caller options into a shared defaults object (so one call's
 * options leak into the next), hence the options are always passed in full.
 */
export function scanOnce(image: Bitmap, invert: boolean | "only"): QRCode | null {
  return jsQR(image.data, image.width, image.height, {
    inversionAttempts: invert === "only" ? "onlyInvert" : invert ? "attemptBoth" : "dontInvert",
  });
}

export function readingFromJsqr(code: QRCode): Reading {
  const segments = segmentsFromChunks(code.chunks);
  const { text, bytes, eci } = segmentsToText(segments);
  const loc = code.location;
  return {
    decoder: "jsqr",
    text,
    bytes,
    version: code.version,
    ecLevel: null,
    mode: modeOfSegments(segments),
    eci,
    corners: [loc.topLeftCorner, loc.topRightCorner, loc.bottomRightCorner, loc.bottomLeftCorner].map(
      ({ x, y }) => ({ x, y }),
    ),
  };
}

export interface JsqrOptions {
  /** Stop after this many codes. */
  maxCodes: number;
  /**
   * Also look for light-on-dark codes (doubles the cost of a scan that finds nothing), or, with
   * "only", look for nothing else (for a code whose polarity is known).
   */
  invert: boolean | "only";
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/**
 * Whether an outline can be a symbol in this image. jsQR occasionally "finds" a code in
 * background texture, fitting a wild perspective (corners thousands of pixels outside the image)
 * to three blobs; such readings are dropped rather than reported.
 */
export function plausibleOutline(corners: readonly Point[], width: number, height: number): boolean {
  if (corners.length !== 4) return false;
  const slackX = width * 0.1;
  const slackY = height * 0.1;
  if (corners.some((p) => p.x < -slackX || p.y < -slackY || p.x > width + slackX || p.y > height + slackY)) {
    return false;
  }
  // Convex, with all turns the same way.
  const turns = corners.map((p, i) => cross(p, corners[(i + 1) % 4]!, corners[(i + 2) % 4]!));
  if (!(turns.every((t) => t > 0) || turns.every((t) => t < 0))) return false;
  // Opposite sides of similar length: strong perspective, but not a sliver.
  const side = (i: number) => Math.hypot(corners[(i + 1) % 4]!.x - corners[i]!.x, corners[(i + 1) % 4]!.y - corners[i]!.y);
  const ratio = (a: number, b: number) => Math.max(a, b) / Math.max(1e-9, Math.min(a, b));
  return ratio(side(0), side(2)) < 3 && ratio(side(1), side(3)) < 3 && ratio(side(0), side(1)) < 3;
}

/** Every code jsQR finds, scanning again after painting over each one it has read. */
export function readWithJsqr(image: Bitmap, options: JsqrOptions): Reading[] {
  const readings: Reading[] = [];
  let work = image;
  for (let i = 0; i < options.maxCodes; i++) {
    // Later scans look for further codes of the same polarity only: a scan that finds nothing
    // costs twice as much with inversion, and every image pays for the last, empty scan.
    const code = scanOnce(work, options.invert && i === 0);
    if (!code) break;
    const reading = readingFromJsqr(code);
    // No data, or an outline that cannot be a symbol here: a phantom, not a code. Stop: what
    // remains of the image is unlikely to hold a real code the phantom hid.
    if (reading.bytes.length === 0 || !plausibleOutline(reading.corners, image.width, image.height)) break;
    // A scan that finds the same place twice would loop forever; stop instead.
    if (readings.some((r) => samePlace(r.corners, reading.corners))) break;
    readings.push(reading);
    if (readings.length === options.maxCodes) break;
    if (work === image) work = cloneBitmap(image);
    // Paint the symbol and its quiet zone light so the next scan cannot find its finders again.
    const moduleSize = Math.hypot(
      reading.corners[1]!.x - reading.corners[0]!.x,
      reading.corners[1]!.y - reading.corners[0]!.y,
    ) / moduleCountOf(code.version);
    fillQuad(work, reading.corners, moduleSize * 2, 255);
  }
  return readings;
}

function samePlace(a: readonly Point[], b: readonly Point[]): boolean {
  return a.every((p, i) => Math.hypot(p.x - b[i]!.x, p.y - b[i]!.y) < 2);
}
