/**
 * The combined decoding strategy: which decoder sees which version of the image, in what order.
 *
 * Every step is named so the benchmark (bench/decode.ts --ablate) can switch each one off and
 * show what it contributes; a step stays only while the benchmark shows it pays for itself.
 * Measured and dropped: zxing-cpp's experimental denoising (it misread a corpus image), a
 * FixedThreshold binariser, a 2x bilinear upscale and a half-size copy for zxing-cpp (none added a
 * decode on the ZXing corpus or the camera set beyond the looks below; the upscale cost ~100 ms
 * per image).
 *
 * 1. zxing-cpp on the image (it rotates, inverts and downscales internally). It reports how much
 *    of each code's error correction the reading used (types.ts, isFragile).
 * 2. Only when nothing was read: further looks, cheapest first (zxing-cpp with a global
 *    threshold, then jsQR: on a large image at full size and half size; on a small one at half
 *    size and turned a quarter each way at 0.65 of its size). jsQR scans the whole image only
 *    here, where it can change the answer. Its full-image pass used to run on every image, and
 *    was most of a camera photo's decoding time (README, "Benchmarks").
 * 3. Each code zxing-cpp read using most of its error correction (so a misread is possible) is
 *    cross-checked by jsQR on a crop around it, at CROSS_CHECK_MODULE_PIXELS pixels per module
 *    at most. A code both read is "zxing+jsqr"; one jsQR reads differently carries a disagreement.
 * 4. Each code's symbol contrast is measured on the image (symbol-contrast.ts).
 */
import { crop, fitToPixels, rotateQuarterTurns, type Bitmap, type Point } from "./bitmap.js";
import { boxOf, combineReadings } from "./combine.js";
import { readWithJsqr } from "./jsqr-reader.js";
import type { Reading } from "./reading.js";
import { measureQuietZone } from "./quiet-zone.js";
import { describeModules } from "./symbol-metadata.js";
import { symbolContrast } from "./symbol-contrast.js";
import { isNearlyUncorrectable, type DecodedCode } from "./types.js";
import { readOtherSymbologies, readWithZxing, ZXING_QR_OPTIONS } from "./zxing-reader.js";

/** zxing-cpp is fast and has its own multi-scale search: give it up to ~12 MP. */
export const ZXING_MAX_PIXELS = 12_000_000;
/**
 * jsQR's finder needs only a few pixels per module, and its cost grows with pixels: about a
 * second per megapixel and pass on a busy, code-free image (noise, texture). It gets at most 1 MP
 * (zxing-cpp, at 12 MP, covers small codes in large photos, and jsQR gets a full-resolution
 * crop around each code zxing-cpp found).
 */
export const JSQR_MAX_PIXELS = 1_000_000;
/**
 * jsqr-turned's views are for images this small (corpus: 240 x 240 to 468 x 440); there they
 * replace jsQR's full-size view. A larger image gets the full-size view (at most JSQR_MAX_PIXELS)
 * and the half-size one.
 */
export const JSQR_TURNED_MAX_PIXELS = 300_000;
/**
 * The size of jsqr-turned's views, as a fraction of the image's width and height. Measured per
 * view over the corpus's images that zxing-cpp cannot read (`npm run bench:decode -- --views`: 4
 * rotations, sizes 0.5 to 1, each turn): with the half-size view, the two quarter turns at 0.65
 * read every code that the former views (full size, half size, then turned a half and a quarter
 * each way at full size) read, at every rotation, qrcode-4/08 included (only jsQR reads it, and
 * only in some views); on such a 240 x 240 image they cost 8.3 ms where the former full-size
 * views cost 28 ms (CPU, this machine under load). Neither 0.6 nor 0.7 reads 08 at every
 * rotation this way: which view reads a damaged code is close to chance, so these are the
 * cheapest views the corpus shows to keep every read, not a rule about codes in general.
 */
export const TURNED_SCALE = 0.65;
/** At most this many codes are returned per image. */
export const MAX_CODES = 16;

/**
 * The image at the sizes the steps ask for, each computed once: the original can be 25 MP, and
 * the steps want 12 MP, 1 MP and quarter-size copies of it.
 */
class ScaledImages {
  private readonly cache = new Map<number, { image: Bitmap; scale: number }>();
  constructor(readonly original: Bitmap) {}

