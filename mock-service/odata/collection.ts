/**
 * OData query options on a collection or an entity, in one call per route:
 *
 *     app.get(PATH, { schema: { querystring: listQuerystring(DEVICES), ... } }, async (request) =>
 *       odataList(DEVICES, request, baseUrl, items));
 *
 * `odataList` applies `$filter`, `$orderby`, `$count`, `$select`, `$top` (and `$skip` where the list takes it) and the collection's
 * default page size (always: a client that asks for nothing still gets pages, with
 * `@odata.nextLink`), resuming at `$skiptoken`. `odataEntity` applies `$select` to one entity.
 * `rawCountRoutes` gives every list route its `/$count` twin (the number alone, as text).
 * Every refusal is Graph's 400 shape with a message naming the option and how to fix it.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { ApiError, badRequest, ENTRA_CODES } from "../http/errors.js";
import { consistencyEventual } from "../http/odata.js";
import { advancedOperatorsIn, compileFilter, FilterMeaningError, FilterUnsupportedError, type Item, type Predicate } from "./filter-eval.js";
import { FilterSyntaxError, MAX_FILTER_LENGTH, parseFilter, type FilterNode } from "./filter.js";
import { findProperty, notSimulated, unsetValue, unsimulatedProperty, type CollectionDef } from "./model.js";
import { makeToken, queryDigest, resumeIndex, resumeKey, resumePoint, SkipTokenError, sortItems, type SortKey } from "./paging.js";
import { kept, scan, type ListSource } from "./source.js";
import { EVERY_ITEM, filterSql, orderSql, sortedChunks, type SqlColumns } from "./sql.js";

type Query = Record<string, string | undefined>;

export interface ListEnvelope {
  "@odata.context": string;
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
  value: Item[];
}

const option = { type: "string", maxLength: MAX_FILTER_LENGTH } as const;

/** The querystring schema of a list route: the options odataList reads (others are refused). */
export function listQuerystring(def: CollectionDef): object {
  const filterable = Object.entries(def.properties).filter(([, p]) => p.filter?.length);
  const sortable = Object.entries(def.properties).filter(([, p]) => p.orderBy);
  return {
    type: "object",
    properties: {
      $filter: {
        ...option,
        description:
          `OData filter: ${filterable.map(([name, p]) => `${name} (${p.filter!.join(", ")})`).join("; ")}; ` +
          "combine with and, or, not and parentheses." +
          (def.directory ? " ne, not and endswith need ConsistencyLevel: eventual and $count=true." : ""),
      },
      $select: { ...option, description: "Comma-separated properties to return" },
      $orderby: { ...option, description: `Sort by ${sortable.map(([n]) => n).join(", ")}, each optionally followed by asc or desc` },
      // Checked by parseTop, whose refusal names the sizes the collection takes (a pattern here would answer with the raw pattern).
      $top: { type: "string", description: `Page size, 1 to ${def.maxTop} (default ${def.pageSize})` },
      $count: {
        type: "string",
        enum: ["true", "false"],
        description: `Adds @odata.count, the number of matching items${def.directory ? " (needs ConsistencyLevel: eventual)" : ""}`,
      },
      $skiptoken: { type: "string", maxLength: 8192, description: "Opaque; taken from @odata.nextLink" },
      // Checked by parseSkip, whose refusal says what it takes.
      ...(def.skip ? { $skip: { type: "string", description: "Items to leave out before the first page (a whole number); later pages follow @odata.nextLink" } } : {}),
    },
  };
}

/** The querystring schema of a `/$count` route: `$filter` only (the rest shape pages, not a number). */
function countQuerystring(list: { properties: { $filter: object } }): object {
  return { type: "object", properties: { $filter: list.properties.$filter } };
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route is a list's `/$count` twin: odataList counts instead of paging. */
    rawCount?: boolean;
  }
}

/**
 * onRoute hook of the admin routes: every list route (a GET whose querystring takes `$count`) gets
 * its twin `GET <list>/$count`, as Graph offers it on every collection (`GET /users/$count`). The
 * twin runs the list's own handler, so it reads the same items with the same checks (a group that
 * does not exist is still 404); odataList sees `config.rawCount`, counts what `$filter` keeps, and
 * the twin answers that number alone, as `text/plain`.
 */
