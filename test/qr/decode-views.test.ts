/**
 * The further looks (decode-bitmap.ts: jsQR on the image at other sizes and turned) on a real
 * photo: qrcode-4/08 from the ZXing corpus, which zxing-cpp cannot decode and jsQR reads only in
 * some views of it. The looks are chosen by measurement on the corpus (TURNED_SCALE); this holds
 * them to reading it however the photo is turned.
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeQrImage } from "../../agent/qr/index.js";

const DATA = new URL("../data/zxing-blackbox/", import.meta.url);
const photo = readFileSync(new URL("qrcode-4-08.png", DATA));
const expected = readFileSync(new URL("qrcode-4-08.txt", DATA), "utf8");

describe("a damaged photo only jsQR reads, in some views", () => {
  it.each([0, 90, 180, 270])("is read turned by %i degrees", async (degrees) => {
    const turned = new Uint8Array(await sharp(photo).rotate(degrees).png().toBuffer());
    const { codes } = await decodeQrImage(turned, `qrcode-4-08@${degrees}.png`);
    expect(codes.map((c) => [c.text, c.decoders])).toEqual([[expected, ["jsqr"]]]);
  });
});
