/**
 * `$filter` and `$orderby` answered by the store in SQL, with exactly the results the service's
 * own filtering and sorting give: a filter becomes a WHERE condition (text compared through the
 * database's graph_fold and graph_text functions, which fold case as JavaScript does, where it
 * holds a character beyond printable ASCII; by SQLite's lower() and LIKE otherwise), a sort
 * becomes ORDER BY its keys then id, read a chunk at a time after the last item seen (its key and
 * id, as the `$skiptoken` carries them). A collection says how each property reads in SQL; a
 * filter or sort it cannot answer this way (a property left out, a range on text, whose order
 * SQLite and JavaScript see differently) is not translated, and the caller reads the items itself.
 */
import { compileFilter, comparisonValues, type Comparable, type Item } from "./filter-eval.js";
import type { FilterNode } from "./filter.js";
import { findProperty, type CollectionDef } from "./model.js";
import { SkipTokenError, sortKeyOf, type SortKey } from "./paging.js";
import { CHUNK } from "./source.js";

/** A value bound to a statement. */
export type SqlParam = string | number | null;

/** A piece of SQL and the values of its `?` marks, in order. */
export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

/** How a property of a collection's items reads in SQL. */
export type SqlColumn =
  /**
   * Text (a string, an enum or a GUID) as the SQL expression `sql` gives it; `order`, when set,
   * is an expression whose SQL order is Graph's (case ignored) for every row the list holds now.
   */
  | { kind: "text"; sql: string; order?: string }
  /** A date-time the SQL expression gives in milliseconds (never null). */
  | { kind: "instant"; sql: string }
  /** The same value on every item. */
  | { kind: "constant"; value: unknown };

/** The properties a store reads in SQL (those left out are filtered and sorted by the service). */
export type SqlColumns = Readonly<Record<string, SqlColumn>>;

/** A list the store filters, counts and sorts in SQL. */
export interface SqlSource {
  /** How each property reads in SQL for this request. */
  columns(): SqlColumns;
  /** Up to `limit` items `where` keeps, in the order `orderBy`. */
  read(where: SqlFragment, orderBy: string, limit: number): Item[];
  /** The number of items `where` keeps (counted a span of rows at a time, letting other requests in between). */
  count(where: SqlFragment): Promise<number>;
}

/** A filter deeper than this is left to the service: SQLite limits how deep an expression may nest. */
const MAX_DEPTH = 64;

/** Every item. */
export const EVERY_ITEM: SqlFragment = { sql: "1", params: [] };

/** The filter as a WHERE condition that is 1 or 0 for every row (never NULL), or undefined when it does not translate. */
export function filterSql(def: CollectionDef, node: FilterNode, columns: SqlColumns, depth = 0): SqlFragment | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (node.kind) {
    case "and":
    case "or": {
      const left = filterSql(def, node.left, columns, depth + 1);
      const right = left && filterSql(def, node.right, columns, depth + 1);
      return right && { sql: `(${left!.sql} ${node.kind.toUpperCase()} ${right.sql})`, params: [...left!.params, ...right.params] };
    }
    case "not": {
      const operand = filterSql(def, node.operand, columns, depth + 1);
      return operand && { sql: `(NOT ${operand.sql})`, params: operand.params };
    }
    case "compare":
      return comparisonSql(def, node, columns);
  }
}

/** One comparison as SQL: what `filterSql` does for a leaf of the filter. */
function comparisonSql(def: CollectionDef, node: Extract<FilterNode, { kind: "compare" }>, columns: SqlColumns): SqlFragment | undefined {
  const name = findProperty(def, node.property)?.[0];
  const column = name === undefined ? undefined : columns[name];
  if (!column) return undefined;
  // A value every item shares: the service's own predicate says whether the filter keeps them all.
  if (column.kind === "constant") return { sql: compileFilter(def, node)({ [name!]: column.value }) ? "1" : "0", params: [] };
  const values = comparisonValues(def, node)?.values;
  if (!values || !values.every((value): value is SqlParam => typeof value !== "boolean")) return undefined;
  const key = column.kind === "text" ? folded(column.sql) : column.sql;
  switch (node.operator) {
    case "eq":
      return { sql: `(${key} IS ?)`, params: values };
    case "ne":
      return { sql: `(${key} IS NOT ?)`, params: values };
    case "in":
      return { sql: `(${values.map(() => `${key} IS ?`).join(" OR ")})`, params: values };
    case "gt":
    case "ge":
    case "lt":
    case "le":
      // Text ranges stay with the service: SQLite orders text by code point, JavaScript by UTF-16 unit.
      if (column.kind === "text") return undefined;
      return { sql: `(${key} IS NOT NULL AND ${key} ${RANGE_SQL[node.operator]} ?)`, params: values };
    case "startswith":
    case "endswith":
    case "contains":
      if (column.kind !== "text") return undefined;
      return textTest(node.operator, column.sql, values[0]!);
  }
}

/**
 * Whether a text holds a character besides printable ASCII (true for none; NULL for NULL). Only
 * such text needs JavaScript's folding: SQLite's lower() and LIKE fold ASCII letters exactly as
 * toLowerCase() does, so the rest is compared by SQLite alone, without a call into JavaScript for
 * each row (a filtered count of 20,000 devices made 20,000 of them).
 */
const UNFOLDED = (text: string) => `${text} GLOB '*[^ -~]*'`;

/** The text folded to lower case as JavaScript folds it (graph_fold), calling JavaScript only for text beyond printable ASCII. */
function folded(text: string): string {
  return `(CASE WHEN ${UNFOLDED(text)} THEN graph_fold(${text}) ELSE lower(${text}) END)`;
}

