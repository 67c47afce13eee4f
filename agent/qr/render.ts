/**
 * Renders provisioning payloads as QR codes, and answers "which QR version does this payload
 * need?" without rendering.
 *
 * Payloads go in as one byte-mode segment holding the UTF-8 bytes of the text, without an ECI
 * marker by default: that is what Android's own tooling and most payload authors produce, and
 * what the setup wizard's scanner reads (it guesses UTF-8 when the bytes are valid UTF-8). With
 * `eci`, a UTF-8 ECI marker goes first, for scanners that would otherwise read Latin-1. The `qrcode`
 * package does the encoding; its capacity table (ISO/IEC 18004) answers the sizing questions.
 */
import { createRequire } from "node:module";
import QRCode from "qrcode";
import { InputError } from "../protocol/errors.js";
import { counted } from "../protocol/counted.js";
import { givenValue } from "../protocol/given-value.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import { ECI_UTF8 } from "./charset.js";
import { MAX_IMAGE_PIXELS, pixelCount } from "./limits.js";
import {
  checkEcLevel, checkWholeOption, DEFAULT_EC_LEVEL, renderOptionName, WHOLE_RENDER_OPTIONS, type OptionName,
} from "./render-options.js";
import { EC_LEVELS, moduleCountOf, type EcLevel } from "./types.js";

export { EC_LEVELS, moduleCountOf } from "./types.js";
/** The most bytes any QR code holds: version 40, level L, byte mode. */
export const MAX_QR_BYTES = 2953;

// qrcode exposes its capacity table only through its internal modules (CommonJS, untyped).
interface QrVersionModule {
  getCapacity(version: number, level: { bit: number }, mode?: unknown): number;
}
interface QrEcLevelModule {
  L: { bit: number };
  M: { bit: number };
  Q: { bit: number };
  H: { bit: number };
}
interface QrModeModule {
  BYTE: unknown;
  MIXED: unknown;
  getCharCountIndicator(mode: unknown, version: number): number;
}
interface QrBitBuffer {
  put(value: number, bits: number): void;
}
interface QrSegmentsModule {
  fromArray(segments: unknown[]): unknown[];
}
const require = createRequire(import.meta.url);
const qrVersion = require("qrcode/lib/core/version.js") as QrVersionModule;
const qrEcLevel = require("qrcode/lib/core/error-correction-level.js") as QrEcLevelModule;
const qrMode = require("qrcode/lib/core/mode.js") as QrModeModule;
const qrSegments = require("qrcode/lib/core/segments.js") as QrSegmentsModule;

/**
 * An ECI segment (ISO/IEC 18004 7.4.2): mode indicator 0111, then the 8-bit designator, no
 * character count. `qrcode` has no ECI support, but encodes any segment object that has a mode
 * (`bit`, and `ccBits` for the count, here none), a length, a bit length and a writer; its
 * fromArray only builds segments from strings, so it is taught to pass built segments through.
 */
class EciSegment {
  readonly mode = { id: "ECI", bit: 0b0111, ccBits: [0, 0, 0] };
  constructor(private readonly designator: number) {}
  getLength(): number {
    return 0;
  }
  getBitsLength(): number {
    return 8;
  }
  write(buffer: QrBitBuffer): void {
    buffer.put(this.designator, 8);
  }
}

const buildSegments = qrSegments.fromArray.bind(qrSegments);
qrSegments.fromArray = (segments) =>
  segments.flatMap((segment) => (segment instanceof EciSegment ? [segment] : buildSegments([segment])));

/** Bits of the UTF-8 ECI header (ISO/IEC 18004 7.4.2): a 4-bit mode indicator and the 8-bit designator. */
export const ECI_HEADER_BITS = 12;

const capacityCache = new Map<string, number[]>();

/**
 * Byte-mode capacity of versions 1..40 at a level (index 0 is version 1): the data bits of the
 * symbol, less the byte segment's mode indicator and character count, and with `eci` the ECI
 * header, counted exactly (it may cost no byte at all, when the bits left over absorb it).
 */
export function byteCapacities(ecLevel: EcLevel, eci = false): readonly number[] {
  const key = `${ecLevel}${eci ? "+eci" : ""}`;
  let table = capacityCache.get(key);
  if (!table) {
    table = [];
    for (let version = 1; version <= 40; version++) {
      const dataBits = qrVersion.getCapacity(version, qrEcLevel[ecLevel], qrMode.MIXED);
      const headerBits = 4 + qrMode.getCharCountIndicator(qrMode.BYTE, version) + (eci ? ECI_HEADER_BITS : 0);
      table.push(Math.floor((dataBits - headerBits) / 8));
    }
    capacityCache.set(key, table);
  }
  return table;
}

