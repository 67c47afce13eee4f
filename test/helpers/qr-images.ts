/**
 * Builds QR images for tests, in memory: a code from the `qrcode` package drawn at a chosen
 * module size, then placed, turned, blurred, speckled, inverted, mirrored or re-encoded (PNG,
 * JPEG, BMP, GIF, TIFF) with jimp. Also hand-made broken files (a PNG header claiming huge
 * dimensions, truncated files). Everything is deterministic: noise comes from a seeded generator.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { Jimp, JimpMime } from "jimp";
import QRCode from "qrcode";
import toSJIS from "qrcode/helper/to-sjis.js";
import { prepareZXingModule, writeBarcode } from "zxing-wasm/writer";
import { seededRandom } from "../../agent/device/identity.js";

/** Deterministic pseudo-random numbers in [0, 1), the device identities' generator. */
export { seededRandom };

export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type QrContent = string | Uint8Array | QRCode.QRCodeSegment[];

export interface QrOptions {
  ecLevel?: "L" | "M" | "Q" | "H";
  version?: number;
  /** Pixels per module. */
  scale?: number;
  /** Quiet zone, in modules. */
  margin?: number;
  /** Light-on-dark. */
  invert?: boolean;
  /** Swap rows and columns (what a camera sees through the back of a transparent print). */
  mirror?: boolean;
  /** Use Kanji mode for Japanese text (Shift_JIS). */
  kanji?: boolean;
}

export interface QrSymbol {
  size: number;
  version: number;
  isDark(x: number, y: number): boolean;
}

/** The module grid of a QR code for `content` (strings are UTF-8 in byte mode, no ECI). */
export function qrSymbol(content: QrContent, options: QrOptions = {}): QrSymbol {
  const data: string | QRCode.QRCodeSegment[] =
    content instanceof Uint8Array ? [{ mode: "byte", data: content }] : content;
  const code = QRCode.create(data, {
    errorCorrectionLevel: options.ecLevel ?? "M",
    ...(options.version ? { version: options.version } : {}),
    ...(options.kanji ? { toSJISFunc: toSJIS } : {}),
  });
  const size = code.modules.size;
  const bits = code.modules.data;
  return {
    size,
    version: code.version,
    isDark: (x, y) => (options.mirror ? bits[x * size + y] === 1 : bits[y * size + x] === 1),
  };
}

/** Draws a code as an RGBA image, `scale` pixels per module, with a quiet zone. */
export function drawQr(content: QrContent, options: QrOptions = {}): Rgba {
  const symbol = qrSymbol(content, options);
  const scale = options.scale ?? 6;
  const margin = options.margin ?? 4;
  const side = (symbol.size + 2 * margin) * scale;
  const image = blank(side, side, options.invert ? 0 : 255);
  const ink = options.invert ? 255 : 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - margin;
      const my = Math.floor(y / scale) - margin;
      if (mx < 0 || my < 0 || mx >= symbol.size || my >= symbol.size || !symbol.isDark(mx, my)) continue;
      setGrey(image, x, y, ink);
    }
  }
  return image;
}

export function blank(width: number, height: number, grey = 255): Rgba {
  const data = new Uint8ClampedArray(width * height * 4).fill(grey);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width, height };
}

function setGrey(image: Rgba, x: number, y: number, grey: number): void {
  const o = (y * image.width + x) * 4;
  image.data[o] = image.data[o + 1] = image.data[o + 2] = grey;
  image.data[o + 3] = 255;
}

/** Copies `part` into `canvas` at (x, y). */
export function place(canvas: Rgba, part: Rgba, x: number, y: number): Rgba {
  for (let row = 0; row < part.height; row++) {
    const ty = y + row;
    if (ty < 0 || ty >= canvas.height) continue;
    for (let col = 0; col < part.width; col++) {
      const tx = x + col;
      if (tx < 0 || tx >= canvas.width) continue;
      const s = (row * part.width + col) * 4;
      const t = (ty * canvas.width + tx) * 4;
      for (let c = 0; c < 4; c++) canvas.data[t + c] = part.data[s + c]!;
    }
  }
  return canvas;
}

/** Adds uniform grey noise of +-`amount` to every pixel. */
export function addNoise(image: Rgba, amount: number, seed = 1): Rgba {
  const random = seededRandom(seed);
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i += 4) {
    const delta = (random() * 2 - 1) * amount;
    data[i] = data[i]! + delta;
    data[i + 1] = data[i + 1]! + delta;
    data[i + 2] = data[i + 2]! + delta;
  }
  return { data, width: image.width, height: image.height };
}

