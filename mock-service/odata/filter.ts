/**
 * OData `$filter` as Microsoft Graph reads it, e.g.
 *
 *     startswith(deviceName,'AOSP_') and (managementState eq 'managed' or managementState eq 'wipePending')
 *     enrolledDateTime ge 2026-01-01T00:00:00Z and not (model in ('A', 'B'))
 *
 * Grammar (keywords and function names in any case; precedence from highest: comparison, not,
 * and, or):
 *   expr     := and ('or' and)*
 *   and      := unary ('and' unary)*
 *   unary    := 'not' unary | '(' expr ')' | function | compare
 *   function := (startswith|endswith|contains) '(' property ',' literal ')'
 *   compare  := property (eq|ne|gt|ge|lt|le) literal | property 'in' '(' literal (',' literal)* ')'
 *   literal  := 'text' ('' for a quote) | number | true | false | null
 *             | 2026-01-31T10:00:00Z (a date-time, unquoted) | a GUID (unquoted)
 *             | namespace.enumType'member' (e.g. microsoft.graph.managementState'managed')
 *
 * Lambda operators (`groupTypes/any(c:c eq 'x')`) and property paths (`qrCodeImage/type`) are
 * not in it, and are refused as such.
 *
 * The parser knows nothing about a collection: it gives a tree. query.ts checks the tree against
 * the collection's properties (which property takes which operator) and evaluates it.
 * Every error names the character where the filter goes wrong and what was expected there.
 */

export const MAX_FILTER_LENGTH = 2048;

export const COMPARISONS = ["eq", "ne", "gt", "ge", "lt", "le"] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const FUNCTIONS = ["startswith", "endswith", "contains"] as const;
export type FilterFunction = (typeof FUNCTIONS)[number];
/** Every operator a property can allow: the comparisons, `in` and the string functions. */
export type FilterOperator = Comparison | "in" | FilterFunction;

export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number; text: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "dateTime"; value: number; text: string }
  | { kind: "guid"; value: string }
  | { kind: "enum"; type: string; value: string };

export type FilterNode =
  | { kind: "or" | "and"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode; at: number }
  | { kind: "compare"; operator: Comparison | "in" | FilterFunction; property: string; at: number; values: Literal[] };

/** A `$filter` that does not parse; `at` is the 0-based character offset. */
export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

type TokenKind = "(" | ")" | "," | "word" | "string" | "number" | "dateTime" | "guid" | "enum" | "end";

interface Token {
  kind: TokenKind;
  text: string;
  at: number;
  /** For enum literals: the type before the quote. */
  type?: string;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ kind: ch, text: ch, at: i });
      i++;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: "string", text: value, at: i });
      i = end;
      continue;
    }
    const rest = text.slice(i);
    const guid = GUID.exec(rest);
    if (guid) {
      tokens.push({ kind: "guid", text: guid[0].toLowerCase(), at: i });
      i += guid[0].length;
      continue;
    }
    const date = DATE_TIME.exec(rest);
    if (date && /^\d{4}-/.test(rest)) {
      tokens.push({ kind: "dateTime", text: date[0], at: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: "number", text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const end = i + word[0].length;
      if (text[end] === "'" && word[0].includes(".")) {
        // microsoft.graph.managementState'managed'
        const { value, end: after } = readQuoted(text, end);
        tokens.push({ kind: "enum", text: value, type: word[0], at: i });
        i = after;
        continue;
      }
      tokens.push({ kind: "word", text: word[0], at: i });
      i = end;
      continue;
    }
    if (ch === "/") throw pathError(text, i, tokens.at(-1));
    throw new FilterSyntaxError(i, `unexpected character '${ch}'; write text values in single quotes, e.g. deviceName eq 'AOSP_1'`);
  }
  tokens.push({ kind: "end", text: "", at: text.length });
  return tokens;
}

/**
 * A `/` after a property: a lambda (`groupTypes/any(c:c eq 'Unified')`) or a property path
 * (`qrCodeImage/type`), Graph idioms this filter does not take. Saying so, rather than "unexpected
 * character", keeps a script's author from hunting for a quoting mistake.
 */
function pathError(text: string, at: number, before: Token | undefined): FilterSyntaxError {
  const property = before?.kind === "word" ? before.text : undefined;
  const lambda = /^\/\s*(any|all)\s*\(/i.exec(text.slice(at));
  if (lambda) {
    // The one collection property a lambda is commonly written on: a group's type.
    const instead = property?.toLowerCase() === "grouptypes" ? "; to find dynamic groups, write membershipRuleProcessingState in ('On', 'Paused')" : "";
    return new FilterSyntaxError(
      at,
      `lambda operators (any, all) are not supported${property ? ` (on '${property}')` : ""}; filter on the item's own properties with eq, ne, in, startswith, endswith or contains${instead}`,
    );
  }
  return new FilterSyntaxError(
    at,
    `property paths${property ? ` ('${property}/...')` : ""} are not supported; filter on the item's own properties, e.g. deviceName eq 'AOSP_1'`,
  );
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) {
      throw new FilterSyntaxError(start, "this quoted value is never closed; end it with ' (write '' for a quote inside)");
    }
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i];
    i++;
  }
}

