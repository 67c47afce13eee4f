/**
 * The QR toolkit's public API: image file or bytes in, every QR code's exact text and metadata
 * out. Other modules (the `decode` and `validate` commands, the device's camera) use only these.
 */
import { readFileBounded, readStreamBounded, type BoundedBytes, type ReadLimit } from "../protocol/bounded-read.js";
import { fileReadError, InputError } from "../protocol/errors.js";
import { givenValue } from "../protocol/given-value.js";
import { isImageBytes } from "./image-format.js";
import { MAX_IMAGE_FILE_BYTES } from "./limits.js";
import type { DecodeImageResult, DecodedCode } from "./types.js";
import { checkPathArgument } from "../protocol/path-argument.js";

export { ECI_UTF8 } from "./charset.js";
export { isImageBytes } from "./image-format.js";
export { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from "./limits.js";
export type { DecodeImageResult, DecodedCode, DecoderName, EcLevel, FrameKind, QrMode } from "./types.js";
export { FRAGILE_SYMBOL_CONTRAST, FRAGILE_UNUSED_ERROR_CORRECTION, isFragile } from "./types.js";

/**
 * The image library and the two decoders take a few hundred milliseconds to load: they are loaded
 * on first use, so commands that only read JSON (or only print help) start quickly, and once: a
 * dynamic import() of a loaded module still costs a resolution on every call (under a loader
 * such as tsx, a round trip to its thread: 6 % of decoding a corpus image).
 */
let decoders: Promise<[typeof import("./load-image.js"), typeof import("./decode-bitmap.js"), typeof import("./frames.js")]> | null = null;

function loadDecoders() {
  if (!decoders) {
    decoders = Promise.all([import("./load-image.js"), import("./decode-bitmap.js"), import("./frames.js")]);
    // A failed load (a missing native module) is reported, and tried again by the next call.
    decoders.catch(() => (decoders = null));
  }
  return decoders;
}

/** Decodes every QR code in an image held in memory; `label` names it in results and errors. */
export async function decodeQrImage(bytes: Uint8Array, label: string): Promise<DecodeImageResult> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeQrImage: bytes must be the image's bytes as a Uint8Array or Buffer; pass the bytes, not a path (e.g. await readFile(path)) (got ${givenValue(bytes)})`);
  }
  if (typeof label !== "string") throw new TypeError(`decodeQrImage: label must be a string naming the image in messages, e.g. its file name (got ${givenValue(label)})`);
  const [{ loadImageFrames }, { decodeBitmap, decodeStillBitmap, MAX_CODES }, { mergeFrames }] = await loadDecoders();
  const image = await loadImageFrames(bytes, label);
  const { width, height, frameCount, frameKind } = image;
  if (frameCount === 1) {
    for await (const bitmap of image.frames()) {
      // With no QR code, the other barcodes in view (a Data Matrix ...) are named, if any.
      const { codes, otherSymbologies } = await decodeStillBitmap(bitmap);
      return { file: label, width, height, frameCount, codes, ...(otherSymbologies.length > 0 ? { otherSymbologies } : {}) };
    }
  }
  // An animation or a TIFF's pages: every frame, one at a time (a frame is valid until the next is decoded). A
  // frame the same as the one before (a pause, a still stretch) holds the same codes.
  const perFrame: Awaited<ReturnType<typeof decodeBitmap>>[] = [];
  let previous: Uint8ClampedArray | null = null;
  for await (const bitmap of image.frames()) {
    if (previous !== null && Buffer.compare(bytesOf(previous), bytesOf(bitmap.data)) === 0) {
      perFrame.push(perFrame[perFrame.length - 1]!);
      continue;
    }
    perFrame.push(await decodeBitmap(bitmap));
    previous = bitmap.data.slice();
  }
  return { file: label, width, height, frameCount, ...(frameKind === null ? {} : { frameKind }), codes: mergeFrames(perFrame, MAX_CODES) };
}

function bytesOf(data: Uint8ClampedArray): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The size of one module in image pixels, estimated from the code's corners; null when unknown. */
export function modulePixels(code: DecodedCode): number | null {
  const corners = code.corners;
  if (corners === null || corners.length < 2 || code.moduleCount === null || code.moduleCount <= 0) return null;
  const [a, b] = [corners[0]!, corners[1]!];
  const side = Math.hypot(b.x - a.x, b.y - a.y);
  if (!Number.isFinite(side) || side <= 0) return null;
  return Math.round((side / code.moduleCount) * 10) / 10;
}

/** The InputError for an image file (or stdin) over MAX_IMAGE_FILE_BYTES (read no further than that). */
export function imageFileTooLarge(where: string): InputError {
  return new InputError(`is more than ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB, too large for an image of a QR code`, {
    where,
    hint: "scale the image down or crop it to the code",
  });
}

/**
 * How far an input is worth reading: an image up to MAX_IMAGE_FILE_BYTES; anything else only its
 * first bytes, enough for the loader to say what it is instead (not an image, a format it cannot
 * decode), so `/dev/zero` or a huge text file costs nothing.
 */
const IMAGE_READ_LIMIT: ReadLimit = {
  limit: (head) => (isImageBytes(head) ? MAX_IMAGE_FILE_BYTES : head.length),
  sniffBytes: 1024,
};

/** Reads an image from a stream (stdin) within the same bounds as a file, and decodes it. */
export async function readQrImageStream(stream: NodeJS.ReadableStream & { destroy(): void }, label: string): Promise<DecodeImageResult> {
  return decodeBounded(await readStreamBounded(stream, IMAGE_READ_LIMIT), label);
}

/** Reads an image file (of any kind: pipes and devices too, read to a limit) and decodes every QR code in it. */
export async function readQrImageFile(path: string): Promise<DecodeImageResult> {
  checkPathArgument("readQrImageFile", "path", path, "qr.png");
  let read: BoundedBytes;
  try {
    read = await readFileBounded(path, IMAGE_READ_LIMIT);
  } catch (error) {
    throw fileReadError(error, path, "an image file", "pass the image files themselves (e.g. `dir/*.png`)");
  }
  return decodeBounded(read, path);
}

/** Over the limit matters for an image only: anything else was read just far enough to be refused by content. */
function decodeBounded(read: BoundedBytes, label: string): Promise<DecodeImageResult> {
  if (read.overLimit && isImageBytes(read.bytes)) throw imageFileTooLarge(label);
  return decodeQrImage(read.bytes, label);
}
