/**
 * The QR toolkit's public API: image file or bytes in, every QR code's exact text and metadata
 * out. Other modules (the `decode` and `validate` commands, the device's camera) use only these.
 */
import { open, type FileHandle } from "node:fs/promises";
import { fileReadError, InputError } from "../protocol/errors.js";
import { MAX_IMAGE_FILE_BYTES } from "./limits.js";
import type { DecodeImageResult, DecodedCode } from "./types.js";

export { ECI_UTF8 } from "./charset.js";
export { isImageBytes } from "./image-format.js";
export { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from "./limits.js";
export type { DecodeImageResult, DecodedCode, DecoderName, EcLevel, QrMode } from "./types.js";

/** Decodes every QR code in an image held in memory; `label` names it in results and errors. */
export async function decodeQrImage(bytes: Uint8Array, label: string): Promise<DecodeImageResult> {
  // The image library and the two decoders take a few hundred milliseconds to load: load them on
  // first use, so commands that only read JSON (or only print help) start quickly.
  const [{ loadImage }, { decodeBitmap }] = await Promise.all([
    import("./load-image.js"),
    import("./decode-bitmap.js"),
  ]);
  const bitmap = await loadImage(bytes, label);
  const codes = await decodeBitmap(bitmap);
  return { file: label, width: bitmap.width, height: bitmap.height, codes };
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

/** The InputError for an image file (or stdin) of `bytes` bytes, over MAX_IMAGE_FILE_BYTES. */
export function imageFileTooLarge(where: string, bytes: number): InputError {
  return new InputError(`is ${Math.round(bytes / 1024 / 1024)} MB, too large for an image of a QR code`, {
    where,
    hint: "scale the image down or crop it to the code",
  });
}

/** Reads an image file and decodes every QR code in it. */
export async function readQrImageFile(path: string): Promise<DecodeImageResult> {
  let bytes: Uint8Array;
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const { size } = await handle.stat();
    if (size > MAX_IMAGE_FILE_BYTES) throw imageFileTooLarge(path, size);
    // A directory opens, and then fails to read with EISDIR.
    bytes = await handle.readFile();
  } catch (error) {
    throw error instanceof InputError
      ? error
      : fileReadError(error, path, "an image file", "pass the image files themselves (e.g. `dir/*.png`)");
  } finally {
    await handle?.close();
  }
  return decodeQrImage(bytes, path);
}
