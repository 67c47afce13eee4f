/**
 * decodeQrImage as its callers use it: generated images (qrcode + jimp) in every shape a photo or
 * screenshot comes in, and the exact text, metadata and decoder(s) that come back.
 */
import { describe, expect, it } from "vitest";
import { decodeBitmap } from "../../agent/qr/decode-bitmap.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { loadImage } from "../../agent/qr/load-image.js";
import { FRAGILE_SYMBOL_CONTRAST, FRAGILE_UNUSED_ERROR_CORRECTION, isFragile } from "../../agent/qr/types.js";
import {
  addNoise,
  blank,
  blur,
  drawQr,
  eciQrPng,
  encode,
  lowerContrast,
  place,
  qrPng,
  rotate,
  seededRandom,
  type Rgba,
} from "../helpers/qr-images.js";

const PAYLOAD = JSON.stringify({
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":
    "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AdminReceiver",
  "android.app.extra.PROVISIONING_WIFI_SSID": "Café-Staging 会議室 📶",
  "android.app.extra.PROVISIONING_WIFI_PASSWORD": "pässwörd-ключ",
});

async function decode(bytes: Uint8Array, label = "test.png") {
  return decodeQrImage(bytes, label);
}

async function onlyCode(bytes: Uint8Array) {
  const result = await decode(bytes);
  expect(result.codes).toHaveLength(1);
  return result.codes[0]!;
}

/** Paints 1-pixel salt-and-pepper specks over a fraction of the pixels (seeded). */
function speckle(image: Rgba, fraction: number, seed: number): Rgba {
  const random = seededRandom(seed);
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i += 4) {
    if (random() >= fraction) continue;
    const v = random() < 0.5 ? 0 : 255;
    data[i] = data[i + 1] = data[i + 2] = v;
  }
  return { data, width: image.width, height: image.height };
}

describe("decoding a provisioning QR code", () => {
  it("returns the exact UTF-8 text, non-ASCII SSID and password intact, with the print's quality", async () => {
    const code = await onlyCode(await qrPng(PAYLOAD, { ecLevel: "M" }));
    expect(code.text).toBe(PAYLOAD);
    expect(Buffer.from(code.bytes).toString("utf8")).toBe(PAYLOAD);
    // A clean render: no error correction used, full contrast, so jsQR is not asked to cross-check.
    expect(code).toMatchObject({ decoder: "zxing", ecLevel: "M", mode: "byte", eci: null, disagreement: null });
    expect(code).toMatchObject({ unusedErrorCorrection: 1, symbolContrast: 1 });
    expect(isFragile(code)).toBe(false);
    expect(code.version).toBeGreaterThan(1);
    expect(code.moduleCount).toBe(17 + 4 * code.version!);
  });

  it("keeps a UTF-8 byte-order mark at the start of the text, as the device's reader does", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PAYLOAD, "utf8")]);
    const code = await onlyCode(await qrPng(bytes));
    expect(code.text).toBe(`\uFEFF${PAYLOAD}`);
    // jsQR, asked to cross-check, keeps the mark too.
    const [checked] = await decodeBitmap(await loadImage(await qrPng(bytes), "bom.png"), { crossCheckEvery: true });
    expect(checked).toMatchObject({ decoders: ["zxing", "jsqr"], text: `\uFEFF${PAYLOAD}`, disagreement: null });
  });

  it("reports the image size and the code's corners in image pixels", async () => {
    // Version 1 at 5 px per module with a 4-module quiet zone: the symbol spans 20..125.
    const result = await decode(await qrPng("HELLO", { version: 1, scale: 5 }));
    expect(result).toMatchObject({ file: "test.png", width: 145, height: 145 });
    const corners = result.codes[0]!.corners!;
    expect(corners).toHaveLength(4);
    expect(corners[0]!.x).toBeCloseTo(20, -1);
    expect(corners[2]!.y).toBeCloseTo(125, -1);
  });

  it.each(["L", "M", "Q", "H"] as const)("reports error-correction level %s", async (ecLevel) => {
    const code = await onlyCode(await qrPng("https://example.com/enroll", { ecLevel }));
    expect(code.ecLevel).toBe(ecLevel);
  });

  it("tells numeric, alphanumeric, Kanji and mixed segment modes apart", async () => {
    expect((await onlyCode(await qrPng("0123456789012"))).mode).toBe("numeric");
    expect((await onlyCode(await qrPng("HTTPS://EXAMPLE.COM/A"))).mode).toBe("alphanumeric");
    const kanji = await onlyCode(await qrPng("会議室", { kanji: true }));
    expect(kanji).toMatchObject({ text: "会議室", mode: "kanji" });
    const mixed = await onlyCode(await qrPng("ROOM1234567890 会議室", { kanji: true }));
    expect(mixed).toMatchObject({ text: "ROOM1234567890 会議室", mode: "mixed" });
  });

  it("reports the ECI designator of a code that declares UTF-8, and decodes it by it", async () => {
    const code = await onlyCode(await eciQrPng("Café-Staging 会議室"));
    expect(code).toMatchObject({ text: "Café-Staging 会議室", eci: 26, mode: "byte", decoder: "zxing" });
  });

  it("decodes Shift_JIS and ISO-8859-1 byte content the same way in both decoders", async () => {
    const both = async (png: Uint8Array) => (await decodeBitmap(await loadImage(png, "x.png"), { crossCheckEvery: true }))[0];
    const sjis = await both(await qrPng(Uint8Array.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea])));
    expect(sjis).toMatchObject({ text: "日本語", decoder: "zxing+jsqr", disagreement: null });
    const latin1 = await both(await qrPng(Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x47, 0xe4, 0x73, 0x74, 0x65])));
    expect(latin1).toMatchObject({ text: "Café Gäste", decoder: "zxing+jsqr", disagreement: null });
  });
});

