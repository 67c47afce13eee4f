/**
 * What `validate` says about a real image beyond its payload: a light-on-dark or mirrored
 * code, a quiet zone under 4 modules, an animated GIF's frames. Images are drawn in memory
 * (test/helpers/qr-images.ts) and checked through validateInput, as the CLI does.
 */
import { describe, expect, it } from "vitest";
import { validateInput } from "../../agent/cli/validate.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { InputError } from "../../agent/protocol/errors.js";
import { animatedGif } from "../../fixtures/animated-gif.js";
import { animatedPng } from "../helpers/apng.js";
import { blank, drawQr, encode, place, qrPng, resize, rotate } from "../helpers/qr-images.js";

const PAYLOAD = JSON.stringify({
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "https://mdm.example.com/dpc.apk",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM": "wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro",
  "android.app.extra.PROVISIONING_USE_MOBILE_DATA": true,
});

async function validateImage(bytes: Uint8Array, options: { strict?: boolean } = {}) {
  return validateInput({ file: "code.png", bytes, kind: "image" }, options);
}

/** The quiet zone `decode --json` gives for the image's one code. */
async function quietZoneOf(bytes: Uint8Array): Promise<number | undefined> {
  const { codes } = await decodeQrImage(bytes, "code.png");
  expect(codes).toHaveLength(1);
  return codes[0]!.quietZone;
}

const rulesOf = (report: Awaited<ReturnType<typeof validateImage>>) => report.findings.map((f) => [f.severity, f.rule]);

