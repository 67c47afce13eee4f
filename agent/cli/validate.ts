/**
 * `aosp-sim validate <image|payload.json|-> [--json] [--strict] [--rules android|intune-aosp]`
 *
 * Decides by content whether the input is an image (magic bytes) or payload text, decodes the
 * QR code if needed, and checks the payload the way a device would read it.
 *
 * Bad input, by class:
 * - exit 2 (unreadable or unusable input, see input.ts): a missing file, a directory, an
 *   empty or whitespace-only input, binary data that is neither an image nor text (whatever its
 *   size), UTF-16 text (a payload is UTF-8), an image that
 *   is truncated, zero-size, too large or in a format that cannot be decoded, and a text file
 *   over 64 KiB (twenty times what any QR code holds: not a payload, and not read to the end);
 * - exit 1 (findings): anything a QR code could hold and a device would choke on: text that is
 *   not JSON, JSON arrays and scalars, JSON nested too deep, a payload over 2953 bytes, invalid
 *   UTF-8, a byte-order mark, an image holding no QR code.
 */
import { counted } from "../protocol/counted.js";
import { InputError } from "../protocol/errors.js";
import {
  checkPayloadBytes,
  checkPayloadText,
  countBySeverity,
  imageFindings,
  isValid,
  paramsToJson,
  sortFindings,
  type Finding,
  type PayloadCheck,
  type ProvisioningParams,
  type RuleSetName,
  utf8Finding,
} from "../payload/index.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";
import { printable, revealInvisible } from "../protocol/printable.js";
import { payloadSource, unusableProfile } from "../payload/payload-source.js";
import { HIGH_VERSION } from "../payload/rules/size.js";
import { decodeQrImage, modulePixels } from "../qr/index.js";
import { meantAsUtf8 } from "./code-bytes.js";
import type { InputBytes } from "./input.js";
import type { DecodedCode, DecodeImageResult, FrameKind } from "../qr/types.js";
import { inputLabel, out, printLine, type Styles } from "./output.js";

// ---- the report ------------------------------------------------------------------------------

export interface QrReport {
  version: number | null;
  ecLevel: string | null;
  moduleCount: number | null;
  /** Pixels per module, estimated from the code's corners (null when unknown). */
  modulePixels: number | null;
  payloadBytes: number;
  mode: string | null;
  eci: number | null;
  decoder: string;
  decoders: string[];
  /** The share of the code's error correction its reading left unused (0..1); null: only jsQR read it. */
  unusedErrorCorrection: number | null;
  /** Light against dark modules in the image (0..1); null when unknown. */
  symbolContrast: number | null;
  /**
   * As in `decode --json` (same names, same meaning): modules of clear ground around the code
   * (0..4, to a tenth; null when its size is unknown), and whether zxing-cpp read it light on dark
   * or mirrored (null when only jsQR read it).
   */
  quietZone: number | null;
  inverted: boolean | null;
  mirrored: boolean | null;
  /** As in `decode --json`: in an animated GIF, the frames that show this code (null for a still image). */
  frames: number[] | null;
  /** Frames in the image, every one read: 1 for a still image. */
  frameCount: number;
  /** What the frames are ("animated GIF", "animated WebP", "animated PNG", "multi-page TIFF"); null for a still image. */
  frameKind: FrameKind | null;
  /** Codes found in the image (every one is checked; this report describes the most robust). */
  codes: number;
  /** Which of them this report describes (1-based, in the image's order, as findings number them). */
  code: number;
  width: number;
  height: number;
}

export interface ValidateReport {
  valid: boolean;
  /**
   * What the input was: an image, payload JSON, a Graph enrollment-profile object (the payload
   * from its `field`, qrCodeContent or qrCodeImage) or a bare base64 payload.
   */
  source: { kind: "image" | "json" | "graph-profile" | "base64"; file: string; bytes: number; field: "qrCodeContent" | "qrCodeImage" | null };
  qr: QrReport | null;
  payload: { text: string; bytes: number; json: unknown; params: Record<string, unknown> | null } | null;
  findings: Finding[];
}

