/**
 * Images whose headers lie: GIF frames larger than their screen (decompression bombs), GIF data
 * that stops early (its decoder used to print a warning on stdout) or whose LZW codes would loop
 * its decoder forever, BMPs with impossible headers
 * and TIFFs whose strips run past the end. Each is refused from its structure, before decoding.
 */
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { drawQr, encode } from "../helpers/qr-images.js";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-hostile-images-");

async function refusal(bytes: Uint8Array, label: string): Promise<InputError> {
  const error = await decodeQrImage(bytes, label).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).where).toBe(label);
  return error as InputError;
}

const u16 = (n: number) => [n & 0xff, n >> 8];

/** A GIF89a of a `screen` with one frame of `frame` size whose LZW data is `lzw` (sub-blocks included). */
function gif(screen: [number, number], frame: [number, number], lzw: number[], trailer = true): Buffer {
  return Buffer.from([
    ...Buffer.from("GIF89a"),
    ...u16(screen[0]),
    ...u16(screen[1]),
    0x80, 0, 0, // global colour table of 2 entries
    0, 0, 0, 255, 255, 255,
    0x2c, ...u16(0), ...u16(0), ...u16(frame[0]), ...u16(frame[1]), 0,
    2, // LZW minimum code size
    ...lzw,
    ...(trailer ? [0x3b] : []),
  ]);
}

/** One sub-block holding a clear code then end-of-information: a frame with no pixels at all. */
const EMPTY_LZW = [1, 0x2c, 0];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("GIF", () => {
  it("refuses a 35-byte GIF whose frame claims 65535x65535 pixels inside a 1x1 screen, without decoding it", async () => {
    const bomb = gif([1, 1], [65535, 65535], EMPTY_LZW);
    expect(bomb.length).toBeLessThan(40);
    const error = await refusal(bomb, "bomb.gif");
    expect(error.problem).toBe("is a damaged GIF file: frame 1 (65535x65535 pixels at 0,0) does not fit inside its 1x1 screen");
    expect(error.hint).toMatch(/re-export/);
  });

  it("refuses a GIF cut off before its end", async () => {
    const good = await encode(drawQr("cut", { scale: 4 }), "gif");
    const error = await refusal(good.subarray(0, Math.floor(good.length * 0.6)), "cut.gif");
    expect(error.message).toMatch(/cut short/);
  });

  it("refuses a GIF whose pixel data stops early, and prints nothing on stdout", async () => {
    const write = vi.spyOn(process.stdout, "write");
    const log = vi.spyOn(console, "log");
    const error = await refusal(gif([10, 10], [10, 10], EMPTY_LZW), "short.gif");
    expect(error.problem).toBe("is a damaged or truncated GIF file (the GIF decoder said: gif stream shorter than expected)");
    expect(write).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it("refuses a GIF whose LZW codes would make a table entry its own prefix, instead of looping forever", async () => {
    // Codes 0, 7, 7 (3 bits each), 7 (4 bits), end-of-information. The first 7 names entry 7
    // while the next free one is 6; omggif then stores entry 7 with itself as prefix and follows
    // that chain forever (the fuzz suite's image run froze on such a GIF). The decode runs in
    // the CLI, in its own process, so a regression fails on the time limit instead of freezing
    // the test run.
    const looping = gif([4, 4], [4, 4], [3, 0xf8, 0xaf, 0x00, 0]);
    const file = temp.file("loop.gif");
    writeFileSync(file, looping);
    const result = await runCli(["decode", file], { timeoutMs: 10_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is a damaged or truncated GIF file (the GIF decoder said: its image data is damaged: LZW code 7 names no table entry yet (the next is 6))");
    expect(result.stdout).toBe("");
  });

  it("still reads a QR code from a GIF", async () => {
    const result = await decodeQrImage(await encode(drawQr("gif code", { scale: 4 }), "gif"), "ok.gif");
    expect(result.codes.map((c) => c.text)).toEqual(["gif code"]);
  });
});

describe("BMP", () => {
  it("refuses a BMP that claims 13 bits per pixel", async () => {
    const bmp = Buffer.from(await encode(drawQr("bmp", { scale: 2 }), "bmp"));
    bmp.writeUInt16LE(13, 28);
    expect((await refusal(bmp, "odd.bmp")).problem).toBe("is a damaged BMP file: its header claims 13 bits per pixel (BMP has 1, 4, 8, 16, 24 or 32)");
  });

  it("refuses a BMP whose pixel data would start past the end of the file", async () => {
    const bmp = Buffer.from(await encode(drawQr("bmp", { scale: 2 }), "bmp"));
    bmp.writeUInt32LE(bmp.length + 100, 10);
    expect((await refusal(bmp, "offset.bmp")).message).toMatch(/its pixel data would start at byte \d+, outside the \d+-byte file/);
  });

  it("refuses a BMP cut short inside its pixels", async () => {
    const bmp = await encode(drawQr("bmp", { scale: 2 }), "bmp");
    expect((await refusal(bmp.subarray(0, bmp.length - 200), "short.bmp")).message).toMatch(/only \d+ follow the header \(the file is cut short\)/);
  });
});

describe("TIFF", () => {
  /** A TIFF's first-page field `tag`: its type, count and the offset of its inline value. */
  function field(tiff: Buffer, tag: number): { type: number; count: number; value: number } {
    const little = tiff[0] === 0x49;
    const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
    const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
    const ifd = u32(4);
    for (let e = 0; e < u16(ifd); e++) {
      const at = ifd + 2 + e * 12;
      if (u16(at) === tag) return { type: u16(at + 2), count: u32(at + 4), value: at + 8 };
    }
    throw new Error(`no tag ${tag}`);
  }

  it("refuses a TIFF whose strip runs past the end of the file", async () => {
    const tiff = Buffer.from(await encode(drawQr("tiff", { scale: 2 }), "tiff"));
    const counts = field(tiff, 279);
    expect(counts.count).toBe(1); // one strip, its byte count inline
    const little = tiff[0] === 0x49;
    if (counts.type === 3) little ? tiff.writeUInt16LE(0xffff, counts.value) : tiff.writeUInt16BE(0xffff, counts.value);
    else little ? tiff.writeUInt32LE(tiff.length * 4, counts.value) : tiff.writeUInt32BE(tiff.length * 4, counts.value);
    expect((await refusal(tiff, "strips.tiff")).problem).toMatch(/^is a damaged TIFF file: page 1's strip 1 runs to byte \d+, past the end of the \d+-byte file$/);
  });

  it("refuses a TIFF whose field claims more values than the file holds, at once", async () => {
    // Found by the fuzz suite's image run: one flipped byte made the Compression field claim
    // 3,355,443,201 values; the TIFF decoder spent 11 s collecting them before failing with
    // "Invalid array length".
    const tiff = Buffer.from(await encode(drawQr("tiff", { scale: 2 }), "tiff"));
    const compression = field(tiff, 259);
    const countAt = compression.value - 4;
    tiff[0] === 0x49 ? tiff.writeUInt32LE(3_355_443_201, countAt) : tiff.writeUInt32BE(3_355_443_201, countAt);
    const started = performance.now();
    const error = await refusal(tiff, "count.tiff");
    expect(error.problem).toMatch(/^is a damaged TIFF file: page 1's field 259 claims 3355443201 values of \d+ bytes from byte \d+, past the end of the \d+-byte file$/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("still reads a QR code from a TIFF", async () => {
    const result = await decodeQrImage(await encode(drawQr("tiff code", { scale: 4 }), "tiff"), "ok.tiff");
    expect(result.codes.map((c) => c.text)).toEqual(["tiff code"]);
  });
});
