/**
 * `aosp-sim decode <image>... [--json]`: prints the exact text of every QR code in the images.
 *
 * Output (a contract, documented in the README):
 * - One code in total: its text on stdout exactly as stored, so `aosp-sim decode code.png >
 *   payload.json` writes the payload byte for byte. A newline follows only when stdout is a
 *   terminal (for the prompt's sake).
 * - Several images given, or several codes in one: each text is preceded by a
 *   header line `==> FILE <==` (`==> FILE [2/3] <==` for the 2nd of 3 codes in one image), ends
 *   with a newline, and blocks are separated by a blank line, as `head` does for several files.
 *   Use --json for exact texts in that case.
 * - `--json`: one JSON array on stdout, one element per code:
 *   `{file, text, decoder, version, ecLevel, mode, eci, moduleCount, modulePixels, corners, disagreement, quietZone, inverted, mirrored, frames}`.
 * - Diagnostics on stderr: a file with no code, an unreadable file (one line each), and a warning
 *   when the decoders read different texts from one code (both readings named).
 *
 * Exit: 0 when every image holds a code, 1 when one holds none (the others are still reported),
 * 2 when an input cannot be read or used (after reporting the others).
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { modulePixels, readQrImageFile, readQrImageStream } from "../qr/index.js";
import type { DecodedCode, DecodeImageResult } from "../qr/types.js";
import { refuseEmptyFileArguments, refuseTerminalStdin } from "./input.js";
import { isUnexpandedPattern } from "./validate-batch.js";
import { textIsConverted } from "./code-bytes.js";
import { firstInvalidUtf8 } from "../payload/check.js";
import { framesStory } from "../payload/qr-findings.js";
import { frameUnit } from "../qr/frames.js";
import { noQrCodeStory } from "../qr/no-code.js";
import {
  EXIT_FAILED, EXIT_OK, EXIT_USAGE, STDIN_LABEL, action, err, formatInputError, printError, printJson, reportError,
} from "./output.js";

/** The JSON element for one code (contract fields first). */
export function codeToJson(file: string, code: DecodedCode) {
  return {
    file,
    text: code.text,
    decoder: code.decoder,
    version: code.version,
    ecLevel: code.ecLevel,
    mode: code.mode,
    eci: code.eci,
    unusedErrorCorrection: code.unusedErrorCorrection,
    symbolContrast: code.symbolContrast,
    moduleCount: code.moduleCount,
    modulePixels: modulePixels(code),
    corners: code.corners,
    disagreement: code.disagreement,
    // Whether zxing-cpp read it light on dark, or mirrored (null: only jsQR read it).
    quietZone: code.quietZone ?? null,
    inverted: code.inverted ?? null,
    mirrored: code.mirrored ?? null,
    // In an animated GIF, the frames that show the code (null: a still image).
    frames: code.frames ?? null,
  };
}

async function decodeInput(file: string): Promise<DecodeImageResult> {
  if (file !== "-" && (await isUnexpandedPattern(file))) {
    // Read as a file name, a quoted `dir/*.png` was only "no such file"; validate expands it, decode does not.
    throw new InputError("is a pattern the shell did not expand (it was quoted), and decode does not expand patterns itself", {
      where: file,
      hint: `leave the pattern unquoted so the shell expands it (aosp-sim decode ${file}), or run aosp-sim validate "${file}", which expands patterns itself`,
    });
  }
  if (file !== "-") return readQrImageFile(file);
  refuseTerminalStdin({ noun: "image", pipe: "an image", example: "aosp-sim decode - < code.png" });
  return readQrImageStream(process.stdin, STDIN_LABEL);
}

/** The stderr warning for a code the decoders read differently, naming every reading; null if none. */
export function disagreementWarning(file: string, code: DecodedCode): string | null {
  if (!code.disagreement || code.disagreement.length === 0) return null;
  const readings = code.disagreement.map((d) => `${d.decoder} read ${JSON.stringify(d.text)}`).join(", ");
  return (
    `${err.yellow("aosp-sim: warning:")} ${file}: the decoders disagree about one code: ${readings}; ` +
    `showing ${code.disagreement[0]!.decoder}'s reading. Re-render or reprint the code before relying on it.`
  );
}

/**
 * The stderr warning for a code whose bytes are meant to be UTF-8 and are not; null for the
 * others. Its text would be a converted reading that validates clean, so the bytes are printed
 * (`--json` can hold only the converted text, and says so).
 */