export function rawCountRoutes(this: FastifyInstance, route: RouteOptions): void {
  const querystring = route.schema?.querystring as { properties?: Record<string, object> } | undefined;
  if (route.method !== "GET" || route.config?.rawCount || !querystring?.properties?.["$count"]) return;
  const listHandler = route.handler;
  this.route({
    method: "GET",
    url: `${route.url}/$count`,
    config: { ...route.config, rawCount: true },
    schema: {
      ...route.schema,
      summary: `The number of items of ${route.url} (text/plain; $filter applies)`,
      querystring: countQuerystring(querystring as { properties: { $filter: object } }),
      response: { ...(route.schema?.response as object), 200: { type: "integer", description: "text/plain: the number" } },
    },
    handler: async function (request, reply) {
      const envelope = (await listHandler.call(this, request, reply)) as ListEnvelope;
      return reply.type("text/plain; charset=utf-8").send(String(envelope["@odata.count"]));
    },
  });
}

/** The querystring schema of an entity route: `$select` only. */
export const entityQuerystring = {
  type: "object",
  properties: { $select: { ...option, description: "Comma-separated properties to return" } },
} as const;

function context(baseUrl: string, path: string): string {
  return `${baseUrl}/beta/$metadata#${path}`;
}

export interface ListOptions {
  /** The @odata.context path when it is not the collection's own (a navigation: `...('id')/detectedApps`). */
  contextPath?: string;
  /**
   * Adds what is costly to make (a QR image) to the items of the page only; told which properties
   * were selected (undefined: all), so it can skip work nobody asked for.
   */
  render?: (item: Item, selected: ReadonlySet<string> | undefined) => Promise<Item>;
  /**
   * The store reads the list itself, a chunk at a time in its natural order (a large collection):
   * without `$orderby` a page reads the rows up to its end only, resuming at the `$skiptoken`'s
   * item; a filter the store can look up through an index reads the candidates only. A store
   * that answers in SQL counts a filter and sorts there, a page reading the rows up to its end;
   * a `$orderby` it cannot sort by reads the list whole (letting other requests in between
   * chunks, and while sorting), then sorts it.
   */
  source?: ListSource;
}

/** What `$filter` asks: the parsed tree and the predicate it compiles to. */
interface Filter {
  tree: FilterNode;
  keep: Predicate;
}

