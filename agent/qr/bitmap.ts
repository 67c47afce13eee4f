/**
 * A decoded image as both decoders want it (RGBA, 4 bytes per pixel, row-major), and the few
 * pixel operations the decoding strategy needs: quarter turns, downscaling, cropping and masking
 * out a code that has already been read. Kept dependency-free so the hot paths do not
 * allocate more than one buffer per step.
 */

export interface Bitmap {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export function createBitmap(width: number, height: number, fill = 255): Bitmap {
  return { data: new Uint8ClampedArray(width * height * 4).fill(fill), width, height };
}

/** Rotates clockwise by `quarterTurns` x 90 degrees, pixel for pixel (no interpolation). */
export function rotateQuarterTurns(image: Bitmap, quarterTurns: number): Bitmap {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0) return image;
  const { width: w, height: h, data } = image;
  const outW = turns === 2 ? w : h;
  const outH = turns === 2 ? h : w;
  const out = new Uint32Array(outW * outH);
  const src = new Uint32Array(data.buffer, data.byteOffset, w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = src[y * w + x]!;
      let tx: number;
      let ty: number;
      if (turns === 1) {
        tx = h - 1 - y;
        ty = x;
      } else if (turns === 2) {
        tx = w - 1 - x;
        ty = h - 1 - y;
      } else {
        tx = y;
        ty = w - 1 - x;
      }
      out[ty * outW + tx] = p;
    }
  }
  return { data: new Uint8ClampedArray(out.buffer), width: outW, height: outH };
}

/**
 * Shrinks by averaging every source pixel that falls into a target pixel (a box filter), which
 * keeps thin modules as grey rather than dropping them as nearest-neighbour sampling would.
 * Works one target row at a time, so the only large allocation is the result.
 */
export function downscale(image: Bitmap, targetWidth: number, targetHeight: number): Bitmap {
  const { width: w, height: h, data } = image;
  const tw = Math.max(1, Math.min(w, Math.round(targetWidth)));
  const th = Math.max(1, Math.min(h, Math.round(targetHeight)));
  if (tw === w && th === h) return image;
  const out = new Uint8ClampedArray(tw * th * 4);
  const sums = new Float64Array(tw * 4);
  const counts = new Uint32Array(tw);
  // Which target column each source column falls into.
  const column = new Uint32Array(w);
  for (let x = 0; x < w; x++) column[x] = Math.min(tw - 1, Math.floor((x * tw) / w));
  let y = 0;
  for (let ty = 0; ty < th; ty++) {
    sums.fill(0);
    counts.fill(0);
    const yEnd = Math.max(y + 1, Math.floor(((ty + 1) * h) / th));
    for (; y < yEnd && y < h; y++) {
      let s = y * w * 4;
      for (let x = 0; x < w; x++, s += 4) {
        const t = column[x]!;
        const o = t * 4;
        sums[o] = sums[o]! + data[s]!;
        sums[o + 1] = sums[o + 1]! + data[s + 1]!;
        sums[o + 2] = sums[o + 2]! + data[s + 2]!;
        sums[o + 3] = sums[o + 3]! + data[s + 3]!;
        counts[t] = counts[t]! + 1;
      }
    }
    const row = ty * tw * 4;
    for (let t = 0; t < tw; t++) {
      const n = counts[t] || 1;
      for (let c = 0; c < 4; c++) out[row + t * 4 + c] = sums[t * 4 + c]! / n;
    }
  }
  return { data: out, width: tw, height: th };
}

/** Scales so that the image holds at most `maxPixels` pixels; returns the factor applied (<= 1). */
export function fitToPixels(image: Bitmap, maxPixels: number): { image: Bitmap; scale: number } {
  const pixels = image.width * image.height;
  if (pixels <= maxPixels) return { image, scale: 1 };
  const scale = Math.sqrt(maxPixels / pixels);
  const scaled = downscale(image, Math.floor(image.width * scale), Math.floor(image.height * scale));
  return { image: scaled, scale: scaled.width / image.width };
}

/** Paints a convex quadrilateral (grown by `margin` pixels on every side) with a flat colour. */
export function fillQuad(image: Bitmap, corners: readonly Point[], margin: number, grey: number): void {
  const cx = corners.reduce((s, p) => s + p.x, 0) / corners.length;
  const cy = corners.reduce((s, p) => s + p.y, 0) / corners.length;
  const grown = corners.map((p) => {
    const dx = p.x - cx;
    const dy = p.y - cy;
    const len = Math.hypot(dx, dy) || 1;
    return { x: p.x + (dx / len) * margin * Math.SQRT2, y: p.y + (dy / len) * margin * Math.SQRT2 };
  });
  const minY = Math.max(0, Math.floor(Math.min(...grown.map((p) => p.y))));
  const maxY = Math.min(image.height - 1, Math.ceil(Math.max(...grown.map((p) => p.y))));
  for (let y = minY; y <= maxY; y++) {
    // Intersect the scan line with each edge; a convex polygon gives one span per row.
    let left = Infinity;
    let right = -Infinity;
    for (let i = 0; i < grown.length; i++) {
      const a = grown[i]!;
      const b = grown[(i + 1) % grown.length]!;
      if ((a.y <= y && b.y >= y) || (b.y <= y && a.y >= y)) {
        const x = a.y === b.y ? Math.min(a.x, b.x) : a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y);
        const x2 = a.y === b.y ? Math.max(a.x, b.x) : x;
        left = Math.min(left, x);
        right = Math.max(right, x2);
      }
    }
    if (left > right) continue;
    const from = Math.max(0, Math.floor(left));
    const to = Math.min(image.width - 1, Math.ceil(right));
    for (let x = from; x <= to; x++) {
      const o = (y * image.width + x) * 4;
      image.data[o] = grey;
      image.data[o + 1] = grey;
      image.data[o + 2] = grey;
      image.data[o + 3] = 255;
    }
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The pixels inside `rect` (clipped to the image) as a new image. */
export function crop(image: Bitmap, rect: Rect): Bitmap {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(image.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(image.height, Math.ceil(rect.y + rect.height));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { data, width, height };
}

export function cloneBitmap(image: Bitmap): Bitmap {
  return { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
}
