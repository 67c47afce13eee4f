/**
 * Checks a parsed `$filter` against a collection (does the property exist, does it take this
 * operator, is the value of its type) and turns it into a predicate over Graph-shaped items.
 * Text, enums and GUIDs compare ignoring case, as Graph does; dates compare as instants.
 */
import type { FilterNode, Literal } from "./filter.js";
import { ADVANCED_OPERATORS, findProperty, notSimulated, unsimulatedProperty, type CollectionDef, type PropertyDef } from "./model.js";

export type Item = Record<string, unknown>;
export type Predicate = (item: Item) => boolean;

/** A filter that parses but cannot be answered here; `at` is the character offset. */
export class FilterMeaningError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A comparison the property does not take (no `$filter` at all, or not this operator): the
 * directory answers it with its own code (Request_UnsupportedQuery), naming the property.
 */
export class FilterUnsupportedError extends FilterMeaningError {
  constructor(
    at: number,
    readonly property: string,
    message: string,
  ) {
    super(at, message);
  }
}

/** Operators that need Entra ID's advanced-query parameters (the caller decides whether they were sent). */
export function advancedOperatorsIn(node: FilterNode): string[] {
  switch (node.kind) {
    case "or":
    case "and":
      return [...advancedOperatorsIn(node.left), ...advancedOperatorsIn(node.right)];
    case "not":
      return ["not", ...advancedOperatorsIn(node.operand)];
    case "compare":
      return ADVANCED_OPERATORS.has(node.operator) ? [node.operator] : [];
  }
}

export function compileFilter(def: CollectionDef, node: FilterNode): Predicate {
  switch (node.kind) {
    case "or": {
      const [left, right] = [compileFilter(def, node.left), compileFilter(def, node.right)];
      return (item) => left(item) || right(item);
    }
    case "and": {
      const [left, right] = [compileFilter(def, node.left), compileFilter(def, node.right)];
      return (item) => left(item) && right(item);
    }
    case "not": {
      const operand = compileFilter(def, node.operand);
      return (item) => !operand(item);
    }
    case "compare":
      return compileComparison(def, node);
  }
}

/**
 * An `eq` or `in` comparison every item the filter keeps must pass (the filter itself, or a term
 * of its top-level `and`s) on one of `names`, with its values as comparisons see them: what a
 * store may look up through an index. The filter has been compiled (checked) before.
 */
export function requiredEquality(def: CollectionDef, node: FilterNode, names: readonly string[]): { property: string; values: Comparable[] } | undefined {
  if (node.kind === "and") return requiredEquality(def, node.left, names) ?? requiredEquality(def, node.right, names);
  if (node.kind !== "compare" || (node.operator !== "eq" && node.operator !== "in")) return undefined;
  const found = findProperty(def, node.property);
  if (!found || !names.includes(found[0])) return undefined;
  return comparisonValues(def, node);
}

/**
 * A comparison's property and its values as comparisons see them (lower-case text, dates as
 * milliseconds): what a store compares in its own query language. The filter has been compiled
 * (checked) before; undefined for a property the collection does not have.
 */
export function comparisonValues(
  def: CollectionDef,
  node: Extract<FilterNode, { kind: "compare" }>,
): { property: string; values: Comparable[] } | undefined {
  const found = findProperty(def, node.property);
  if (!found) return undefined;
  const [name, property] = found;
  return { property: name, values: node.values.map((literal) => comparable(name, property, literal, node.at)) };
}

function filterableList(def: CollectionDef): string {
  return Object.entries(def.properties)
    .filter(([, p]) => p.filter && p.filter.length > 0)
    .map(([name]) => name)
    .join(", ");
}