/** The smallest version that holds `bytes` bytes in byte mode at this level (after an ECI header with `eci`), or null when none does. */
export function minimumVersion(bytes: number, ecLevel: EcLevel, eci = false): number | null {
  const index = byteCapacities(ecLevel, eci).findIndex((capacity) => bytes <= capacity);
  return index < 0 ? null : index + 1;
}

/** Checked as `aosp-sim qr` checks its flags: a value out of range is an InputError naming the option. */
export interface RenderOptions {
  /** Error-correction level; M by default (what `qrcode` and most generators use). */
  ecLevel?: EcLevel;
  /** Pixels per module, a whole number from 1 to 64 that keeps the image within 25 MP; 8 by default. */
  scale?: number;
  /** Quiet zone in modules, a whole number from 0 to 64; 4 by default (the minimum the standard asks for). */
  margin?: number;
  /** Put a UTF-8 ECI marker (designator 26) before the byte segment; off by default. */
  eci?: boolean;
}

/** Every option renderQrPng takes (a misspelled one is refused, not ignored). */
const RENDER_OPTIONS = optionNames<RenderOptions>({ ecLevel: true, scale: true, margin: true, eci: true });

export interface RenderedQr {
  png: Buffer;
  version: number;
  ecLevel: EcLevel;
  /** Modules per side, without the quiet zone. */
  moduleCount: number;
  /** Bytes of the payload (a text's UTF-8), all in one byte-mode segment. */
  payloadBytes: number;
  /** Image width and height in pixels. */
  sizePixels: number;
  scale: number;
  margin: number;
  mode: "byte";
  /** 26 (UTF-8) with the ECI option, else null. */
  eci: number | null;
}

/** How to make a payload `excessBytes` bytes too large fit. */
export function shrinkHint(excessBytes: number): string {
  return `remove ${counted(excessBytes, "byte")} or more: drop optional keys, shorten URLs, tokens and names`;
}

/** The most bytes a level holds (version 40), after an ECI header with `eci`. */
function largestCapacity(ecLevel: EcLevel, eci: boolean): number {
  return byteCapacities(ecLevel, eci)[39]!;
}

/**
 * Text too large for the chosen level. The message says how much the level holds and, when the
 * ECI header is what tips it over, says so; `fix` names what does hold it: a lower level (never
 * the one chosen), the same text without --eci, or, when no QR code holds it, how much to cut.
 */
export class PayloadTooLargeError extends Error {
  override readonly name = "PayloadTooLargeError";
  /** One sentence on how to make it fit. */
  readonly fix: string;
  constructor(readonly bytes: number, readonly ecLevel: EcLevel, readonly eci = false) {
    const withEci = eci ? " after its ECI marker" : "";
    const tippedOver = `; the marker's ${ECI_HEADER_BITS} bits (--eci) tip it over`;
    // The strongest lower level that holds it: no more error correction given up than needs be.
    const lowerLevel = EC_LEVELS.slice(0, EC_LEVELS.indexOf(ecLevel)).findLast((level) => minimumVersion(bytes, level, eci) !== null);
    const withoutEci = eci ? EC_LEVELS.find((level) => minimumVersion(bytes, level) !== null) : undefined;
    const largest = largestCapacity("L", eci);
    let message: string;
    let fix: string;
    if (lowerLevel !== undefined) {
      // The chosen level would hold it without the marker: the marker tips it over.
      const eciTips = eci && minimumVersion(bytes, ecLevel) !== null;
      message = `the payload is ${bytes} bytes, more than a level-${ecLevel} QR code holds${withEci} ` +
        `(${largestCapacity(ecLevel, eci)} bytes)${eciTips ? tippedOver : ""}`;
      fix = `use a lower error-correction level: it fits at level ${lowerLevel} (--ec ${lowerLevel})${eciTips ? ", or drop --eci" : ""}`;
    } else if (withoutEci !== undefined) {
      message = `the payload is ${bytes} bytes, more than any QR code holds after an ECI marker (${largest} bytes at level L)${tippedOver}`;
      fix = `drop --eci: without the marker it fits at level ${withoutEci}` +
        `${withoutEci === ecLevel ? "" : ` (--ec ${withoutEci})`}; or ${shrinkHint(bytes - largest)}`;
    } else {
      message = `the payload is ${bytes} bytes, more than any QR code holds${withEci} (${largest} bytes, version 40 at level L)`;
      fix = shrinkHint(bytes - largest);
    }
    super(message);
    this.fix = fix;
  }
}