describe("decoding photos and screenshots", () => {
  it.each([90, 180, 270, 30])("reads a code turned by %i degrees", async (degrees) => {
    const code = await onlyCode(await encode(rotate(drawQr(PAYLOAD, { scale: 4 }), degrees)));
    expect(code.text).toBe(PAYLOAD);
  });

  it("reads a tiny code (2 pixels per module) and a large one (12 pixels per module)", async () => {
    expect((await onlyCode(await qrPng(PAYLOAD, { scale: 2 }))).text).toBe(PAYLOAD);
    expect((await onlyCode(await qrPng(PAYLOAD, { scale: 12 }))).text).toBe(PAYLOAD);
  });

  it("reads a noisy, slightly blurred code", async () => {
    const image = addNoise(blur(drawQr(PAYLOAD, { scale: 6 }), 1), 60, 7);
    expect((await onlyCode(await encode(image))).text).toBe(PAYLOAD);
  });

  it("reads a code re-encoded as a low-quality JPEG", async () => {
    const code = await onlyCode(await encode(drawQr(PAYLOAD, { scale: 4 }), "jpeg", 15));
    expect(code.text).toBe(PAYLOAD);
  });

  it("reads a light-on-dark (inverted) code", async () => {
    expect((await onlyCode(await qrPng(PAYLOAD, { invert: true }))).text).toBe(PAYLOAD);
  });

  it("reads a mirrored code (seen through the back of a transparent print)", async () => {
    expect((await onlyCode(await qrPng(PAYLOAD, { mirror: true }))).text).toBe(PAYLOAD);
  });

  it.each(["gif", "bmp", "tiff"] as const)("reads %s images", async (format) => {
    const code = await onlyCode(await encode(drawQr("format check", { scale: 4 }), format));
    expect(code.text).toBe("format check");
  });

  it("returns every code in an image with several, in reading order, each cross-checked when asked", async () => {
    const canvas = blank(640, 480);
    place(canvas, drawQr("bottom left", { scale: 4 }), 20, 300);
    place(canvas, drawQr("top right", { scale: 5 }), 420, 10);
    place(canvas, drawQr("top left · 会議室", { scale: 4 }), 10, 20);
    const result = await decode(await encode(canvas));
    expect(result.codes.map((c) => c.text)).toEqual(["top left · 会議室", "top right", "bottom left"]);
    expect(result.codes.map((c) => c.decoder)).toEqual(["zxing", "zxing", "zxing"]);
    // jsQR, which reads one code per scan, reads each on a crop around it.
    const checked = await decodeBitmap(await loadImage(await encode(canvas), "three.png"), { crossCheckEvery: true });
    expect(checked.map((c) => c.decoder)).toEqual(["zxing+jsqr", "zxing+jsqr", "zxing+jsqr"]);
  });

  it("finds a small code in a large image, with corners in the image's pixels, wherever jsQR sees it", async () => {
    // 6 MP: jsQR's cross-check sees a crop; both readings must land on the same place.
    const large = blank(3000, 2000, 235);
    place(large, drawQr(PAYLOAD, { scale: 6 }), 2300, 1500);
    const result = await decode(await encode(large), "large.png");
    expect(result).toMatchObject({ width: 3000, height: 2000 });
    expect(result.codes.map((c) => [c.text, c.decoder])).toEqual([[PAYLOAD, "zxing"]]);
    const [checked] = await decodeBitmap(await loadImage(await encode(large), "large.png"), { crossCheckEvery: true });
    expect(checked!.decoder).toBe("zxing+jsqr");
    expect(checked!.corners).toEqual(result.codes[0]!.corners);
    const topLeft = result.codes[0]!.corners![0]!;
    expect(topLeft.x).toBeCloseTo(2324, -1);
    expect(topLeft.y).toBeCloseTo(1524, -1);
  });

  it("returns no codes for an image without one", async () => {
    const result = await decode(await encode(addNoise(blank(240, 160), 40)));
    expect(result).toMatchObject({ width: 240, height: 160, codes: [] });
  });
});