function compileComparison(def: CollectionDef, node: Extract<FilterNode, { kind: "compare" }>): Predicate {
  const found = findProperty(def, node.property);
  const unsimulated = unsimulatedProperty(def, node.property);
  if (unsimulated) throw new FilterMeaningError(node.at, `${notSimulated(def, unsimulated[0])}; properties you can filter on: ${filterableList(def)}`);
  if (!found) {
    throw new FilterMeaningError(
      node.at,
      `could not find a property named '${node.property}' on type '${def.entityType}'; properties you can filter on: ${filterableList(def)}`,
    );
  }
  const [name, property] = found;
  if (!property.filter?.includes(node.operator)) {
    const allowed = property.filter ?? [];
    throw new FilterUnsupportedError(
      node.at,
      name,
      allowed.length === 0
        ? `'${name}' does not support filtering; properties you can filter on: ${filterableList(def)}`
        : `'${name}' does not support the operator '${node.operator}'; it supports ${allowed.join(", ")}`,
    );
  }
  const values = node.values.map((literal) => comparable(name, property, literal, node.at));
  const read = (item: Item) => normalise(property, item[name]);
  switch (node.operator) {
    case "eq":
      return (item) => read(item) === values[0];
    case "ne":
      return (item) => read(item) !== values[0];
    case "in": {
      const set = new Set(values);
      return (item) => set.has(read(item));
    }
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      const bound = values[0];
      if (bound === null || bound === undefined) throw new FilterMeaningError(node.at, `'${node.operator}' needs a value, not null`);
      const test = RANGE_TESTS[node.operator];
      return (item) => {
        const value = read(item);
        return value !== null && value !== undefined && test(value, bound);
      };
    }
    case "startswith":
    case "endswith":
    case "contains": {
      const needle = values[0];
      if (typeof needle !== "string") throw new FilterMeaningError(node.at, `${node.operator} takes a text value in quotes`);
      const test = TEXT_TESTS[node.operator];
      return (item) => {
        const value = read(item);
        return typeof value === "string" && test(value, needle);
      };
    }
  }
}

/** A value as comparisons see it (lower-case text, dates as milliseconds). */
export type Comparable = string | number | boolean | null;

const RANGE_TESTS: Record<"gt" | "ge" | "lt" | "le", (a: NonNullable<Comparable>, b: NonNullable<Comparable>) => boolean> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

const TEXT_TESTS: Record<"startswith" | "endswith" | "contains", (a: string, b: string) => boolean> = {
  startswith: (a, b) => a.startsWith(b),
  endswith: (a, b) => a.endsWith(b),
  contains: (a, b) => a.includes(b),
};

/** An item's value in the form comparisons use (lower-case text, dates as milliseconds). */
export function normalise(property: PropertyDef, value: unknown): Comparable {
  if (value === null || value === undefined) return null;
  switch (property.type) {
    case "dateTime": {
      const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? null : ms;
    }
    case "int":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "complex":
      return null;
    default:
      return typeof value === "string" ? value.toLowerCase() : String(value).toLowerCase();
  }
}

/** A literal as a value of the property's type, or an error saying what the property takes. */
function comparable(name: string, property: PropertyDef, literal: Literal, at: number): Comparable {
  if (literal.kind === "null") return null;
  const wrong = (expected: string) =>
    new FilterMeaningError(at, `'${name}' is ${expected}; ${describeLiteral(literal)} is not a value of that type`);
  switch (property.type) {
    case "string":
      if (literal.kind === "string") return literal.value.toLowerCase();
      throw wrong("text (write the value in single quotes)");
    case "guid":
      if (literal.kind === "guid" || literal.kind === "string") return literal.value.toLowerCase();
      throw wrong("a GUID");
    case "enum": {
      const text = literal.kind === "string" || literal.kind === "enum" ? literal.value : undefined;
      const member = property.members?.find((m) => m.toLowerCase() === text?.toLowerCase());
      if (member !== undefined) return member.toLowerCase();
      throw new FilterMeaningError(
        at,
        `${describeLiteral(literal)} is not a value of '${name}'; its values are ${(property.members ?? []).map((m) => `'${m}'`).join(", ")}`,
      );
    }
    case "dateTime":
      if (literal.kind === "dateTime") return literal.value;
      throw wrong("a date-time (write it unquoted, e.g. 2026-01-31T10:00:00Z)");
    case "int":
      if (literal.kind === "number" && Number.isInteger(literal.value)) return literal.value;
      throw wrong("an integer");
    case "boolean":
      if (literal.kind === "boolean") return literal.value;
      throw wrong("true or false");
    case "complex":
      throw wrong("not a simple value");
  }
}

function describeLiteral(literal: Literal): string {
  switch (literal.kind) {
    case "string":
      return `'${literal.value}'`;
    case "number":
    case "dateTime":
      return literal.text;
    case "boolean":
      return String(literal.value);
    case "guid":
      return literal.value;
    case "enum":
      return `${literal.type}'${literal.value}'`;
    case "null":
      return "null";
  }
}