export function convertedTextWarning(file: string, code: DecodedCode, json: boolean): string | null {
  if (!textIsConverted(code)) return null;
  const shown = json
    ? "its \"text\" in --json is a converted reading (replacement characters), not what the device is given; decode it without --json for the bytes"
    : "its bytes are printed unchanged, as the device is given them";
  return (
    `${err.yellow("aosp-sim: warning:")} ${file}: the code's bytes are not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(code.bytes)}): ` +
    `${shown}; aosp-sim validate reports such a code (text-encoding).`
  );
}

/** " (in any of its 4 frames)" for an animated image, else "". */
function framesNote(result: DecodeImageResult): string {
  return (result.frameCount ?? 1) > 1 ? ` (in any of its ${result.frameCount} ${frameUnit(result.frameKind)}s)` : "";
}

/**
 * The stderr warning for an animated GIF whose frames do not all show the same code: which
 * frames show which code, and which none (a camera reads whichever frame is on screen); null otherwise.
 */
export function animationWarning(result: DecodeImageResult): string | null {
  const story = framesStory(result);
  return story === null ? null : `${err.yellow("aosp-sim: warning:")} ${result.file}: ${story}`;
}

/** What stdout gets for one code: its text, or its bytes unchanged when the text is a conversion of them. */
function codeOutput(code: DecodedCode): string | Uint8Array {
  return textIsConverted(code) ? code.bytes : code.text;
}

function printHuman(results: DecodeImageResult[], inputs: number): void {
  const total = results.reduce((n, r) => n + r.codes.length, 0);
  if (total === 1 && inputs === 1) {
    process.stdout.write(codeOutput(results[0]!.codes[0]!));
    if (process.stdout.isTTY) process.stdout.write("\n");
    return;
  }
  let first = true;
  for (const result of results) {
    result.codes.forEach((code, i) => {
      const which = result.codes.length > 1 ? ` [${i + 1}/${result.codes.length}]` : "";
      process.stdout.write(`${first ? "" : "\n"}==> ${result.file}${which} <==\n`);
      process.stdout.write(codeOutput(code));
      process.stdout.write("\n");
      first = false;
    });
  }
}

export function registerDecode(program: Command): void {
  program
    .command("decode")
    .description("Print the exact text of every QR code in the images (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF; - for stdin)")
    .argument("<images...>", "image files, or - to read one image from stdin")
    .option("--json", "print one JSON array on stdout, one element per code, with version, EC level, mode, ECI")
    .addHelpText(
      "after",
      "\nWith one code, stdout is its exact text (no newline added unless stdout is a terminal).\n" +
        "With several codes, each is preceded by a header line `==> FILE <==`.\n" +
        "Exit: 0 every image holds a code, 1 an image holds none, 2 an input cannot be read.",
    )
    .action(
      action(async (images: string[], options: { json?: boolean }) => {
        refuseEmptyFileArguments("decode", images, "each image", "aosp-sim decode code.png");
        if (images.filter((f) => f === "-").length > 1) {
          throw new InputError("stdin (-) can be given only once", { where: "-", hint: "pass - at most once" });
        }
        const results: DecodeImageResult[] = [];
        let exit = EXIT_OK;
        for (const file of images) {
          let result: DecodeImageResult;
          try {
            result = await decodeInput(file);
          } catch (error) {
            exit = Math.max(exit, reportError(error));
            continue;
          }
          const animation = animationWarning(result);
          if (animation) printError(animation);
          if (result.codes.length === 0) {
            const story = noQrCodeStory(result, framesNote(result), "make sure the whole code is in the picture with its quiet zone, sharp and evenly lit");
            const noCode = new InputError(story.what, { where: result.file, hint: story.fix });
            printError(formatInputError(noCode));
            exit = Math.max(exit, EXIT_FAILED);
          }
          for (const code of result.codes) {
            for (const warning of [disagreementWarning(result.file, code), convertedTextWarning(result.file, code, options.json === true)]) {
              if (warning) printError(warning);
            }
          }
          results.push(result);
        }
        if (options.json) {
          printJson(results.flatMap((r) => r.codes.map((code) => codeToJson(r.file, code))));
        } else {
          printHuman(results, images.length);
        }
        return exit === EXIT_OK ? EXIT_OK : exit === EXIT_FAILED ? EXIT_FAILED : EXIT_USAGE;
      }),
    );
}
