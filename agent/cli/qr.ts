/**
 * `aosp-sim qr <payload.json|-> -o out.png|- [--ec L|M|Q|H] [--eci] [--print-width MM] [--force] [--rules ...] [--conventions FILE] [--json]`
 *
 * Renders a provisioning QR code: the payload as compact JSON (one byte-mode segment, UTF-8, an
 * ECI marker only with --eci), to a file or stdout, with advice on its printed size. The payload
 * is read in the forms `validate` reads (a payload file, a Graph enrollment profile's
 * qrCodeContent, base64). It checks the payload first and refuses (exit 1, findings printed) to
 * render one with errors unless --force, so a broken code does not reach a print shop.
 */
import { counted } from "../protocol/counted.js";
import type { Command } from "commander";
import { replaceFile } from "../protocol/replace-file.js";
import { printable } from "../protocol/printable.js";
import { InputError } from "../protocol/errors.js";
import { checkOutputFile, refuseUnwritable, writeFailed } from "../protocol/output-path.js";
import type { Finding, PayloadCheck } from "../payload/index.js";
import { firstInvalidUtf8 } from "../payload/check.js";
import { checkImagePixels, minimumVersion, moduleCountOf, PayloadTooLargeError, renderQrPng, type RenderedQr } from "../qr/render.js";
import { checkEcLevel, checkWholeOption, flagName } from "../qr/render-options.js";
import { MIN_QUIET_ZONE, quietZoneMessage } from "../qr/quiet-zone.js";
import {
  EXIT_FAILED, EXIT_OK, action, err, errorDocument, formatInputError, inputLabel, out, printError, printJson, printLine, readerGone,
} from "./output.js";
import { readInput, refuseEmptyFileArguments } from "./input.js";
import { compactJsonBytes } from "../payload/json-text.js";
import { addConventionsOption, conventionsOption } from "./conventions-option.js";
import { formatFindings, parseRuleSet, readTextPayload, SOURCE_NAMES, summaryLine, type ValidateReport } from "./validate.js";

interface QrFlags {
  output: string;
  eci?: boolean;
  printWidth?: string;
  ec: string;
  force?: boolean;
  rules: string;
  conventions?: string;
  scale: string;
  margin: string;
  json?: boolean;
}

/**
 * The bytes that go into the code: the author's JSON without its whitespace when the payload
 * parses (numbers and escapes exactly as written), else the payload as given; byte for byte
 * either way, so that invalid UTF-8 rendered with --force is the file's bytes, not U+FFFD.
 */
function qrBytes(payload: { check: PayloadCheck; bytes: Uint8Array }): Uint8Array {
  return typeof payload.check.json === "object" && payload.check.json !== null ? compactJsonBytes(payload.bytes) : payload.bytes;
}

/** What the summary says the bytes are: UTF-8, or (rendered with --force) not. */
function charsetOf(bytes: Uint8Array): string {
  return firstInvalidUtf8(bytes) < 0 ? "UTF-8" : "not valid UTF-8";
}

/**
 * A payload read out of a Graph profile or base64 is not the file itself: said first, so that the
 * findings and the code are not taken for the file's own text. Null for a payload file.
 */
function sourceLine(source: ValidateReport["source"]): string | null {
  return source.kind === "json" ? null : `read ${inputLabel(source.file)}: ${SOURCE_NAMES[source.kind]}, ${source.bytes} bytes`;
}

/**
 * Scanning distance a phone camera is held at to read a provisioning code on a device's
 * setup screen or a printed sheet (the issue's 25-30 cm), and the rule of thumb for it: a QR
 * code reads reliably from up to about ten times its own width (the "10:1" rule printers and
 * QR generators use; an assumption, stated in the README, not a measured figure).
 */
const PHONE_DISTANCE_MM = 300;
const DISTANCE_PER_WIDTH = 10;
/**
 * The nearest a phone camera can be to a print and still see all of it, per mm of its width: a
 * main camera of 26 mm focal length (35 mm-equivalent, the usual phone main camera) sees 24 mm
 * of frame across its short side, so at distance d it sees d x 24/26 (an assumption about the
 * camera, stated in the README). A print wider than that at 30 cm is too large to read there.
 */