function qrReport(image: DecodeImageResult, code: DecodedCode): QrReport {
  return {
    version: code.version,
    ecLevel: code.ecLevel,
    moduleCount: code.moduleCount,
    modulePixels: modulePixels(code),
    payloadBytes: code.bytes.length,
    mode: code.mode,
    eci: code.eci,
    decoder: code.decoder,
    decoders: [...code.decoders],
    unusedErrorCorrection: code.unusedErrorCorrection,
    symbolContrast: code.symbolContrast,
    quietZone: code.quietZone ?? null,
    inverted: code.inverted ?? null,
    mirrored: code.mirrored ?? null,
    frames: code.frames ?? null,
    frameCount: image.frameCount ?? 1,
    frameKind: image.frameKind ?? null,
    codes: image.codes.length,
    code: image.codes.indexOf(code) + 1,
    width: image.width,
    height: image.height,
  };
}

function payloadReport(text: string, check: PayloadCheck): ValidateReport["payload"] {
  return {
    text,
    bytes: Buffer.byteLength(text, "utf8"),
    json: check.json ?? null,
    params: check.params === null ? null : paramsToJson(check.params),
  };
}

export interface ValidateOptions {
  rules?: RuleSetName;
  strict?: boolean;
  /** The names the intune-aosp rules expect (default: the mock service's). */
  conventions?: IntuneConventions;
}

/** The code a device would most likely read first: the most robust one (most error correction left), in image order. */
function primaryCode(image: DecodeImageResult): DecodedCode | undefined {
  const strength = (c: DecodedCode) => c.unusedErrorCorrection ?? -1;
  return image.codes.reduce<DecodedCode | undefined>(
    (a, c) => (a === undefined || strength(c) > strength(a) ? c : a), undefined);
}

/**
 * Text input as a payload, in whichever form it came (agent/payload/payload-source.ts): the
 * payload checked, with its text and bytes, or the QR image a Graph profile or base64 holds.
 * `source` says which form it was. `validate` and `qr` read text input here.
 */
export type TextPayload =
  | { source: ValidateReport["source"]; image: Uint8Array }
  | { source: ValidateReport["source"]; check: PayloadCheck; text: string; bytes: Uint8Array };

/** Reads text input as a payload (TextPayload); a Graph profile whose payload cannot be recovered is an InputError. */
export function readTextPayload(input: InputBytes, options: ValidateOptions = {}): TextPayload {
  const source: ValidateReport["source"] = { kind: "json", file: input.file, bytes: input.bytes.length, field: null };
  const form = payloadSource(new TextDecoder("utf-8").decode(input.bytes));
  if (form.kind === "json") {
    const check = checkPayloadBytes(input.bytes, { ...options, source: "file" });
    return { source, check, text: check.text, bytes: check.bytes };
  }
  const unwrapped = { ...source, kind: form.kind, field: form.field };
  if ("problem" in form) throw unusableProfile(form, inputLabel(input.file));
  if ("image" in form) return { source: unwrapped, image: form.image };
  return { source: unwrapped, check: checkPayloadText(form.text, options), text: form.text, bytes: Buffer.from(form.text, "utf8") };
}

/** Validates input already read: decodes an image, checks the payload, merges the findings. */
export async function validateInput(input: InputBytes, options: ValidateOptions = {}): Promise<ValidateReport> {
  if (input.kind === "image") {
    return validateImage(input.bytes, { kind: "image", file: input.file, bytes: input.bytes.length, field: null }, options);
  }
  const payload = readTextPayload(input, options);
  if ("image" in payload) return validateImage(payload.image, payload.source, options);
  const { check } = payload;
  return { valid: check.valid, source: payload.source, qr: null, payload: payloadReport(payload.text, check), findings: check.findings };
}

/**
 * The payload findings of one code: the device works on the text its scanner decoded; the raw
 * bytes only tell whether that text was UTF-8 to begin with.
 */
