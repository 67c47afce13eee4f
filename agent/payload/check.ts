/**
 * checkPayloadText: payload text in, what the device will make of it out (typed params, or null
 * when it refuses outright) plus every finding.
 */
import { Extras } from "./extras.js";
import { deviceParams } from "./device-params.js";
import { isValid, sortFindings, type Finding } from "./findings.js";
import { givenValue } from "../protocol/given-value.js";
import { lenientJsonFeature } from "./lenient-json.js";
import { BYTE_ORDER_MARK, compactJsonText, MAX_JSON_DEPTH, parseJsonText } from "./json-text.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import type { ProvisioningParams } from "./params.js";
import { adminRules } from "./rules/admin.js";
import { finding, type RuleSetName } from "./rules/catalog.js";
import { RuleContext, type Rule } from "./rules/context.js";
import { deviceSettingsRules } from "./rules/device-settings.js";
import { downloadRules } from "./rules/download.js";
import { intuneRules } from "./rules/intune.js";
import { keyRules } from "./rules/keys.js";
import { roleHolderRules } from "./rules/role-holder.js";
import { sizeRules } from "./rules/size.js";
import { wifiRules } from "./rules/wifi.js";

export interface CheckOptions {
  /** "android" (Android's own rules, the default) or "intune-aosp" (adds the simulator's conventions). */
  rules?: RuleSetName;
  /** Count warnings as failures too. */
  strict?: boolean;
  /**
   * What the size rules measure: the text as given (the default: it is what a QR code holds),
   * or, for a JSON file, its compact form (what `aosp-sim qr` encodes).
   */
  measure?: "text" | "compact-json";
  /**
   * The package, receiver and extras names the intune-aosp rules expect. Default: the mock
   * service's (MOCK_SERVICE_CONVENTIONS), which are the simulator's, not the real product's.
   */
  conventions?: IntuneConventions;
}

/** Every option checkPayloadText takes: a misspelled `rule: "intune-aosp"` would check by the android rules alone. */
const CHECK_OPTIONS = optionNames<CheckOptions>({ rules: true, strict: true, measure: true, conventions: true });

export interface PayloadCheck {
  /** False iff there is an error finding (or a warning, under strict). */
  valid: boolean;
  /**
   * What the device starts provisioning with; null when it refuses the payload while parsing it
   * ("Can't set up device"): not JSON, not an object, no usable admin component, an empty
   * download location or one without checksum, an undecodable checksum, an ill-formed locale,
   * unsupported SUPPORTED_MODES.
   */
  params: ProvisioningParams | null;
  /** The parsed JSON (null when the text is not JSON or is refused for its depth). */
  json: unknown;
  /** Errors first, then warnings, then infos. */
  findings: Finding[];
}

const PAYLOAD_RULES: Rule[] = [
  ...keyRules,
  ...adminRules,
  ...downloadRules,
  ...roleHolderRules,
  ...wifiRules,
  ...deviceSettingsRules,
  ...intuneRules,
];

function result(findings: Finding[], params: ProvisioningParams | null, json: unknown, strict: boolean): PayloadCheck {
  // Every finding is kept (a payload holds at most a few thousand keys within the size bound);
  // the human report folds long runs of one rule for display only (cli/validate.ts).
  const sorted = sortFindings(findings);
  return { valid: isValid(sorted, strict), params, json, findings: sorted };
}

/**
 * Text longer than this is not parsed or checked key by key, only refused for its size (a QR code
 * holds at most 2953 bytes): the library is bounded like the CLI's reader (which stops at 64 KiB),
 * so a caller handing it megabytes gets an answer at once. Up to the bound every rule runs, and
 * all of them are linear or near it in the text's length.
 */
export const MAX_CHECKED_TEXT_BYTES = 256 * 1024;