describe("a code only one decoder reads", () => {
  it("is still read when only zxing-cpp can (a faded, low-contrast print), and called fragile", async () => {
    const code = await onlyCode(await encode(lowerContrast(drawQr(PAYLOAD, { scale: 4 }), 0.1)));
    expect(code).toMatchObject({ text: PAYLOAD, decoder: "zxing", decoders: ["zxing"], ecLevel: "M" });
    // jsQR never read it, but the mode still comes from the modules zxing sampled.
    expect(code.mode).toBe("byte");
    expect(code.symbolContrast).toBeLessThan(FRAGILE_SYMBOL_CONTRAST);
    expect(isFragile(code)).toBe(true);
  });

  it("is still read when only jsQR can (salt-and-pepper specks)", async () => {
    const text = "WIFI-Café-会議室";
    const code = await onlyCode(await encode(speckle(drawQr(text, { scale: 6 }), 0.05, 1)));
    expect(code).toMatchObject({ text, decoder: "jsqr", decoders: ["jsqr"], ecLevel: null, unusedErrorCorrection: null });
    expect(isFragile(code)).toBe(true);
    // 6 px per module after a 4-module quiet zone: the symbol starts at (24, 24).
    expect(code.corners![0]!.x).toBeCloseTo(24, -1);
    expect(code.corners![0]!.y).toBeCloseTo(24, -1);
  });
});

/** Inverts the modules of a block of the symbol (module coordinates), as a scratch or a smudge would. */
function damage(image: Rgba, scale: number, margin: number, block: { x: number; y: number; width: number; height: number }): Rgba {
  const data = new Uint8ClampedArray(image.data);
  for (let y = (margin + block.y) * scale; y < (margin + block.y + block.height) * scale; y++) {
    for (let x = (margin + block.x) * scale; x < (margin + block.x + block.width) * scale; x++) {
      const o = (y * image.width + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = 255 - data[o]!;
    }
  }
  return { data, width: image.width, height: image.height };
}

describe("a damaged print", () => {
  const TEXT = "fragile print check 1234567890";

  it("reports how much error correction reading it took, and is cross-checked by jsQR when that is most of it", async () => {
    const clean = await onlyCode(await encode(drawQr(TEXT, { scale: 4, ecLevel: "M" })));
    const scratched = await onlyCode(await encode(damage(drawQr(TEXT, { scale: 4, ecLevel: "M" }), 4, 4, { x: 10, y: 10, width: 6, height: 6 })));
    expect(clean).toMatchObject({ text: TEXT, unusedErrorCorrection: 1, decoder: "zxing" });
    expect(scratched.text).toBe(TEXT);
    expect(scratched.unusedErrorCorrection).toBeLessThan(FRAGILE_UNUSED_ERROR_CORRECTION);
    // A misread is possible this close to the limit: the second decoder looked, and agrees.
    expect(scratched).toMatchObject({ decoder: "zxing+jsqr", disagreement: null });
    expect(isFragile(scratched)).toBe(true);
  });

  it("is not cross-checked while it keeps half its error correction", async () => {
    const code = await onlyCode(await encode(damage(drawQr(TEXT, { scale: 4, ecLevel: "H" }), 4, 4, { x: 20, y: 20, width: 3, height: 3 })));
    expect(code.unusedErrorCorrection).toBeGreaterThanOrEqual(FRAGILE_UNUSED_ERROR_CORRECTION);
    expect(code.unusedErrorCorrection).toBeLessThan(1);
    expect(code).toMatchObject({ text: TEXT, decoder: "zxing" });
    expect(isFragile(code)).toBe(false);
  });
});