/** The LIKE pattern of each text test, the needle's `%`, `_` and `\` escaped so they match as typed. */
const LIKE_PATTERNS = {
  startswith: (needle: string) => `${needle}%`,
  endswith: (needle: string) => `%${needle}`,
  contains: (needle: string) => `%${needle}%`,
} as const;

/**
 * startswith, endswith or contains as SQL that is 1 or 0 (0 for NULL): graph_text for text beyond
 * printable ASCII, LIKE (which ignores the case of ASCII letters; the needle is already folded)
 * for the rest.
 */
function textTest(test: keyof typeof LIKE_PATTERNS, text: string, needle: SqlParam): SqlFragment | undefined {
  if (typeof needle !== "string") return undefined;
  const pattern = LIKE_PATTERNS[test](needle.replace(/[\\%_]/g, (c) => `\\${c}`));
  return {
    sql: `(CASE WHEN ${UNFOLDED(text)} THEN graph_text('${test}', ${text}, ?) ELSE coalesce(${text} LIKE ? ESCAPE '\\', 0) END)`,
    params: [needle, pattern],
  };
}

/** SQL's operator for each range comparison. */
const RANGE_SQL = { gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

/** A sort the store answers: its keys' SQL expressions (null: a key every item shares) and the id's. */
export interface SqlOrder {
  /** The `$orderby` keys. */
  keys: readonly SortKey[];
  /** Each key's SQL expression, in order; null for a key every item shares (left out of the SQL). */
  expressions: readonly (string | null)[];
  /** The id's SQL expression: the last key, ascending, so no two items tie. */
  id: string;
  /** The ORDER BY clause's terms. */
  orderBy: string;
}

/** `$orderby` (then id, ascending) as SQL, or undefined when a key cannot be sorted in SQL as Graph sorts it. */
export function orderSql(keys: readonly SortKey[], columns: SqlColumns): SqlOrder | undefined {
  const expression = (property: string): string | null | undefined => {
    const column = columns[property];
    if (column?.kind === "constant") return null;
    if (column?.kind === "instant") return column.sql;
    return column?.order;
  };
  const id = expression("id");
  const expressions = keys.map((k) => expression(k.property));
  if (!id || expressions.includes(undefined)) return undefined;
  const terms = keys.flatMap((k, i) => (expressions[i] ? [`${expressions[i]}${k.descending ? " DESC" : ""}`] : []));
  return { keys, expressions: expressions as (string | null)[], id, orderBy: [...terms, id].join(", ") };
}

/** Where a sorted read resumes: the last item's sort key and id. */
export interface SortedCursor {
  key: readonly Comparable[];
  id: string;
}

/**
 * The rows after `cursor` in the order: past it on the first key that differs, or equal on every
 * key and after it by id. The first key also bounds the read on its own, so an index on it is used.
 */
function after(order: SqlOrder, cursor: SortedCursor): SqlFragment {
  const sql: string[] = [];
  const params: SqlParam[] = [];
  const equal: string[] = [];
  const equalParams: SqlParam[] = [];
  let bound: SqlFragment | undefined;
  order.expressions.forEach((expression, i) => {
    if (expression === null) return;
    const value = cursor.key[i];
    // The token's key is the item's own, as comparisons see it: text for a text key, milliseconds for a date.
    if (typeof value !== "string" && typeof value !== "number") {
      throw new SkipTokenError("the $skiptoken is not one this service issued for this $orderby; follow @odata.nextLink exactly as given");
    }
    const past = order.keys[i]!.descending ? "<" : ">";
    sql.push(`(${[...equal, `${expression} ${past} ?`].join(" AND ")})`);
    params.push(...equalParams, value);
    bound ??= { sql: `${expression} ${past}= ?`, params: [value] };
    equal.push(`${expression} = ?`);
    equalParams.push(value);
  });
  sql.push(`(${[...equal, `${order.id} > ?`].join(" AND ")})`);
  params.push(...equalParams, cursor.id);
  const any = { sql: `(${sql.join(" OR ")})`, params };
  return bound ? { sql: `(${bound.sql} AND ${any.sql})`, params: [...bound.params, ...any.params] } : any;
}

/**
 * Chunks of the items `where` keeps, in the order, after `cursor` (from the start without one):
 * the first reads `first` rows (at most CHUNK), the next ones CHUNK each. A cursor whose key does
 * not fit the order is refused at once (SkipTokenError), before anything is read.
 */
export function sortedChunks(
  source: SqlSource,
  order: SqlOrder,
  where: SqlFragment,
  cursor: SortedCursor | undefined,
  first: number,
): Iterable<Item[]> {
  if (cursor) after(order, cursor);
  return chunks(source, order, where, cursor, first);
}

/** The reads of `sortedChunks`, each resuming after the last item of the one before. */
function* chunks(source: SqlSource, order: SqlOrder, where: SqlFragment, cursor: SortedCursor | undefined, first: number): Iterable<Item[]> {
  for (let size = Math.min(first, CHUNK); ; size = CHUNK) {
    const resume = cursor && after(order, cursor);
    const condition = resume ? { sql: `(${where.sql}) AND ${resume.sql}`, params: [...where.params, ...resume.params] } : where;
    const items = source.read(condition, order.orderBy, size);
    if (items.length > 0) yield items;
    if (items.length < size) return;
    const last = items[items.length - 1]!;
    cursor = { key: sortKeyOf(last, order.keys), id: String(last["id"]) };
  }
}
