/**
 * Bytes -> RGBA pixels, or an InputError that says what is wrong with the file and how to fix it.
 * The header is checked before any pixel is decoded, so an empty, truncated, zero-size or
 * absurdly large image is refused at once and in bounded memory.
 *
 * PNG, JPEG, TIFF, WebP and AVIF are decoded by sharp (libvips, prebuilt inside its npm package): on a
 * camera photo it is about ten times faster than jimp's pure-JavaScript decoders, which were
 * most of a decode's time (README, "Benchmarks"). GIF goes to omggif (see decode-gif.ts) and
 * BMP, which sharp's libvips cannot read, to jimp, loaded only then.
 */
import sharp from "sharp";
import { InputError } from "../protocol/errors.js";
import type { Bitmap } from "./bitmap.js";
import { apngFrameCount, apngFrames } from "./apng.js";
import { decodeGifFrames } from "./decode-gif.js";
import {
  DECODABLE_FORMATS,
  findStructureProblem,
  FORMAT_NAMES,
  gifFrameCount,
  isAvifSequence,
  readImageDimensions,
  sniffImageFormat,
  tiffPageCount,
  webpFrameCount,
  type ImageFormat,
} from "./image-format.js";
import type { FrameKind } from "./types.js";
import { MAX_GIF_FRAMES, MAX_IMAGE_PIXELS, pixelCount } from "./limits.js";

const SUPPORTED = "PNG, JPEG, GIF, BMP, TIFF, WebP or AVIF";

/**
 * What an image of several frames is, as messages name it: the frames of an animation are shown
 * in turn, a TIFF's pages are separate pictures (a scan of several sheets); each is read.
 */
function frameKind(format: ImageFormat): FrameKind | null {
  const kinds: Partial<Record<ImageFormat, FrameKind>> = { gif: "animated GIF", webp: "animated WebP", png: "animated PNG", tiff: "multi-page TIFF" };
  return kinds[format] ?? null;
}

function framesOf(bytes: Uint8Array, format: ImageFormat): number {
  if (format === "png") return Math.max(apngFrameCount(bytes), 1);
  return format === "gif" ? gifFrameCount(bytes) : format === "webp" ? webpFrameCount(bytes) : format === "tiff" ? tiffPageCount(bytes) : 1;
}