/** One page of a collection; `items` are Graph-shaped, with every property filters and sorting read. */
export async function odataList(
  def: CollectionDef,
  request: FastifyRequest,
  baseUrl: string,
  /** Every item (or a function that reads them); left empty when `options.source` reads them. */
  items: Item[] | (() => Item[]),
  options: ListOptions = {},
): Promise<ListEnvelope> {
  const { render, source } = options;
  const query = request.query as Query;
  const rawCount = request.routeOptions.config.rawCount === true;
  const advanced = isAdvancedQuery(request);
  const count = rawCount ? requireRawCountConsistency(def, request) : parseCount(def, query.$count, request);
  const select = parseSelect(def, query.$select);
  const keys = parseOrderBy(def, query.$orderby, advanced);
  const top = parseTop(def, query.$top);
  // $skip shapes the first page only: a $skiptoken already names where the next one starts.
  const skip = query.$skiptoken === undefined ? parseSkip(query.$skip) : 0;
  const digest = queryDigest(query.$filter, query.$orderby);
  const skipToken = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof SkipTokenError) throw badRequest(`$skiptoken: ${error.message}`);
      throw error;
    }
  };
  const filter = query.$filter === undefined ? undefined : parseFilterOption(def, query.$filter, advanced);
  if (def.directory && !advanced && filter && keys.length > 0) {
    // Entra ID's answer to $filter with $orderby outside an advanced query (docs/graph-directory-facts.md).
    throw unsupportedQuery(
      "Sorting not supported for current query. ($filter with $orderby on directory objects is an advanced query: add $count=true and the header ConsistencyLevel: eventual)",
    );
  }
  // The items that may match, when the whole list need not be read: an index's candidates.
  const candidates = filter && source?.narrow?.(filter.tree);
  // What the store answers in SQL: a filter (counted there) and a sort (paged there).
  let columns: SqlColumns | undefined;
  const sqlColumns = () => (columns ??= source!.sql!.columns());
  const sql = source?.sql && !candidates ? source.sql : undefined;
  const where = sql && filter ? filterSql(def, filter.tree, sqlColumns()) : undefined;
  const order = sql && keys.length > 0 ? orderSql(keys, sqlColumns()) : undefined;
  const everything = async (): Promise<Item[]> => {
    if (candidates) return filter ? candidates.filter(filter.keep) : candidates;
    if (source) return collect(scan(source, undefined, filter?.keep, false, undefined, where));
    const all = typeof items === "function" ? items() : items;
    return filter ? all.filter(filter.keep) : all;
  };
  const counted = async (): Promise<number> => {
    if (source && !filter) return source.count();
    return where ? sql!.count(where) : (await everything()).length;
  };
  if (rawCount) {
    // The number alone: no page is cut, sorted or rendered.
    return { "@odata.context": context(baseUrl, options.contextPath ?? def.contextPath), "@odata.count": await counted(), value: [] };
  }
  let page: Item[];
  let more: boolean;
  let total = 0;
  // Counting what a filter keeps without SQL reads the whole list anyway: it is read once, and the page cut from it.
  const pagedByStore = source && !candidates && !(count && filter && !where) && skip === 0;
  if (pagedByStore && (keys.length === 0 || order)) {
    const after = order && query.$skiptoken !== undefined ? skipToken(() => resumeKey(query.$skiptoken!, digest)) : undefined;
    const chunks = order ? skipToken(() => sortedChunks(sql!, order, where ?? EVERY_ITEM, after, top + 1)) : undefined;
    const resume = chunks || query.$skiptoken === undefined ? undefined : skipToken(() => resumePoint(query.$skiptoken!, digest));
    page = [];
    const reading = chunks ? kept(chunks, filter?.keep) : scan(source, resume, filter?.keep, def.createdProperty !== undefined, top + 1, where);
    for await (const item of reading) {
      page.push(item);
      // One more than the page says whether there is a next one.
      if (page.length > top) break;
    }
    more = page.length > top;
    page = page.slice(0, top);
    if (count) total = await counted();
  } else {
    const chosen = await sortItems(await everything(), keys);
    const start = query.$skiptoken === undefined ? skip : skipToken(() => resumeIndex(def, chosen, query.$skiptoken!, digest, keys));
    page = chosen.slice(start, start + top);
    more = start + top < chosen.length;
    total = chosen.length;
  }
  const rendered: Item[] = [];
  // One at a time: an item that is costly to render lets other requests in between.
  for (const item of page) rendered.push(applySelect(def, render ? await render(item, select) : item, select));

  // Graph's order: the context, the count and the next page's link, then the items.
  return {
    "@odata.context": context(baseUrl, selectedPath(options.contextPath ?? def.contextPath, select)),
    ...(count ? { "@odata.count": total } : {}),
    ...(more ? { "@odata.nextLink": nextLink(request, makeToken(def, page[page.length - 1]!, digest, keys)) } : {}),
    value: rendered,
  };
}