/** Checks payload text (what a QR code holds) the way a device would read it. */
export function checkPayloadText(text: string, options: CheckOptions = {}): PayloadCheck {
  if (typeof text !== "string") {
    throw new TypeError(`checkPayloadText: text must be the payload as a string (for bytes, use checkPayloadBytes) (got ${givenValue(text)})`);
  }
  checkOptions("checkPayloadText", options, CHECK_OPTIONS, 'e.g. { rules: "intune-aosp" }');
  const ruleSet = options.rules ?? "android";
  const strict = options.strict ?? false;
  const textBytes = Buffer.byteLength(text, "utf8");
  const textLevel = new RuleContext(new Extras({}), ruleSet, textBytes);
  if (textBytes > MAX_CHECKED_TEXT_BYTES) {
    for (const rule of sizeRules) rule(textLevel);
    return result(textLevel.findings, null, null, strict);
  }

  let body = text;
  if (body.startsWith(BYTE_ORDER_MARK)) {
    textLevel.refuse();
    textLevel.emit("byte-order-mark", "",
      // Uncertain, so worded so (docs/provisioning-facts.md §1): libcore's org.json skips one mark,
      // but the wizard that reads the code is closed, and other readers refuse it.
      "The text starts with a byte-order mark (U+FEFF). Android's own JSON parser (libcore's org.json " +
        "JSONTokener) skips one, but the setup wizard that reads provisioning QR codes is not open source, so whether " +
        "a device accepts the payload is not known, and other QR readers and JSON parsers refuse it; the simulated device " +
        "refuses it (\"Can't set up device\"). (The rest is checked as if it were not there.)",
      "save the payload as UTF-8 without BOM before putting it into the QR code");
    body = body.slice(1);
  }

  const parsed = parseJsonText(body);
  if (!parsed.ok) {
    const { problem } = parsed;
    switch (problem.kind) {
      case "empty":
        textLevel.emit("json-syntax", "", "The payload is empty: the device shows \"Can't set up device\".",
          "put the provisioning JSON object into the QR code");
        break;
      case "syntax": {
        const where = `line ${problem.line} column ${problem.column}`;
        const lenient = lenientJsonFeature(body, problem.offset, problem.detail);
        if (lenient === undefined) {
          textLevel.emit("json-syntax", "",
            `The payload is not JSON (${problem.detail}, ${where}): the device shows "Can't set up device".`,
            "check quotes, commas and braces; the payload must be one JSON object");
        } else {
          // Android's own org.json reads this, so refusing it is the validator's choice, not the device's verdict.
          textLevel.emit("json-syntax", "",
            `The payload is not strict JSON: it holds ${lenient.what} at ${where}. Android's platform JSON parser ` +
              "(org.json) accepts this, but the setup wizard that reads the code is closed source, so whether the " +
              "device accepts it is not known; the validator refuses it, as strict JSON readers do.",
            lenient.hint);
        }
        break;
      }
      case "too-deep":
        textLevel.emit("json-too-deep", "",
          `The JSON nests ${problem.depth > MAX_JSON_DEPTH ? `more than ${MAX_JSON_DEPTH}` : problem.depth} levels deep; ` +
            "a provisioning payload is one object whose only nested value is the admin extras bundle.",
          "flatten the admin extras bundle; the rest of the payload must be plain keys and values");
        break;
      case "not-object":
        textLevel.emit("json-not-object", "",
          `The payload is ${problem.actual}, but the device expects one JSON object of provisioning keys: it shows ` +
            "\"Can't set up device\".",
          `wrap the keys in one object: {"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "...", ...}`);
        break;
    }
    for (const rule of sizeRules) rule(textLevel);
    return result(textLevel.findings, null, problem.kind === "not-object" ? parsed.json : null, strict);
  }

  for (const pointer of parsed.duplicateKeys) {
    textLevel.emit("duplicate-key", pointer,
      "This key appears more than once in the same object: JSON parsers disagree on which value wins (this validator " +
        "and Android's org.json keep the last one; some generators keep the first).",
      "keep one occurrence");
  }

  // A JSON file may be pretty-printed; what goes into a QR code (e.g. from `aosp-sim qr`) is the
  // compact form, so that is what the size rules measure for files.
  const measured = options.measure === "compact-json" ? Buffer.byteLength(compactJsonText(body), "utf8") : textBytes;
  const ctx = new RuleContext(new Extras(parsed.json, parsed.numberTexts), ruleSet, measured, options.conventions);
  for (const rule of [...sizeRules, ...PAYLOAD_RULES]) rule(ctx);
  const refused = textLevel.refused || ctx.refused;
  const params = refused ? null : deviceParams(ctx.extras);
  return result([...textLevel.findings, ...ctx.findings], params, parsed.json, strict);
}

