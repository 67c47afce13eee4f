/**
 * What the toolkit reads about a code besides its text: the segment modes and ECI straight from
 * the module grid zxing-cpp sampled (module-segments.ts), zxing-cpp's unused error correction,
 * and the symbol contrast measured on the image.
 */
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { segmentsFromModules } from "../../agent/qr/module-segments.js";
import type { Reading } from "../../agent/qr/reading.js";
import { symbolContrast } from "../../agent/qr/symbol-contrast.js";
import { unusedErrorCorrectionOf } from "../../agent/qr/zxing-reader.js";
import toSJIS from "qrcode/helper/to-sjis.js";
import { blank, drawQr, lowerContrast, seededRandom } from "../helpers/qr-images.js";

type Segments = Parameters<typeof QRCode.create>[0];

/** A reading as zxing-cpp gives it for a clean symbol: its bytes, version, level and sampled grid. */
function readingOf(segments: Segments, bytes: Uint8Array, level: "L" | "M" | "Q" | "H" = "M", mask = 2, mirrored = false): Reading {
  const symbol = QRCode.create(segments, { errorCorrectionLevel: level, maskPattern: mask, toSJISFunc: toSJIS } as QRCode.QRCodeOptions);
  const size = symbol.modules.size;
  const data = new Uint8ClampedArray(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      // 0 = dark, as zxing-cpp's symbol image; a mirrored symbol is stored transposed.
      const dark = symbol.modules.data[row * size + col] === 1;
      data[mirrored ? col * size + row : row * size + col] = dark ? 0 : 255;
    }
  }
  return {
    decoder: "zxing", text: "", bytes, version: symbol.version, ecLevel: level, mode: null, eci: null, corners: [],
    modules: { data, width: size, height: size, mirrored },
  };
}

const ascii = (text: string) => new TextEncoder().encode(text);

describe("segment modes from the sampled module grid", () => {
  it("tells every mode apart, at every level and mask", () => {
    for (const level of ["L", "M", "Q", "H"] as const) {
      for (let mask = 0; mask < 8; mask++) {
        expect(segmentsFromModules(readingOf([{ mode: "numeric", data: "0123456789" }], ascii("0123456789"), level, mask))).toEqual({ mode: "numeric", eci: null });
        expect(segmentsFromModules(readingOf([{ mode: "alphanumeric", data: "HTTPS://A.B/C" }], ascii("HTTPS://A.B/C"), level, mask))).toEqual({ mode: "alphanumeric", eci: null });
      }
    }
    const text = "{\"ssid\":\"Café\"}";
    expect(segmentsFromModules(readingOf([{ mode: "byte", data: Buffer.from(text) }], ascii(text)))).toEqual({ mode: "byte", eci: null });
    expect(segmentsFromModules(readingOf([{ mode: "kanji", data: "会議室" }], Uint8Array.from([0x89, 0xef, 0x8b, 0x63, 0x8e, 0xba])))).toEqual({ mode: "kanji", eci: null });
    const mixed = readingOf([{ mode: "byte", data: Buffer.from("ROOM ") }, { mode: "numeric", data: "1234567890" }], ascii("ROOM 1234567890"));
    expect(segmentsFromModules(mixed)).toEqual({ mode: "mixed", eci: null });
  });

  it("reads large versions (interleaved blocks, version information) and mirrored symbols", () => {
    const long = "x".repeat(1200);
    expect(segmentsFromModules(readingOf([{ mode: "byte", data: Buffer.from(long) }], ascii(long), "Q"))).toEqual({ mode: "byte", eci: null });
    expect(segmentsFromModules(readingOf([{ mode: "byte", data: Buffer.from("mirror") }], ascii("mirror"), "M", 5, true))).toEqual({ mode: "byte", eci: null });
  });

  it("gives up, rather than guess, when the grid does not spell zxing-cpp's bytes", () => {
    const reading = readingOf([{ mode: "byte", data: Buffer.from("payload") }], ascii("payload"));
    expect(segmentsFromModules({ ...reading, bytes: ascii("another text") })).toBeNull();
    expect(segmentsFromModules({ ...reading, modules: undefined })).toBeNull();
    expect(segmentsFromModules({ ...reading, version: null })).toBeNull();
    // A grid that is not the version's size.
    expect(segmentsFromModules({ ...reading, version: reading.version! + 1 })).toBeNull();
  });

  it("tolerates content modules the error correction repaired, not a damaged header", () => {
    const text = "the quick brown fox jumps over the lazy dog";
    const reading = readingOf([{ mode: "byte", data: Buffer.from(text) }], ascii(text), "H", 0);
    const size = reading.modules!.width;
    const flipped = (cells: [number, number][]) => {
      const data = new Uint8ClampedArray(reading.modules!.data);
      for (const [row, col] of cells) data[row * size + col] = 255 - data[row * size + col]!;
      return { ...reading, modules: { ...reading.modules!, data } };
    };
    // Bottom right holds the mode indicator and character count: damage there reads as another header.
    expect(segmentsFromModules(flipped([[size - 1, size - 1], [size - 1, size - 2], [size - 2, size - 1]]))).toBeNull();
    // A module in the middle of the content: one wrong character, within what level H corrects.
    expect(segmentsFromModules(flipped([[12, 12]]))).toEqual({ mode: "byte", eci: null });
  });
});

