/**
 * Animated PNG (APNG): its frames as a screen playing it shows them. libvips (sharp) reads only a
 * PNG's default image, so each frame is cut out as a PNG of its own (the file's header chunks, the
 * frame's size, its data as IDAT) for sharp to decode, then drawn on the canvas as the APNG
 * specification says (https://wiki.mozilla.org/APNG_Specification): blended over or replacing
 * what is there, and afterwards left, cleared or put back. A default image that is not part of
 * the animation (no fcTL before the IDAT) is what viewers without APNG support show; a screen
 * playing the animation never shows it, so it is not read.
 */
import { crc32 } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Chunk {
  type: string;
  data: Buffer;
}

/** A frame control (fcTL): where the frame goes, and how it is drawn and disposed of. */
interface FrameControl {
  width: number;
  height: number;
  x: number;
  y: number;
  /** 0 leave the canvas, 1 clear the frame's region, 2 restore the region as it was before. */
  dispose: number;
  /** 0 replace the region's pixels (alpha included), 1 draw over them. */
  blend: number;
}

interface Frame {
  control: FrameControl;
  /** The frame's compressed image data (IDAT or fdAT contents, without fdAT's sequence number). */
  data: Buffer[];
}

/** The chunks of a PNG, in order; stops at the end of the bytes or at a chunk that runs past it. */
function chunks(bytes: Buffer): Chunk[] {
  const out: Chunk[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) break;
    const type = bytes.toString("latin1", at + 4, at + 8);
    out.push({ type, data: bytes.subarray(at + 8, at + 8 + length) });
    if (type === "IEND") break;
    at = end;
  }
  return out;
}

/** The animation of an APNG: its header chunks and frames; null for a PNG without acTL. */
function animation(bytes: Uint8Array): { header: Chunk[]; frames: Frame[] } | null {
  const all = chunks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (!all.some((c) => c.type === "acTL")) return null;
  const header: Chunk[] = [];
  const frames: Frame[] = [];
  let seenImageData = false;
  for (const chunk of all) {
    if (chunk.type === "fcTL" && chunk.data.length >= 26) {
      const d = chunk.data;
      frames.push({
        control: { width: d.readUInt32BE(4), height: d.readUInt32BE(8), x: d.readUInt32BE(12), y: d.readUInt32BE(16), dispose: d[24]!, blend: d[25]! },
        data: [],
      });
    } else if (chunk.type === "IDAT") {
      seenImageData = true;
      // The default image is the first frame only when an fcTL came before it.
      if (frames.length === 1) frames[0]!.data.push(chunk.data);
    } else if (chunk.type === "fdAT") {
      frames.at(-1)?.data.push(chunk.data.subarray(4));
    } else if (!seenImageData && chunk.type !== "acTL" && chunk.type !== "IEND") {
      header.push(chunk); // IHDR, PLTE, tRNS, gAMA, iCCP, ...
    }
  }
  return { header, frames };
}

/** The frames of an APNG (0 when it is not one: a still PNG is one image, not an animation). */
export function apngFrameCount(bytes: Uint8Array): number {
  return animation(bytes)?.frames.length ?? 0;
}

/** A PNG chunk: length, type, data and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** One frame as a PNG of its own: the header chunks with the frame's size, its data as IDAT. */
function framePng(header: readonly Chunk[], frame: Frame): Buffer {
  const parts = header.map((chunk) => {
    if (chunk.type !== "IHDR") return pngChunk(chunk.type, chunk.data);
    const ihdr = Buffer.from(chunk.data);
    ihdr.writeUInt32BE(frame.control.width, 0);
    ihdr.writeUInt32BE(frame.control.height, 4);
    return pngChunk("IHDR", ihdr);
  });
  return Buffer.concat([SIGNATURE, ...parts, ...frame.data.map((d) => pngChunk("IDAT", d)), pngChunk("IEND", Buffer.alloc(0))]);
}

/** Draws an RGBA frame at (x, y): replacing the region's pixels, or over them (alpha compositing). */
function draw(canvas: Uint8ClampedArray, canvasWidth: number, pixels: Uint8Array | Uint8ClampedArray, c: FrameControl): void {
  for (let row = 0; row < c.height; row++) {
    for (let col = 0; col < c.width; col++) {
      const s = (row * c.width + col) * 4;
      const d = ((c.y + row) * canvasWidth + c.x + col) * 4;
      const alpha = pixels[s + 3]! / 255;
      if (c.blend === 0 || alpha === 1) {
        canvas.set(pixels.subarray(s, s + 4), d);
        continue;
      }
      const under = (canvas[d + 3]! / 255) * (1 - alpha);
      const out = alpha + under;
      for (let k = 0; k < 3; k++) canvas[d + k] = out === 0 ? 0 : (pixels[s + k]! * alpha + canvas[d + k]! * under) / out;
      canvas[d + 3] = out * 255;
    }
  }
}

function clear(canvas: Uint8ClampedArray, canvasWidth: number, c: FrameControl): void {
  for (let row = c.y; row < c.y + c.height; row++) canvas.fill(0, (row * canvasWidth + c.x) * 4, (row * canvasWidth + c.x + c.width) * 4);
}

/**
 * The frames of an APNG of `width` x `height` pixels, each yielded on one canvas (valid until the
 * next is asked for); `decode` turns a one-frame PNG into RGBA pixels. Throws an Error naming the
 * frame when a frame lies outside the canvas or has no image data.
 */
export async function* apngFrames(
  bytes: Uint8Array,
  width: number,
  height: number,
  decode: (png: Buffer) => Promise<{ data: Uint8Array | Uint8ClampedArray; width: number; height: number }>,
): AsyncGenerator<{ data: Uint8ClampedArray; width: number; height: number }> {
  const { header, frames } = animation(bytes)!;
  const canvas = new Uint8ClampedArray(width * height * 4);
  for (const [index, frame] of frames.entries()) {
    const c = frame.control;
    if (c.width === 0 || c.height === 0 || c.x + c.width > width || c.y + c.height > height) {
      throw new Error(`frame ${index + 1} (${c.width}x${c.height} pixels at ${c.x},${c.y}) does not fit inside its ${width}x${height} canvas`);
    }
    if (frame.data.length === 0) throw new Error(`frame ${index + 1} has no image data`);
    const pixels = await decode(framePng(header, frame));
    if (pixels.width !== c.width || pixels.height !== c.height) throw new Error(`frame ${index + 1} does not decode to its ${c.width}x${c.height} pixels`);
    // The first frame's "restore" means "clear": there is nothing before it (APNG specification).
    const before = c.dispose === 2 && index > 0 ? canvas.slice() : null;
    draw(canvas, width, pixels.data, c);
    yield { data: canvas, width, height };
    if (before !== null) canvas.set(before);
    else if (c.dispose !== 0) clear(canvas, width, c);
  }
}
