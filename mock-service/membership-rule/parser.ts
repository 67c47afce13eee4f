/**
 * Parser for Entra ID dynamic membership rules (device rules), e.g.
 *
 *     (device.enrollmentProfileName -eq "Factory 1 devices") -and -not (device.deviceModel -in ["A", "B"])
 *
 * Syntax, as Entra documents it:
 *   - comparison: `device.<property> <operator> <value>`; operators -eq -ne -startsWith
 *     -notStartsWith -endsWith -notEndsWith -contains -notContains -match -notMatch -in -notIn,
 *     case-insensitive, with or without the leading hyphen;
 *   - logic: -not, -and, -or and parentheses; precedence from highest to lowest:
 *     comparison, -not, -and, -or;
 *   - values: strings in double quotes (a `"` inside is written `` `" ``) or single quotes (a `'`
 *     inside is written `''`), unquoted null (also `$null`), true, false, numbers, and for -in/-notIn
 *     a list `["a", "b"]`;
 *   - a rule is at most 3072 characters.
 *
 * Every error carries the offset where the rule goes wrong and what was expected there.
 */
import { closest } from "fastest-levenshtein";
import { RE2JS } from "re2js";
import { DEVICE_PROPERTIES, lookupProperty, PROPERTY_NAMES_FOR_HELP, type PropertyInfo } from "./device-properties.js";

export const MAX_RULE_LENGTH = 3072;

const OPERATOR_NAMES = [
  "eq",
  "ne",
  "startsWith",
  "notStartsWith",
  "endsWith",
  "notEndsWith",
  "contains",
  "notContains",
  "match",
  "notMatch",
  "in",
  "notIn",
] as const;

export type Operator = (typeof OPERATOR_NAMES)[number];

/** By lower-case name: operators are written in any case. */
const OPERATORS: ReadonlyMap<string, Operator> = new Map(OPERATOR_NAMES.map((op) => [op.toLowerCase(), op]));

const OPERATOR_LIST = OPERATOR_NAMES.map((op) => `-${op}`).join(", ");

export type Value =
  | { kind: "string"; value: string }
  | { kind: "null" }
  | { kind: "boolean"; value: boolean }
  | { kind: "list"; values: string[] };

export type RuleNode =
  | { kind: "or"; left: RuleNode; right: RuleNode }
  | { kind: "and"; left: RuleNode; right: RuleNode }
  | { kind: "not"; operand: RuleNode }
  | { kind: "compare"; property: PropertyInfo; operator: Operator; value: Value; regex?: RE2JS };

export class MembershipRuleError extends Error {
  override readonly name = "MembershipRuleError";
  constructor(
    /** 0-based offset in the rule. */
    readonly offset: number,
    /** 1-based line and column of the offset. */
    readonly line: number,
    readonly column: number,
    /** What the parser wanted there. */
    readonly expected: string,
    message: string,
  ) {
    super(message);
  }
}

// ---- tokens -------------------------------------------------------------------------------

type TokenKind = "(" | ")" | "[" | "]" | "," | "." | "string" | "word" | "dashWord" | "number" | "end";

interface Token {
  kind: TokenKind;
  /** Word text (without its hyphen), string contents, number text or the punctuation itself. */
  text: string;
  offset: number;
  /** The characters as written in the rule. */
  raw: string;
}

// Entra's own documentation prints operators with an en dash (–eq); rules are often pasted from it.
const DASHES = new Set(["-", "\u2013", "\u2014"]);

function isWordStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c);
}
function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