/** Every item of a scan. */
async function collect(items: AsyncIterable<Item>): Promise<Item[]> {
  const all: Item[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** One entity with `$select` applied, its @odata.context first. */
export function odataEntity(def: CollectionDef, request: FastifyRequest, baseUrl: string, entity: Item, expanded: Item = {}): Item {
  const select = parseSelect(def, (request.query as Query).$select);
  return {
    "@odata.context": context(baseUrl, `${selectedPath(def.contextPath, select, Object.keys(expanded))}/$entity`),
    ...applySelect(def, entity, select),
    ...expanded,
  };
}

/** The properties `$select` names (undefined: all), checked against the collection. */
export function selectedProperties(def: CollectionDef, request: FastifyRequest): ReadonlySet<string> | undefined {
  return parseSelect(def, (request.query as Query).$select);
}

/**
 * The context URL's select list: the properties `$select` names, then each expanded navigation
 * property with empty parentheses, as Graph writes it (`androidManagedAppProtections(apps())/$entity`).
 */
function selectedPath(path: string, select: ReadonlySet<string> | undefined, expanded: readonly string[] = []): string {
  const list = [...(select ?? []), ...expanded.map((name) => `${name}()`)];
  return list.length > 0 ? `${path}(${list.join(",")})` : path;
}

function applySelect(def: CollectionDef, item: Item, select: ReadonlySet<string> | undefined): Item {
  if (!select) {
    if (!def.selectOnly) return item;
    return Object.fromEntries(Object.entries(item).filter(([name]) => !def.selectOnly!.has(name)));
  }
  const out: Item = {};
  if (item["@odata.type"] !== undefined) out["@odata.type"] = item["@odata.type"];
  for (const name of select) {
    if (name in item) {
      out[name] = item[name];
      continue;
    }
    // A property Graph declares that the mock does not simulate: what Graph answers when it is unset.
    const unsimulated = unsimulatedProperty(def, name);
    if (unsimulated) out[name] = unsetValue(unsimulated[1], { def, name });
  }
  return out;
}

function parseSelect(def: CollectionDef, text: string | undefined): ReadonlySet<string> | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((n) => n.trim());
  if (names.includes("*")) return undefined;
  const selected = new Set<string>();
  for (const name of names) {
    if (name === "") throw badRequest("$select: an empty property name; write names separated by commas, e.g. $select=id,displayName");
    const found = findProperty(def, name) ?? unsimulatedProperty(def, name);
    if (!found) {
      throw badRequest(
        `$select: could not find a property named '${name}' on type '${def.entityType}'; its properties are ${Object.keys(def.properties).join(", ")}`,
      );
    }
    selected.add(found[0]);
  }
  return selected;
}

function parseSkip(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw badRequest(`$skip: invalid number of items '${text}'; use a whole number, 0 or more (e.g. $skip=20)`);
  }
  return Number(text);
}

function parseTop(def: CollectionDef, text: string | undefined): number {
  if (text === undefined) return def.pageSize;
  const top = Number(text);
  if (!/^\d+$/.test(text) || top < 1 || top > def.maxTop) {
    throw badRequest(`$top: invalid page size '${text}'; use 1 to ${def.maxTop} on this collection (default ${def.pageSize})`);
  }
  return top;
}

function parseOrderBy(def: CollectionDef, text: string | undefined, advanced: boolean): SortKey[] {
  if (text === undefined) return [];
  const sortable = () =>
    Object.entries(def.properties)
      .filter(([, p]) => p.orderBy)
      .map(([n, p]) => (p.orderBy === "advanced" ? `${n} (in an advanced query)` : n))
      .join(", ") || "none";
  return text.split(",").map((part) => {
    const match = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!match) throw badRequest(`$orderby: '${part.trim()}' is not '<property> [asc|desc]'; e.g. $orderby=displayName desc`);
    const found = findProperty(def, match[1]!);
    const unsimulated = unsimulatedProperty(def, match[1]!);
    if (unsimulated) throw badRequest(`$orderby: ${notSimulated(def, unsimulated[0])}; sortable properties: ${sortable()}`);
    if (!found || !found[1].orderBy) {
      const hint = `$orderby: '${match[1]}' cannot be sorted on here; sortable properties: ${sortable()}`;
      // Entra ID's own refusal of a property it cannot sort (users, groups, devices, directoryObjects).
      if (def.directory) throw unsupportedQuery(`Unsupported sort property '${match[1]}' for '${resourceName(def)}'. (${hint})`);
      throw badRequest(hint);
    }
    if (found[1].orderBy === "advanced" && !advanced) {
      // Entra ID sorts by it only in an advanced query, and refuses it otherwise in the same words.
      throw unsupportedQuery(
        `Unsupported sort property '${found[0]}' for '${resourceName(def)}'. ($orderby: sorting by '${found[0]}' is an advanced query: add $count=true and the header ConsistencyLevel: eventual)`,
      );
    }
    return { property: found[0], def: found[1], descending: match[2]?.toLowerCase() === "desc" };
  });
}

