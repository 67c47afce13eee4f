/**
 * The quiet zone of a code in an image: how many modules of clear ground (light, or dark for a
 * light-on-dark code) surround it before the image's edge or anything else printed. ISO/IEC
 * 18004 asks for 4 modules on every side; `qr` warns when it renders less, and `validate`
 * measures it on images with this. Measured outside the code's bounding box, one module-wide
 * strip at a time, on each side; the zone is the narrowest side's.
 */
import type { Bitmap, Point } from "./bitmap.js";
import { boxOf } from "./combine.js";
import { counted } from "../protocol/counted.js";
import { codeLevels } from "./symbol-contrast.js";

/** The quiet zone ISO/IEC 18004 requires around a QR code, in modules. */
export const MIN_QUIET_ZONE = 4;

/** The message `qr` and `validate` give for a quiet zone under MIN_QUIET_ZONE modules. */
export function quietZoneMessage(modules: number): string {
  return `a quiet zone of ${counted(modules, "module")} is less than the ${MIN_QUIET_ZONE} ISO/IEC 18004 requires: ` +
    "cameras may not find the code, above all printed on or next to anything dark";
}

/** A strip is clear when at most this share of its pixels is not ground (specks, anti-aliasing, JPEG noise). */
const MAX_INK_SHARE = 0.03;
/** Pixels sampled per strip at most, so a 25 MP photo costs no more than a small image. */
const MAX_STRIP_SAMPLES = 4096;

function luma(image: Bitmap, x: number, y: number): number {
  const o = (y * image.width + x) * 4;
  return 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
}

/**
 * Modules of clear ground around the code (0..MIN_QUIET_ZONE, to a tenth), or null when the
 * code's box is empty. A strip that runs past the image's edge counts for the part inside it.
 */
export function measureQuietZone(image: Bitmap, corners: readonly Point[], moduleCount: number, inverted: boolean): number | null {
  const box = boxOf(corners);
  const x0 = Math.max(0, Math.floor(box.minX));
  const y0 = Math.max(0, Math.floor(box.minY));
  const x1 = Math.min(image.width, Math.ceil(box.maxX));
  const y1 = Math.min(image.height, Math.ceil(box.maxY));
  if (x1 <= x0 || y1 <= y0 || moduleCount <= 0) return null;
  const module = Math.max(box.maxX - box.minX, box.maxY - box.minY) / moduleCount;
  if (!(module > 0)) return null;
  const levels = codeLevels(image, corners);
  if (levels === null) return null;
  // Halfway between the code's dark and light modules.
  const cut = (levels.dark + levels.light) / 2;
  const isGround = (x: number, y: number) => (luma(image, x, y) > cut) !== inverted;

  /** Share of a strip's pixels that are ground; the strip is [from, to) across, [a, b) along. */
  const clearShare = (horizontal: boolean, from: number, to: number, a: number, b: number): number => {
    const span = (to - from) * (b - a);
    const step = Math.max(1, Math.floor(Math.sqrt(span / MAX_STRIP_SAMPLES)));
    let ink = 0;
    let samples = 0;
    for (let u = from; u < to; u += step) {
      for (let v = a; v < b; v += step) {
        samples++;
        if (!(horizontal ? isGround(v, u) : isGround(u, v))) ink++;
      }
    }
    return samples === 0 ? 1 : 1 - ink / samples;
  };

  /** Clear modules on one side: `edge` is the box's edge, `dir` -1 or +1 away from the code. */
  const side = (horizontal: boolean, edge: number, dir: number, limit: number, a: number, b: number): number => {
    let clear = 0;
    for (let k = 0; k < MIN_QUIET_ZONE; k++) {
      const near = edge + dir * k * module;
      const far = edge + dir * (k + 1) * module;
      const from = Math.max(0, Math.round(Math.min(near, far)));
      const to = Math.min(limit, Math.round(Math.max(near, far)));
      const inside = Math.max(0, to - from) / module;
      if (inside <= 0 || clearShare(horizontal, from, to, a, b) < 1 - MAX_INK_SHARE) break;
      clear += Math.min(1, inside);
      if (inside < 0.95) break; // the image ends inside this strip
    }
    return clear;
  };

  const zone = Math.min(
    side(false, box.minX, -1, image.width, y0, y1),
    side(false, box.maxX, +1, image.width, y0, y1),
    side(true, box.minY, -1, image.height, x0, x1),
    side(true, box.maxY, +1, image.height, x0, x1),
  );
  return Math.round(zone * 10) / 10;
}