function tokenize(rule: string, fail: (offset: number, expected: string, message: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if ("()[],.".includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, offset: start, raw: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(rule, i, fail);
      tokens.push({ kind: "string", text: value, offset: start, raw: rule.slice(start, end) });
      i = end;
      continue;
    }
    if (c === "\u201c" || c === "\u201d" || c === "\u2018" || c === "\u2019") {
      fail(start, "a straight quote", `typographic quote ${c} at ${where(rule, start)}; strings use straight quotes (" or ')`);
    }
    if (DASHES.has(c)) {
      let j = i + 1;
      while (j < rule.length && isWordPart(rule[j]!)) j++;
      if (j === i + 1) {
        fail(start, "an operator after the hyphen", `a hyphen must start an operator such as -eq, at ${where(rule, start)}`);
      }
      tokens.push({ kind: "dashWord", text: rule.slice(i + 1, j), offset: start, raw: rule.slice(start, j) });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < rule.length && /[0-9.]/.test(rule[j]!)) j++;
      tokens.push({ kind: "number", text: rule.slice(i, j), offset: start, raw: rule.slice(start, j) });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i;
      while (j < rule.length && isWordPart(rule[j]!)) j++;
      tokens.push({ kind: "word", text: rule.slice(i, j), offset: start, raw: rule.slice(start, j) });
      i = j;
      continue;
    }
    fail(start, "a property, operator or value", `unexpected character ${JSON.stringify(c)} at ${where(rule, start)}`);
  }
  tokens.push({ kind: "end", text: "", offset: rule.length, raw: "" });
  return tokens;
}