describe("validate: how the code is printed", () => {
  it("has nothing to say about a dark-on-light code the right way round", async () => {
    const report = await validateImage(await qrPng(PAYLOAD, { scale: 4 }));
    expect(rulesOf(report)).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it("warns about a light-on-dark code, which some scanners cannot read, and fails it under --strict", async () => {
    const bytes = await qrPng(PAYLOAD, { scale: 4, invert: true });
    const report = await validateImage(bytes);
    expect(rulesOf(report)).toEqual([["warning", "qr-inverted"]]);
    expect(report.findings[0]!.message).toContain("light on dark");
    expect(report.findings[0]!.hint).toContain("dark on light");
    expect((await validateImage(bytes, { strict: true })).valid).toBe(false);
  });

  it("notes a mirrored code", async () => {
    const report = await validateImage(await qrPng(PAYLOAD, { scale: 4, mirror: true }));
    expect(rulesOf(report)).toEqual([["info", "qr-mirrored"]]);
    expect(report.findings[0]!.hint).toContain("right way round");
  });
});

describe("validate: the quiet zone", () => {
  it("warns, as qr does when rendering, about a code with less than 4 modules of margin", async () => {
    for (const margin of [0, 2]) {
      const report = await validateImage(await qrPng(PAYLOAD, { scale: 4, margin }));
      expect(rulesOf(report)).toEqual([["warning", "qr-quiet-zone"]]);
      expect(report.findings[0]!.message).toBe(
        `A quiet zone of ${margin} modules is less than the 4 ISO/IEC 18004 requires: cameras may not find the code, ` +
          "above all printed on or next to anything dark.");
    }
  });

  it("counts only clear ground: something dark printed 2 modules from the code narrows the zone", async () => {
    const canvas = blank(520, 520);
    const code = drawQr(PAYLOAD, { scale: 4, margin: 0 });
    place(canvas, code, 100, 100);
    // A mark (a label's text, say) 2 to 3 modules left of the code, beside its middle, clear of the finders.
    place(canvas, blank(4, 24, 0), 88, 100 + code.height / 2 - 12);
    const report = await validateImage(await encode(canvas));
    expect(report.findings.map((f) => f.rule)).toEqual(["qr-quiet-zone"]);
    expect(report.findings[0]!.message).toContain("A quiet zone of 2 modules");
  });

  it("measures a code scaled to a module of a fractional number of pixels as printed: 4 modules, no warning", async () => {
    // 4 px a module scaled by 1.41: 5.64 px a module; the margin's strips no longer fall on whole pixels.
    const code = drawQr(PAYLOAD, { scale: 4, margin: 4 });
    const bytes = await encode(resize(code, Math.round(code.width * 1.41), Math.round(code.height * 1.41)));
    expect(rulesOf(await validateImage(bytes))).toEqual([]);
    expect(await quietZoneOf(bytes)).toBeGreaterThanOrEqual(3.8);
  });

  it("measures a turned code's zone along its own sides, not outside its bounding box", async () => {
    for (const [margin, expected] of [[4, []], [2, [["warning", "qr-quiet-zone"]]]] as const) {
      const bytes = await encode(rotate(drawQr(PAYLOAD, { scale: 4, margin }), 45));
      expect(rulesOf(await validateImage(bytes))).toEqual(expected);
      expect(await quietZoneOf(bytes)).toBeCloseTo(margin, 0);
    }
  });

  it("gives the zone as measured, to a tenth, never a rounded figure that is not less than 4", async () => {
    const code = drawQr(PAYLOAD, { scale: 10, margin: 0 });
    const canvas = blank(code.width + 200, code.height + 200);
    place(canvas, code, 100, 100);
    // A mark 3.5 modules left of the code (35 px at 10 px a module): a measured 3.5 must not read "4 modules".
    place(canvas, blank(10, 60, 0), 55, 100 + code.height / 2 - 30);
    const report = await validateImage(await encode(canvas));
    expect(report.findings.map((f) => f.message)).toEqual([
      "A quiet zone of 3.5 modules is less than the 4 ISO/IEC 18004 requires: cameras may not find the code, above all printed on or next to anything dark.",
    ]);
  });

  it("measures a light-on-dark code's dark margin, and is content with 4 modules or more", async () => {
    expect(rulesOf(await validateImage(await qrPng(PAYLOAD, { scale: 4, margin: 6 })))).toEqual([]);
    expect(rulesOf(await validateImage(await qrPng(PAYLOAD, { scale: 4, margin: 4, invert: true })))).toEqual([["warning", "qr-inverted"]]);
    expect(rulesOf(await validateImage(await qrPng(PAYLOAD, { scale: 4, margin: 1, invert: true })))).toEqual([
      ["warning", "qr-quiet-zone"], ["warning", "qr-inverted"],
    ]);
  });
});

describe("validate: an animated GIF, every frame of it", () => {
  const code = drawQr(PAYLOAD, { scale: 4 });
  const empty = blank(code.width, code.height);
  const other = drawQr(JSON.stringify({ ...JSON.parse(PAYLOAD), "android.app.extra.PROVISIONING_WIFI_SSID": "" }), { scale: 4 });
  const bigger = blank(Math.max(code.width, other.width), Math.max(code.height, other.height));
  const framed = (image: typeof code) => place(blank(bigger.width, bigger.height), image, 0, 0);

  it("reads a code a later frame shows, and says which frames show it and which none", async () => {
    const gif = animatedGif([empty, code, code]);
    const decoded = await decodeQrImage(gif, "anim.gif");
    expect(decoded.frameCount).toBe(3);
    expect(decoded.codes.map((c) => c.frames)).toEqual([[2, 3]]);
    const report = await validateImage(gif);
    expect(rulesOf(report)).toEqual([["warning", "qr-animated"]]);
    expect(report.findings[0]!.message).toBe(
      "An animated GIF of 3 frames, and a camera reads whichever frame is on screen: frames 2, 3 show the code; frame 1 shows no code.");
    expect(report.qr).toMatchObject({ frames: [2, 3], frameCount: 3 });
  });

  it("checks the code of every frame: frames that show different payloads, one of them invalid, fail", async () => {
    const report = await validateImage(animatedGif([framed(code), framed(other)]));
    expect(report.valid).toBe(false);
    expect(report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(["qr-animated", "wifi-ssid-empty"]));
    expect(report.findings.map((f) => f.rule)).not.toContain("qr-multiple-codes");
    expect(report.findings.find((f) => f.rule === "qr-animated")!.message).toContain(
      "frame 1 shows code 1; frame 2 shows code 2: the frames show 2 different codes");
  });

  it("has nothing to say when every frame shows the same code", async () => {
    const report = await validateImage(animatedGif([code, code, code]));
    expect(rulesOf(report)).toEqual([]);
    expect(report.qr).toMatchObject({ frames: [1, 2, 3], frameCount: 3 });
  });

  it("refuses, naming the limit and the fix, a GIF of more frames than it decodes", async () => {
    const small = blank(8, 8);
    const refusal = decodeQrImage(animatedGif(Array.from({ length: 65 }, () => small)), "long.gif");
    await expect(refusal).rejects.toBeInstanceOf(InputError);
    await expect(refusal).rejects.toThrow(/is an animated GIF of 65 frames, more than the 64 this tool decodes/);
  });
});

/** Frames of equal size as one multi-page TIFF or one animated WebP, written by sharp (libvips). */
async function joined(frames: readonly { data: Uint8ClampedArray; width: number; height: number }[], format: "tiff" | "webp"): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const inputs = frames.map((f) => ({ raw: { width: f.width, height: f.height, channels: 4 as const } }));
  const pages = frames.map((f, i) => sharp(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), inputs[i]).png().toBuffer());
  const joinedImage = sharp(await Promise.all(pages), { join: { animated: true } });
  return format === "tiff" ? joinedImage.tiff().toBuffer() : joinedImage.webp({ lossless: true }).toBuffer();
}