const lower = (token: Token) => (token.kind === "word" ? token.text.toLowerCase() : "");

/** Parses a `$filter` value into a tree; throws FilterSyntaxError. */
export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterSyntaxError(MAX_FILTER_LENGTH, `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  if (text.trim() === "") throw new FilterSyntaxError(0, "the filter is empty; leave $filter out to list everything");
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const describe = (token: Token) => (token.kind === "end" ? "the end of the filter" : `'${token.kind === "string" ? `'${token.text}'` : token.text}'`);
  const expect = (kind: TokenKind, what: string): Token => {
    const token = next();
    if (token.kind !== kind) throw new FilterSyntaxError(token.at, `expected ${what} but found ${describe(token)}`);
    return token;
  };

  function orExpr(): FilterNode {
    let left = andExpr();
    while (lower(peek()) === "or") {
      next();
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }

  function andExpr(): FilterNode {
    let left = unary();
    while (lower(peek()) === "and") {
      next();
      left = { kind: "and", left, right: unary() };
    }
    return left;
  }

  function unary(): FilterNode {
    const token = peek();
    if (lower(token) === "not") {
      next();
      return { kind: "not", operand: unary(), at: token.at };
    }
    if (token.kind === "(") {
      next();
      const inner = orExpr();
      expect(")", "')' to close the '(' opened at character " + (token.at + 1));
      return inner;
    }
    if (token.kind !== "word") {
      throw new FilterSyntaxError(token.at, `expected a property name, not, '(' or a function (startswith, endswith, contains) but found ${describe(token)}`);
    }
    next();
    const name = token.text;
    if (peek().kind === "(") {
      const fn = FUNCTIONS.find((f) => f === name.toLowerCase());
      if (!fn) {
        throw new FilterSyntaxError(token.at, `unknown function '${name}'; the functions are ${FUNCTIONS.join(", ")}`);
      }
      next();
      const property = expect("word", `a property name as the first argument of ${fn}`);
      expect(",", `',' after the property in ${fn}(${property.text}, 'text')`);
      const value = literal();
      expect(")", `')' to close ${fn}(`);
      return { kind: "compare", operator: fn, property: property.text, at: property.at, values: [value] };
    }
    const opToken = next();
    const op = lower(opToken);
    if (op === "in") {
      expect("(", `'(' to start the list of values after in, e.g. ${name} in ('a', 'b')`);
      const values = [literal()];
      while (peek().kind === ",") {
        next();
        values.push(literal());
      }
      expect(")", "')' to close the list of values");
      return { kind: "compare", operator: "in", property: name, at: token.at, values };
    }
    const comparison = COMPARISONS.find((c) => c === op);
    if (!comparison) {
      throw new FilterSyntaxError(
        opToken.at,
        `expected an operator after '${name}' (${COMPARISONS.join(", ")} or in) but found ${describe(opToken)}`,
      );
    }
    return { kind: "compare", operator: comparison, property: name, at: token.at, values: [literal()] };
  }

  function literal(): Literal {
    const token = next();
    switch (token.kind) {
      case "string":
        return { kind: "string", value: token.text };
      case "number":
        return { kind: "number", value: Number(token.text), text: token.text };
      case "guid":
        return { kind: "guid", value: token.text };
      case "enum":
        return { kind: "enum", type: token.type ?? "", value: token.text };
      case "dateTime": {
        const value = Date.parse(token.text);
        if (Number.isNaN(value)) throw new FilterSyntaxError(token.at, `'${token.text}' is not a date; write e.g. 2026-01-31T10:00:00Z`);
        return { kind: "dateTime", value, text: token.text };
      }
      case "word": {
        const word = token.text.toLowerCase();
        if (word === "true" || word === "false") return { kind: "boolean", value: word === "true" };
        if (word === "null") return { kind: "null" };
        throw new FilterSyntaxError(token.at, `expected a value but found '${token.text}'; quote text values: '${token.text}'`);
      }
      default:
        throw new FilterSyntaxError(token.at, `expected a value ('text', a number, true, false, null or a date) but found ${describe(token)}`);
    }
  }

  const tree = orExpr();
  const rest = peek();
  if (rest.kind !== "end") {
    throw new FilterSyntaxError(rest.at, `expected and, or or the end of the filter but found ${describe(rest)}`);
  }
  return tree;
}
