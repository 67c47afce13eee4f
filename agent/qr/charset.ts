/**
 * Turns the data segments of a QR symbol into text exactly as zxing-cpp (inside zxing-wasm) does,
 * so that the two decoders only ever disagree about *what the symbol holds*, never about how to
 * interpret bytes. jsQR alone decodes byte segments with decodeURIComponent (UTF-8 or nothing),
 * which would turn every Shift_JIS or Latin-1 code into a false disagreement.
 *
 * The rules, from zxing-cpp (core/src/Content.cpp, qrcode/QRDecoder.cpp, TextDecoder.cpp, ECI.cpp):
 * - numeric and alphanumeric segments are ISO-8859-1; kanji segments are Shift_JIS;
 *   byte segments have no declared charset until an ECI designator gives one;
 * - the first ECI in a symbol makes everything before it ISO-8859-1, and from then on only ECIs
 *   switch the charset;
 * - without any ECI, all byte segments together are *guessed*: UTF-8 when valid and it has at
 *   least one multi-byte character (or a BOM), else Shift_JIS or ISO-8859-1 by ZXing's
 *   StringUtils heuristic, else raw bytes (shown as ISO-8859-1).
 */

/** ECI assignment numbers (ISO/IEC 15424 / AIM ECI) this module knows, as used by zxing-cpp. */
export const ECI_ISO8859_1 = 3;
export const ECI_SHIFT_JIS = 20;
export const ECI_UTF8 = 26;
/** Marker for "no charset declared" (zxing-cpp's ECI::Unknown). */
const ECI_UNKNOWN = -1;

/** One data segment of a symbol as a decoder read it. */
export type Segment =
  | { kind: "numeric" | "alphanumeric"; text: string }
  | { kind: "byte" | "kanji"; bytes: ArrayLike<number> }
  | { kind: "eci"; eci: number };

/** WHATWG TextDecoder labels for the ECIs zxing-cpp maps to a character set. */
const ECI_TO_LABEL: Record<number, string> = {
  0: "cp437",
  1: "iso-8859-1",
  2: "cp437",
  3: "iso-8859-1",
  4: "iso-8859-2",
  5: "iso-8859-3",
  6: "iso-8859-4",
  7: "iso-8859-5",
  8: "iso-8859-6",
  9: "iso-8859-7",
  10: "iso-8859-8",
  11: "iso-8859-9",
  12: "iso-8859-10",
  13: "iso-8859-11",
  15: "iso-8859-13",
  16: "iso-8859-14",
  17: "iso-8859-15",
  18: "iso-8859-16",
  20: "shift_jis",
  21: "windows-1250",
  22: "windows-1251",
  23: "windows-1252",
  24: "windows-1256",
  25: "utf-16be",
  26: "utf-8",
  27: "ascii",
  28: "big5",
  29: "gbk",
  30: "euc-kr",
  32: "gb18030",
  33: "utf-16le",
  34: "utf-32be",
  35: "utf-32le",
  170: "ascii",
  899: "binary",
};

/** Code page 437's upper half (0x80..0xFF); not a WHATWG encoding, so spelled out here. */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function latin1(bytes: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...Array.from(Array.prototype.slice.call(bytes, i, i + 4096) as number[]));
  }
  return out;
}

function utf32(bytes: ArrayLike<number>, bigEndian: boolean): string {
  let out = "";
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const b = [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
    const cp = bigEndian
      ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
      : ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
    out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
  }
  return out;
}

/** Decodes bytes in a WHATWG-labelled charset, with zxing-cpp's straight-through choices. */
export function decodeWithLabel(bytes: ArrayLike<number>, label: string): string {
  switch (label) {
    case "iso-8859-1":
    case "binary":
    case "ascii":
      // WHATWG's "iso-8859-1" is really windows-1252; ISO-8859-1 maps each byte to U+00XX.
      return latin1(bytes);
    case "cp437":
      return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join("");
    case "utf-32be":
      return utf32(bytes, true);
    case "utf-32le":
      return utf32(bytes, false);
    default:
      try {
        // ignoreBOM keeps a leading byte-order mark in the text: the device's reader (a Java
        // String) keeps U+FEFF too, and its JSON parser then rejects the payload.
        return new TextDecoder(label, { ignoreBOM: true }).decode(Uint8Array.from(bytes));
      } catch {
        return latin1(bytes);
      }
  }
}