function payloadFindings(code: DecodedCode, check: PayloadCheck): Finding[] {
  const encoding = meantAsUtf8(code) ? utf8Finding(code.bytes) : null;
  // The code's actual version, when high, supersedes the payload-size estimate of the same rule.
  const fromPayload = code.version !== null && code.version > HIGH_VERSION
    ? check.findings.filter((f) => f.rule !== "qr-high-version")
    : check.findings;
  return [...(encoding ? [encoding] : []), ...fromPayload];
}

async function validateImage(bytes: Uint8Array, source: ValidateReport["source"], options: ValidateOptions): Promise<ValidateReport> {
  const strict = options.strict ?? false;
  const image = await decodeQrImage(bytes, inputLabel(source.file));
  // Every code is checked (a device's camera reads whichever it finds first); the report's
  // qr and payload describe the most robust one.
  const checks = new Map(image.codes.map((code) => [code, checkPayloadText(code.text, options)]));
  const findings = sortFindings(imageFindings(image, (code) => payloadFindings(code, checks.get(code)!)));
  const code = primaryCode(image);
  return {
    valid: isValid(findings, strict),
    source,
    qr: code === undefined ? null : qrReport(image, code),
    payload: code === undefined ? null : payloadReport(code.text, checks.get(code)!),
    findings,
  };
}

/** Findings' text starts in this column, under the pointer. */
const INDENT = " ".repeat(8);

/** Wraps text at `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  // ASCII spaces only: a no-break space inside a quoted value is part of the value, not a place to
  // break the line (and joining the words again would turn it into an ordinary space).
  for (const word of text.split(/[ \t\n\r]+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join(`\n${indent}`);
}

/** One finding in the house shape: severity, pointer and rule; message; "fix:" hint. */
export function formatFinding(f: Finding, style: Styles): string {
  const colour = f.severity === "error" ? style.red : f.severity === "warning" ? style.yellow : style.cyan;
  // Messages quote the payload, whose values may hold control characters (printable escapes them).
  const head = `${colour(f.severity.padEnd(INDENT.length))}${f.path === "" ? "(payload)" : printable(revealInvisible(f.path))}  ${style.dim(f.rule)}`;
  const body = `${INDENT}${wrap(printable(f.message), 100, INDENT)}`;
  const fix = f.hint === "" ? "" : `\n${INDENT}${style.dim("fix:")} ${wrap(printable(f.hint), 95, `${INDENT}     `)}`;
  return `${head}\n${body}${fix}`;
}

/**
 * The human report lists at most this many findings of one rule (a payload with hundreds of
 * unknown keys would fill screens); the rest are folded into one line saying how many. The
 * summary line, --json and SARIF count and hold every finding.
 */
export const MAX_SHOWN_PER_RULE = 50;

export function formatFindings(findings: readonly Finding[], style: Styles): string[] {
  const seen = new Map<string, number>();
  const shown: Finding[] = [];
  for (const f of findings) {
    const n = (seen.get(f.rule) ?? 0) + 1;
    seen.set(f.rule, n);
    if (n <= MAX_SHOWN_PER_RULE) shown.push(f);
  }
  const blocks = shown.map((f) => formatFinding(f, style));
  for (const [rule, n] of seen) {
    if (n <= MAX_SHOWN_PER_RULE) continue;
    blocks.push(`${style.dim(`... and ${n - MAX_SHOWN_PER_RULE} more ${rule} findings (${n} in all) not listed here; --json and --format sarif list every one.`)}`);
  }
  return blocks;
}


export function summaryLine(valid: boolean, findings: readonly Finding[], ruleSet: RuleSetName, strict: boolean, style: Styles): string {
  const c = countBySeverity(findings);
  const counts = `${counted(c.error, "error")}, ${counted(c.warning, "warning")}, ${c.info} info`;
  const rules = `${ruleSet} rules${strict ? ", strict" : ""}`;
  return valid ? style.green(`valid (${rules}): ${counts}`) : style.red(`invalid (${rules}): ${counts}`);
}