describe("validate: a multi-page TIFF or an animated WebP, every page or frame of it", () => {
  const code = drawQr(PAYLOAD, { scale: 4 });
  const empty = blank(code.width, code.height);

  // Before, only page 1 was decoded: "no QR code found" for a code on page 2.
  it("reads a code on a TIFF's second page, and says which page shows it", async () => {
    const tiff = await joined([empty, code], "tiff");
    const decoded = await decodeQrImage(tiff, "scan.tiff");
    expect(decoded).toMatchObject({ frameCount: 2, frameKind: "multi-page TIFF" });
    expect(decoded.codes.map((c) => c.frames)).toEqual([[2]]);
    const report = await validateImage(tiff);
    expect(rulesOf(report)).toEqual([["warning", "qr-animated"]]);
    expect(report.findings[0]!.message).toBe(
      "A multi-page TIFF of 2 pages, and a camera sees whichever page is printed or shown: page 2 shows the code; page 1 shows no code.");
    expect(report.qr).toMatchObject({ frames: [2], frameCount: 2, frameKind: "multi-page TIFF" });
  });

  // Before, a WebP was refused as "a format this tool cannot decode", though sharp decodes it.
  it("reads a WebP, and every frame of an animated one", async () => {
    const still = await decodeQrImage(await encodeWebp(code), "code.webp");
    expect(still.codes).toHaveLength(1);
    // (libwebp merges equal frames that follow each other into one longer frame: these differ.)
    const animated = await decodeQrImage(await joined([empty, code], "webp"), "anim.webp");
    expect(animated).toMatchObject({ frameCount: 2, frameKind: "animated WebP" });
    expect(animated.codes.map((c) => c.frames)).toEqual([[2]]);
  });

  async function encodeWebp(image: typeof code): Promise<Buffer> {
    const { default: sharp } = await import("sharp");
    return sharp(Buffer.from(image.data.buffer), { raw: { width: image.width, height: image.height, channels: 4 } }).webp({ lossless: true }).toBuffer();
  }
});

describe("validate: an animated PNG (APNG), every frame of it", () => {
  // Before, only the default image (frame 1) was read, as libvips does: "No QR code found" for a
  // code on a later frame, and nothing said the file was animated.
  it("reads each frame where its fcTL puts it, disposes of it as told, and says which frame shows the code", async () => {
    const code = drawQr(PAYLOAD, { scale: 4 });
    const side = code.width + 40;
    const clear = blank(1, 1);
    clear.data[3] = 0;
    const apng = await animatedPng(side, side, [
      { image: blank(side, side) },
      // Drawn at (20, 20) over frame 1, then put back as it was before (dispose "previous").
      { image: code, x: 20, y: 20, blend: 1, dispose: 2 },
      { image: clear, x: 0, y: 0, blend: 1 },
    ]);
    const decoded = await decodeQrImage(apng, "anim.png");
    expect(decoded).toMatchObject({ frameCount: 3, frameKind: "animated PNG" });
    expect(decoded.codes.map((c) => c.frames)).toEqual([[2]]);
    const report = await validateImage(apng);
    expect(rulesOf(report)).toEqual([["warning", "qr-animated"]]);
    expect(report.findings[0]!.message).toBe(
      "An animated PNG of 3 frames, and a camera reads whichever frame is on screen: frame 2 shows the code; frames 1 and 3 show no code.");
    expect(report.qr).toMatchObject({ frames: [2], frameCount: 3, frameKind: "animated PNG" });
  });

  it("refuses a frame that does not fit inside the canvas as a damaged file", async () => {
    const apng = await animatedPng(40, 40, [{ image: blank(40, 40) }, { image: blank(30, 30), x: 20, y: 0 }]);
    await expect(decodeQrImage(apng, "anim.png")).rejects.toThrow(
      /is a damaged or truncated PNG file \(the PNG decoder said: frame 2 \(30x30 pixels at 20,0\) does not fit inside its 40x40 canvas\)/);
  });
});
