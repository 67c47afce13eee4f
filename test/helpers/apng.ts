/**
 * An animated PNG (APNG) built from frames drawn in memory: each frame is encoded by sharp as a
 * PNG, and its image data goes into the animation (the first frame's as the IDAT default image,
 * the others' as fdAT), with an fcTL naming its size, offset, disposal and blending
 * (https://wiki.mozilla.org/APNG_Specification). libvips writes no APNG, so tests build their own.
 */
import { pngChunk as chunk } from "../../agent/qr/apng.js";
import type { Rgba } from "./qr-images.js";

export interface ApngFrame {
  image: Rgba;
  x?: number;
  y?: number;
  /** 0 none, 1 background, 2 previous. */
  dispose?: number;
  /** 0 source, 1 over. */
  blend?: number;
}

/** The IDAT contents of a PNG sharp encodes (RGBA, 8 bits). */
async function imageData(image: Rgba): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const png = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  }).png().toBuffer();
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** An APNG of `width` x `height` pixels showing `frames` in turn; the first must fill the canvas. */
export async function animatedPng(width: number, height: number, frames: readonly ApngFrame[]): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("acTL", actl)];
  let sequence = 0;
  for (const [index, frame] of frames.entries()) {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(sequence++, 0);
    fctl.writeUInt32BE(frame.image.width, 4);
    fctl.writeUInt32BE(frame.image.height, 8);
    fctl.writeUInt32BE(frame.x ?? 0, 12);
    fctl.writeUInt32BE(frame.y ?? 0, 16);
    fctl.writeUInt16BE(1, 20);
    fctl.writeUInt16BE(1, 22);
    fctl[24] = frame.dispose ?? 0;
    fctl[25] = frame.blend ?? 0;
    parts.push(chunk("fcTL", fctl));
    const data = await imageData(frame.image);
    if (index === 0) {
      parts.push(chunk("IDAT", data));
    } else {
      const seq = Buffer.alloc(4);
      seq.writeUInt32BE(sequence++, 0);
      parts.push(chunk("fdAT", Buffer.concat([seq, data])));
    }
  }
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}
