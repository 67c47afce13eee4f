/**
 * The quiet zone of a code in an image: how many modules of clear ground (light, or dark for a
 * light-on-dark code) surround it before the image's edge or anything else printed. ISO/IEC
 * 18004 asks for 4 modules on every side; `qr` warns when it renders less, and `validate`
 * measures it on images with this.
 *
 * Measured along the code's own axes, from the four corner points the decoder returns: a photo
 * shows a code turned and at an angle, and the margin outside its axis-aligned bounding box is
 * neither the quiet zone (at 45 degrees the box holds the zone's corners) nor measured in its
 * modules. Lines parallel to each side, a tenth of a module apart, are followed outwards (each
 * runs on past the corners, so the zone's corners count too) until one crosses ink or leaves the
 * image; the zone is the narrowest side's, to a tenth.
 */
import type { Bitmap, Point } from "./bitmap.js";
import { project, squareToQuad, type Homography } from "./homography.js";
import { counted } from "../protocol/counted.js";

/** The quiet zone ISO/IEC 18004 requires around a QR code, in modules. */
export const MIN_QUIET_ZONE = 4;

/** The message `qr` and `validate` give for a quiet zone under MIN_QUIET_ZONE modules. */
export function quietZoneMessage(modules: number): string {
  return `a quiet zone of ${counted(modules, "module")} is less than the ${MIN_QUIET_ZONE} ISO/IEC 18004 requires: ` +
    "cameras may not find the code, above all printed on or next to anything dark";
}

/**
 * Whether a measured zone is short of MIN_QUIET_ZONE by more than the measure's own error: a
 * quarter of a module, or, on a small code, about two pixels (the decoder's corner points are
 * good to a pixel, and a lens's blur moves the far edge by another).
 */
export function isQuietZoneShort(zone: number, modulePixels: number | null): boolean {
  const error = Math.max(0.25, modulePixels !== null && modulePixels > 0 ? 2 / modulePixels : 0);
  return zone < MIN_QUIET_ZONE - error;
}

/** Lines followed per module outwards: the zone is measured to a tenth. */
const LINES_PER_MODULE = 10;
/** Points sampled along a line per module: enough to see anything a module wide printed there. */
const SAMPLES_PER_MODULE = 2;
/** A line is clear when at most this share of its points is not ground (specks, JPEG noise). */
const MAX_INK_SHARE = 0.03;
/**
 * Lines closer than this to the code's edge (in modules, and in pixels) are not judged: there a
 * lens's blur and the decoder's corner points (good to about a pixel) put the code's own edge
 * modules under the line. They still count as clear when the lines beyond them are.
 */
const EDGE_MODULES = 0.25;
const EDGE_PIXELS = 1.5;

/**
 * The grey level (Rec. 601 luma) around a point: the mean of the 3 x 3 pixels centred on it, so
 * that a photo's sensor and JPEG noise does not read as ink; null outside the image.
 */
function luma(image: Bitmap, p: Point): number | null {
  const cx = Math.floor(p.x);
  const cy = Math.floor(p.y);
  if (!(cx >= 0 && cy >= 0 && cx < image.width && cy < image.height)) return null;
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, cy - 1); y <= Math.min(image.height - 1, cy + 1); y++) {
    for (let x = Math.max(0, cx - 1); x <= Math.min(image.width - 1, cx + 1); x++) {
      const o = (y * image.width + x) * 4;
      sum += 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
      count++;
    }
  }
  return sum / count;
}

/** Module centres sampled at most, per side, for the grey levels near it. */
const MAX_LEVEL_SAMPLES = 16_384;
/** A QR code's modules are about half dark: its 20th and 80th percentiles are typical dark and light modules. */
const DARK_SHARE = 0.2;
/** How deep into the code, in modules, the levels near a side are taken: a finder pattern's width. */
const LEVEL_BAND = 7;

