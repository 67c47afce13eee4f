/**
 * zxing-wasm reports a symbol's version and error-correction level but not its segment modes or
 * its ECI number. It does return the module grid it sampled. That grid is read directly where it
 * is clean enough (module-segments.ts); otherwise, drawn as a clean image, it is readable by
 * jsQR, whose chunks give the modes and ECI. Either way this reads the same sampled modules again
 * (it is not a second opinion on the photo, so it never counts as a decoder vote).
 */
import { createBitmap, type Bitmap } from "./bitmap.js";
import { modeOfSegments, scanOnce, segmentsFromChunks } from "./jsqr-reader.js";
import { segmentsToText } from "./charset.js";
import { segmentsFromModules } from "./module-segments.js";
import type { Reading } from "./reading.js";
import type { QrMode } from "./types.js";

const QUIET_ZONE = 4;
const PIXELS_PER_MODULE = 3;

function drawModules(modules: NonNullable<Reading["modules"]>): Bitmap {
  const { width, height, data, mirrored } = modules;
  const side = (Math.max(width, height) + 2 * QUIET_ZONE) * PIXELS_PER_MODULE;
  const image = createBitmap(side, side);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // A mirrored symbol is the transpose of a normal one.
      const dark = (mirrored ? data[x * width + y]! : data[y * width + x]!) < 128;
      if (!dark) continue;
      for (let dy = 0; dy < PIXELS_PER_MODULE; dy++) {
        const row = (y + QUIET_ZONE) * PIXELS_PER_MODULE + dy;
        for (let dx = 0; dx < PIXELS_PER_MODULE; dx++) {
          const o = (row * side + (x + QUIET_ZONE) * PIXELS_PER_MODULE + dx) * 4;
          image.data[o] = image.data[o + 1] = image.data[o + 2] = 0;
        }
      }
    }
  }
  return image;
}

export interface SymbolSegments {
  mode: QrMode | null;
  eci: number | null;
}

/**
 * Mode and ECI of a symbol from the grids zxing-cpp sampled in its readings of it (one per pass
 * that read it), or null when they cannot be told: from a grid itself when one is clean enough
 * (module-segments.ts, fast), else by jsQR from a drawing of one.
 */
export function describeModules(readings: readonly Reading[]): SymbolSegments | null {
  for (const reading of readings) {
    const fromGrid = segmentsFromModules(reading);
    if (fromGrid !== null) return fromGrid;
  }
  for (const reading of readings) {
    const drawn = describeDrawing(reading);
    if (drawn !== null) return drawn;
  }
  return null;
}

/** Mode and ECI by jsQR, from a clean drawing of the grid zxing-cpp sampled. */
function describeDrawing(reading: Reading): SymbolSegments | null {
  if (!reading.modules) return null;
  const code = scanOnce(drawModules(reading.modules), false);
  if (!code) return null;
  const segments = segmentsFromChunks(code.chunks);
  const decoded = segmentsToText(segments);
  // Only trust the description if it is of the very content zxing read.
  if (decoded.text !== reading.text) return null;
  return { mode: modeOfSegments(segments), eci: decoded.eci };
}