/** Scales every pixel's distance from mid-grey by `factor` (0.3 = a faded, low-contrast print). */
export function lowerContrast(image: Rgba, factor: number, offset = 0): Rgba {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) data[i + c] = 128 + (data[i + c]! - 128) * factor + offset;
  }
  return { data, width: image.width, height: image.height };
}

function toJimp(image: Rgba) {
  return Jimp.fromBitmap({ data: Buffer.from(image.data), width: image.width, height: image.height });
}

function fromJimp(image: ReturnType<typeof toJimp>): Rgba {
  const { data, width, height } = image.bitmap;
  return { data: new Uint8ClampedArray(data), width, height };
}

/** Rotates counter-clockwise by any angle (the canvas grows; new corners are white). */
export function rotate(image: Rgba, degrees: number): Rgba {
  const j = toJimp(image);
  // jimp fills uncovered corners with transparent black; put the image on white first.
  const turned = fromJimp(j.rotate(degrees));
  const out = blank(turned.width, turned.height);
  for (let i = 0; i < turned.data.length; i += 4) {
    const alpha = turned.data[i + 3]! / 255;
    for (let c = 0; c < 3; c++) out.data[i + c] = turned.data[i + c]! * alpha + 255 * (1 - alpha);
  }
  return out;
}

export function blur(image: Rgba, radius: number): Rgba {
  return fromJimp(toJimp(image).blur(radius));
}

export function resize(image: Rgba, width: number, height: number): Rgba {
  return fromJimp(toJimp(image).resize({ w: width, h: height }));
}

export type Encoding = "png" | "jpeg" | "bmp" | "gif" | "tiff";

/** Encodes the image as a file's bytes. */
export async function encode(image: Rgba, format: Encoding = "png", jpegQuality = 90): Promise<Buffer> {
  const j = toJimp(image);
  switch (format) {
    case "png":
      return j.getBuffer(JimpMime.png);
    case "jpeg":
      return j.getBuffer(JimpMime.jpeg, { quality: jpegQuality });
    case "bmp":
      return j.getBuffer(JimpMime.bmp);
    case "gif":
      return j.getBuffer(JimpMime.gif);
    case "tiff":
      return j.getBuffer(JimpMime.tiff);
  }
}

/** A QR code for `content` as PNG bytes (the common case in tests). */
export async function qrPng(content: QrContent, options: QrOptions = {}): Promise<Buffer> {
  return encode(drawQr(content, options), "png");
}

// ---- hand-made broken files -------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A well-formed PNG whose IHDR declares `width` x `height` (8-bit greyscale) and whose image
 * data is a few bytes of a valid zlib stream: a decoder that trusts the header would try to
 * allocate width x height pixels.
 */
export function pngWithDeclaredSize(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(64))),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** The first `fraction` of a file. */
export function truncate(bytes: Uint8Array, fraction: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.max(1, Math.floor(bytes.length * fraction))));
}

// ---- codes with an ECI designator ---------------------------------------------------------

let zxingWriterReady: Promise<unknown> | undefined;

/**
 * A QR code written by zxing-cpp (zxing-wasm's writer, its .wasm loaded from node_modules),
 * which marks non-ASCII text with an ECI designator (26 = UTF-8), unlike the `qrcode` package.
 */
export async function eciQrPng(text: string, scale = 4): Promise<Uint8Array> {
  zxingWriterReady ??= readFile(createRequire(import.meta.url).resolve("zxing-wasm/writer/zxing_writer.wasm")).then(
    (wasm) => {
      const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
      return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
    },
  );
  await zxingWriterReady;
  const written = await writeBarcode(text, { format: "QRCode", scale });
  if (!written.image) throw new Error(`zxing-wasm could not write a QR code: ${written.error}`);
  return new Uint8Array(await written.image.arrayBuffer());
}

/** A little-endian TIFF whose pages (IFDs) declare these sizes and hold no pixel data. */
export function tiffWithPages(pages: readonly { width: number; height: number }[]): Buffer {
  const ifdSize = 2 + 2 * 12 + 4;
  const out = Buffer.alloc(8 + pages.length * ifdSize);
  out.write("II", 0, "ascii");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  pages.forEach((page, i) => {
    const at = 8 + i * ifdSize;
    out.writeUInt16LE(2, at);
    [[256, page.width], [257, page.height]].forEach(([tag, value], e) => {
      const entry = at + 2 + e * 12;
      out.writeUInt16LE(tag!, entry);
      out.writeUInt16LE(4, entry + 2); // LONG
      out.writeUInt32LE(1, entry + 4);
      out.writeUInt32LE(value!, entry + 8);
    });
    out.writeUInt32LE(i + 1 < pages.length ? at + ifdSize : 0, at + 2 + 2 * 12);
  });
  return out;
}
