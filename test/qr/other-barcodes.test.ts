/**
 * An image holding another kind of barcode than a QR code (a Data Matrix, an Aztec code): "no QR
 * code" names what is there instead, since focus and lighting are not the problem; the setup
 * wizard's provisioning scanner reads QR codes only.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareZXingModule, writeBarcode } from "zxing-wasm/full";
import { imageFindings } from "../../agent/payload/qr-findings.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { blank, encode } from "../helpers/qr-images.js";

const require = createRequire(import.meta.url);
const PAYLOAD = '{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver"}';

/** A barcode of `format` as PNG bytes, from zxing-wasm's writer (its .wasm from node_modules, never a CDN). */
async function barcodePng(format: "DataMatrix" | "Aztec"): Promise<Uint8Array> {
  const result = await writeBarcode(PAYLOAD, { format, scale: 4 });
  if (result.error || !result.image) throw new Error(`could not write a ${format}: ${result.error}`);
  return new Uint8Array(await result.image.arrayBuffer());
}

beforeAll(async () => {
  const file = await readFile(require.resolve("zxing-wasm/full/zxing_full.wasm"));
  await prepareZXingModule({
    overrides: { wasmBinary: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer },
    fireImmediately: true,
  });
});

describe("an image of another barcode than a QR code", () => {
  it.each([["DataMatrix", "a Data Matrix code"], ["Aztec", "an Aztec code"]] as const)("names the %s it holds and says to render a QR code", async (format, named) => {
    const result = await decodeQrImage(await barcodePng(format), `${format}.png`);
    expect(result.codes).toEqual([]);
    const [noCode] = imageFindings(result);
    expect(noCode?.rule).toBe("qr-no-code");
    expect(noCode?.message).toContain(`it holds ${named} instead`);
    expect(noCode?.message).toMatch(/reads only QR codes/);
    expect(noCode?.hint).toMatch(/aosp-sim qr/);
    expect(noCode?.hint).not.toMatch(/evenly lit/);
  });

  it("keeps the focus-and-lighting advice for an image with no barcode at all", async () => {
    const result = await decodeQrImage(await encode(blank(120, 80)), "blank.png");
    expect(result.otherSymbologies).toBeUndefined();
    const [noCode] = imageFindings(result);
    expect(noCode?.hint).toMatch(/evenly lit/);
  });
});
