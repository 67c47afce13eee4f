/**
 * zxing-cpp through zxing-wasm. The WebAssembly binary is read from node_modules and handed to
 * the module as `wasmBinary`: zxing-wasm's default `locateFile` points at a CDN, and a tool that
 * checks provisioning codes must work offline and never fetch code at run time. `locateFile` is
 * overridden too, so that even a lookup by name resolves to the local file. The module is
 * instantiated once, on first use, and shared.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from "zxing-wasm/reader";
import type { Bitmap } from "./bitmap.js";
import { keepByteOrderMark } from "./charset.js";
import type { Reading } from "./reading.js";
import { asEcLevel } from "./types.js";

const require = createRequire(import.meta.url);

/** The path of the reader's .wasm inside node_modules (zxing-wasm exports it as a subpath). */
export function zxingWasmPath(): string {
  return require.resolve("zxing-wasm/reader/zxing_reader.wasm");
}

let ready: Promise<void> | undefined;

function ensureZxing(): Promise<void> {
  ready ??= (async () => {
    const path = zxingWasmPath();
    const file = await readFile(path);
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const folder = dirname(path);
    await prepareZXingModule({
      overrides: { wasmBinary, locateFile: (name: string) => `${folder}/${name}` },
      fireImmediately: true,
    });
  })().catch((error: unknown) => {
    ready = undefined; // let a later call try again rather than caching the failure
    throw error;
  });
  return ready;
}

/** The options the combined decoder starts from: QR only, text decoded as plain Unicode. */
export const ZXING_QR_OPTIONS: ReaderOptions = {
  formats: ["QRCode"],
  textMode: "Plain",
  characterSet: "Unknown",
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 32,
};

/** Reads the first ECI designator from zxing's ECI-protocol bytes ("]Q2" then "\\000026..."). */
export function eciFromProtocolBytes(bytesECI: Uint8Array, hasECI: boolean): number | null {
  if (!hasECI) return null;
  // Skip the 3-byte symbology identifier, then expect a backslash and six digits.
  const text = new TextDecoder("latin1").decode(bytesECI.subarray(3, 10));
  const match = /^\\(\d{6})/.exec(text);
  return match ? Number(match[1]) : null;
}

function toReading(result: ReadResult): Reading {
  const { topLeft, topRight, bottomRight, bottomLeft } = result.position;
  const version = Number.parseInt(result.version, 10);
  const bytes = new Uint8Array(result.bytes);
  return {
    decoder: "zxing",
    text: keepByteOrderMark(result.text, bytes),
    bytes,
    version: Number.isInteger(version) && version >= 1 && version <= 40 ? version : null,
    ecLevel: asEcLevel(result.ecLevel),
    mode: null,
    eci: eciFromProtocolBytes(result.bytesECI, result.hasECI),
    corners: [topLeft, topRight, bottomRight, bottomLeft].map(({ x, y }) => ({ x, y })),
    modules:
      result.symbol.width > 0
        ? {
            data: new Uint8ClampedArray(result.symbol.data),
            width: result.symbol.width,
            height: result.symbol.height,
            mirrored: result.isMirrored,
          }
        : undefined,
    inverted: result.isInverted,
    mirrored: result.isMirrored,
    ...unusedErrorCorrectionOf(result.extra),
  };
}

/**
 * zxing-cpp's "UEC" (unused error correction, 0..1) from the result's `extra` JSON, when there.
 * zxing-wasm marks `extra` experimental, so anything unexpected in it means "not reported".
 */
export function unusedErrorCorrectionOf(extra: string): { unusedErrorCorrection?: number } {
  try {
    const value = (JSON.parse(extra) as { UEC?: unknown }).UEC;
    return typeof value === "number" && value >= 0 && value <= 1 ? { unusedErrorCorrection: value } : {};
  } catch {
    return {};
  }
}

/** Display names of the symbologies zxing-cpp reports by a bare format name. */
const SYMBOLOGY_NAMES: Readonly<Record<string, string>> = {
  DataMatrix: "Data Matrix",
  MicroQRCode: "Micro QR",
  RMQRCode: "rMQR",
  AztecCode: "Aztec",
  AztecRune: "Aztec",
  CompactPDF417: "PDF417",
  MicroPDF417: "MicroPDF417",
};

/**
 * The symbologies of the barcodes other than QR codes that zxing-cpp finds in the image (Data
 * Matrix, Aztec, PDF417, Micro QR, a linear barcode ...), each named once, in the order found.
 * Only for saying why an image holds no QR code: the setup wizard's scanner reads QR codes only.
 */
export async function readOtherSymbologies(image: Bitmap): Promise<string[]> {
  await ensureZxing();
  const input = { data: image.data, width: image.width, height: image.height, colorSpace: "srgb" };
  const results = await readBarcodes(input as unknown as Parameters<typeof readBarcodes>[0], {
    ...ZXING_QR_OPTIONS,
    // The 2D symbologies a payload could be put in by mistake (linear barcodes hold too little
    // for one). No rotated or inverted retries: this look only names what is there, and without
    // them it costs ~0.1-0.3 s on a 2 MP photo instead of ~1 s (measured with zxing-wasm 3.1).
    formats: ["DataMatrix", "Aztec", "PDF417", "MicroQRCode", "RMQRCode", "MaxiCode"],
    tryRotate: false,
    tryInvert: false,
    maxNumberOfSymbols: 4,
  });
  const names = results
    .filter((r) => r.isValid && !r.format.startsWith("QRCode"))
    .map((r) => SYMBOLOGY_NAMES[r.format] ?? r.format);
  return [...new Set(names)];
}

/** Every QR code zxing-cpp finds in the image, with the given reader options. */
export async function readWithZxing(image: Bitmap, options: ReaderOptions = ZXING_QR_OPTIONS): Promise<Reading[]> {
  await ensureZxing();
  // zxing-wasm accepts anything ImageData-shaped ({data, width, height}) and converts it to grey.
  const input = { data: image.data, width: image.width, height: image.height, colorSpace: "srgb" };
  const results = await readBarcodes(input as unknown as Parameters<typeof readBarcodes>[0], options);
  return results.filter((r) => r.isValid && r.format === "QRCode").map(toReading);
}
