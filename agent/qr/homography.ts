/**
 * The projective transform between a code's own square (its module grid) and the quadrilateral
 * its four corners make in an image: how to find a point "two modules left of the code" in a
 * photo where the code is turned and seen at an angle. Heckbert's square-to-quad mapping.
 */
import type { Point } from "./bitmap.js";

/** A 3x3 projective transform as a row-major array. */
export type Homography = readonly number[];

/** The transform taking the unit square's corners (0,0) (1,0) (1,1) (0,1) to `q`, in that order. */
export function squareToQuad(q: readonly Point[]): Homography {
  const [p0, p1, p2, p3] = q as [Point, Point, Point, Point];
  const sx = p0.x - p1.x + p2.x - p3.x;
  const sy = p0.y - p1.y + p2.y - p3.y;
  const dx1 = p1.x - p2.x;
  const dx2 = p3.x - p2.x;
  const dy1 = p1.y - p2.y;
  const dy2 = p3.y - p2.y;
  const det = dx1 * dy2 - dx2 * dy1;
  const g = (sx * dy2 - dx2 * sy) / det;
  const h = (dx1 * sy - sx * dy1) / det;
  return [
    p1.x - p0.x + g * p1.x, p3.x - p0.x + h * p3.x, p0.x,
    p1.y - p0.y + g * p1.y, p3.y - p0.y + h * p3.y, p0.y,
    g, h, 1,
  ];
}

/** The image point of (u, v) in the square (0..1 inside it; outside it extends the code's axes). */
export function project(m: Homography, u: number, v: number): Point {
  const w = m[6]! * u + m[7]! * v + m[8]!;
  return { x: (m[0]! * u + m[1]! * v + m[2]!) / w, y: (m[3]! * u + m[4]! * v + m[5]!) / w };
}
