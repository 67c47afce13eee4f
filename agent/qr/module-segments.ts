/**
 * The data segments (modes and ECI) of a symbol, read straight from the module grid zxing-cpp
 * sampled (ISO/IEC 18004: format information, unmasking, codeword placement, block
 * interleaving, segment headers). zxing-wasm reports version and level but not segment modes;
 * asking jsQR to read a drawing of the grid costs several milliseconds a code, this a few
 * hundredths.
 *
 * The `qrcode` package (which renders the project's codes) supplies the standard's tables: which
 * modules are function patterns for a version, the mask patterns, the format bits, the block
 * structure and the character-count widths. Nothing is error-corrected here: the result is
 * returned only when the segment headers account for exactly the bytes zxing-cpp decoded (with
 * its Reed-Solomon correction), and the content matches them but for what the level corrects;
 * otherwise null, and the caller takes the slower path.
 */
import { createRequire } from "node:module";
import QRCode from "qrcode";
import type { Reading } from "./reading.js";
import type { QrMode } from "./types.js";

// qrcode's internal modules (CommonJS, untyped): the parts of the standard it already encodes.
interface BitMatrixLike {
  size: number;
  data: Uint8Array;
  reservedBit: Uint8Array;
  xor(row: number, col: number, value: boolean): void;
  isReserved(row: number, col: number): number | boolean;
}
interface LevelBits {
  bit: number;
}
interface QrModeTable {
  ccBits: number[];
}
const require = createRequire(import.meta.url);
const maskPattern = require("qrcode/lib/core/mask-pattern.js") as { applyMask(mask: number, matrix: BitMatrixLike): void };
const formatInfo = require("qrcode/lib/core/format-info.js") as { getEncodedBits(level: LevelBits, mask: number): number };
const ecCode = require("qrcode/lib/core/error-correction-code.js") as {
  getBlocksCount(version: number, level: LevelBits): number;
  getTotalCodewordsCount(version: number, level: LevelBits): number;
};
const qrUtils = require("qrcode/lib/core/utils.js") as { getSymbolTotalCodewords(version: number): number };
const ecLevels = require("qrcode/lib/core/error-correction-level.js") as Record<"L" | "M" | "Q" | "H", LevelBits>;
const qrModes = require("qrcode/lib/core/mode.js") as Record<"NUMERIC" | "ALPHANUMERIC" | "BYTE" | "KANJI", QrModeTable> & {
  getCharCountIndicator(mode: QrModeTable, version: number): number;
};

export interface ModuleSegments {
  mode: QrMode | null;
  eci: number | null;
}

/** Which modules are function patterns, per version (a symbol qrcode lays out, reused). */
const reservedByVersion = new Map<number, Uint8Array>();

function reservedModules(version: number): Uint8Array {
  let reserved = reservedByVersion.get(version);
  if (!reserved) {
    const symbol = QRCode.create("0", { version, errorCorrectionLevel: "L", maskPattern: 0 }) as unknown as { modules: BitMatrixLike };
    reserved = symbol.modules.reservedBit;
    reservedByVersion.set(version, reserved);
  }
  return reserved;
}

/** The grid as row-major dark (1) / light (0) modules, unmirrored. */
function darkModules(modules: NonNullable<Reading["modules"]>): Uint8Array | null {
  const { width, height, data, mirrored } = modules;
  if (width !== height) return null;
  const dark = new Uint8Array(width * width);
  for (let row = 0; row < width; row++) {
    for (let col = 0; col < width; col++) {
      // A mirrored symbol is the transpose of a normal one.
      dark[row * width + col] = (mirrored ? data[col * width + row]! : data[row * width + col]!) < 128 ? 1 : 0;
    }
  }
  return dark;
}

/** The 15 format bits, both copies (where qrcode's setupFormatInfo writes them). */
function formatCopies(dark: Uint8Array, size: number): [number, number] {
  let vertical = 0;
  let horizontal = 0;
  const at = (row: number, col: number) => dark[row * size + col]!;
  for (let i = 0; i < 15; i++) {
    const v = i < 6 ? at(i, 8) : i < 8 ? at(i + 1, 8) : at(size - 15 + i, 8);
    const h = i < 8 ? at(8, size - i - 1) : i < 9 ? at(8, 15 - i) : at(8, 15 - i - 1);
    vertical |= v << i;
    horizontal |= h << i;
  }
  return [vertical, horizontal];
}

