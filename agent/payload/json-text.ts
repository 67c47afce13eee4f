/**
 * From payload text to a JSON object, with the text-level problems the device would trip over:
 * a byte-order mark, text that is not JSON, JSON that is not an object, absurd nesting, and keys
 * given twice. Never recursive (a hostile payload may nest thousands of levels deep).
 */
import { jsonSyntaxError } from "../protocol/json-text.js";
import { jsonPointer } from "./findings.js";
import { topLevelNumberTexts } from "./number-text.js";

/** A real payload nests two levels (the admin extras bundle); this leaves ample room. */
export const MAX_JSON_DEPTH = 32;

export type JsonTextProblem =
  | { kind: "empty" }
  /** `column` counts characters (code points), for people; `offset` is in UTF-16 code units. */
  | { kind: "syntax"; detail: string; line: number; column: number; offset: number }
  | { kind: "not-object"; actual: string }
  | { kind: "too-deep"; depth: number };

export type JsonTextResult =
  | {
      ok: true;
      json: Record<string, unknown>;
      duplicateKeys: string[];
      /** Top-level numbers as written, by key: what JavaScript numbers cannot always hold. */
      numberTexts: Map<string, string>;
    }
  | { ok: false; problem: JsonTextProblem; json: unknown };

export const BYTE_ORDER_MARK = "\uFEFF";

/** Parses payload text (already stripped of a BOM by the caller if it chose to). */
export function parseJsonText(text: string): JsonTextResult {
  if (text.trim() === "") return { ok: false, problem: { kind: "empty" }, json: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: { kind: "syntax", ...jsonSyntaxError(text, error) }, json: undefined };
  }
  const depth = maxDepth(json);
  if (depth > MAX_JSON_DEPTH) return { ok: false, problem: { kind: "too-deep", depth }, json: undefined };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, problem: { kind: "not-object", actual: describeJsonType(json) }, json };
  }
  return {
    ok: true,
    json: json as Record<string, unknown>,
    duplicateKeys: findDuplicateKeys(text),
    numberTexts: topLevelNumberTexts(text),
  };
}

export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

/** Nesting depth of a parsed JSON value (a scalar is 0), without recursion. */
export function maxDepth(value: unknown): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > MAX_JSON_DEPTH) return deepest; // enough to refuse; no need to walk the rest
    for (const child of Object.values(v)) stack.push({ value: child, depth: here });
  }
  return deepest;
}

interface Frame {
  kind: "object" | "array";
  pointer: string;
  keys: Set<string>;
  /** The last key read in an object, or the element index in an array. */
  current: string;
  index: number;
}

/**
 * JSON pointers of keys that appear more than once in the same object. JSON.parse keeps the
 * last value silently; other parsers keep the first or refuse. The text is known to be valid
 * JSON, so a light scan over strings and brackets suffices.
 */
export function findDuplicateKeys(text: string, limit = 20): string[] {
  const duplicates: string[] = [];
  const stack: Frame[] = [];
  const childPointer = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    return top.pointer + jsonPointer(top.kind === "array" ? String(top.index) : top.current);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\"") {
      let j = i + 1;
      while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k] ?? "")) k++;
      if (top?.kind === "object" && text[k] === ":") {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key) && duplicates.length < limit) duplicates.push(top.pointer + jsonPointer(key));
        top.keys.add(key);
        top.current = key;
      }
      i = j;
    } else if (ch === "{" || ch === "[") {
      stack.push({ kind: ch === "{" ? "object" : "array", pointer: childPointer(), keys: new Set(), current: "", index: 0 });
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    } else if (ch === ",") {
      const top = stack[stack.length - 1];
      if (top?.kind === "array") top.index++;
    }
  }
  return duplicates;
}

/**
 * Valid JSON text without its insignificant whitespace, every token exactly as written: what a
 * QR code should hold. Re-serialising the parsed value instead loses what JavaScript numbers
 * cannot hold (1e400 becomes null, 9007199254740993 becomes ...992) and rewrites escapes.
 * A leading byte-order mark is dropped.
 */
export function compactJsonText(text: string): string {
  let out = "";
  let inString = false;
  for (let i = text.startsWith("\uFEFF") ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") {
      out += c;
    }
  }
  return out;
}

/**
 * compactJsonText on bytes, which need not be valid UTF-8: every byte outside the whitespace
 * removed is kept as it was. Read as Latin-1, each byte is one character, and JSON's structure
 * (quotes, backslashes, whitespace) is ASCII, which no byte of a UTF-8 sequence (0x80 and up)
 * can be mistaken for; decoding as UTF-8 first would turn invalid bytes into U+FFFD.
 */
export function compactJsonBytes(bytes: Uint8Array): Uint8Array {
  return Buffer.from(compactJsonText(Buffer.from(bytes).toString("latin1")), "latin1");
}