/**
 * Refuses an image larger than `decode` and `validate` read (MAX_IMAGE_PIXELS), so that a code
 * rendered here can always be checked by them; the fix names the largest scale that fits at
 * this margin. `name` words the scale as the caller gave it (a flag, or an option).
 */
export function checkImagePixels(moduleCount: number, scale: number, margin: number, name: OptionName): void {
  const modules = moduleCount + 2 * margin;
  const side = modules * scale;
  if (side * side <= MAX_IMAGE_PIXELS) return;
  // The limit is a square number (5000 x 5000): the largest side that fits is its root.
  const largest = Math.floor(Math.floor(Math.sqrt(MAX_IMAGE_PIXELS)) / modules);
  throw new InputError(
    `at ${scale} px per module, the code (${moduleCount}x${moduleCount} modules and a quiet zone of ${counted(margin, "module")}) ` +
      `is a ${side}x${side} pixel image (${pixelCount(side * side)} pixels), more than the ` +
      `${pixelCount(MAX_IMAGE_PIXELS)} (${MAX_IMAGE_PIXELS / 1e6} MP) that decode and validate read`,
    { where: name.where, hint: `use ${name.write(largest)} or less (the largest scale that fits at this margin)` },
  );
}

/**
 * Renders a payload as a PNG QR code (byte mode, no ECI): text as its UTF-8 bytes, or bytes as
 * they are (invalid UTF-8 included: what is rendered is what was given). Deterministic for the
 * same input. Options out of range, and an image larger than `decode` reads, are an InputError
 * (`where`: "renderQrPng options.scale"); a payload no QR code at the level holds is a
 * PayloadTooLargeError.
 */
export async function renderQrPng(payload: string | Uint8Array, options: RenderOptions = {}): Promise<RenderedQr> {
  // A misspelled `ecLevl` rendered at level M, the default, unsaid.
  if (typeof payload !== "string" && !(payload instanceof Uint8Array)) {
    // Buffer.from's own complaint ("The first argument must be of type string or an instance of Buffer, ...") named neither call nor argument.
    throw new TypeError(`renderQrPng: payload must be the QR code's text as a string (JSON.stringify a payload object) or its bytes as a Uint8Array (got ${givenValue(payload)})`);
  }
  checkOptions("renderQrPng", options, RENDER_OPTIONS, "e.g. { scale: 8 }");
  const ecLevel = checkEcLevel(options.ecLevel ?? DEFAULT_EC_LEVEL, renderOptionName("ecLevel"));
  const scale = checkWholeOption("scale", options.scale ?? WHOLE_RENDER_OPTIONS.scale.default, renderOptionName("scale"));
  const margin = checkWholeOption("margin", options.margin ?? WHOLE_RENDER_OPTIONS.margin.default, renderOptionName("margin"));
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  // The ECI header takes 12 bits, which may need the next version up (minimumVersion counts them).
  const eci = options.eci ?? false;
  if (typeof eci !== "boolean") {
    // JavaScript callers are not held to the type: "yes" would have been taken as true.
    throw new InputError(`${JSON.stringify(eci)} is not true or false`, { where: renderOptionName("eci").where, hint: "e.g. eci: true" });
  }
  const version = minimumVersion(data.length, ecLevel, eci);
  if (version === null) throw new PayloadTooLargeError(data.length, ecLevel, eci);
  checkImagePixels(moduleCountOf(version), scale, margin, renderOptionName("scale"));
  const byteSegment = { data, mode: "byte" as const };
  const segments = (eci ? [new EciSegment(ECI_UTF8), byteSegment] : [byteSegment]) as QRCode.QRCodeSegment[];
  // create() picks the mask; passing version and mask to toBuffer keeps the PNG and the
  // reported metadata in step.
  const symbol = QRCode.create(segments, { errorCorrectionLevel: ecLevel, version });
  const png = await QRCode.toBuffer(segments, {
    type: "png",
    errorCorrectionLevel: ecLevel,
    version: symbol.version,
    ...(symbol.maskPattern === undefined ? {} : { maskPattern: symbol.maskPattern }),
    scale,
    margin,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
  const moduleCount = symbol.modules.size;
  return {
    png,
    version: symbol.version,
    ecLevel,
    moduleCount,
    payloadBytes: data.length,
    sizePixels: (moduleCount + 2 * margin) * scale,
    scale,
    margin,
    mode: "byte",
    eci: options.eci ? ECI_UTF8 : null,
  };
}
