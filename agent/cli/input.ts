/**
 * Reading what a command is given: a file or "-" (stdin), an image or payload text told apart by
 * content (magic bytes), with size limits that keep memory bounded. `validate`, `qr` and `enroll`
 * read their input here; anything unusable is an InputError (exit 2).
 */
import { readFileBounded, readStreamBounded, type BoundedBytes } from "../protocol/bounded-read.js";
import { fileReadError, InputError } from "../protocol/errors.js";
import { RESAVE_AS_UTF8, textLooksBinary, utf16Encoding } from "../protocol/json-text.js";
import { imageFileTooLarge, isImageBytes, MAX_IMAGE_FILE_BYTES } from "../qr/index.js";
import { inputLabel, STDIN_LABEL } from "./output.js";

/** A text payload larger than this is not read to the end: a QR code holds at most 2953 bytes. */
export const MAX_PAYLOAD_FILE_BYTES = 64 * 1024;
/** Enough to recognise every image format, SVG's prolog included. */
const SNIFF_BYTES = 1024;

export interface InputBytes {
  /** The path as given, or "-" for stdin. */
  file: string;
  bytes: Uint8Array;
  kind: "image" | "text";
}

function classify(head: Uint8Array): "image" | "text" {
  return isImageBytes(head) ? "image" : "text";
}

/** An image may be large; text is a payload, and a QR code holds at most 2953 bytes of it. */
function limitOf(kind: "image" | "text"): number {
  return kind === "image" ? MAX_IMAGE_FILE_BYTES : MAX_PAYLOAD_FILE_BYTES;
}

function tooLarge(file: string, kind: "image" | "text"): InputError {
  return kind === "image"
    ? imageFileTooLarge(inputLabel(file))
    : new InputError(
        `is more than ${MAX_PAYLOAD_FILE_BYTES / 1024} KiB of text, far more than a QR code holds (2953 bytes at most), ` +
          "so it is not a provisioning payload",
        { where: inputLabel(file), hint: "pass the payload JSON file or an image of the QR code" },
      );
}

/** What a command reads from "-", for the message when there is nothing to read there. */
export interface StdinUse {
  /** What stdin lacks: "image", "payload", "payload or image". */
  noun: string;
  /** What to pipe in: "an image", "a payload JSON file". */
  pipe: string;
  /** A command line that pipes it in. */
  example: string;
}

export const STDIN_PAYLOAD_OR_IMAGE = (command: string): StdinUse => ({
  noun: "payload or image",
  pipe: "a payload JSON file or an image of the QR code",
  example: `aosp-sim ${command} - < payload.json`,
});

/**
 * Refuses "-" when stdin is a terminal: the command would wait, silently, for a file nobody is
 * typing. Every command that reads "-" asks here first.
 */
export function refuseTerminalStdin(use: StdinUse, stdin: { isTTY?: boolean } = process.stdin): void {
  if (stdin.isTTY !== true) return;
  throw new InputError(`has no ${use.noun}: stdin is a terminal`, {
    where: STDIN_LABEL,
    hint: `pipe ${use.pipe} in (e.g. \`${use.example}\`) or pass a file name`,
  });
}

/**
 * Reads a file or stdin only as far as its limit, whatever kind of file it is (pipes, FIFOs and
 * devices report size 0): the first bytes tell image from text, and so which limit applies.
 */
async function readBoundedInput(path: string, stdinUse: StdinUse): Promise<InputBytes & { overLimit: boolean }> {
  if (path === "-") refuseTerminalStdin(stdinUse);
  const limit = { limit: (head: Buffer) => limitOf(classify(head)), sniffBytes: SNIFF_BYTES };
  let read: BoundedBytes;
  try {
    read = path === "-" ? await readStreamBounded(process.stdin, limit) : await readFileBounded(path, limit);
  } catch (error) {
    throw fileReadError(error, path, "a payload JSON file or an image");
  }
  return { file: path, bytes: read.bytes, kind: classify(read.bytes.subarray(0, SNIFF_BYTES)), overLimit: read.overLimit };
}

/** Text that is plainly not a payload nor anything a QR code would hold: NUL bytes, or binary. */
function looksBinary(bytes: Uint8Array): boolean {
  return textLooksBinary(new TextDecoder("utf-8").decode(bytes.subarray(0, 4096)));
}

/** Why bytes read as text are no payload text at all (UTF-16, binary), judged from what was read; null when they may be. */
function notTextError(bytes: Uint8Array, where: string): InputError | null {
  const utf16 = utf16Encoding(bytes);
  if (utf16 !== null) return new InputError(`is UTF-16 text (${utf16}), but a payload is UTF-8, as the QR code holds it`, { where, hint: RESAVE_AS_UTF8 });
  if (looksBinary(bytes)) {
    return new InputError("is neither an image (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF) nor payload text (it is binary data)", {
      where,
      hint: "pass a payload JSON file or an image of the QR code",
    });
  }
  return null;
}

/**
 * Reads a path (or "-") and tells image from text by content; throws InputError for unusable
 * input. `stdinUse` words the refusal of "-" when stdin is a terminal.
 */
export async function readInput(path: string, stdinUse: StdinUse = STDIN_PAYLOAD_OR_IMAGE("validate")): Promise<InputBytes> {
  const { overLimit, ...input } = await readBoundedInput(path, stdinUse);
  const where = inputLabel(input.file);
  // Binary or UTF-16 bytes are named as such whatever their size: they are not "text" too long.
  const notText = input.kind === "text" ? notTextError(input.bytes, where) : null;
  if (notText) throw notText;
  if (overLimit) throw tooLarge(path, input.kind);
  if (input.bytes.length === 0) {
    throw new InputError("is empty (0 bytes)", { where, hint: "pass a payload JSON file or an image of the QR code" });
  }
  if (input.kind === "text" && new TextDecoder("utf-8").decode(input.bytes).replace(/^\uFEFF/, "").trim() === "") {
    throw new InputError("holds only whitespace, no payload", { where, hint: "pass a payload JSON file or an image of the QR code" });
  }
  return input;
}

/**
 * Refuses an empty file name among a command's arguments (`aosp-sim validate "$PAYLOAD"` with the
 * variable unset), naming the command and the argument's position: reading "" said only "no such
 * file", naming nothing. The fix says to give `what` by its path, as `example` does.
 */
export function refuseEmptyFileArguments(command: string, files: readonly (string | undefined)[], what: string, example: string): void {
  const empty = files.findIndex((file) => file === "");
  if (empty < 0) return;
  throw new InputError("the file name is empty", {
    where: `${command} argument ${empty + 1}`,
    hint: `give ${what} by its path (a shell variable left unset gives an empty name), e.g. ${example}`,
  });
}
