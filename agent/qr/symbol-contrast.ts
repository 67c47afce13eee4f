/**
 * Symbol contrast, one of ISO/IEC 15415's print-quality measures: how far apart the light and
 * dark modules of a code are in the image, as a share of the full range (0..1). Measured on the
 * code's bounding box as the spread between its darkest and lightest 5 % of pixels (robust to a
 * few specks of glare or dirt), on at most ~64 K sampled pixels so a code filling a 25 MP photo
 * costs no more than a small one.
 */
import type { Bitmap, Point } from "./bitmap.js";
import { boxOf } from "./combine.js";

const MAX_SAMPLES = 65_536;
const TAIL = 0.05;

export function symbolContrast(image: Bitmap, corners: readonly Point[]): number | null {
  const levels = codeLevels(image, corners);
  return levels === null ? null : Math.round(((levels.light - levels.dark) / 255) * 100) / 100;
}

/**
 * The grey levels (0..255) of the code's dark and light modules: its bounding box's darkest and
 * lightest 5 % of pixels; null when the box is empty. The quiet zone's measure uses them too.
 */
export function codeLevels(image: Bitmap, corners: readonly Point[]): { dark: number; light: number } | null {
  if (corners.length === 0) return null;
  const box = boxOf(corners);
  const x0 = Math.max(0, Math.floor(box.minX));
  const y0 = Math.max(0, Math.floor(box.minY));
  const x1 = Math.min(image.width, Math.ceil(box.maxX));
  const y1 = Math.min(image.height, Math.ceil(box.maxY));
  if (x1 <= x0 || y1 <= y0) return null;
  const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / MAX_SAMPLES)));
  const histogram = new Uint32Array(256);
  let samples = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const o = (y * image.width + x) * 4;
      // Rec. 601 luma, as zxing-cpp's own greyscale conversion.
      histogram[Math.round(0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!)]!++;
      samples++;
    }
  }
  const percentile = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen >= share * samples) return v;
    }
    return 255;
  };
  return { dark: percentile(TAIL), light: percentile(1 - TAIL) };
}