export interface BytesCheckOptions extends CheckOptions {
  /**
   * "file": a JSON file on disk, whose UTF-8 byte-order mark is an encoding marker and is
   * dropped (with an info finding); "qr": bytes as a QR code holds them, where the device sees
   * every byte. Default "qr".
   */
  source?: "file" | "qr";
}

/** Every option checkPayloadBytes takes. */
const BYTES_CHECK_OPTIONS = optionNames<BytesCheckOptions>({ rules: true, strict: true, measure: true, conventions: true, source: true });

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return -1;
  } catch {
    const lossy = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    const index = lossy.indexOf("\uFFFD");
    return index < 0 ? 0 : Buffer.byteLength(lossy.slice(0, index), "utf8");
  }
}

/** The text-encoding finding for bytes that are not valid UTF-8, or null when they are. */
export function utf8Finding(bytes: Uint8Array): Finding | null {
  const invalidAt = firstInvalidUtf8(bytes);
  if (invalidAt < 0) return null;
  return finding("text-encoding", "",
    `The payload is not valid UTF-8 (first bad byte at offset ${invalidAt}): the device would read the ` +
      "affected characters mangled (replacement characters or Latin-1), so names, passwords or the JSON itself break.",
    "save the payload as UTF-8");
}

export interface BytesCheck extends PayloadCheck {
  /** The text the bytes decode to, as checked (a file's byte-order mark dropped). */
  text: string;
  /** The bytes that text was decoded from (a file's byte-order mark dropped): invalid UTF-8 stays as it was. */
  bytes: Uint8Array;
}

/** Checks payload bytes: decodes them as UTF-8 first, reporting what does not decode. */
export function checkPayloadBytes(bytes: Uint8Array, options: BytesCheckOptions = {}): BytesCheck {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`checkPayloadBytes: bytes must be a Uint8Array or Buffer, e.g. await readFile(path) (for text, use checkPayloadText) (got ${givenValue(bytes)})`);
  }
  checkOptions("checkPayloadBytes", options, BYTES_CHECK_OPTIONS, 'e.g. { source: "file" }');
  const extra: Finding[] = [];
  let body = bytes;
  if (options.source === "file" && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    body = body.subarray(3);
    extra.push(finding("file-byte-order-mark", "",
      "The file starts with a UTF-8 byte-order mark; it was ignored here, but it must not go into the QR code: " +
        "whether a device accepts a code whose text starts with one is not known (see byte-order-mark).",
      "save the file as UTF-8 without BOM, or make sure your QR generator drops it"));
  }
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(body);
  // Invalid bytes decode to U+FFFD; only then is a strict decode needed to tell them from a real U+FFFD.
  const encoding = text.includes("\uFFFD") ? utf8Finding(body) : null;
  if (encoding) extra.push(encoding);
  const { source, ...textOptions } = options;
  const checked = checkPayloadText(text, source === "file" ? { measure: "compact-json", ...textOptions } : textOptions);
  const findings = sortFindings([...extra, ...checked.findings]);
  return { ...checked, findings, valid: isValid(findings, options.strict ?? false), text, bytes: body };
}
