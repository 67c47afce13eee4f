/**
 * What kind of image a byte string is, from its magic bytes, and how big it claims to be, from
 * its header, without decoding any pixels. Knowing the size first lets the loader refuse an image
 * whose header claims, say, 50000 x 50000 pixels before allocating 10 GB for it.
 */

import { givenValue } from "../protocol/given-value.js";

export type ImageFormat = "png" | "jpeg" | "gif" | "bmp" | "tiff" | "webp" | "avif" | "heic" | "jxl" | "svg";

/** Formats the loader decodes (sharp, omggif, jimp; sharp's prebuilt libvips reads AVIF since 0.27, not HEIC); the others are recognised only to say so clearly. */
export const DECODABLE_FORMATS: ReadonlySet<ImageFormat> = new Set(["png", "jpeg", "gif", "bmp", "tiff", "webp", "avif"]);

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: "PNG",
  jpeg: "JPEG",
  gif: "GIF",
  bmp: "BMP",
  tiff: "TIFF",
  webp: "WebP",
  avif: "AVIF",
  heic: "HEIC/HEIF",
  jxl: "JPEG XL",
  svg: "SVG",
};

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image format the bytes start with, or null when they are not a known image format. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "gif";
  if (ascii(bytes, 0, 2) === "BM" && bytes.length >= 26) return "bmp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"].includes(brand)) return "heic";
  }
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return "jxl";
  // SVG is text: allow a BOM, whitespace and an XML prolog or comments before the <svg> element.
  const head = ascii(bytes, 0, 1024).replace(/^\u00ef\u00bb\u00bf/, "").trimStart();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "svg";
  return null;
}

/** True when the bytes are an image (of any format recognised above), e.g. to tell images from JSON. */
export function isImageBytes(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`isImageBytes: bytes must be the file's bytes as a Uint8Array or Buffer; pass the bytes, not a path (e.g. await readFile(path)) (got ${givenValue(bytes)})`);
  }
  return sniffImageFormat(bytes) !== null;
}

export interface Dimensions {
  width: number;
  height: number;
  /** Pixels the decoder will produce: width x height, or the sum over all pages of a TIFF. */
  pixels: number;
}

function dimensions(width: number, height: number): Dimensions {
  return { width, height, pixels: width * height };
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function i32le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

function pngDimensions(b: Uint8Array): Dimensions | null {
  // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
  if (b.length < 24 || ascii(b, 12, 16) !== "IHDR") return null;
  return dimensions(u32be(b, 16), u32be(b, 20));
}

function gifDimensions(b: Uint8Array): Dimensions | null {
  if (b.length < 10) return null;
  return dimensions(u16le(b, 6), u16le(b, 8));
}

function bmpDimensions(b: Uint8Array): Dimensions | null {
  const headerSize = b.length >= 18 ? i32le(b, 14) : 0;
  if (headerSize === 12 && b.length >= 22) return dimensions(u16le(b, 18), u16le(b, 20));
  if (headerSize < 40 || b.length < 26) return null;
  // Height is negative for top-down bitmaps.
  return dimensions(Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22)));
}

/** Start-of-frame markers carry the size; they are C0..CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegDimensions(b: Uint8Array): Dimensions | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = u16be(b, i + 2);
    if (isStartOfFrame(marker)) {
      if (i + 9 > b.length) return null;
      return dimensions(u16be(b, i + 7), u16be(b, i + 5));
    }
    if (marker === 0xda || length < 2) return null; // image data began without a frame header
    i += 2 + length;
  }
  return null;
}

/** A RIFF chunk of a WebP file: its four-character code and where its data lies. */
function* webpChunks(b: Uint8Array): Generator<{ fourcc: string; start: number; size: number }> {
  for (let at = 12; at + 8 <= b.length; ) {
    const size = i32le(b, at + 4) >>> 0;
    yield { fourcc: ascii(b, at, at + 4), start: at + 8, size };
    at += 8 + size + (size & 1);
  }
}