function bitCount(n: number): number {
  let count = 0;
  for (let v = n; v !== 0; v &= v - 1) count++;
  return count;
}

/** The mask whose format bits (for the level zxing-cpp read) are nearest to the symbol's. */
function maskOf(dark: Uint8Array, size: number, level: LevelBits): number | null {
  const [a, b] = formatCopies(dark, size);
  let best: number | null = null;
  let bestDistance = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    const bits = formatInfo.getEncodedBits(level, mask);
    const distance = Math.min(bitCount(a ^ bits), bitCount(b ^ bits));
    if (distance < bestDistance) {
      best = mask;
      bestDistance = distance;
    }
  }
  // BCH(15,5) corrects up to 3 wrong bits.
  return bestDistance <= 3 ? best : null;
}

/** The codewords in placement order (the zigzag of qrcode's setupData, read back). */
function placedCodewords(bits: Uint8Array, reserved: Uint8Array, size: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let byteIndex = 0;
  let bitIndex = 7;
  let inc = -1;
  let row = size - 1;
  for (let col = size - 1; col > 0 && byteIndex < count; col -= 2) {
    if (col === 6) col--;
    for (;;) {
      for (let c = 0; c < 2; c++) {
        const index = row * size + col - c;
        if (reserved[index]) continue;
        if (byteIndex < count && bits[index]) out[byteIndex]! |= 1 << bitIndex;
        if (--bitIndex === -1) {
          byteIndex++;
          bitIndex = 7;
        }
      }
      row += inc;
      if (row < 0 || row >= size) {
        row -= inc;
        inc = -inc;
        break;
      }
    }
  }
  return out;
}

/** The data codewords, de-interleaved from their blocks (as qrcode's createData interleaves them). */
function dataCodewords(placed: Uint8Array, version: number, level: LevelBits): Uint8Array {
  const total = qrUtils.getSymbolTotalCodewords(version);
  const dataTotal = total - ecCode.getTotalCodewordsCount(version, level);
  const blocks = ecCode.getBlocksCount(version, level);
  const inGroup2 = total % blocks;
  const inGroup1 = blocks - inGroup2;
  const dataInGroup1 = Math.floor(dataTotal / blocks);
  const sizes = Array.from({ length: blocks }, (_, b) => (b < inGroup1 ? dataInGroup1 : dataInGroup1 + 1));
  // Group 1's blocks come first, each one codeword shorter than group 2's.
  const starts = sizes.map((_, b) => b * dataInGroup1 + Math.max(0, b - inGroup1));
  const out = new Uint8Array(dataTotal);
  let index = 0;
  for (let i = 0; i < dataInGroup1 + 1; i++) {
    for (let b = 0; b < blocks; b++) {
      if (i < sizes[b]!) out[starts[b]! + i] = placed[index++]!;
    }
  }
  return out;
}

class BitReader {
  private position = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get left(): number {
    return this.bytes.length * 8 - this.position;
  }
  read(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++, this.position++) {
      value = (value << 1) | ((this.bytes[this.position >> 3]! >> (7 - (this.position & 7))) & 1);
    }
    return value;
  }
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
/** A character a damaged codeword made impossible (it counts as a mismatch). */
const WRONG = -1;

/**
 * Segments from the data codewords, with the content bytes they spell (WRONG where a codeword
 * spells no valid character); null when the segment headers make no sense.
 */