function readString(
  rule: string,
  start: number,
  fail: (offset: number, expected: string, message: string) => never,
): { value: string; end: number } {
  const quote = rule[start]!;
  let value = "";
  let i = start + 1;
  while (i < rule.length) {
    const c = rule[i]!;
    if (quote === '"' && c === "`" && i + 1 < rule.length) {
      // Backtick escapes the next character: `" is a double quote inside a string.
      value += rule[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && rule[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  fail(
    start,
    `a closing ${quote}`,
    `the string that starts at ${where(rule, start)} is never closed (add a closing ${quote}; write a quote inside a string as ${quote === '"' ? '`"' : "''"})`,
  );
}

/** "line 2, column 5" for multi-line rules, "column 5" otherwise. */
function where(rule: string, offset: number): string {
  const { line, column } = lineColumn(rule, offset);
  return rule.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
}

function lineColumn(rule: string, offset: number): { line: number; column: number } {
  const before = rule.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

function describe(token: Token): string {
  if (token.kind === "end") return "the end of the rule";
  const raw = token.raw.length > 40 ? `${token.raw.slice(0, 40)}...` : token.raw;
  return JSON.stringify(raw);
}

// ---- parser -------------------------------------------------------------------------------

/** Parses a device membership rule; throws MembershipRuleError with the position of the problem. */
export function parseMembershipRule(rule: string): RuleNode {
  type Fail = (offset: number, expected: string, message: string) => never;
  const fail: Fail = (offset, expected, message) => {
    const { line, column } = lineColumn(rule, offset);
    throw new MembershipRuleError(offset, line, column, expected, message);
  };
  if (rule.length > MAX_RULE_LENGTH) {
    fail(
      MAX_RULE_LENGTH,
      `at most ${MAX_RULE_LENGTH} characters`,
      `the rule is ${rule.length} characters long; Entra allows at most ${MAX_RULE_LENGTH}`,
    );
  }
  if (rule.trim() === "") fail(0, "a rule", "the rule is empty; write e.g. device.deviceModel -eq \"Pixel 8\"");

  const tokens = tokenize(rule, fail);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;

  /** A logical keyword (and, or, not) written with or without its hyphen. */
  const isKeyword = (token: Token, keyword: string): boolean =>
    (token.kind === "dashWord" || token.kind === "word") && token.text.toLowerCase() === keyword;

  const expectedAfterComparison = "-and, -or, a closing parenthesis or the end of the rule";

  function parseOr(): RuleNode {
    let left = parseAnd();
    while (isKeyword(peek(), "or")) {
      next();
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): RuleNode {
    let left = parseNot();
    while (isKeyword(peek(), "and")) {
      next();
      left = { kind: "and", left, right: parseNot() };
    }
    return left;
  }

  function parseNot(): RuleNode {
    if (isKeyword(peek(), "not")) {
      next();
      return { kind: "not", operand: parseNot() };
    }
    return parsePrimary();
  }

  function parsePrimary(): RuleNode {
    const token = peek();
    if (token.kind === "(") {
      next();
      const inner = parseOr();
      const close = peek();
      if (close.kind !== ")") {
        fail(
          close.offset,
          "a closing parenthesis",
          `expected ")" to close the "(" at ${where(rule, token.offset)}, found ${describe(close)} at ${where(rule, close.offset)}`,
        );
      }
      next();
      return inner;
    }
    return parseComparison();
  }

  function parseComparison(): RuleNode {
    const property = parseProperty();
    const opToken = next();
    if (opToken.kind !== "dashWord" && opToken.kind !== "word") {
      fail(
        opToken.offset,
        "an operator",
        `expected an operator (${OPERATOR_LIST}) after device.${property.name} at ${where(rule, opToken.offset)}, found ${describe(opToken)}`,
      );
    }
    const lower = opToken.text.toLowerCase();
    const operator = OPERATORS.get(lower);
    if (!operator) {
      let message = `unknown operator ${describe(opToken)} at ${where(rule, opToken.offset)}`;
      if (lower === "any" || lower === "all") {
        message += `: -any and -all apply to multi-valued properties, and device.${property.name} has one value`;
      } else if (["le", "ge", "lt", "gt"].includes(lower)) {
        message += `: -${lower} applies to date properties, which device rules do not have`;
      } else {
        message += `; did you mean -${closest(lower, [...OPERATOR_NAMES])}? Operators: ${OPERATOR_LIST}`;
      }
      fail(opToken.offset, "an operator", message);
    }
    const valueToken = peek();
    const value = parseValue(operator);
    checkTypes(property, operator, value, valueToken);
    const node: Extract<RuleNode, { kind: "compare" }> = { kind: "compare", property, operator, value };
    if ((operator === "match" || operator === "notMatch") && value.kind === "string") {
      node.regex = compileRegex(value.value, valueToken);
    }
    const after = peek();
    if (after.kind !== "end" && after.kind !== ")" && !isKeyword(after, "and") && !isKeyword(after, "or")) {
      fail(
        after.offset,
        expectedAfterComparison,
        `expected ${expectedAfterComparison} after the comparison, found ${describe(after)} at ${where(rule, after.offset)}`,
      );
    }
    return node;
  }

  function parseProperty(): PropertyInfo {
    const object = next();
    if (object.kind !== "word") {
      fail(
        object.offset,
        "a property such as device.deviceModel",
        `expected a property such as device.deviceModel at ${where(rule, object.offset)}, found ${describe(object)}`,
      );
    }
    const dot = next();
    const name = next();
    if (dot.kind !== "." || name.kind !== "word") {
      fail(
        object.offset,
        "a property such as device.deviceModel",
        `expected a property written object.property (e.g. device.deviceModel) at ${where(rule, object.offset)}, found ${describe(object)}`,
      );
    }
    if (object.text.toLowerCase() !== "device") {
      // A rule of user properties alone is a dynamic user group, which Entra ID takes but the mock
      // does not simulate; only a rule naming both kinds mixes users and devices.
      const hint =
        object.text.toLowerCase() !== "user"
          ? "properties start with device."
          : /\bdevice\s*\./i.test(rule)
            ? "dynamic device groups use device properties only; a rule cannot mix users and devices"
            : "dynamic user groups are not simulated: the mock serves dynamic device groups (rules of device.* properties) only";
      fail(object.offset, "device.<property>", `${describe(object)} at ${where(rule, object.offset)}: ${hint}`);
    }
    const info = lookupProperty(name.text);
    if (!info) {
      const suggestion = closest(name.text, [...DEVICE_PROPERTIES.values()].map((p) => p.name));
      fail(
        name.offset,
        "a device property",
        `unknown device property "${name.text}" at ${where(rule, name.offset)}; did you mean ${suggestion}? Known: ${PROPERTY_NAMES_FOR_HELP.join(", ")}`,
      );
    }
    return info;
  }

  function parseValue(operator: Operator): Value {
    const token = next();
    if (token.kind === "string") return { kind: "string", value: token.text };
    if (token.kind === "number") return { kind: "string", value: token.text };
    if (token.kind === "word") {
      const lower = token.text.toLowerCase();
      if (lower === "null" || lower === "$null") return { kind: "null" };
      if (lower === "true" || lower === "false") return { kind: "boolean", value: lower === "true" };
      fail(
        token.offset,
        "a value",
        `expected a value at ${where(rule, token.offset)}, found ${describe(token)}: put strings in double quotes ("${token.text}")`,
      );
    }
    if (token.kind === "[") return parseList(token, operator);
    return fail(
      token.offset,
      "a value",
      `expected a value (a string in double quotes, null, true, false${operator === "in" || operator === "notIn" ? ' or a list ["a", "b"]' : ""}) at ${where(rule, token.offset)}, found ${describe(token)}`,
    );
  }

  function parseList(open: Token, operator: Operator): Value {
    if (operator !== "in" && operator !== "notIn") {
      fail(open.offset, "a single value", `a list at ${where(rule, open.offset)} needs -in or -notIn, not -${operator}`);
    }
    const values: string[] = [];
    if (peek().kind === "]") {
      fail(peek().offset, "a string", `the list that starts at ${where(rule, open.offset)} is empty`);
    }
    for (;;) {
      const item = next();
      if (item.kind !== "string" && item.kind !== "number") {
        fail(
          item.offset,
          "a string in quotes",
          `expected a string in quotes in the list at ${where(rule, item.offset)}, found ${describe(item)}`,
        );
      }
      values.push(item.text);
      const sep = next();
      if (sep.kind === "]") return { kind: "list", values };
      if (sep.kind !== ",") {
        fail(
          sep.offset,
          'a comma or "]"',
          `expected "," or "]" in the list that starts at ${where(rule, open.offset)}, found ${describe(sep)} at ${where(rule, sep.offset)}`,
        );
      }
    }
  }

  function checkTypes(property: PropertyInfo, operator: Operator, value: Value, at: Token): void {
    const listOperator = operator === "in" || operator === "notIn";
    if (listOperator && value.kind !== "list") {
      fail(at.offset, 'a list ["a", "b"]', `-${operator} needs a list such as ["a", "b"] at ${where(rule, at.offset)}`);
    }
    if (value.kind === "null" && operator !== "eq" && operator !== "ne") {
      fail(at.offset, "-eq or -ne", `null can only be compared with -eq or -ne, not -${operator} (at ${where(rule, at.offset)})`);
    }
    if (property.type === "boolean") {
      if (operator !== "eq" && operator !== "ne") {
        fail(at.offset, "-eq or -ne", `device.${property.name} is true or false: compare it with -eq or -ne`);
      }
      if (value.kind !== "boolean") {
        fail(at.offset, "true or false", `device.${property.name} is true or false, found ${describe(at)} at ${where(rule, at.offset)}`);
      }
    } else if (value.kind === "boolean") {
      fail(
        at.offset,
        "a string in double quotes",
        `device.${property.name} is a string; compare it with a string in double quotes, not ${describe(at)} (at ${where(rule, at.offset)})`,
      );
    }
  }

  function compileRegex(source: string, at: Token): RE2JS {
    try {
      // String and regex operations are case-insensitive in Entra rules. RE2 matches in time
      // linear in the value, so no pattern needs refusing for its shape; it has no lookaround
      // and no backreferences (they are what makes backtracking engines exponential).
      return RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      return fail(
        at.offset,
        "a valid regular expression (RE2 syntax)",
        `invalid regular expression at ${where(rule, at.offset)}: ${(error as Error).message} (rules use RE2 syntax: no lookaround, no backreferences)`,
      );
    }
  }

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== "end") {
    const message =
      rest.kind === ")"
        ? `unbalanced ")" at ${where(rule, rest.offset)}: there is no "(" for it to close`
        : `expected ${expectedAfterComparison}, found ${describe(rest)} at ${where(rule, rest.offset)}`;
    fail(rest.offset, expectedAfterComparison, message);
  }
  return tree;
}