/** What the device would do, in one line per step. */
function deviceSummary(params: ProvisioningParams): string[] {
  const lines: string[] = [];
  const w = params.wifi;
  if (w) {
    const security = w.securityTypeAsWritten === null ? w.securityType : `${w.securityType}, written "${w.securityTypeAsWritten}"`;
    lines.push(`Wi-Fi:     join ${JSON.stringify(w.ssid)} (${security}${w.hidden ? ", hidden" : ""})` +
      (w.proxy ? ` via proxy ${w.proxy.host}:${w.proxy.port}` : w.pacUrl ? ` via PAC ${w.pacUrl}` : ""));
  } else {
    lines.push(`Wi-Fi:     none in the payload (${params.useMobileData ? "mobile data allowed" : "uses the network it already has"})`);
  }
  const d = params.download;
  if (d) {
    const check = d.packageChecksum ? "package checksum" : d.signatureChecksum ? "signature checksum" : "no checksum";
    lines.push(`download:  ${d.location} (verified by ${check})`);
  } else {
    lines.push("download:  none (the admin app must already be installed)");
  }
  lines.push(`owner:     ${params.adminComponent.packageName}/${params.adminComponent.className}`);
  const extras = Object.keys(params.adminExtras);
  if (extras.length > 0) lines.push(`extras:    ${extras.join(", ")}`);
  return lines;
}

/** How the human report names each form of input. */
export const SOURCE_NAMES: Record<ValidateReport["source"]["kind"], string> = {
  image: "image",
  json: "payload file",
  "graph-profile": "Graph enrollment profile (payload from qrCodeContent)",
  base64: "base64 payload",
};

export function printReport(report: ValidateReport, ruleSet: RuleSetName, strict: boolean): void {
  const where = printable(inputLabel(report.source.file));
  if (report.qr) {
    const q = report.qr;
    const px = q.modulePixels === null ? "" : `, ${q.modulePixels} px per module`;
    printLine(`${out.bold(where)}: ${q.width}x${q.height} image`);
    printLine(`  QR:      version ${q.version ?? "?"}, level ${q.ecLevel ?? "?"}, ${q.moduleCount ?? "?"}x${q.moduleCount ?? "?"} modules${px}, ` +
      `${q.payloadBytes} bytes (${q.mode ?? "?"} mode, ${q.eci === null ? "no ECI" : `ECI ${q.eci}`}), read by ${q.decoder}` +
      (q.codes > 1 ? `; code ${q.code} of ${q.codes} in the image (every code is checked)` : "") +
      (q.frameCount > 1
        ? q.frameKind === "multi-page TIFF" ? `; ${q.frameCount} pages (every page is read)` : `; animated, ${q.frameCount} frames (every frame is read)`
        : ""));
    const quality = [
      q.unusedErrorCorrection === null ? null : `${Math.round(q.unusedErrorCorrection * 100)} % of its error correction unused`,
      q.symbolContrast === null ? null : `contrast ${Math.round(q.symbolContrast * 100)} %`,
      q.quietZone === null ? null : `quiet zone ${q.quietZone} modules`,
      q.inverted === true ? "light on dark" : null,
      q.mirrored === true ? "mirrored" : null,
    ].filter((part) => part !== null);
    if (quality.length > 0) printLine(`  print:   ${quality.join(", ")}`);
  } else {
    printLine(`${out.bold(where)}: ${SOURCE_NAMES[report.source.kind]}, ${report.source.bytes} bytes`);
  }
  if (report.payload) {
    if (report.qr) printLine(`  payload: ${report.payload.bytes} bytes of text`);
    const params = report.payload.params as ProvisioningParams | null;
    if (params) for (const line of deviceSummary(params)) printLine(`  ${printable(line)}`);
    else if (report.payload.json !== null) printLine(`  ${out.red("the device refuses this payload (\"Can't set up device\")")}`);
  }
  printLine();
  for (const block of formatFindings(report.findings, out)) {
    printLine(block);
    printLine();
  }
  printLine(summaryLine(report.valid, report.findings, ruleSet, strict, out));
}

export function parseRuleSet(value: string): RuleSetName {
  if (value === "android" || value === "intune-aosp") return value;
  throw new InputError(`unknown rule set "${value}"`, { where: "--rules", hint: "use --rules android or --rules intune-aosp" });
}