function parseSegments(data: Uint8Array, version: number): { modes: Set<QrMode>; eci: number | null; bytes: number[] } | null {
  const reader = new BitReader(data);
  const modes = new Set<QrMode>();
  const bytes: number[] = [];
  let eci: number | null = null;
  const need = (n: number) => reader.left >= n;
  while (need(4)) {
    const indicator = reader.read(4);
    if (indicator === 0b0000) break;
    if (indicator === 0b0111) {
      if (!need(8)) return null;
      const first = reader.read(8);
      const designator = (first & 0x80) === 0 ? first
        : (first & 0xc0) === 0x80 ? need(8) ? ((first & 0x3f) << 8) | reader.read(8) : -1
        : (first & 0xe0) === 0xc0 && need(16) ? ((first & 0x1f) << 16) | reader.read(16) : -1;
      if (designator < 0) return null;
      eci ??= designator;
      continue;
    }
    const table = indicator === 0b0001 ? qrModes.NUMERIC : indicator === 0b0010 ? qrModes.ALPHANUMERIC
      : indicator === 0b0100 ? qrModes.BYTE : indicator === 0b1000 ? qrModes.KANJI : null;
    // Structured append and FNC1 are left to the slower path.
    if (table === null) return null;
    const countBits = qrModes.getCharCountIndicator(table, version);
    if (!need(countBits)) return null;
    let count = reader.read(countBits);
    if (indicator === 0b0001) {
      modes.add("numeric");
      for (; count >= 3; count -= 3) {
        if (!need(10)) return null;
        const v = reader.read(10);
        if (v > 999) bytes.push(WRONG, WRONG, WRONG);
        else for (const ch of String(v).padStart(3, "0")) bytes.push(ch.charCodeAt(0));
      }
      if (count > 0) {
        const width = count === 2 ? 7 : 4;
        if (!need(width)) return null;
        const v = reader.read(width);
        if (v >= 10 ** count) bytes.push(...Array<number>(count).fill(WRONG));
        else for (const ch of String(v).padStart(count, "0")) bytes.push(ch.charCodeAt(0));
      }
    } else if (indicator === 0b0010) {
      modes.add("alphanumeric");
      for (; count >= 2; count -= 2) {
        if (!need(11)) return null;
        const v = reader.read(11);
        if (v >= 45 * 45) bytes.push(WRONG, WRONG);
        else bytes.push(ALPHANUMERIC.charCodeAt(Math.floor(v / 45)), ALPHANUMERIC.charCodeAt(v % 45));
      }
      if (count === 1) {
        if (!need(6)) return null;
        const v = reader.read(6);
        bytes.push(v >= 45 ? WRONG : ALPHANUMERIC.charCodeAt(v));
      }
    } else if (indicator === 0b0100) {
      modes.add("byte");
      if (!need(count * 8)) return null;
      for (let i = 0; i < count; i++) bytes.push(reader.read(8));
    } else {
      modes.add("kanji");
      if (!need(count * 13)) return null;
      for (let i = 0; i < count; i++) {
        const v = reader.read(13);
        const sjis = (Math.floor(v / 0xc0) << 8) + (v % 0xc0) + (v < 0x1f00 ? 0x8140 : 0xc140);
        bytes.push(sjis >> 8, sjis & 0xff);
      }
    }
  }
  return { modes, eci, bytes };
}

/** Mode and ECI of the symbol zxing-cpp sampled, or null when the grid does not give exactly its bytes. */
export function segmentsFromModules(reading: Reading): ModuleSegments | null {
  if (!reading.modules || reading.version === null || reading.ecLevel === null) return null;
  const version = reading.version;
  const size = 17 + 4 * version;
  const dark = darkModules(reading.modules);
  if (dark === null || reading.modules.width !== size) return null;
  const level = ecLevels[reading.ecLevel];
  const mask = maskOf(dark, size, level);
  if (mask === null) return null;
  const reserved = reservedModules(version);
  // Unmask with qrcode's own mask functions (XOR is its own inverse).
  const matrix: BitMatrixLike = {
    size,
    data: dark,
    reservedBit: reserved,
    xor(row, col, value) {
      dark[row * size + col]! ^= value ? 1 : 0;
    },
    isReserved: (row, col) => reserved[row * size + col]!,
  };
  maskPattern.applyMask(mask, matrix);
  const placed = placedCodewords(dark, reserved, size, qrUtils.getSymbolTotalCodewords(version));
  const parsed = parseSegments(dataCodewords(placed, version, level), version);
  if (parsed === null || parsed.modes.size === 0) return null;
  // The grid is uncorrected: a sampled photo has some wrong modules, which zxing-cpp's error
  // correction repaired. The headers must account for exactly zxing-cpp's bytes, and the content
  // may differ only where as many wrong codewords as the level corrects could reach (a codeword
  // spans at most 3 characters). Wrong headers give other lengths, hence null (and the slower path).
  const expected = reading.bytes;
  if (parsed.bytes.length !== expected.length) return null;
  const correctable = Math.floor(ecCode.getTotalCodewordsCount(version, level) / 2);
  let wrong = 0;
  for (let i = 0; i < expected.length; i++) if (parsed.bytes[i] !== expected[i]) wrong++;
  if (wrong > 3 * correctable) return null;
  const mode: QrMode = parsed.modes.size > 1 ? "mixed" : [...parsed.modes][0]!;
  return { mode, eci: parsed.eci };
}