const FIT_DISTANCE_PER_WIDTH = 26 / 24;

/** A distance for a person: centimetres under a metre, metres with one decimal above. */
function distanceText(mm: number): string {
  return mm < 1000 ? `${Math.round(mm / 10)} cm` : `${(mm / 1000).toFixed(1)} m`;
}

export interface PrintAdvice {
  /** The printed width of the whole image (quiet zone included), as given; null when not given. */
  widthMm: number | null;
  /** One module's size at that width. */
  moduleMm: number | null;
  /** The code's own width (quiet zone excluded) at that width. */
  codeWidthMm: number | null;
  /** The smallest print width (whole image) a phone reads at 30 cm, by the 10:1 rule. */
  minWidthMm: number;
  /** The widest print (whole image) a phone camera still sees whole at 30 cm. */
  maxWidthMm: number;
  /** Whether a phone camera reads the print at 30 cm (neither too small nor too large); null when no width was given. */
  readableAt30cm: boolean | null;
  /**
   * From how near (the print fills the camera's view) to how far (the 10:1 rule) a phone camera
   * reads the print; null when no width was given.
   */
  readingDistanceMm: { from: number; to: number } | null;
  advice: string;
}

export function printAdvice(rendered: Pick<RenderedQr, "moduleCount" | "margin">, widthMm: number | null): PrintAdvice {
  const modules = rendered.moduleCount + 2 * rendered.margin;
  const minCodeMm = PHONE_DISTANCE_MM / DISTANCE_PER_WIDTH;
  const minWidthMm = Math.ceil((minCodeMm * modules) / rendered.moduleCount);
  const minModule = minCodeMm / rendered.moduleCount;
  const maxWidthMm = Math.floor(PHONE_DISTANCE_MM / FIT_DISTANCE_PER_WIDTH);
  if (widthMm === null) {
    return {
      widthMm: null, moduleMm: null, codeWidthMm: null, minWidthMm, maxWidthMm, readableAt30cm: null, readingDistanceMm: null,
      advice: `for a phone camera at 25-30 cm, print it at least ${minWidthMm} mm wide (modules of ${minModule.toFixed(2)} mm or more)`,
    };
  }
  const moduleMm = widthMm / modules;
  const codeWidthMm = moduleMm * rendered.moduleCount;
  const from = widthMm * FIT_DISTANCE_PER_WIDTH;
  const to = codeWidthMm * DISTANCE_PER_WIDTH;
  const tooLarge = widthMm > maxWidthMm;
  const readable = codeWidthMm >= minCodeMm && !tooLarge;
  const at = `at ${widthMm} mm wide, a module is ${moduleMm.toFixed(2)} mm and the code ${codeWidthMm.toFixed(0)} mm`;
  return {
    widthMm, moduleMm: round2(moduleMm), codeWidthMm: round2(codeWidthMm), minWidthMm, maxWidthMm, readableAt30cm: readable,
    readingDistanceMm: { from: Math.round(from), to: Math.round(to) },
    advice: readable
      ? `${at}: a phone camera reads it at 25-30 cm`
      : tooLarge
        ? `${at}: too large for a phone camera at 25-30 cm (it sees all of it from about ${distanceText(from)}, and reads it up to about ${distanceText(to)}); for 25-30 cm print it at most ${maxWidthMm} mm wide`
        : `${at}: too small for a phone camera at 25-30 cm; print it at least ${minWidthMm} mm wide, or lower --ec to need fewer modules`,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function parsePrintWidth(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 10_000) {
    throw new InputError(`"${value}" is not a print width in millimetres`, { where: "--print-width", hint: "give the printed width of the image in mm, e.g. --print-width 40" });
  }
  return n;
}

/** Something about the rendering (not the payload) that may keep a camera from reading the code. */
interface RenderWarning {
  where: string;
  message: string;
  fix: string;
}

function renderWarnings(margin: number): RenderWarning[] {
  if (margin >= MIN_QUIET_ZONE) return [];
  return [{
    where: "--margin",
    message: quietZoneMessage(margin),
    fix: `use --margin ${MIN_QUIET_ZONE} (the default) or more`,
  }];
}

/** The --json document; `rendered` is null when nothing was written. */
function report(
  source: ValidateReport["source"], rendered: RenderedQr | null, output: string, findings: Finding[], valid: boolean,
  print: PrintAdvice | null = null, warnings: RenderWarning[] = [],
): Record<string, unknown> {
  return {
    rendered: rendered !== null,
    output: rendered === null ? null : output,
    valid,
    source,
    qr: rendered === null
      ? null
      : {
          version: rendered.version,
          ecLevel: rendered.ecLevel,
          moduleCount: rendered.moduleCount,
          payloadBytes: rendered.payloadBytes,
          mode: rendered.mode,
          eci: rendered.eci,
          scale: rendered.scale,
          margin: rendered.margin,
          sizePixels: rendered.sizePixels,
        },
    print,
    warnings,
    findings,
  };
}

/**
 * Writes the PNG to stdout and waits until it is flushed (a pipe may be slower than we are). A
 * reader that left (`qr -o - | head -c 8`) took what it wanted: that is no failure of the command.
 */
function writeStdout(png: Buffer): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(png, (error) => (error && !readerGone(error) ? reject(error) : resolve())));
}

