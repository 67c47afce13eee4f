/**
 * `aosp-sim qr <payload.json|-> -o out.png [--ec L|M|Q|H] [--force] [--rules ...] [--json]`
 *
 * Renders a provisioning QR code: the payload as compact JSON (one byte-mode segment, UTF-8, no
 * ECI). It checks the payload first and refuses (exit 1, findings printed) to render one with
 * errors unless --force, so a broken code does not reach a print shop.
 */
import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { InputError } from "../protocol/errors.js";
import { checkPayloadBytes, type BytesCheck, type Finding } from "../payload/index.js";
import { EC_LEVELS, PayloadTooLargeError, minimumVersion, renderQrPng, type RenderedQr } from "../qr/render.js";
import { asEcLevel, type EcLevel } from "../qr/types.js";
import { EXIT_FAILED, EXIT_OK, action, err, inputLabel, out, printError, printJson, printLine } from "./output.js";
import { readInput } from "./input.js";
import { compactJsonText } from "../payload/json-text.js";
import { formatFindings, parseRuleSet, summaryLine } from "./validate.js";

interface QrFlags {
  output: string;
  ec: string;
  force?: boolean;
  rules: string;
  scale: string;
  margin: string;
  json?: boolean;
}

function parseEc(value: string): EcLevel {
  const found = asEcLevel(value.toUpperCase());
  if (!found) throw new InputError(`unknown error-correction level "${value}"`, { where: "--ec", hint: "use L, M, Q or H" });
  return found;
}

function parseWhole(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`"${value}" is not a whole number from ${min} to ${max}`, { where: flag });
  }
  return n;
}

/**
 * The text that goes into the code: the author's JSON without its whitespace when the payload
 * parses (numbers and escapes exactly as written), else the text as given.
 */
function qrText(check: BytesCheck): string {
  return typeof check.json === "object" && check.json !== null ? compactJsonText(check.text) : check.text;
}

/** The --json document; `rendered` is null when nothing was written. */
function report(rendered: RenderedQr | null, output: string, findings: Finding[], valid: boolean): Record<string, unknown> {
  return {
    rendered: rendered !== null,
    output: rendered === null ? null : output,
    valid,
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
    findings,
  };
}

export function registerQr(program: Command): void {
  program
    .command("qr")
    .description(
      "Render a provisioning payload (JSON file, or - for stdin) as a QR code PNG: byte mode, UTF-8, no ECI.\n" +
        "Refuses a payload with errors (exit 1) unless --force.",
    )
    .argument("<payload>", "the payload JSON file, or - for stdin")
    .requiredOption("-o, --output <file>", "the PNG file to write")
    .option("--ec <level>", "error-correction level: L, M, Q or H", "M")
    .option("--scale <px>", "pixels per module", "8")
    .option("--margin <modules>", "quiet zone in modules (4 or more recommended)", "4")
    .option("--rules <set>", "rule set the payload is checked with: android or intune-aosp", "android")
    .option("--force", "render even when the payload has errors")
    .option("--json", "print one JSON document describing the result")
    .action(
      action(async (path: string, flags: QrFlags) => {
        const ecLevel = parseEc(flags.ec);
        const scale = parseWhole(flags.scale, "--scale", 1, 64);
        const margin = parseWhole(flags.margin, "--margin", 0, 64);
        const ruleSet = parseRuleSet(flags.rules);
        const input = await readInput(path);
        if (input.kind === "image") {
          throw new InputError("is an image; qr renders a payload JSON file", {
            where: inputLabel(path),
            hint: "use `aosp-sim validate` to check an image, or `aosp-sim decode` to read it",
          });
        }
        const check = checkPayloadBytes(input.bytes, { rules: ruleSet, source: "file" });
        const errors = check.findings.filter((f) => f.severity === "error");
        const shown = check.findings.filter((f) => f.severity !== "info");
        if (errors.length > 0 && !flags.force) {
          if (flags.json) {
            printJson(report(null, flags.output, check.findings, false));
          } else {
            for (const block of formatFindings(shown, out)) printLine(`${block}\n`);
            printLine(summaryLine(false, check.findings, ruleSet, false, out));
            printError(`${err.red("aosp-sim:")} not rendering a payload with ${errors.length} error${errors.length === 1 ? "" : "s"}; ` +
              "fix them, or pass --force to render it anyway");
          }
          return EXIT_FAILED;
        }
        const text = qrText(check);
        let rendered: RenderedQr;
        try {
          rendered = await renderQrPng(text, { ecLevel, scale, margin });
        } catch (error) {
          if (!(error instanceof PayloadTooLargeError)) throw error;
          const fitsAt = EC_LEVELS.find((level) => minimumVersion(error.bytes, level) !== null);
          if (flags.json) printJson({ ...report(null, flags.output, check.findings, false), error: error.message });
          else printError(`${err.red("aosp-sim:")} ${error.message}` + (fitsAt ? `; it fits at level ${fitsAt} (--ec ${fitsAt})` : ""));
          return EXIT_FAILED;
        }
        try {
          await writeFile(flags.output, rendered.png);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
          throw new InputError(`cannot write the PNG (${code || (error instanceof Error ? error.message : String(error))})`, {
            where: flags.output,
            hint: "check that the directory exists and is writable",
          });
        }
        if (flags.json) {
          printJson(report(rendered, flags.output, check.findings, check.valid));
        } else {
          for (const block of formatFindings(shown, out)) printLine(`${block}\n`);
          printLine(`wrote ${out.bold(flags.output)}: QR version ${rendered.version}, level ${rendered.ecLevel}, ` +
            `${rendered.moduleCount}x${rendered.moduleCount} modules, ${rendered.payloadBytes} bytes (byte mode, UTF-8, no ECI), ` +
            `${rendered.scale} px per module, ${rendered.sizePixels}x${rendered.sizePixels} px`);
          if (errors.length > 0) printError(`${err.yellow("aosp-sim:")} rendered despite ${errors.length} error(s) (--force)`);
        }
        return EXIT_OK;
      }),
    );
}
