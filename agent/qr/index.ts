/**
 * The QR toolkit's public API: image file or bytes in, every QR code's exact text and metadata
 * out. Other modules (the `decode` and `validate` commands, the device's camera) use only these.
 */
import { readFile, stat } from "node:fs/promises";
import { InputError, isNotFound } from "../errors.js";
import { MAX_IMAGE_FILE_BYTES } from "./limits.js";
import type { DecodeImageResult } from "./types.js";

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

/** Reads an image file and decodes every QR code in it. */
export async function readQrImageFile(path: string): Promise<DecodeImageResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new InputError("is a directory, not an image file", {
        where: path,
        hint: "pass the image files themselves (e.g. `dir/*.png`)",
      });
    }
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(error, path);
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new InputError(`is ${Math.round(size / 1024 / 1024)} MB, too large for an image of a QR code`, {
      where: path,
      hint: "scale the image down or crop it to the code",
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(error, path);
  }
  return decodeQrImage(bytes, path);
}

function fileError(error: unknown, path: string): InputError {
  if (isNotFound(error)) {
    return new InputError("no such file", { where: path, hint: "check the path and the current directory" });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") {
    return new InputError("cannot be read (permission denied)", {
      where: path,
      hint: "check the file's permissions",
    });
  }
  if (code === "EISDIR") {
    return new InputError("is a directory, not an image file", { where: path, hint: "pass the image files themselves" });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new InputError(`cannot be read: ${message}`, { where: path, hint: "check that the file exists and is readable" });
}
