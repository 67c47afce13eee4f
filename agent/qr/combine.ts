/**
 * Merges the readings of several decoders (and several passes) into one `DecodedCode` per
 * symbol. Two readings are the same symbol when their outlines mostly overlap, or when they carry
 * the same data and their outlines touch. When readings of one symbol carry different data, the
 * code is returned with `disagreement` listing every reading: the toolkit never picks a winner
 * silently. Pure data in, data out, so the policy is testable without images.
 */
import type { Point } from "./bitmap.js";
import type { Reading } from "./reading.js";
import { moduleCountOf, type DecodedCode, type DecoderName } from "./types.js";

/** A bounding box, in image pixels. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function boxOf(corners: readonly Point[]): Box {
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function area(b: Box): number {
  return Math.max(0, b.maxX - b.minX) * Math.max(0, b.maxY - b.minY);
}

function intersection(a: Box, b: Box): number {
  return area({
    minX: Math.max(a.minX, b.minX),
    minY: Math.max(a.minY, b.minY),
    maxX: Math.min(a.maxX, b.maxX),
    maxY: Math.min(a.maxY, b.maxY),
  });
}

/** Intersection over union of the two outlines' bounding boxes. */
export function overlap(a: readonly Point[], b: readonly Point[]): number {
  const ba = boxOf(a);
  const bb = boxOf(b);
  const inter = intersection(ba, bb);
  const union = area(ba) + area(bb) - inter;
  return union > 0 ? inter / union : 0;
}

function sameData(a: Reading, b: Reading): boolean {
  if (a.text === b.text) return true;
  // Equal bytes are the same content even if a charset guess rendered them differently.
  return a.bytes.length > 0 && a.bytes.length === b.bytes.length && a.bytes.every((v, i) => v === b.bytes[i]);
}

/** Outlines this similar are one symbol, whatever the readings say. */
const SAME_SYMBOL_OVERLAP = 0.5;

function sameSymbol(a: Reading, b: Reading): boolean {
  const o = overlap(a.corners, b.corners);
  return o >= SAME_SYMBOL_OVERLAP || (o > 0 && sameData(a, b));
}

function firstKnown<T>(readings: readonly Reading[], pick: (r: Reading) => T | null): T | null {
  for (const r of readings) {
    const value = pick(r);
    if (value !== null) return value;
  }
  return null;
}

export interface CombineOptions {
  /** Fills in mode and ECI for a reading that lacks them (e.g. from the modules zxing sampled). */
  describe?: (readings: readonly Reading[]) => { mode: Reading["mode"]; eci: Reading["eci"] } | null;
}

function toCode(group: Reading[], options: CombineOptions): DecodedCode {
  // zxing-cpp has never misread on the reference corpus; when decoders disagree its reading is
  // the one shown first, and the disagreement says so.
  const ordered = [...group.filter((r) => r.decoder === "zxing"), ...group.filter((r) => r.decoder !== "zxing")];
  const primary = ordered[0]!;
  const agreeing = ordered.filter((r) => sameData(r, primary));
  const decoders = [...new Set(ordered.map((r) => r.decoder))] as DecoderName[];

  let disagreement: DecodedCode["disagreement"] = null;
  if (agreeing.length !== ordered.length) {
    const seen = new Set<string>();
    disagreement = [];
    for (const r of ordered) {
      const key = `${r.decoder}\u0000${r.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      disagreement.push({ decoder: r.decoder, text: r.text });
    }
  }
  // Metadata only from readings that agree with the text shown.
  const version = firstKnown(agreeing, (r) => r.version);
  let mode = firstKnown(agreeing, (r) => r.mode);
  let eci = firstKnown(agreeing, (r) => r.eci);
  if (mode === null && options.describe) {
    const described = options.describe(agreeing);
    mode = described?.mode ?? null;
    eci ??= described?.eci ?? null;
  }
  const inverted = firstKnown(agreeing, (r) => r.inverted ?? null);
  const mirrored = firstKnown(agreeing, (r) => r.mirrored ?? null);
  return {
    text: primary.text,
    bytes: primary.bytes,
    decoder: decoders.join("+"),
    decoders,
    unusedErrorCorrection: firstKnown(agreeing, (r) => r.unusedErrorCorrection ?? null),
    symbolContrast: null, // measured on the pixels, by decodeBitmap
    version,
    ecLevel: firstKnown(agreeing, (r) => r.ecLevel),
    mode,
    eci,
    moduleCount: version === null ? null : moduleCountOf(version),
    corners: primary.corners.map((p) => ({ x: round(p.x), y: round(p.y) })),
    ...(inverted === null ? {} : { inverted }),
    ...(mirrored === null ? {} : { mirrored }),
    disagreement,
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** One code per symbol, in reading order (top to bottom, then left to right). */
export function combineReadings(readings: readonly Reading[], options: CombineOptions = {}): DecodedCode[] {
  const groups: Reading[][] = [];
  for (const reading of readings) {
    const group = groups.find((g) => g.some((member) => sameSymbol(member, reading)));
    if (group) group.push(reading);
    else groups.push([reading]);
  }
  const codes = groups.map((group) => toCode(group, options));
  return codes.sort((a, b) => {
    const ba = boxOf(a.corners ?? []);
    const bb = boxOf(b.corners ?? []);
    // Same row when the boxes overlap vertically by half; then left to right.
    const rowOverlap = Math.min(ba.maxY, bb.maxY) - Math.max(ba.minY, bb.minY);
    const rowHeight = Math.min(ba.maxY - ba.minY, bb.maxY - bb.minY);
    if (rowOverlap > rowHeight / 2) return ba.minX - bb.minX;
    return ba.minY - bb.minY;
  });
}
