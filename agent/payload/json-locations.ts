/**
 * Where a JSON pointer lands in a JSON text, as a 1-based line and column: what code-scanning
 * tools (SARIF) need to show a finding on the right line of a payload kept in a repository.
 * Columns here are in UTF-16 code units, SARIF's default columnKind (the log declares it): an
 * emoji counts two. The human report's columns count characters instead (protocol/json-text.ts).
 */
import { parseTree, type Node } from "jsonc-parser";
import { lineAt } from "../protocol/json-text.js";
import type { Finding } from "./findings.js";
import { BYTE_ORDER_MARK, parseJsonText } from "./json-text.js";

export interface TextPosition {
  line: number;
  column: number;
}

/** The pointer's tokens ("/a~1b/0" -> ["a/b", "0"]). */
function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function positionOf(text: string, offset: number): TextPosition {
  // CR, LF and CRLF each end a line, as editors show them (a classic Mac file is CR-only).
  const { line, lineStart } = lineAt(text, offset);
  return { line, column: offset - lineStart + 1 };
}

/** The properties of an object node named `key`, in the text's order. */
function propertiesNamed(node: Node, key: string): Node[] {
  return (node.children ?? []).filter((p) => p.type === "property" && p.children?.[0]?.value === key);
}

/**
 * The node a token leads to from `node`, by the node's own type: an object's key is a string
 * whatever it looks like ("0" is a key, not an index); an array takes an index. Of a key given
 * twice, the last occurrence, the value JSON.parse and Android's org.json keep and the rules checked.
 */
function child(node: Node, token: string): Node | undefined {
  if (node.type === "object") return propertiesNamed(node, token).at(-1)?.children?.[1];
  if (node.type === "array" && /^(0|[1-9]\d*)$/.test(token)) return node.children?.[Number(token)];
  return undefined;
}

/**
 * The text's JSON tree (undefined when it is not JSON at all), or "too-deep": jsonc-parser
 * recurses once per level, and nesting deeper than its stack (the payload's own json-depth
 * finding says so) is placed at the text's start rather than crashing the report.
 */
function jsonTree(text: string): Node | undefined | "too-deep" {
  try {
    return parseTree(text);
  } catch (error) {
    if (error instanceof RangeError) return "too-deep";
    throw error;
  }
}

/**
 * The position of the key the pointer names (its property name, so the line reads `"KEY": ...`),
 * or of the closest ancestor that exists (a finding about a missing key points at its object);
 * null when the text is not JSON at all. A key given twice is placed at its last occurrence.
 */
export function pointerPosition(text: string, pointer: string): TextPosition | null {
  const root = jsonTree(text);
  if (root === "too-deep") return { line: 1, column: 1 };
  if (root === undefined) return null;
  let node = root;
  for (const token of pointerTokens(pointer)) {
    const next = child(node, token);
    if (next === undefined) break;
    node = next;
  }
  const target = node.parent?.type === "property" ? node.parent : node;
  return positionOf(text, target.offset);
}

/**
 * The earlier occurrences of the key a pointer names, whose values are discarded (a
 * `duplicate-key` finding is placed at the last, the one kept): their positions, in order.
 */
export function discardedOccurrences(text: string, pointer: string): TextPosition[] {
  const tokens = pointerTokens(pointer);
  const key = tokens.pop();
  const root = jsonTree(text);
  let node = root === "too-deep" ? undefined : root;
  for (const token of tokens) node = node === undefined ? undefined : child(node, token);
  if (node === undefined || key === undefined || node.type !== "object") return [];
  return propertiesNamed(node, key).slice(0, -1).map((p) => positionOf(text, p.offset));
}

/**
 * Where a finding points in the payload text: a JSON syntax error where the parser stopped (the
 * line its message gives; the column in UTF-16 code units, where the message counts characters),
 * any other finding at the key its pointer names.
 *
 * `text` is the text as checked: a file's own byte-order mark is dropped before it (SARIF 2.1.0
 * §3.30.2: text regions "SHALL NOT depend on the presence or absence of a byte order mark"), so
 * a U+FEFF that starts it is a character of the file (a second mark), and counts as one.
 */
export function findingPosition(text: string, finding: Pick<Finding, "rule" | "path">): TextPosition | null {
  if (finding.rule === "json-syntax") {
    // As checkPayloadText parses it: a leading byte-order mark is not part of the JSON, but the
    // place is in the text, where the mark takes a column.
    const skipped = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK.length : 0;
    const parsed = parseJsonText(text.slice(skipped));
    if (!parsed.ok && parsed.problem.kind === "syntax") return positionOf(text, skipped + parsed.problem.offset);
  }
  return pointerPosition(text, finding.path);
}