/**
 * The grey levels of the code's dark and light modules near one side: the 20th and 80th
 * percentiles of the module centres in the band of LEVEL_BAND modules along it. Near the side,
 * not over the whole code: light falls off across a photo, and a margin on the dim side can be
 * darker than light modules on the bright one.
 */
function bandLevels(image: Bitmap, at: (i: number, j: number) => Point, band: (depth: number, along: number) => [number, number], modules: number): { dark: number; light: number } | null {
  const depth = Math.min(LEVEL_BAND, modules);
  const step = Math.max(1, Math.ceil(Math.sqrt((depth * modules) / MAX_LEVEL_SAMPLES)));
  const values: number[] = [];
  for (let a = 0; a < depth; a += step) {
    for (let b = 0; b < modules; b += step) {
      const [i, j] = band(a + 0.5, b + 0.5);
      const v = luma(image, at(i, j));
      if (v !== null) values.push(v);
    }
  }
  if (values.length === 0) return null;
  values.sort((x, y) => x - y);
  const pick = (share: number) => values[Math.min(values.length - 1, Math.floor(share * values.length))]!;
  // Typical modules, not the extremes: a glare spot's few bright modules would move the cut up.
  return { dark: pick(DARK_SHARE), light: pick(1 - DARK_SHARE) };
}

/**
 * The four sides: the module coordinates of a point `d` modules outside the side (inside it for
 * a negative `d`) and `s` modules along it.
 */
type Side = (d: number, s: number, n: number) => [number, number];
const SIDES: readonly Side[] = [
  (d, s) => [s, -d], // top
  (d, s, n) => [n + d, s], // right
  (d, s, n) => [s, n + d], // bottom
  (d, s) => [-d, s], // left
];

/**
 * Modules of clear ground around the code (0..MIN_QUIET_ZONE, to a tenth), or null when its
 * corners do not make a quadrilateral or its module count is unknown. `corners` are the code's
 * outer corners, clockwise from its own top-left, in image pixels.
 */
export function measureQuietZone(image: Bitmap, corners: readonly Point[], moduleCount: number, inverted: boolean): number | null {
  if (corners.length !== 4 || !(moduleCount > 0)) return null;
  const n = moduleCount;
  const h: Homography = squareToQuad(corners);
  if (!h.every(Number.isFinite)) return null;
  const at = (i: number, j: number) => project(h, i / n, j / n);
  const side = Math.hypot(corners[1]!.x - corners[0]!.x, corners[1]!.y - corners[0]!.y);
  const modulePixels = side / n;
  const edge = Math.max(EDGE_MODULES, EDGE_PIXELS / Math.max(modulePixels, 1e-9));

  /** Clear lines outwards from one side, up to MIN_QUIET_ZONE modules; null when the code's levels there are unknown. */
  const clearLines = (point: Side): number | null => {
    const levels = bandLevels(image, at, (depth, along) => point(-depth, along, n), n);
    if (levels === null || levels.light <= levels.dark) return null;
    // Halfway between the code's dark and light modules near this side.
    const cut = (levels.dark + levels.light) / 2;
    for (let t = 0; t < MIN_QUIET_ZONE * LINES_PER_MODULE; t++) {
      const d = (t + 0.5) / LINES_PER_MODULE;
      // The line runs past both corners by d, so the zone's corner squares are looked at too.
      const length = n + 2 * d;
      const samples = Math.max(2, Math.ceil(length * SAMPLES_PER_MODULE));
      let ink = 0;
      for (let k = 0; k < samples; k++) {
        const [i, j] = point(d, -d + ((k + 0.5) * length) / samples, n);
        const v = luma(image, at(i, j));
        if (v === null) return t; // the image ends here
        if ((v > cut) === inverted) ink++;
      }
      if (d >= edge && ink > MAX_INK_SHARE * samples) return t;
    }
    return MIN_QUIET_ZONE * LINES_PER_MODULE;
  };

  const lines = SIDES.map(clearLines);
  if (lines.some((l) => l === null)) return null;
  return Math.min(...(lines as number[])) / LINES_PER_MODULE;
}
