/**
 * Reading what a command is given: a file or "-" (stdin), an image or payload text told apart by
 * content (magic bytes), with size limits that keep memory bounded. `validate`, `qr` and `enroll`
 * read their input here; anything unusable is an InputError (exit 2).
 */
import { open, type FileHandle } from "node:fs/promises";
import { fileReadError, InputError } from "../protocol/errors.js";
import { imageFileTooLarge, isImageBytes, MAX_IMAGE_FILE_BYTES } from "../qr/index.js";
import { inputLabel } from "./output.js";

/** A text payload larger than this is not read to the end: a QR code holds at most 2953 bytes. */
export const MAX_PAYLOAD_FILE_BYTES = 64 * 1024;
const SNIFF_BYTES = 64;

export interface InputBytes {
  /** The path as given, or "-" for stdin. */
  file: string;
  bytes: Uint8Array;
  kind: "image" | "text";
}

function classify(head: Uint8Array): "image" | "text" {
  return isImageBytes(head) ? "image" : "text";
}

function tooLarge(file: string, kind: "image" | "text", size: number): InputError {
  return kind === "image"
    ? imageFileTooLarge(inputLabel(file), size)
    : new InputError(
        `is more than ${MAX_PAYLOAD_FILE_BYTES / 1024} KiB of text, far more than a QR code holds (2953 bytes at most), ` +
          "so it is not a provisioning payload",
        { where: inputLabel(file), hint: "pass the payload JSON file or an image of the QR code" },
      );
}

async function readStdin(): Promise<InputBytes> {
  const chunks: Buffer[] = [];
  let size = 0;
  let kind: "image" | "text" | null = null;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (kind === null && size >= SNIFF_BYTES) kind = classify(Buffer.concat(chunks));
    const limit = kind === "image" ? MAX_IMAGE_FILE_BYTES : MAX_PAYLOAD_FILE_BYTES;
    if (kind !== null && size > limit) {
      process.stdin.destroy();
      throw tooLarge("-", kind, size);
    }
  }
  const bytes = Buffer.concat(chunks);
  return { file: "-", bytes, kind: kind ?? classify(bytes) };
}

async function readFileInput(path: string): Promise<InputBytes> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const info = await handle.stat();
    // A directory opens, and then fails to read with EISDIR.
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    await handle.read(head, 0, head.length, 0);
    const kind = classify(head);
    const limit = kind === "image" ? MAX_IMAGE_FILE_BYTES : MAX_PAYLOAD_FILE_BYTES;
    if (info.size > limit) throw tooLarge(path, kind, info.size);
    const bytes = await handle.readFile();
    return { file: path, bytes, kind };
  } catch (error) {
    throw error instanceof InputError ? error : fileReadError(error, path, "a payload JSON file or an image");
  } finally {
    await handle?.close();
  }
}

/** Text that is plainly not a payload nor anything a QR code would hold: NUL bytes, or binary. */
function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return true;
  const text = new TextDecoder("utf-8").decode(head);
  const bad = (text.match(/[\uFFFD\x01-\x08\x0E-\x1F]/g) ?? []).length;
  return bad > Math.max(4, text.length / 10);
}

/** Reads a path (or "-") and tells image from text by content; throws InputError for unusable input. */
export async function readInput(path: string): Promise<InputBytes> {
  const input = path === "-" ? await readStdin() : await readFileInput(path);
  const where = inputLabel(input.file);
  if (input.bytes.length === 0) {
    throw new InputError("is empty (0 bytes)", { where, hint: "pass a payload JSON file or an image of the QR code" });
  }
  if (input.kind === "text") {
    if (looksBinary(input.bytes)) {
      throw new InputError("is neither an image (PNG, JPEG, GIF, BMP, TIFF) nor payload text (it is binary data)", {
        where,
        hint: "pass a payload JSON file or an image of the QR code",
      });
    }
    if (new TextDecoder("utf-8").decode(input.bytes).replace(/^\uFEFF/, "").trim() === "") {
      throw new InputError("holds only whitespace, no payload", { where, hint: "pass a payload JSON file or an image of the QR code" });
    }
  }
  return input;
}
