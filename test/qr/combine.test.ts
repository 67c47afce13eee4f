/**
 * How readings from the two decoders become codes: one code per symbol, agreement merged,
 * disagreement reported with every reading, never resolved silently. Readings are plain data here,
 * so cases no real image produces on demand (a true disagreement) are covered too.
 */
import { describe, expect, it } from "vitest";
import { combineReadings } from "../../agent/qr/combine.js";
import type { Reading } from "../../agent/qr/reading.js";

function square(x: number, y: number, side: number) {
  return [
    { x, y },
    { x: x + side, y },
    { x: x + side, y: y + side },
    { x, y: y + side },
  ];
}

function reading(overrides: Partial<Reading> & Pick<Reading, "decoder" | "text">): Reading {
  return {
    bytes: new TextEncoder().encode(overrides.text),
    version: 2,
    ecLevel: null,
    mode: null,
    eci: null,
    corners: square(10, 10, 100),
    ...overrides,
  };
}

describe("combining readings into codes", () => {
  it("merges the two decoders' readings of one symbol into one code read by both", () => {
    const codes = combineReadings([
      reading({ decoder: "zxing", text: "payload", ecLevel: "Q" }),
      reading({ decoder: "jsqr", text: "payload", mode: "byte", corners: square(11, 9, 99) }),
    ]);
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({
      text: "payload",
      decoder: "zxing+jsqr",
      decoders: ["zxing", "jsqr"],
      ecLevel: "Q",
      mode: "byte",
      version: 2,
      moduleCount: 25,
      disagreement: null,
    });
  });

  it("reports a disagreement about one symbol with both readings, showing zxing's text first", () => {
    const codes = combineReadings([
      reading({ decoder: "jsqr", text: "SSID=Office" }),
      reading({ decoder: "zxing", text: "SSID=0ffice" }),
    ]);
    expect(codes).toHaveLength(1);
    expect(codes[0]!.text).toBe("SSID=0ffice");
    expect(codes[0]!.decoder).toBe("zxing+jsqr");
    expect(codes[0]!.disagreement).toEqual([
      { decoder: "zxing", text: "SSID=0ffice" },
      { decoder: "jsqr", text: "SSID=Office" },
    ]);
  });

  it("takes metadata only from readings that agree with the text shown", () => {
    const [code] = combineReadings([
      reading({ decoder: "zxing", text: "A", version: 3, mode: null }),
      reading({ decoder: "jsqr", text: "B", version: 7, mode: "numeric", eci: 26 }),
    ]);
    expect(code).toMatchObject({ text: "A", version: 3, mode: null, eci: null });
  });

  it("counts equal bytes as agreement even when the texts differ (a charset guess, not a misread)", () => {
    const bytes = Uint8Array.from([0x43, 0x61, 0x66, 0xe9]);
    const [code, ...rest] = combineReadings([
      reading({ decoder: "zxing", text: "Café", bytes }),
      reading({ decoder: "jsqr", text: "Caf\u00e9?", bytes }),
    ]);
    expect(rest).toHaveLength(0);
    expect(code!.disagreement).toBeNull();
    expect(code!.text).toBe("Café");
  });

  it("keeps codes in different places apart, in reading order", () => {
    const codes = combineReadings([
      reading({ decoder: "zxing", text: "bottom", corners: square(0, 300, 100) }),
      reading({ decoder: "zxing", text: "top right", corners: square(300, 0, 100) }),
      reading({ decoder: "jsqr", text: "top left", corners: square(0, 10, 100) }),
    ]);
    expect(codes.map((c) => c.text)).toEqual(["top left", "top right", "bottom"]);
    expect(codes.map((c) => c.disagreement)).toEqual([null, null, null]);
  });

  it("keeps a small code printed inside a larger one as a separate code, not a disagreement", () => {
    const codes = combineReadings([
      reading({ decoder: "zxing", text: "outer", corners: square(0, 0, 300) }),
      reading({ decoder: "zxing", text: "inner", corners: square(120, 120, 60) }),
      reading({ decoder: "jsqr", text: "inner", corners: square(121, 119, 60) }),
    ]);
    expect(codes).toHaveLength(2);
    expect(codes.find((c) => c.text === "inner")!.decoder).toBe("zxing+jsqr");
    expect(codes.find((c) => c.text === "outer")!.decoder).toBe("zxing");
    expect(codes.every((c) => c.disagreement === null)).toBe(true);
  });

  it("says when only jsQR read a code", () => {
    const [code] = combineReadings([reading({ decoder: "jsqr", text: "x", mode: "byte" })]);
    expect(code).toMatchObject({ decoder: "jsqr", decoders: ["jsqr"], ecLevel: null });
  });

  it("asks for a description of the modules only when no reading knows the mode", () => {
    const asked: string[] = [];
    const describe = (readings: readonly Reading[]) => {
      asked.push(...readings.map((r) => r.decoder));
      return { mode: "kanji" as const, eci: 20 };
    };
    const [fromZxing] = combineReadings([reading({ decoder: "zxing", text: "x" })], { describe });
    expect(fromZxing).toMatchObject({ mode: "kanji", eci: 20 });
    const [known] = combineReadings([reading({ decoder: "jsqr", text: "x", mode: "byte" })], { describe });
    expect(known!.mode).toBe("byte");
    expect(asked).toEqual(["zxing"]);
  });

  it("keeps zxing-cpp's unused error correction, from a reading that agrees with the text shown", () => {
    const [code] = combineReadings([
      reading({ decoder: "zxing", text: "payload", unusedErrorCorrection: 0.37 }),
      reading({ decoder: "jsqr", text: "payload", mode: "byte" }),
    ]);
    expect(code).toMatchObject({ decoder: "zxing+jsqr", unusedErrorCorrection: 0.37 });
    const [onlyJsqr] = combineReadings([reading({ decoder: "jsqr", text: "payload", mode: "byte" })]);
    expect(onlyJsqr!.unusedErrorCorrection).toBeNull();
  });
});
