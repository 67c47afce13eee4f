/**
 * GIF -> RGBA pixels with omggif (the decoder jimp itself uses for GIF), called directly so that
 * nothing it prints reaches stdout: omggif reports a short or over-long LZW stream with
 * console.log ("Warning, gif stream shorter than expected."), which would corrupt `--json` output
 * and the byte-exact text `decode` prints. The decode is synchronous, so console.log is replaced
 * only while it runs and nothing else can log meanwhile; what it said becomes the refusal.
 */
import omggif from "omggif";
import type { Bitmap } from "./bitmap.js";

/** Runs `work` with console.log silenced; returns its result and what it tried to print. */
function capturingConsole<T>(work: () => T): { result: T; printed: string[] } {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    return { result: work(), printed };
  } finally {
    console.log = original;
  }
}

/** The first frame, as the screen shows it (jimp decodes only the first frame too). */
export function decodeGif(bytes: Uint8Array): Bitmap {
  const { result, printed } = capturingConsole(() => {
    const reader = new omggif.GifReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const data = new Uint8ClampedArray(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(0, data);
    return { data, width: reader.width, height: reader.height };
  });
  if (printed.length > 0) {
    throw new Error(printed[0]!.replace(/^Warning, /, "").replace(/\.$/, ""));
  }
  return result;
}
