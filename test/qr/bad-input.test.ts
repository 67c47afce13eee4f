/**
 * Input that is not a usable image is refused with an InputError that names the file, says what
 * is wrong and how to fix it, before any large allocation: the size comes from the header.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { decodeQrImage, isImageBytes, readQrImageFile } from "../../agent/qr/index.js";
import { drawQr, encode, pngWithDeclaredSize, qrPng, tiffWithPages, truncate } from "../helpers/qr-images.js";

async function refusal(bytes: Uint8Array, label = "bad.png"): Promise<InputError> {
  const error = await decodeQrImage(bytes, label).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const input = error as InputError;
  expect(input.where).toBe(label);
  expect(input.hint).toBeTruthy();
  return input;
}

/** A RIFF/WEBP container header with a lossy VP8 chunk: recognisable, not decodable by jimp. */
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([30, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(22)]);
/** An ISO BMFF "ftyp" box of brand heic: recognisable, not decoded (the bundled libvips has no HEVC decoder). */
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from("ftypheic"), Buffer.alloc(16)]);

describe("recognising images by their bytes", () => {
  it("knows PNG, JPEG, GIF, BMP, TIFF, WebP and SVG by their magic bytes", async () => {
    const qr = drawQr("x", { scale: 2 });
    for (const format of ["png", "jpeg", "gif", "bmp", "tiff"] as const) {
      expect(isImageBytes(await encode(qr, format)), format).toBe(true);
    }
    expect(isImageBytes(WEBP)).toBe(true);
    expect(isImageBytes(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe(true);
  });

  it("does not take payload JSON, text or nothing for an image", () => {
    expect(isImageBytes(Buffer.from('{"android.app.extra.PROVISIONING_WIFI_SSID":"x"}'))).toBe(false);
    expect(isImageBytes(Buffer.from("BM"))).toBe(false);
    expect(isImageBytes(Buffer.from("hello"))).toBe(false);
    expect(isImageBytes(new Uint8Array(0))).toBe(false);
  });
});

describe("refusing unusable images", () => {
  it("refuses an empty file", async () => {
    expect((await refusal(new Uint8Array(0))).message).toMatch(/empty \(0 bytes\)/);
  });

  it("refuses bytes that are not an image and points JSON payloads to validate", async () => {
    const error = await refusal(Buffer.from('{"a": 1}'), "payload.json");
    expect(error.message).toMatch(/not an image/);
    expect(error.hint).toMatch(/aosp-sim validate/);
  });

  it("names a recognised format it cannot decode and says to convert it", async () => {
    const error = await refusal(HEIC, "code.heic");
    expect(error.message).toMatch(/is a HEIC\/HEIF image, a format this tool cannot decode/);
    expect(error.hint).toMatch(/PNG or JPEG/);
  });

  // Before, an AVIF was refused as "a format this tool cannot decode", though the bundled sharp decodes it.
  it("decodes an AVIF, and refuses one whose header claims 50000 x 50000 pixels, or a sequence, before decoding", async () => {
    const { default: sharp } = await import("sharp");
    const qr = drawQr("avif", { scale: 4 });
    const avif = await sharp(Buffer.from(qr.data.buffer), { raw: { width: qr.width, height: qr.height, channels: 4 } }).avif({ lossless: true }).toBuffer();
    expect((await decodeQrImage(avif, "code.avif")).codes.map((c) => c.text)).toEqual(["avif"]);
    const ispe = avif.indexOf("ispe");
    const huge = Buffer.from(avif);
    huge.writeUInt32BE(50_000, ispe + 8);
    huge.writeUInt32BE(50_000, ispe + 12);
    expect((await refusal(huge, "huge.avif")).problem).toBe("is 50000x50000 pixels (2,500,000,000 pixels), more than the 25,000,000 (25 MP) this tool decodes");
    const sequence = Buffer.from(avif);
    sequence.write("avis", 8, "latin1");
    expect((await refusal(sequence, "anim.avif")).problem).toBe("is an AVIF image sequence (an animation), which this tool does not read frame by frame");
    expect((await refusal(avif.subarray(0, 40), "cut.avif")).problem).toMatch(/is a truncated or corrupt AVIF file/);
  });

  it("refuses a PNG whose header claims 50000 x 50000 pixels, from the header alone", async () => {
    const error = await refusal(pngWithDeclaredSize(50_000, 50_000));
    expect(error.problem).toBe("is 50000x50000 pixels (2,500,000,000 pixels), more than the 25,000,000 (25 MP) this tool decodes");
    expect(error.hint).toMatch(/scale it down/);
  });

  it("counts every page of a TIFF against the limit, since every page gets decoded", async () => {
    const error = await refusal(tiffWithPages([{ width: 4000, height: 4000 }, { width: 4000, height: 4000 }]), "scan.tiff");
    expect(error.message).toMatch(/4000x4000 pixels \(32,000,000 pixels over all its pages\), more than the 25,000,000 \(25 MP\)/);
  });

  it("refuses an image just over the limit in counts that do not round to the limit itself", async () => {
    // Before: "is 5001x5000 pixels (25 MP), more than the 25 MP this tool decodes".
    expect((await refusal(pngWithDeclaredSize(5001, 5000))).problem).toBe(
      "is 5001x5000 pixels (25,005,000 pixels), more than the 25,000,000 (25 MP) this tool decodes",
    );
  });

  it("says a PNG whose header's size does not match its data is damaged, in its own terms, not libvips'", async () => {
    // A real PNG whose header was edited to claim 20000x1000 (its checksum left as it was).
    const png = Buffer.from(await qrPng("resized"));
    png.writeUInt32BE(20_000, 16);
    png.writeUInt32BE(1000, 20);
    const error = await refusal(png);
    expect(error.problem).toBe(
      "is a damaged or truncated PNG file (its data does not match its header, which gives 20000x1000 pixels: the file is cut short, or damaged)",
    );
    expect(error.message).not.toMatch(/failOn|libpng|vips/);
  });

  it("refuses a PNG that declares zero width", async () => {
    expect((await refusal(pngWithDeclaredSize(0, 10))).message).toMatch(/zero size \(0x10 pixels\)/);
  });

  it("refuses a file cut off inside its header", async () => {
    const png = await qrPng("cut short");
    expect((await refusal(png.subarray(0, 12))).message).toMatch(/truncated or corrupt PNG file: its header has no image size/);
    const jpeg = await encode(drawQr("cut short"), "jpeg");
    expect((await refusal(jpeg.subarray(0, 4), "cut.jpg")).message).toMatch(/truncated or corrupt JPEG/);
  });

  it("refuses a PNG truncated halfway through its pixels", async () => {
    const error = await refusal(truncate(await qrPng("cut short"), 0.5));
    expect(error.message).toMatch(/damaged or truncated PNG file/);
  });

  it("refuses a JPEG truncated halfway through its pixels", async () => {
    const error = await refusal(truncate(await encode(drawQr("cut short"), "jpeg"), 0.5), "cut.jpg");
    expect(error.message).toMatch(/damaged or truncated JPEG file/);
  });

  it("refuses a PNG with a corrupted body", async () => {
    const png = Buffer.from(await qrPng("garbled"));
    for (let i = 60; i < png.length - 12; i += 7) png[i] = png[i]! ^ 0x5a;
    expect((await refusal(png)).message).toMatch(/damaged or truncated PNG/);
  });
});

describe("reading image files", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "aosp-qr-files-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fileRefusal(path: string): Promise<InputError> {
    const error = await readQrImageFile(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe(path);
    return error as InputError;
  }

  it("reads a file and labels the result with its path", async () => {
    const path = join(dir, "ok.png");
    await writeFile(path, await qrPng("from a file"));
    const result = await readQrImageFile(path);
    expect(result.file).toBe(path);
    expect(result.codes.map((c) => c.text)).toEqual(["from a file"]);
  });

  it("says when the file does not exist, naming it in the message a test runner shows", async () => {
    const error = await fileRefusal(join(dir, "missing.png"));
    expect(error.problem).toBe("no such file");
    // Before, the message was "no such file" alone: which file was in `where` only.
    expect(error.message).toBe(`${join(dir, "missing.png")}: no such file`);
  });

  it("says when the path is a directory", async () => {
    expect((await fileRefusal(dir)).message).toMatch(/is a directory/);
  });
});
