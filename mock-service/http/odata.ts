/**
 * The bits of OData that Graph clients rely on: list envelopes with @odata.context, entity
 * @odata.context/@odata.type, and a small `$filter` language: `<property> eq '<value>'`
 * clauses joined by `and` (values quoted, '' for a quote inside), strings compared ignoring case.
 * Anything else is refused with a 400 that lists what is supported, and so is any other system
 * query option ($top, $select, $orderby, ...): a script that relies on one must not silently get
 * an unfiltered, unpaged or full answer.
 */
import type { FastifyRequest } from "fastify";
import { badRequest } from "./errors.js";

function odataContext(baseUrl: string, path: string): string {
  return `${baseUrl}/beta/$metadata#${path}`;
}

/** A collection as Graph returns it: @odata.context and value. */
export function listEnvelope<T>(baseUrl: string, path: string, value: T[]): { "@odata.context": string; value: T[] } {
  return { "@odata.context": odataContext(baseUrl, path), value };
}

/** One entity of a set as Graph returns it: @odata.context (`<set>/$entity`) first, then its properties. */
export function entityEnvelope<T extends object>(baseUrl: string, entitySet: string, entity: T): { "@odata.context": string } & T {
  return { "@odata.context": odataContext(baseUrl, `${entitySet}/$entity`), ...entity };
}

export interface FilterClause {
  property: string;
  value: string;
}

/** Parses `$filter`; `allowed` are the property names the collection supports. */
export function parseFilter(filter: string | undefined, allowed: readonly string[]): FilterClause[] {
  if (filter === undefined || filter.trim() === "") return [];
  const clauses: FilterClause[] = [];
  const clause = /^\s*([A-Za-z][A-Za-z0-9]*)\s+eq\s+'((?:[^']|'')*)'\s*/;
  let rest = filter;
  for (;;) {
    const match = clause.exec(rest);
    if (!match) break;
    const property = allowed.find((p) => p.toLowerCase() === match[1]!.toLowerCase());
    if (!property) {
      throw badRequest(
        `$filter on '${match[1]}' is not supported here; supported: ${allowed.map((p) => `${p} eq '...'`).join(", ")}`,
      );
    }
    clauses.push({ property, value: match[2]!.replaceAll("''", "'") });
    rest = rest.slice(match[0].length);
    const and = /^and\s+/i.exec(rest);
    if (!and) break;
    rest = rest.slice(and[0].length);
  }
  if (rest.trim() !== "" || clauses.length === 0) {
    throw badRequest(
      `unsupported $filter '${filter}': write <property> eq '<value>' (joined by 'and'); supported properties: ${allowed.join(", ")}`,
    );
  }
  return clauses;
}

/** Keeps the items whose properties equal every clause's value (ignoring case). */
export function applyFilter<T>(items: T[], clauses: FilterClause[], read: (item: T, property: string) => unknown): T[] {
  if (clauses.length === 0) return items;
  return items.filter((item) =>
    clauses.every((c) => String(read(item, c.property) ?? "").toLowerCase() === c.value.toLowerCase()),
  );
}

/**
 * onRequest hook of the admin routes: refuses the `$` query options a route does not declare in
 * its querystring schema (the one place a route says what it supports).
 */
export async function refuseUnsupportedQueryOptions(request: FastifyRequest): Promise<void> {
  const declared = request.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  const supported = Object.keys(declared?.properties ?? {}).filter((name) => name.startsWith("$"));
  for (const name of Object.keys(request.query as Record<string, unknown>)) {
    if (name.startsWith("$") && !supported.includes(name)) {
      throw badRequest(
        `the query option ${name} is not supported on this route; ${supported.length > 0 ? `it supports ${supported.join(", ")}` : "it takes no query options"}`,
      );
    }
  }
}