  /** The image shrunk (never enlarged) to at most `maxPixels`, with the factor applied. */
  atMost(maxPixels: number): { image: Bitmap; scale: number } {
    const key = Math.min(maxPixels, this.original.width * this.original.height);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = fitToPixels(this.original, key);
      this.cache.set(key, entry);
    }
    return entry;
  }
}

interface Step {
  name: string;
  /** Runs on every image; otherwise only while an earlier step left something to look at. */
  always?: (options: DecodeBitmapOptions) => boolean;
  /** Reads codes; `soFar` is what earlier steps read. */
  run(images: ScaledImages, soFar: readonly Reading[], options: DecodeBitmapOptions): Promise<Reading[]>;
}

/** Corners found in a copy scaled by `factor`, in the original image's pixels. */
function unscale(readings: Reading[], factor: number): Reading[] {
  if (factor === 1) return readings;
  const map = (p: Point): Point => ({ x: p.x / factor, y: p.y / factor });
  return readings.map((r) => ({ ...r, corners: r.corners.map(map) }));
}

async function zxingAtMost(images: ScaledImages, maxPixels: number, options = ZXING_QR_OPTIONS): Promise<Reading[]> {
  const { image, scale } = images.atMost(maxPixels);
  return unscale(await readWithZxing(image, options), scale);
}

function jsqrAtMost(images: ScaledImages, maxPixels: number, invert: boolean): Reading[] {
  const { image, scale } = images.atMost(maxPixels);
  return unscale(readWithJsqr(image, { maxCodes: MAX_CODES, invert }), scale);
}

/**
 * The cross-check sees the code at this many pixels per module at most. Measured on the corpus's
 * 83 codes that get a cross-check (bench/decode.ts, 4 rotations): one look at 6 confirms as many
 * of them (77) as the former two looks did (3 pixels a module, then, where that failed, the crop
 * at up to JSQR_MAX_PIXELS), and qrcode-4's decoding went from 5.6 to 4.2 ms an image; 3 alone
 * confirmed 57, 4 and 5 75, 8 the same 77.
 */
export const CROSS_CHECK_MODULE_PIXELS = 6;

/** A code to cross-check: the crop around it (its quiet zone included) and how it was read. */
interface CodeCrop {
  around: Bitmap;
  /** Where the crop lies in the image. */
  at: Point;
  modulePixels: number;
  /** Light on dark, as zxing-cpp saw it (undefined when zxing-cpp did not read it). */
  inverted: boolean | undefined;
}

/** The codes read so far that `wanted` accepts, each with the crop around it. */
function cropsOf(images: ScaledImages, soFar: readonly Reading[], wanted: (code: DecodedCode) => boolean): CodeCrop[] {
  const crops: CodeCrop[] = [];
  for (const code of combineReadings(soFar)) {
    if (!wanted(code) || !code.corners || code.moduleCount === null) continue;
    const box = boxOf(code.corners);
    const side = Math.max(box.maxX - box.minX, box.maxY - box.minY);
    const modulePixels = side / code.moduleCount;
    const margin = modulePixels * 4; // the quiet zone a QR code needs around it
    const rect = {
      x: Math.max(0, box.minX - margin),
      y: Math.max(0, box.minY - margin),
      width: box.maxX - box.minX + 2 * margin,
      height: box.maxY - box.minY + 2 * margin,
    };
    const inverted = soFar.find((r) => r.decoder === "zxing" && r.text === code.text)?.inverted;
    crops.push({ around: crop(images.original, rect), at: { x: rect.x, y: rect.y }, modulePixels, inverted });
  }
  return crops;
}

/** The pixels the crop keeps at `modulePixels` per module at most (and JSQR_MAX_PIXELS). */
function pixelsAt(c: CodeCrop, modulePixels: number): number {
  const pixels = c.around.width * c.around.height;
  return Math.min(JSQR_MAX_PIXELS, pixels * Math.min(1, (modulePixels / c.modulePixels) ** 2));
}

/**
 * The sizes jsQR sees a crop at, until one reads: one look at CROSS_CHECK_MODULE_PIXELS; with
 * `crossCheckEvery` (the former decoder, for the benchmark), its two looks: 3 pixels a module,
 * then the crop at up to JSQR_MAX_PIXELS.
 */