/** Checks what the header promises, so that nothing big is allocated for a bad file. */
function checkHeader(bytes: Uint8Array, where: string): { format: ImageFormat; width: number; height: number; frames: number } {
  if (bytes.length === 0) {
    throw new InputError("is empty (0 bytes), not an image", {
      where,
      hint: `pass a ${SUPPORTED} image of the QR code`,
    });
  }
  const format = sniffImageFormat(bytes);
  if (format === null) {
    throw new InputError(`is not an image (no ${SUPPORTED} signature)`, {
      where,
      hint: `pass a ${SUPPORTED} image; to check a payload JSON file use \`aosp-sim validate\``,
    });
  }
  const name = FORMAT_NAMES[format];
  if (!DECODABLE_FORMATS.has(format)) {
    throw new InputError(`is ${/^[AEIOS]/.test(name) ? "an" : "a"} ${name} image, a format this tool cannot decode`, {
      where,
      hint: `convert it to PNG or JPEG first (e.g. \`magick ${where} code.png\`)`,
    });
  }
  if (format === "avif" && isAvifSequence(bytes)) {
    // sharp reads only the primary image of a sequence; a code on another frame would go unseen.
    throw new InputError("is an AVIF image sequence (an animation), which this tool does not read frame by frame", {
      where,
      hint: "export the frame that shows the code as a PNG or a still AVIF, or save the animation as an animated GIF, WebP or PNG",
    });
  }
  const size = readImageDimensions(bytes, format);
  if (size === null) {
    throw new InputError(`is a truncated or corrupt ${name} file: its header has no image size`, {
      where,
      hint: `re-export or re-download the image; the file is cut short or damaged`,
    });
  }
  if (size.width === 0 || size.height === 0) {
    throw new InputError(`is a ${name} image of zero size (${size.width}x${size.height} pixels)`, {
      where,
      hint: "export the QR code again; the image has no pixels",
    });
  }
  const frames = framesOf(bytes, format);
  // A TIFF's pages are counted in size.pixels (and past 64 pages as too many), below.
  const animated = format === "tiff" ? null : frameKind(format);
  if (animated !== null && frames > MAX_GIF_FRAMES) {
    throw new InputError(`is an ${animated} of ${frames} frames, more than the ${MAX_GIF_FRAMES} this tool decodes (it reads every frame, as a camera sees whichever is on screen)`, {
      where,
      hint: "export the frame that shows the code as a PNG (e.g. `magick 'anim.gif[0]' code.png`), or shorten the animation",
    });
  }
  if (animated !== null && frames > 1 && frames * size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new InputError(
      `is an ${animated} of ${frames} frames of ${size.width}x${size.height} pixels (${pixelCount(frames * size.width * size.height)} pixels in all), ` +
        `more than the ${pixelCount(MAX_IMAGE_PIXELS)} (${MAX_IMAGE_PIXELS / 1e6} MP) this tool decodes (it reads every frame, as a camera sees whichever is on screen)`,
      { where, hint: "scale the animation down, shorten it, or export the frame that shows the code as a PNG" },
    );
  }
  if (size.pixels > MAX_IMAGE_PIXELS) {
    const total = Number.isFinite(size.pixels)
      ? `${pixelCount(size.pixels)} pixels${size.pixels > size.width * size.height ? " over all its pages" : ""}`
      : "and dozens of pages";
    throw new InputError(
      `is ${size.width}x${size.height} pixels (${total}), more than the ${pixelCount(MAX_IMAGE_PIXELS)} (${MAX_IMAGE_PIXELS / 1e6} MP) this tool decodes`,
      {
        where,
        hint: "scale it down (e.g. to 4000 pixels on the long side) or crop it to the QR code; a code needs only a few pixels per module",
      },
    );
  }
  const problem = findStructureProblem(bytes, format, size);
  if (problem !== null) {
    throw new InputError(`is a damaged ${name} file: ${problem}`, {
      where,
      hint: "re-export or re-download the image; this file cannot be decoded as it is",
    });
  }
  return { format, width: size.width, height: size.height, frames };
}

type Pixels = { data: Uint8Array | Uint8ClampedArray; width: number; height: number };

// libvips keeps recent operations and files in a cache; every image here is decoded once, so it
// would only hold memory.
sharp.cache(false);

/** PNG, JPEG, TIFF, WebP, AVIF: one page (the first by default), turned upright by its EXIF orientation (as phones save photos). */
async function decodeWithSharp(bytes: Uint8Array, page = 0): Promise<Pixels> {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "warning", autoOrient: true, page })
    .toColourspace("srgb")
    .ensureAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function decodeWithJimp(bytes: Uint8Array): Promise<Pixels> {
  const { Jimp } = await import("jimp");
  return (await Jimp.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))).bitmap;
}

function decodePixels(bytes: Uint8Array, format: ImageFormat, page: number): Promise<Pixels> | Pixels {
  switch (format) {
    case "bmp":
      return decodeWithJimp(bytes);
    default:
      return decodeWithSharp(bytes, page);
  }
}

/**
 * What libvips' refusal of a PNG, JPEG or TIFF means, in the user's terms: its own words name its
 * settings ("Warning treated as error due to failOn setting") and its internals ("vipspng: libpng
 * read error"). Null when it says something else, which is then quoted.
 */
function libvipsDamage(reason: string, header: { width: number; height: number }): string | null {
  if (/corrupt header/i.test(reason)) return "(its header is damaged)";
  if (/failOn|read error|premature end|truncated|not enough/i.test(reason)) {
    return `(its data does not match its header, which gives ${header.width}x${header.height} pixels: the file is cut short, or damaged)`;
  }
  return null;
}

/** An image's frames: one for a still image, every frame of an animation, every page of a TIFF. */
export interface LoadedImage {
  width: number;
  height: number;
  frameCount: number;
  /** What the frames are, when there are several. */
  frameKind: FrameKind | null;
  /**
   * The frames in order, as the screen shows them. Decoded one at a time as asked for: a frame is
   * valid until the next is asked for. A frame that cannot be decoded throws an InputError.
   */
  frames(): AsyncGenerator<Bitmap>;
}