/**
 * ZXing's guess of the charset of undeclared byte content (zxing-cpp TextDecoder::GuessEncoding,
 * a port of ZXing's StringUtils.guessEncoding), with "binary" as the last resort.
 */
export function guessEncoding(bytes: ArrayLike<number>): "UTF-8" | "Shift_JIS" | "ISO-8859-1" | "binary" {
  const length = bytes.length;
  let canBeISO88591 = true;
  let canBeShiftJIS = true;
  let canBeUTF8 = true;
  let utf8BytesLeft = 0;
  let utfMultiByteChars = 0;
  let sjisBytesLeft = 0;
  let sjisKatakanaChars = 0;
  let sjisCurKatakanaWordLength = 0;
  let sjisCurDoubleBytesWordLength = 0;
  let sjisMaxKatakanaWordLength = 0;
  let sjisMaxDoubleBytesWordLength = 0;
  let isoHighOther = 0;
  const utf8bom = length > 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

  for (let i = 0; i < length && (canBeISO88591 || canBeShiftJIS || canBeUTF8); i++) {
    const value = bytes[i]!;
    if (canBeUTF8) {
      if (utf8BytesLeft > 0) {
        if ((value & 0x80) === 0) canBeUTF8 = false;
        else utf8BytesLeft--;
      } else if ((value & 0x80) !== 0) {
        if ((value & 0x40) === 0) {
          canBeUTF8 = false;
        } else {
          utf8BytesLeft++;
          utfMultiByteChars++;
          if ((value & 0x20) !== 0) {
            utf8BytesLeft++;
            if ((value & 0x10) !== 0) {
              utf8BytesLeft++;
              if ((value & 0x08) !== 0) canBeUTF8 = false;
            }
          }
        }
      }
    }
    if (canBeISO88591) {
      if (value > 0x7f && value < 0xa0) canBeISO88591 = false;
      else if (value > 0x9f && (value < 0xc0 || value === 0xd7 || value === 0xf7)) isoHighOther++;
    }
    if (canBeShiftJIS) {
      if (sjisBytesLeft > 0) {
        if (value < 0x40 || value === 0x7f || value > 0xfc) canBeShiftJIS = false;
        else sjisBytesLeft--;
      } else if (value === 0x80 || value === 0xa0 || value > 0xef) {
        canBeShiftJIS = false;
      } else if (value < 0x20 && value !== 0x0a && value !== 0x0d) {
        canBeShiftJIS = false; // control characters suggest binary content
      } else if (value > 0xa0 && value < 0xe0) {
        sjisKatakanaChars++;
        sjisCurDoubleBytesWordLength = 0;
        sjisCurKatakanaWordLength++;
        sjisMaxKatakanaWordLength = Math.max(sjisMaxKatakanaWordLength, sjisCurKatakanaWordLength);
      } else if (value > 0x7f) {
        sjisBytesLeft++;
        sjisCurKatakanaWordLength = 0;
        sjisCurDoubleBytesWordLength++;
        sjisMaxDoubleBytesWordLength = Math.max(sjisMaxDoubleBytesWordLength, sjisCurDoubleBytesWordLength);
      } else {
        sjisCurKatakanaWordLength = 0;
        sjisCurDoubleBytesWordLength = 0;
      }
    }
  }
  if (canBeUTF8 && utf8BytesLeft > 0) canBeUTF8 = false;
  if (canBeShiftJIS && sjisBytesLeft > 0) canBeShiftJIS = false;

  if (canBeUTF8 && (utf8bom || utfMultiByteChars > 0)) return "UTF-8";
  if (canBeShiftJIS && (sjisMaxKatakanaWordLength >= 3 || sjisMaxDoubleBytesWordLength >= 3)) {
    return "Shift_JIS";
  }
  if (canBeISO88591 && canBeShiftJIS) {
    return (sjisMaxKatakanaWordLength === 2 && sjisKatakanaChars === 2) || isoHighOther * 10 >= length
      ? "Shift_JIS"
      : "ISO-8859-1";
  }
  if (canBeISO88591) return "ISO-8859-1";
  if (canBeShiftJIS) return "Shift_JIS";
  if (canBeUTF8) return "UTF-8";
  return "binary";
}

