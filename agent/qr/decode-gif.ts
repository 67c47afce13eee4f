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

/** Throws what omggif tried to print as the refusal (its words, without "Warning, " and the full stop). */
function silently<T>(work: () => T): T {
  const { result, printed } = capturingConsole(work);
  if (printed.length > 0) throw new Error(printed[0]!.replace(/^Warning, /, "").replace(/\.$/, ""));
  return result;
}

/**
 * Every frame as the screen shows it in turn (a camera pointed at an animated GIF sees whichever
 * is on screen): each frame drawn over what the previous one left, as its predecessor's disposal
 * method says (GIF89a: 2 clears that frame's rectangle, 3 restores what was under it). Every
 * frame's LZW codes are checked before any pixel is decoded. The frames are yielded one at a
 * time on one canvas, so memory stays that of two screens whatever the frame count: a frame
 * yielded is valid until the next is asked for.
 */
export function decodeGifFrames(bytes: Uint8Array): { width: number; height: number; frameCount: number; frames: () => Generator<Bitmap> } {
  const reader = silently(() => new omggif.GifReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  const frameCount = reader.numFrames();
  silently(() => {
    for (let i = 0; i < frameCount; i++) {
      const frame = reader.frameInfo(i);
      checkLzwCodes(bytes, frame.data_offset, frame.width * frame.height);
    }
  });
  const { width, height } = reader;
  function* frames(): Generator<Bitmap> {
    const canvas = new Uint8ClampedArray(width * height * 4);
    let before: Uint8ClampedArray | null = null;
    for (let i = 0; i < frameCount; i++) {
      const frame = reader.frameInfo(i);
      if (frame.disposal === 3) before = canvas.slice();
      silently(() => reader.decodeAndBlitFrameRGBA(i, canvas));
      yield { data: canvas, width, height };
      if (frame.disposal === 2) clearRect(canvas, width, frame);
      else if (frame.disposal === 3 && before !== null) canvas.set(before);
    }
  }
  return { width, height, frameCount, frames };
}

function clearRect(canvas: Uint8ClampedArray, width: number, r: { x: number; y: number; width: number; height: number }): void {
  for (let y = r.y; y < r.y + r.height; y++) canvas.fill(0, (y * width + r.x) * 4, (y * width + r.x + r.width) * 4);
}

/** GIF's LZW codes are at most 12 bits: 4096 table entries. */
const LZW_TABLE_SIZE = 4096;

/**
 * omggif follows the LZW code table's prefix chains without checking them: a damaged stream that
 * sends a code beyond the next free table entry can make an entry its own prefix, and omggif then
 * loops forever (the fuzz suite found a 358-byte GIF that froze `decode`). This pass reads the
 * codes exactly as omggif's GifReaderLZWOutputIndexStream does (bit order, code-size growth,
 * clear codes, the zeros it reads past the end, its stop when the frame is full) and refuses a
 * code no valid stream sends: one beyond the next free entry, or equal to it right after a clear.
 * Without those, every chain runs down to a literal and omggif ends.
 */
function checkLzwCodes(b: Uint8Array, start: number, outputLength: number): void {
  let p = start;
  // omggif indexes the buffer directly: past the end it reads `undefined` (0 in a shift, NaN as
  // a sub-block size, which never counts down to 0).
  const byteAt = (at: number): number => (at < b.length ? b[at]! : Number.NaN);
  const minCodeSize = byteAt(p++);
  const clearCode = 1 << minCodeSize;
  const eoiCode = clearCode + 1;
  let nextCode = eoiCode + 1;
  let codeSize = minCodeSize + 1;
  let codeMask = (1 << codeSize) - 1;
  let cur = 0;
  let shift = 0;
  let op = 0;
  let subBlock = byteAt(p++);
  let prevCode: number | null = null;
  /** How many pixels each table entry stands for. */
  const lengths = new Int32Array(LZW_TABLE_SIZE);
  const lengthOf = (code: number) => (code < clearCode ? 1 : lengths[code]!);
  for (;;) {
    while (shift < 16) {
      if (subBlock === 0) break;
      cur |= byteAt(p++) << shift;
      shift += 8;
      if (subBlock === 1) subBlock = byteAt(p++);
      else --subBlock;
    }
    if (shift < codeSize) return;
    const code = cur & codeMask;
    cur >>= codeSize;
    shift -= codeSize;
    if (code === clearCode) {
      nextCode = eoiCode + 1;
      codeSize = minCodeSize + 1;
      codeMask = (1 << codeSize) - 1;
      prevCode = null;
      continue;
    }
    if (code === eoiCode) return;
    if (code > nextCode || (code === nextCode && prevCode === null)) {
      throw new Error(`its image data is damaged: LZW code ${code} names no table entry yet (the next is ${nextCode})`);
    }
    const repeatsPrevious = code === nextCode;
    const emitted = repeatsPrevious ? lengthOf(prevCode!) + 1 : lengthOf(code);
    // omggif stops (with a warning) when the frame would overflow.
    if (op + emitted - 1 > outputLength) return;
    op += emitted;
    if (prevCode !== null && nextCode < LZW_TABLE_SIZE) {
      lengths[nextCode++] = lengthOf(prevCode) + 1;
      if (nextCode >= codeMask + 1 && codeSize < 12) {
        ++codeSize;
        codeMask = (codeMask << 1) | 1;
      }
    }
    prevCode = code;
  }
}