/** The InputError for a file its decoder refused. */
function damaged(error: unknown, format: ImageFormat, header: { width: number; height: number }, where: string): InputError {
  const name = FORMAT_NAMES[format];
  const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  const damage = format === "gif" || format === "bmp" ? null : libvipsDamage(reason, header);
  return new InputError(`is a damaged or truncated ${name} file ${damage ?? `(the ${name} decoder said: ${reason})`}`, {
    where,
    hint: "the file is truncated or corrupt; re-export or re-download the image",
    cause: error,
  });
}

/**
 * Decodes image bytes to their frames, or throws an InputError naming `where`. GIF goes to
 * omggif directly (decode-gif.ts): through jimp it would print its warnings on stdout, and jimp
 * decodes only the first frame.
 */
export async function loadImageFrames(bytes: Uint8Array, where: string): Promise<LoadedImage> {
  const header = checkHeader(bytes, where);
  const { format } = header;
  if (format === "gif") {
    let gif: ReturnType<typeof decodeGifFrames>;
    try {
      gif = decodeGifFrames(bytes);
    } catch (error) {
      throw damaged(error, format, header, where);
    }
    return {
      width: gif.width,
      height: gif.height,
      frameCount: gif.frameCount,
      frameKind: gif.frameCount > 1 ? "animated GIF" : null,
      async *frames() {
        const frames = gif.frames();
        for (;;) {
          let next: IteratorResult<Bitmap>;
          try {
            next = frames.next();
          } catch (error) {
            throw damaged(error, format, header, where);
          }
          if (next.done) return;
          yield next.value;
        }
      },
    };
  }
  if (format === "png" && header.frames > 1) {
    // APNG frames, each cut out as a PNG for sharp (which reads only the default image) and composed.
    return {
      width: header.width,
      height: header.height,
      frameCount: header.frames,
      frameKind: "animated PNG",
      async *frames() {
        const frames = apngFrames(bytes, header.width, header.height, (png) => decodeWithSharp(png));
        for (;;) {
          let next: IteratorResult<Bitmap>;
          try {
            next = await frames.next();
          } catch (error) {
            throw damaged(error, format, header, where);
          }
          if (next.done) return;
          yield next.value;
        }
      },
    };
  }
  if (header.frames > 1) {
    // TIFF pages and WebP frames, one at a time as sharp decodes them (page i composited, for WebP).
    return {
      width: header.width,
      height: header.height,
      frameCount: header.frames,
      frameKind: frameKind(format),
      async *frames() {
        for (let page = 0; page < header.frames; page++) yield await loadStill(bytes, format, header, where, page);
      },
    };
  }
  const bitmap = await loadStill(bytes, format, header, where);
  return { width: bitmap.width, height: bitmap.height, frameCount: 1, frameKind: null, async *frames() { yield bitmap; } };
}

/** Decodes image bytes to RGBA pixels (an animated GIF's first frame), or throws an InputError naming `where`. */
export async function loadImage(bytes: Uint8Array, where: string): Promise<Bitmap> {
  const image = await loadImageFrames(bytes, where);
  const first = await image.frames().next();
  if (first.done) throw new InputError("holds no image", { where, hint: "re-export the image" });
  return image.frameCount > 1 ? { ...first.value, data: first.value.data.slice() } : first.value;
}

async function loadStill(bytes: Uint8Array, format: ImageFormat, header: { width: number; height: number }, where: string, page = 0): Promise<Bitmap> {
  const name = FORMAT_NAMES[format];
  let pixels: Pixels;
  try {
    pixels = await decodePixels(bytes, format, page);
  } catch (error) {
    throw damaged(error, format, header, where);
  }
  const { data, width, height } = pixels;
  if (width === 0 || height === 0 || data.length < width * height * 4) {
    throw new InputError(`is a ${name} image without usable pixels (${width}x${height})`, {
      where,
      hint: "re-export the image",
    });
  }
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4), width, height };
}