function crossCheckBudgets(c: CodeCrop, options: DecodeBitmapOptions): number[] {
  if (options.crossCheckEvery !== true) return [pixelsAt(c, CROSS_CHECK_MODULE_PIXELS)];
  const coarse = pixelsAt(c, 3);
  return coarse < Math.min(c.around.width * c.around.height, JSQR_MAX_PIXELS) ? [coarse, JSQR_MAX_PIXELS] : [JSQR_MAX_PIXELS];
}

/** Readings in a crop, moved back into the image's pixels. */
function placed(readings: Reading[], c: CodeCrop): Reading[] {
  return readings.map((r) => ({ ...r, corners: r.corners.map((p) => ({ x: p.x + c.at.x, y: p.y + c.at.y })) }));
}

/**
 * jsQR on a crop around each code zxing-cpp read using most of its error correction (or every
 * code, with `crossCheckEvery`): there a misread is possible, and a second decoder can show it.
 * A crop costs jsQR a fraction of the whole image (its cost grows with pixels), and with several
 * codes in view jsQR, which picks three finder patterns for the whole image, often pairs finders
 * of different codes and reads none, while a crop holds just one code and its quiet zone. It
 * sees the code at CROSS_CHECK_MODULE_PIXELS per module at most.
 */
async function jsqrOnCrops(images: ScaledImages, soFar: readonly Reading[], options: DecodeBitmapOptions): Promise<Reading[]> {
  const readings: Reading[] = [];
  const wanted = (code: DecodedCode) => !code.decoders.includes("jsqr") && (options.crossCheckEvery === true || isNearlyUncorrectable(code));
  for (const c of cropsOf(images, soFar, wanted)) {
    // zxing-cpp says whether the code is light on dark: jsQR need not try both.
    const invert = c.inverted === undefined ? true : c.inverted ? "only" : false;
    for (const budget of crossCheckBudgets(c, options)) {
      const { image, scale } = fitToPixels(c.around, budget);
      const found = unscale(readWithJsqr(image, { maxCodes: 1, invert }), scale);
      if (found.length > 0) {
        readings.push(...placed(found, c));
        break;
      }
    }
  }
  return readings;
}

/** Small enough for jsqr-turned's views (and so spared jsQR's full-size view). */
function isSmall(images: ScaledImages): boolean {
  return images.original.width * images.original.height <= JSQR_TURNED_MAX_PIXELS;
}

/** The pixels of the image at half its width and height (at most `cap`); 0 (skip) when it is small. */
function halfSize(images: ScaledImages, cap: number): number {
  const { width, height } = images.original;
  return Math.min(width, height) < 200 ? 0 : Math.min(Math.floor((width * height) / 4), cap);
}

/**
 * The steps, in order. `always` steps run on every image; the others only while nothing has
 * been read, cheapest first: zxing-cpp's passes cost a few milliseconds, jsQR's
 * several times that on the same image.
 */
export const STEPS: readonly Step[] = [
  { name: "zxing", always: () => true, run: async (images) => zxingAtMost(images, ZXING_MAX_PIXELS) },
  {
    // A global threshold copes with some uneven prints where local averaging breaks modules up.
    name: "zxing-global-histogram",
    run: async (images) => zxingAtMost(images, ZXING_MAX_PIXELS, { ...ZXING_QR_OPTIONS, binarizer: "GlobalHistogram" }),
  },
  {
    // jsQR's own finder, sampler and binariser on the whole image: it reads some codes zxing-cpp
    // cannot. Before, this ran on every image (`jsqrEveryImage` keeps that, for the benchmark).
    // On a small image (up to JSQR_TURNED_MAX_PIXELS) it is left to the cheaper views below: the
    // half-size and turned views read every code it read on the corpus (bench --views), and
    // together cost about as much as this one view.
    name: "jsqr",
    always: (options) => options.jsqrEveryImage === true,
    // Normal polarity only: zxing-cpp has tried the inverted image (tryInvert).
    run: async (images, _soFar, options) =>
      options.jsqrEveryImage !== true && isSmall(images) ? [] : jsqrAtMost(images, JSQR_MAX_PIXELS, false),
  },
  {
    name: "jsqr-half",
    run: async (images) => {
      const pixels = halfSize(images, JSQR_MAX_PIXELS / 4);
      return pixels > 0 ? jsqrAtMost(images, pixels, false) : [];
    },
  },
  {
    // jsQR's finder scans rows only, and its binariser works in 8-pixel blocks, so it can find a
    // code in one view of an image and not in another: a quarter turn each way (rows become
    // columns) at TURNED_SCALE of the size.
    name: "jsqr-turned",
    run: async (images) => {
      if (!isSmall(images)) return [];
      const { width, height } = images.original;
      const { image, scale } = images.atMost(Math.floor(width * height * TURNED_SCALE ** 2));
      for (const turns of [1, 3]) {
        const turned = rotateQuarterTurns(image, turns);
        const found = readWithJsqr(turned, { maxCodes: MAX_CODES, invert: false });
        if (found.length > 0) {
          const back = (p: Point) => unturn(p, turns, image.width, image.height);
          return unscale(found.map((r) => ({ ...r, corners: r.corners.map(back) })), scale);
        }
      }
      return [];
    },
  },
  // Last, so that codes the further looks found are cross-checked too.
  { name: "jsqr-crops", always: () => true, run: jsqrOnCrops },
];