const GUESS_TO_LABEL = { "UTF-8": "utf-8", Shift_JIS: "shift_jis", "ISO-8859-1": "iso-8859-1", binary: "binary" };

export interface SegmentsText {
  text: string;
  /** The data bytes of every segment, in order (numeric/alphanumeric as ASCII). */
  bytes: Uint8Array;
  /** The first ECI designator in the symbol, or null. */
  eci: number | null;
}

/** The text of a symbol's segments, decoded as zxing-cpp's Content::text() does. */
export function segmentsToText(segments: readonly Segment[]): SegmentsText {
  const binary: number[] = [];
  let blocks: { eci: number; pos: number }[] = [{ eci: ECI_UNKNOWN, pos: 0 }];
  let hasECI = false;
  let firstEci: number | null = null;

  const switchEncoding = (eci: number, isECI: boolean): void => {
    // The first real ECI makes every earlier, undeclared block ISO-8859-1 (the ECI default).
    if (isECI && !hasECI) blocks = [{ eci: ECI_ISO8859_1, pos: 0 }];
    if (isECI || !hasECI) {
      const last = blocks[blocks.length - 1]!;
      if (last.pos === binary.length) last.eci = eci;
      else blocks.push({ eci, pos: binary.length });
    }
    hasECI ||= isECI;
  };

  for (const segment of segments) {
    switch (segment.kind) {
      case "numeric":
      case "alphanumeric":
        switchEncoding(ECI_ISO8859_1, false);
        for (let i = 0; i < segment.text.length; i++) binary.push(segment.text.charCodeAt(i) & 0xff);
        break;
      case "byte":
        switchEncoding(ECI_UNKNOWN, false);
        for (let i = 0; i < segment.bytes.length; i++) binary.push(segment.bytes[i]!);
        break;
      case "kanji":
        switchEncoding(ECI_SHIFT_JIS, false);
        for (let i = 0; i < segment.bytes.length; i++) binary.push(segment.bytes[i]!);
        break;
      case "eci":
        firstEci ??= segment.eci;
        switchEncoding(segment.eci, true);
        break;
    }
  }

  const ranges = blocks.map((block, i) => ({
    eci: block.eci,
    start: block.pos,
    end: i + 1 < blocks.length ? blocks[i + 1]!.pos : binary.length,
  }));
  let fallback = "binary";
  if (!hasECI) {
    const undeclared = ranges.filter((r) => r.eci === ECI_UNKNOWN).flatMap((r) => binary.slice(r.start, r.end));
    if (undeclared.length > 0) fallback = GUESS_TO_LABEL[guessEncoding(undeclared)];
  }
  let text = "";
  for (const range of ranges) {
    if (range.start === range.end) continue;
    const label = range.eci === ECI_UNKNOWN ? fallback : (ECI_TO_LABEL[range.eci] ?? "binary");
    text += decodeWithLabel(binary.slice(range.start, range.end), label);
  }
  return { text, bytes: Uint8Array.from(binary), eci: firstEci };
}

/**
 * zxing-cpp drops a UTF-8 byte-order mark from the text it returns; the device keeps it (see
 * above). Puts it back when the code's bytes start with one, so the text is exactly what the
 * device reads.
 */
export function keepByteOrderMark(text: string, bytes: Uint8Array): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bom && !text.startsWith("\uFEFF") ? `\uFEFF${text}` : text;
}