/**
 * Entra ID's advanced-query parameters: `ConsistencyLevel: eventual` with `$count=true`, or with
 * the `/$count` segment.
 */
function isAdvancedQuery(request: FastifyRequest): boolean {
  const counted = (request.query as Query).$count === "true" || request.routeOptions.config.rawCount === true;
  return consistencyEventual(request) && counted;
}


/**
 * Whether the answer carries `@odata.count`. On directory objects counting is an advanced query,
 * and Entra ID answers `$count=true` sent without `ConsistencyLevel: eventual` with the page and no
 * count, not with an error ("Advanced query capabilities on Microsoft Entra ID objects", the
 * example of a query that fails silently: `GET /users?$count=true` is 200 without `@odata.count`;
 * docs/graph-directory-facts.md). The mock does the same.
 */
function parseCount(def: CollectionDef, text: string | undefined, request: FastifyRequest): boolean {
  if (text === undefined || text === "false") return false;
  return !def.directory || consistencyEventual(request);
}

/** `/$count` on directory objects is an advanced query, as `$count=true` is (Entra ID's own wording). */
function requireRawCountConsistency(def: CollectionDef, request: FastifyRequest): true {
  if (def.directory && !consistencyEventual(request)) {
    throw new ApiError(
      400,
      ENTRA_CODES.unsupportedQuery,
      "Raw count (/$count) is not supported because the 'ConsistencyLevel: eventual' header is missing; " +
        "counting directory objects is an advanced query: send the header ConsistencyLevel: eventual",
    );
  }
  return true;
}

function parseFilterOption(def: CollectionDef, text: string, advanced: boolean): Filter {
  try {
    const tree = parseFilter(text);
    if (def.directory && !advanced) {
      const needs = advancedOperatorsIn(tree);
      if (needs.length > 0) {
        throw new ApiError(
          400,
          ENTRA_CODES.unsupportedQuery,
          `$filter: operator '${needs[0]}' is not supported because the required parameters might be missing; ` +
            "add the $count=true query parameter and the ConsistencyLevel: eventual header (an advanced query)",
        );
      }
    }
    return { tree, keep: compileFilter(def, tree) };
  } catch (error) {
    if (def.directory && error instanceof FilterUnsupportedError) {
      throw unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${error.property}' of resource '${resourceName(def)}'. ` +
          `($filter: ${error.message})`,
      );
    }
    if (error instanceof FilterSyntaxError || error instanceof FilterMeaningError) {
      throw badRequest(`$filter: ${error.message} (at character ${error.at + 1} of '${text}')`);
    }
    throw error;
  }
}

/**
 * Entra ID's refusal of a query it cannot answer: code `Request_UnsupportedQuery`, status 400, as
 * the directory answers an unsortable `$orderby` or an unfilterable `$filter` clause
 * (docs/graph-directory-facts.md cites the answers).
 */
function unsupportedQuery(message: string): ApiError {
  return new ApiError(400, ENTRA_CODES.unsupportedQuery, message);
}

/** The resource name Entra ID's messages use: the entity type's name, capitalised (`User`, `Device`). */
function resourceName(def: CollectionDef): string {
  const name = def.entityType.slice(def.entityType.lastIndexOf(".") + 1);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The request's own URL with `$skiptoken` set: every other option of the query carries over but
 * `$skip`, which the token already accounts for. It is built on the address the client used (not
 * the public URL devices are given), so it is reachable.
 */
function nextLink(request: FastifyRequest, token: string): string {
  const url = new URL(request.url, "http://placeholder");
  url.searchParams.delete("$skiptoken");
  url.searchParams.delete("$skip");
  url.searchParams.set("$skiptoken", token);
  // Keep `$` readable as Graph's links do; URLSearchParams escapes it.
  return `${request.protocol}://${request.host}${url.pathname}${url.search.replaceAll("%24", "$")}`;
}
