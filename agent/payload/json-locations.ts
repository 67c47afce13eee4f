/**
 * Where a JSON pointer lands in a JSON text, as a 1-based line and column: what code-scanning
 * tools (SARIF) need to show a finding on the right line of a payload kept in a repository.
 * Columns here are in UTF-16 code units, SARIF's default columnKind (the log declares it): an
 * emoji counts two. The human report's columns count characters instead (protocol/json-text.ts).
 */
import { findNodeAtLocation, parseTree, type Node } from "jsonc-parser";
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
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The position of the key the pointer names (its property name, so the line reads `"KEY": ...`),
 * or of the closest ancestor that exists (a finding about a missing key points at its object);
 * null when the text is not JSON at all.
 */
export function pointerPosition(text: string, pointer: string): TextPosition | null {
  let root: Node | undefined;
  try {
    root = parseTree(text);
  } catch (error) {
    // jsonc-parser recurses once per level: nesting deeper than its stack (the payload's own
    // json-depth finding says so) is placed at the text's start rather than crashing the report.
    if (error instanceof RangeError) return { line: 1, column: 1 };
    throw error;
  }
  if (root === undefined) return null;
  const tokens = pointerTokens(pointer);
  for (let n = tokens.length; n >= 0; n--) {
    const path = tokens.slice(0, n).map((t) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : t));
    let node: Node | undefined;
    try {
      node = findNodeAtLocation(root, path);
    } catch {
      node = undefined;
    }
    if (node === undefined) continue;
    const target = node.parent?.type === "property" ? node.parent : node;
    return positionOf(text, target.offset);
  }
  return positionOf(text, root.offset);
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