/** WebP: the canvas (VP8X) or the single image's size (VP8L lossless, VP8 lossy). */
function webpDimensions(b: Uint8Array): Dimensions | null {
  const first = webpChunks(b).next();
  if (first.done) return null;
  const { fourcc, start } = first.value;
  const u24 = (o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
  if (fourcc === "VP8X" && start + 10 <= b.length) return dimensions(u24(start + 4) + 1, u24(start + 7) + 1);
  if (fourcc === "VP8L" && start + 5 <= b.length && b[start] === 0x2f) {
    const bits = i32le(b, start + 1) >>> 0;
    return dimensions((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (fourcc === "VP8 " && start + 10 <= b.length) return dimensions(u16le(b, start + 6) & 0x3fff, u16le(b, start + 8) & 0x3fff);
  return null;
}

/** The boxes of an ISO BMFF byte range: each one's type and where its data lies. */
function* isoBoxes(b: Uint8Array, from: number, to: number): Generator<{ type: string; start: number; end: number }> {
  for (let at = from; at + 8 <= to; ) {
    let size = u32be(b, at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to || u32be(b, at + 8) !== 0) return; // a 64-bit size beyond 4 GB
      size = u32be(b, at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return;
    yield { type: ascii(b, at + 4, at + 8), start: at + header, end: at + size };
    at += size;
  }
}

/**
 * AVIF (HEIF): the largest image spatial extent (ispe) among the item properties (meta > iprp >
 * ipco), which covers the primary image whether it is one image or a grid of tiles.
 */
function avifDimensions(b: Uint8Array): Dimensions | null {
  const child = (type: string, from: number, to: number) => {
    for (const box of isoBoxes(b, from, to)) if (box.type === type) return box;
    return null;
  };
  const meta = child("meta", 0, b.length);
  const iprp = meta && child("iprp", meta.start + 4, meta.end); // meta is a FullBox: version and flags first
  const ipco = iprp && child("ipco", iprp.start, iprp.end);
  if (!ipco) return null;
  let best: Dimensions | null = null;
  for (const box of isoBoxes(b, ipco.start, ipco.end)) {
    if (box.type !== "ispe" || box.start + 12 > box.end) continue;
    const size = dimensions(u32be(b, box.start + 4), u32be(b, box.start + 8));
    if (best === null || size.pixels > best.pixels) best = size;
  }
  return best;
}

/** True for an AVIF image sequence (brand avis): an animation, of which sharp reads only the primary image. */
export function isAvifSequence(bytes: Uint8Array): boolean {
  return ascii(bytes, 4, 8) === "ftyp" && ascii(bytes, 8, 12) === "avis";
}

/** The frames of a WebP: its ANMF chunks when animated, else 1. */
export function webpFrameCount(bytes: Uint8Array): number {
  let frames = 0;
  for (const chunk of webpChunks(bytes)) if (chunk.fourcc === "ANMF") frames += 1;
  return Math.max(frames, 1);
}

/** TIFF pages walked at most: a file with more is refused rather than decoded page by page. */
const MAX_TIFF_PAGES = 64;

/**
 * A TIFF's first page size, with the pixels of every page: jimp decodes all pages of a TIFF, so a
 * file of many large pages is as costly as one huge page.
 */
function tiffDimensions(b: Uint8Array): Dimensions | null {
  const little = b[0] === 0x49;
  const u16 = (o: number) => (little ? u16le(b, o) : u16be(b, o));
  const u32 = (o: number) => (little ? i32le(b, o) >>> 0 : u32be(b, o));
  if (b.length < 8) return null;
  let first: Dimensions | null = null;
  let pixels = 0;
  const seen = new Set<number>();
  for (let ifd = u32(4); ifd !== 0; ) {
    // More pages than any QR image has: count them as too many pixels to decode.
    if (first && seen.size >= MAX_TIFF_PAGES) return { ...first, pixels: Number.POSITIVE_INFINITY };
    if (seen.has(ifd) || ifd + 2 > b.length) return null;
    seen.add(ifd);
    const entries = u16(ifd);
    let width: number | null = null;
    let height: number | null = null;
    for (let e = 0; e < entries; e++) {
      const o = ifd + 2 + e * 12;
      if (o + 12 > b.length) return null;
      const tag = u16(o);
      const value = u16(o + 2) === 3 ? u16(o + 8) : u32(o + 8);
      if (tag === 256) width = value;
      if (tag === 257) height = value;
    }
    if (width === null || height === null) return null;
    first ??= { width, height, pixels: 0 };
    pixels += width * height;
    const next = ifd + 2 + entries * 12;
    if (next + 4 > b.length) return null;
    ifd = u32(next);
  }
  return first && { ...first, pixels };
}

/**
 * GIF: the logical screen's size, after walking every block of the stream. Each frame (image
 * descriptor) states its own size and position; omggif decodes a frame at its own size, so a
 * 65535 x 65535 frame inside a 1 x 1 screen costs 4 billion pixels of work. A frame that does not
 * fit inside the screen is impossible (problem), and so is a stream cut off before its trailer.
 */
function gifStructure(b: Uint8Array): { size: Dimensions | null; problem: string | null; frames: number } {
  const size = gifDimensions(b);
  if (!size) return { size, problem: null, frames: 0 };
  const flags = b[10] ?? 0;
  let p = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  /** Skips data sub-blocks (a length byte, that many bytes) up to the 0 terminator; -1 if cut off. */
  const skipSubBlocks = (at: number): number => {
    while (at < b.length) {
      const n = b[at]!;
      if (n === 0) return at + 1;
      at += 1 + n;
    }
    return -1;
  };
  let frames = 0;
  while (p < b.length) {
    const block = b[p]!;
    if (block === 0x3b) return { size, problem: frames === 0 ? "it holds no image (no frame before its end)" : null, frames };
    if (block === 0x21) {
      p = p + 2 <= b.length ? skipSubBlocks(p + 2) : -1;
    } else if (block === 0x2c) {
      if (p + 10 > b.length) break;
      const [x, y, w, h] = [u16le(b, p + 1), u16le(b, p + 3), u16le(b, p + 5), u16le(b, p + 7)];
      if (w === 0 || h === 0 || x + w > size.width || y + h > size.height) {
        return {
          size,
          problem: `frame ${frames + 1} (${w}x${h} pixels at ${x},${y}) does not fit inside its ${size.width}x${size.height} screen`,
          frames,
        };
      }
      frames += 1;
      const local = b[p + 9]!;
      p += 10 + (local & 0x80 ? 3 << ((local & 7) + 1) : 0);
      p = p + 1 <= b.length ? skipSubBlocks(p + 1) : -1; // LZW minimum code size, then the data
    } else {
      return { size, problem: `it holds an unknown block (0x${block.toString(16)}) at byte ${p}`, frames };
    }
    if (p < 0) break;
  }
  return { size, problem: "its data stops before the end of the stream (the file is cut short)", frames };
}

/** The frames a GIF holds (image descriptors before its trailer, or before the damage that ends it). */
export function gifFrameCount(bytes: Uint8Array): number {
  return gifStructure(bytes).frames;
}

const BMP_BITS_PER_PIXEL = new Set([1, 4, 8, 16, 24, 32]);

/** BMP: a pixel depth the format has, pixel data that starts inside the file and, uncompressed, fits in it. */
function bmpProblem(b: Uint8Array, size: Dimensions): string | null {
  const headerSize = i32le(b, 14);
  const bpp = headerSize === 12 ? u16le(b, 24) : b.length >= 30 ? u16le(b, 28) : 0;
  if (!BMP_BITS_PER_PIXEL.has(bpp)) return `its header claims ${bpp} bits per pixel (BMP has 1, 4, 8, 16, 24 or 32)`;
  const dataOffset = b.length >= 14 ? i32le(b, 10) >>> 0 : 0;
  if (dataOffset < 14 + headerSize || dataOffset >= b.length) {
    return `its pixel data would start at byte ${dataOffset}, outside the ${b.length}-byte file`;
  }
  const compression = headerSize >= 40 && b.length >= 34 ? i32le(b, 30) >>> 0 : 0;
  if (compression === 0 || compression === 3) {
    const rowBytes = Math.ceil((size.width * bpp) / 32) * 4;
    const needed = rowBytes * size.height;
    if (dataOffset + needed > b.length) {
      return `its ${size.width}x${size.height} pixels need ${needed} bytes but only ${b.length - dataOffset} follow the header (the file is cut short)`;
    }
  }
  return null;
}

/** Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, ..., DOUBLE). */
const TIFF_TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** TIFF: every field's values and every strip (or tile) of every page lie inside the file. */
function tiffProblem(b: Uint8Array): string | null {
  const little = b[0] === 0x49;
  const u16 = (o: number) => (little ? u16le(b, o) : u16be(b, o));
  const u32 = (o: number) => (little ? i32le(b, o) >>> 0 : u32be(b, o));
  /** The values of a SHORT or LONG field (inline when they fit in 4 bytes); null if they lie outside the file. */
  const values = (entry: number): number[] | null => {
    const type = u16(entry + 2);
    const count = u32(entry + 4);
    const width = type === 3 ? 2 : type === 4 ? 4 : 0;
    if (width === 0 || count > 1_000_000) return null;
    const at = count * width <= 4 ? entry + 8 : u32(entry + 8);
    if (at + count * width > b.length) return null;
    return Array.from({ length: count }, (_, i) => (width === 2 ? u16(at + i * 2) : u32(at + i * 4)));
  };
  let page = 0;
  const seen = new Set<number>();
  for (let ifd = u32(4); ifd !== 0 && !seen.has(ifd) && ifd + 2 <= b.length; ) {
    seen.add(ifd);
    page += 1;
    const entries = u16(ifd);
    const fields = new Map<number, number>();
    for (let e = 0; e < entries && ifd + 2 + e * 12 + 12 <= b.length; e++) {
      const entry = ifd + 2 + e * 12;
      fields.set(u16(entry), entry);
      // A field's values lie inline (4 bytes at most) or at an offset; decoders read as many as
      // the count claims, so a damaged count (billions) costs them seconds before they fail.
      const size = TIFF_TYPE_SIZES[u16(entry + 2)];
      const count = u32(entry + 4);
      if (size !== undefined && count * size > 4 && u32(entry + 8) + count * size > b.length) {
        return `page ${page}'s field ${u16(entry)} claims ${count} values of ${size} bytes from byte ${u32(entry + 8)}, past the end of the ${b.length}-byte file`;
      }
    }
    for (const [offsetsTag, countsTag, what] of [[273, 279, "strip"], [324, 325, "tile"]] as const) {
      const offsetsEntry = fields.get(offsetsTag);
      if (offsetsEntry === undefined) continue;
      const offsets = values(offsetsEntry);
      const countsEntry = fields.get(countsTag);
      const counts = countsEntry === undefined ? null : values(countsEntry);
      if (!offsets || !counts || counts.length < offsets.length) return `page ${page} has a damaged ${what} table`;
      const bad = offsets.findIndex((offset, i) => offset + counts[i]! > b.length);
      if (bad >= 0) {
        return `page ${page}'s ${what} ${bad + 1} runs to byte ${offsets[bad]! + counts[bad]!}, past the end of the ${b.length}-byte file`;
      }
    }
    const next = ifd + 2 + entries * 12;
    if (next + 4 > b.length) break;
    ifd = u32(next);
  }
  return null;
}

/**
 * What makes an image impossible to decode as its header says (frames outside the screen, a pixel
 * depth the format lacks, data past the end of the file), or null. Checked before decoding, since
 * decoders given such files either spin on them or silently invent the missing pixels.
 */
export function findStructureProblem(bytes: Uint8Array, format: ImageFormat, size: Dimensions): string | null {
  switch (format) {
    case "gif":
      return gifStructure(bytes).problem;
    case "bmp":
      return bmpProblem(bytes, size);
    case "tiff":
      return tiffProblem(bytes);
    default:
      return null;
  }
}

/** The pixel size the header declares, or null when the header is missing or cut short. */
export function readImageDimensions(bytes: Uint8Array, format: ImageFormat): Dimensions | null {
  switch (format) {
    case "png":
      return pngDimensions(bytes);
    case "jpeg":
      return jpegDimensions(bytes);
    case "gif":
      return gifDimensions(bytes);
    case "bmp":
      return bmpDimensions(bytes);
    case "tiff":
      return tiffDimensions(bytes);
    case "avif":
      return avifDimensions(bytes);
    case "webp":
      return webpDimensions(bytes);
    default:
      return null;
  }
}

/** The pages of a TIFF (each IFD), at most MAX_TIFF_PAGES + 1: the loader reads each as a frame. */
export function tiffPageCount(bytes: Uint8Array): number {
  const size = tiffDimensions(bytes);
  if (size === null) return 1;
  if (!Number.isFinite(size.pixels)) return MAX_TIFF_PAGES + 1;
  const little = bytes[0] === 0x49;
  const u16 = (o: number) => (little ? u16le(bytes, o) : u16be(bytes, o));
  const u32 = (o: number) => (little ? i32le(bytes, o) >>> 0 : u32be(bytes, o));
  let pages = 0;
  for (let ifd = u32(4); ifd !== 0 && pages <= MAX_TIFF_PAGES; pages++) ifd = u32(ifd + 2 + u16(ifd) * 12);
  return pages;
}