export function registerQr(program: Command): void {
  const command = program
    .command("qr")
    .summary("Render a provisioning payload (JSON, a Graph enrollment profile, base64; - for stdin) as a QR code PNG: byte mode, UTF-8, no ECI unless --eci.")
    .description(
      "Render a provisioning payload (JSON, a Graph enrollment profile, base64; - for stdin) as a QR code PNG: byte mode, UTF-8, no ECI unless --eci.\n" +
        "Refuses a payload with errors (exit 1) unless --force.",
    )
    .argument("<payload>", "the payload JSON file, a Graph enrollment profile JSON (its qrCodeContent), a base64 payload, or - for stdin")
    .requiredOption("-o, --output <file>", "the PNG file to write, or - for stdout")
    .option("--eci", "put a UTF-8 ECI marker before the payload (for scanners that would read Latin-1)")
    .option("--print-width <mm>", "the printed width of the image in mm: reports the module size and whether a phone reads it at 25-30 cm")
    .option("--ec <level>", "error-correction level: L, M, Q or H", "M")
    .option("--scale <px>", "pixels per module", "8")
    .option("--margin <modules>", "quiet zone in modules (4 or more recommended)", "4")
    .option("--rules <set>", "rule set the payload is checked with: android or intune-aosp", "android");
  addConventionsOption(command)
    .option("--force", "render even when the payload has errors")
    .option("--json", "print one JSON document describing the result")
    .action(
      action(async (path: string, flags: QrFlags) => {
        refuseEmptyFileArguments("qr", [path], "the payload", "aosp-sim qr payload.json -o qr.png");
        const ecLevel = checkEcLevel(flags.ec, flagName("--ec"));
        const toStdout = flags.output === "-";
        checkOutputFile({ option: "-o", path: flags.output, what: "PNG", example: "qr.png", stdout: true }, [{ path, what: "payload" }]);
        if (toStdout && flags.json) {
          throw new InputError("-o - writes the PNG to stdout, where --json would print its document", {
            where: "--json",
            hint: "drop --json, or write the PNG to a file with -o FILE",
          });
        }
        const printWidth = parsePrintWidth(flags.printWidth);
        const scale = checkWholeOption("scale", flags.scale, flagName("--scale"));
        const margin = checkWholeOption("margin", flags.margin, flagName("--margin"));
        const ruleSet = parseRuleSet(flags.rules);
        const conventions = await conventionsOption(flags.conventions, ruleSet);
        const input = await readInput(path, { noun: "payload", pipe: "a payload JSON file", example: "aosp-sim qr - -o qr.png < payload.json" });
        if (input.kind === "image") {
          throw new InputError("is an image; qr renders a payload JSON file", {
            where: inputLabel(path),
            hint: "use `aosp-sim validate` to check an image, or `aosp-sim decode` to read it",
          });
        }
        const payload = readTextPayload(input, { rules: ruleSet, ...(conventions ? { conventions } : {}) });
        if ("image" in payload) {
          const held = payload.source.field === "qrCodeImage" ? "a Graph enrollment profile whose payload is only in its QR image (qrCodeImage.value)" : "base64 of an image";
          throw new InputError(`is ${held}, not payload text; qr renders a payload`, {
            where: inputLabel(path),
            hint: "pass the payload JSON (a Graph profile's qrCodeContent holds it), or check the image with `aosp-sim validate`",
          });
        }
        const { check, source } = payload;
        const errors = check.findings.filter((f) => f.severity === "error");
        const shown = check.findings.filter((f) => f.severity !== "info");
        const readFrom = sourceLine(source);
        if (errors.length > 0 && !flags.force) {
          if (flags.json) {
            printJson(report(source, null, flags.output, check.findings, false));
          } else {
            if (readFrom !== null) printLine(`${readFrom}\n`);
            for (const block of formatFindings(shown, out)) printLine(`${block}\n`);
            printLine(summaryLine(false, check.findings, ruleSet, false, out));
            printError(`${err.red("aosp-sim:")} not rendering a payload with ${counted(errors.length, "error")}; ` +
              "fix them, or pass --force to render it anyway");
          }
          return EXIT_FAILED;
        }
        const bytes = qrBytes(payload);
        const eci = flags.eci ?? false;
        // Refused before anything is written, worded for the flags (renderQrPng words its options).
        const version = minimumVersion(bytes.length, ecLevel, eci);
        if (version !== null) checkImagePixels(moduleCountOf(version), scale, margin, flagName("--scale"));
        if (!toStdout) refuseUnwritable(flags.output, "qr.png", "cannot write the PNG");
        let rendered: RenderedQr;
        try {
          rendered = await renderQrPng(bytes, { ecLevel, scale, margin, eci });
        } catch (error) {
          if (!(error instanceof PayloadTooLargeError)) throw error;
          const tooLarge = new InputError(error.message, { where: inputLabel(path), hint: error.fix });
          // `valid` is the payload's verdict, as validate's: the level chosen is what failed, said in `error`.
          if (flags.json) printJson({ ...report(source, null, flags.output, check.findings, check.valid), ...errorDocument(tooLarge) });
          else printError(formatInputError(tooLarge));
          return EXIT_FAILED;
        }
        try {
          if (toStdout) await writeStdout(rendered.png);
          // The image holds the payload's enrollment token and Wi-Fi key: its owner's alone. Written
          // whole or not at all: a disk filling half-way leaves the last code as it was.
          else replaceFile(flags.output, rendered.png, { ownerOnly: true });
        } catch (error) {
          // A full disk says to free space; the folder was found writable just before.
          throw writeFailed(error, flags.output, "cannot write the PNG");
        }
        const print = printAdvice(rendered, printWidth);
        const warnings = renderWarnings(rendered.margin);
        for (const w of warnings) {
          printError(formatInputError(new InputError(w.message, { where: w.where, hint: w.fix }), err.yellow("aosp-sim: warning:")));
        }
        if (flags.json) {
          printJson(report(source, rendered, flags.output, check.findings, check.valid, print, warnings));
        } else {
          // With -o -, stdout holds the PNG: the summary goes to stderr.
          const say = toStdout ? printError : printLine;
          const style = toStdout ? err : out;
          if (readFrom !== null) say(`${readFrom}\n`);
          for (const block of formatFindings(shown, style)) say(`${block}\n`);
          say(`wrote ${style.bold(toStdout ? "the PNG to stdout" : printable(flags.output))}: QR version ${rendered.version}, level ${rendered.ecLevel}, ` +
            `${rendered.moduleCount}x${rendered.moduleCount} modules, ${rendered.payloadBytes} bytes (byte mode, ${charsetOf(bytes)}, ` +
            `${rendered.eci === null ? "no ECI" : `ECI ${rendered.eci}`}), ${rendered.scale} px per module, ${rendered.sizePixels}x${rendered.sizePixels} px`);
          say(`print:  ${print.advice}`);
          if (errors.length > 0) printError(`${err.yellow("aosp-sim:")} rendered despite ${errors.length} error(s) (--force)`);
        }
        return EXIT_OK;
      }),
    );
}
