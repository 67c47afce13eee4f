/**
 * Byte segments become text by zxing-cpp's rules, so that jsQR's readings can be compared with
 * zxing's: ECI when declared, else UTF-8 when valid, else ZXing's Shift_JIS / ISO-8859-1 guess.
 */
import { describe, expect, it } from "vitest";
import { guessEncoding, segmentsToText } from "../../agent/qr/charset.js";
import { eciFromProtocolBytes } from "../../agent/qr/zxing-reader.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
/** "日本語" in Shift_JIS. */
const SJIS_NIHONGO = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];

describe("guessing the charset of undeclared bytes (ZXing's StringUtils rules)", () => {
  it("takes valid UTF-8 with a multi-byte character as UTF-8", () => {
    expect(guessEncoding(utf8("Café-Staging"))).toBe("UTF-8");
    expect(guessEncoding(utf8("会議室 📶"))).toBe("UTF-8");
  });

  it("takes three Shift_JIS double-byte characters in a row as Shift_JIS", () => {
    expect(guessEncoding(SJIS_NIHONGO)).toBe("Shift_JIS");
  });

  it("takes a lone Latin-1 accent as ISO-8859-1", () => {
    expect(guessEncoding([0x43, 0x61, 0x66, 0xe9])).toBe("ISO-8859-1");
  });

  it("falls back to raw bytes when nothing fits", () => {
    expect(guessEncoding([0x80, 0x00, 0xff, 0xfe])).toBe("binary");
  });
});

describe("decoding a symbol's segments to text", () => {
  it("keeps UTF-8 byte content without an ECI intact", () => {
    const text = '{"ssid":"Café-Staging 会議室 📶"}';
    expect(segmentsToText([{ kind: "byte", bytes: utf8(text) }])).toMatchObject({ text, eci: null });
  });

  it("decodes Shift_JIS and Latin-1 byte content as zxing does", () => {
    expect(segmentsToText([{ kind: "byte", bytes: SJIS_NIHONGO }]).text).toBe("日本語");
    expect(segmentsToText([{ kind: "byte", bytes: [0x43, 0x61, 0x66, 0xe9] }]).text).toBe("Café");
  });

  it("guesses over all undeclared byte segments together, not one by one", () => {
    // "é" alone would guess ISO-8859-1; together with a multi-byte character it is UTF-8.
    const text = segmentsToText([
      { kind: "byte", bytes: utf8("é") },
      { kind: "numeric", text: "42" },
      { kind: "byte", bytes: utf8("会") },
    ]).text;
    expect(text).toBe("é42会");
  });

  it("follows an ECI designator and reports the first one", () => {
    const result = segmentsToText([
      { kind: "eci", eci: 26 },
      { kind: "byte", bytes: utf8("Grüße") },
    ]);
    expect(result).toMatchObject({ text: "Grüße", eci: 26 });
  });

  it("reads bytes after an ECI in that charset even when they would guess otherwise", () => {
    const result = segmentsToText([
      { kind: "eci", eci: 3 },
      { kind: "byte", bytes: utf8("é") },
    ]);
    expect(result.text).toBe("Ã©"); // ISO-8859-1 as declared, not UTF-8
  });

  it("decodes Kanji-mode segments as Shift_JIS and keeps every byte", () => {
    const result = segmentsToText([
      { kind: "alphanumeric", text: "ROOM " },
      { kind: "kanji", bytes: SJIS_NIHONGO },
    ]);
    expect(result.text).toBe("ROOM 日本語");
    expect(Array.from(result.bytes)).toEqual([...utf8("ROOM "), ...SJIS_NIHONGO]);
  });
});

describe("the ECI number zxing-cpp reports in its ECI-protocol bytes", () => {
  it("is read from the designator after the symbology identifier", () => {
    expect(eciFromProtocolBytes(utf8("]Q2\\000026Caf\u00e9"), true)).toBe(26);
  });

  it("is null when the symbol has no ECI", () => {
    expect(eciFromProtocolBytes(utf8("]Q1Cafe"), false)).toBeNull();
  });
});