/** A point in an image turned clockwise by `turns` quarter turns, in the unturned image. */
function unturn(p: Point, turns: number, width: number, height: number): Point {
  switch (turns) {
    case 1:
      return { x: p.y, y: height - p.x };
    case 2:
      return { x: width - p.x, y: height - p.y };
    case 3:
      return { x: width - p.y, y: p.x };
    default:
      return p;
  }
}

export interface DecodeBitmapOptions {
  /** Step names to skip (for measuring what each contributes). */
  disabled?: ReadonlySet<string>;
  /** Run jsQR's full-image pass on every image, not only where zxing-cpp read nothing (as before). */
  jsqrEveryImage?: boolean;
  /** Cross-check every code zxing-cpp read with jsQR, not only fragile ones, as before (two looks a code). */
  crossCheckEvery?: boolean;
}

/** Every QR code in the image, each read by as many decoders as could read it. */
export async function decodeBitmap(image: Bitmap, options: DecodeBitmapOptions = {}): Promise<DecodedCode[]> {
  return decodeScaled(new ScaledImages(image), options);
}

/**
 * Every QR code in a still image, as decodeBitmap reads them; with none, also the other barcodes
 * (Data Matrix, Aztec, ...) it holds, so that "no QR code" can say what is there instead. That
 * look sees the image at JSQR_MAX_PIXELS at most, the copy the jsQR looks already made: it only
 * names what is there, and at full size on a 12 MP photo it cost 1.5 s more (this machine).
 */
export async function decodeStillBitmap(image: Bitmap): Promise<{ codes: DecodedCode[]; otherSymbologies: string[] }> {
  const images = new ScaledImages(image);
  const codes = await decodeScaled(images, {});
  if (codes.length > 0) return { codes, otherSymbologies: [] };
  return { codes, otherSymbologies: await readOtherSymbologies(images.atMost(JSQR_MAX_PIXELS).image) };
}

async function decodeScaled(images: ScaledImages, options: DecodeBitmapOptions): Promise<DecodedCode[]> {
  const image = images.original;
  const enabled = (step: Step) => !options.disabled?.has(step.name);
  const readings: Reading[] = [];
  for (const step of STEPS.filter(enabled)) {
    if (!step.always?.(options) && !needsAnotherLook(readings)) continue;
    readings.push(...(await step.run(images, readings, options)));
  }
  return combineReadings(readings, { describe: describeModules })
    .slice(0, MAX_CODES)
    .map((code) => ({ ...code, symbolContrast: code.corners ? symbolContrast(image, code.corners) : null, ...quietZoneOf(image, code) }));
}

/** The code's quiet zone in the image, when its corners and size are known. */
function quietZoneOf(image: Bitmap, code: DecodedCode): { quietZone?: number } {
  if (code.corners === null || code.moduleCount === null) return {};
  const zone = measureQuietZone(image, code.corners, code.moduleCount, code.inverted === true);
  return zone === null ? {} : { quietZone: zone };
}

/** True when nothing was read yet. */
function needsAnotherLook(readings: readonly Reading[]): boolean {
  return readings.length === 0;
}