describe("segment modes from a grid of noise", () => {
  it("never throws, at every version and level: it answers null or a mode", () => {
    const random = seededRandom(7);
    for (let version = 1; version <= 40; version++) {
      const size = 17 + 4 * version;
      for (const level of ["L", "M", "Q", "H"] as const) {
        const data = new Uint8ClampedArray(size * size).map(() => (random() < 0.5 ? 0 : 255));
        const bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
        const reading: Reading = {
          decoder: "zxing", text: "", bytes, version, ecLevel: level, mode: null, eci: null, corners: [],
          modules: { data, width: size, height: size, mirrored: random() < 0.5 },
        };
        const described = segmentsFromModules(reading);
        expect(described === null || typeof described.mode === "string").toBe(true);
      }
    }
  });
});

describe("zxing-cpp's unused error correction", () => {
  it("is read from the result's extra JSON, and anything unexpected there means 'not reported'", () => {
    expect(unusedErrorCorrectionOf('{"DataMask":2,"UEC":0.52,"Version":"4"}')).toEqual({ unusedErrorCorrection: 0.52 });
    expect(unusedErrorCorrectionOf("")).toEqual({});
    expect(unusedErrorCorrectionOf("not json")).toEqual({});
    expect(unusedErrorCorrectionOf('{"UEC":"high"}')).toEqual({});
    expect(unusedErrorCorrectionOf('{"UEC":1.5}')).toEqual({});
  });
});

describe("symbol contrast", () => {
  const corners = (side: number) => [{ x: 0, y: 0 }, { x: side, y: 0 }, { x: side, y: side }, { x: 0, y: side }];

  it("is the spread between a code's light and dark modules, as a share of the full range", () => {
    const code = drawQr("contrast", { scale: 4 });
    expect(symbolContrast(code, corners(code.width))).toBe(1);
    expect(symbolContrast(lowerContrast(code, 0.3), corners(code.width))).toBeCloseTo(0.3, 1);
  });

  it("is unknown for an outline outside the image, and 0 for a flat one", () => {
    expect(symbolContrast(blank(50, 50), [])).toBeNull();
    expect(symbolContrast(blank(50, 50), [{ x: 60, y: 60 }, { x: 80, y: 60 }, { x: 80, y: 80 }, { x: 60, y: 80 }])).toBeNull();
    expect(symbolContrast(blank(50, 50, 128), corners(50))).toBe(0);
  });
});

describe("the library's fragile-print verdict", () => {
  it("is exported from the package root, as validate applies it", async () => {
    const lib = await import("../../agent/index.js");
    expect(lib.isFragile({ unusedErrorCorrection: 0.49, symbolContrast: 0.9 })).toBe(true);
    expect(lib.isFragile({ unusedErrorCorrection: 0.5, symbolContrast: 0.2 })).toBe(false);
    expect(lib.isFragile({ unusedErrorCorrection: 1, symbolContrast: 0.19 })).toBe(true);
    expect(lib.isFragile({ unusedErrorCorrection: null, symbolContrast: 1 })).toBe(true);
  });
});
