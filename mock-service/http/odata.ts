/**
 * The OData envelope of a created entity, and the guard that refuses query options a route does
 * not declare. Query options themselves (lists, paging, $select) live in ../odata/.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError, badRequest, ENTRA_CODES, isDirectoryRequest } from "./errors.js";
import { spellingsOf } from "./graph-url.js";
import { canonicalIds } from "./ids.js";

/**
 * A small, unpaged list as Graph returns it (@odata.context, then `value`). For the navigation
 * lists of a single entity (a policy's assignments, a device's policy states) that hold a handful
 * of items; collections that can grow use ../odata/'s odataList, which pages.
 */
export function listEnvelope<T>(baseUrl: string, path: string, value: T[]): { "@odata.context": string; value: T[] } {
  return { "@odata.context": `${baseUrl}/beta/$metadata#${path}`, value };
}

/** One entity of a set as Graph returns it: @odata.context (`<set>/$entity`) first, then its properties. */
export function entityEnvelope<T extends object>(baseUrl: string, entitySet: string, entity: T): { "@odata.context": string } & T {
  return { "@odata.context": `${baseUrl}/beta/$metadata#${entitySet}/$entity`, ...entity };
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** What to ask instead of a query option the route refuses, by option (`$expand` on a list the entity takes it on). */
    refusedOptionHints?: Readonly<Record<string, string>>;
  }
}

/**
 * onRequest hook of the admin routes: refuses the `$` query options a route does not declare in
 * its querystring schema (the one place a route says what it supports), so a script relying on
 * one ($expand, $search, $skip) never silently gets an unfiltered or full answer; and an option
 * given twice (`$top=1&$top=2`, or `top=1&$top=2`), which Graph refuses too. On /beta the names
 * are already canonical (graph-url.ts: `filter` and `$Filter` arrive as `$filter`).
 */
export async function refuseUnsupportedQueryOptions(request: FastifyRequest): Promise<void> {
  const declared = request.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  const supported = Object.keys(declared?.properties ?? {}).filter((name) => name.startsWith("$"));
  for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (!name.startsWith("$")) continue;
    if (Array.isArray(value)) {
      const spellings = spellingsOf(request.originalUrl, name);
      const as = new Set(spellings).size > 1 ? `, as ${spellings.join(", ")}: names are read in any case, with or without $` : "";
      throw badRequest(`the query option ${name} is given more than once (${value.length} times${as}); give it at most once`);
    }
    if (!supported.includes(name)) {
      if (name === "$search" && isDirectoryRequest(request.url) && !consistencyEventual(request)) throw searchNeedsConsistency();
      const instead = request.routeOptions.config.refusedOptionHints?.[name];
      throw badRequest(
        `the query option ${name} is not supported on this route; ${supported.length > 0 ? `it supports ${supported.join(", ")}` : "it takes no query options"}${instead === undefined ? "" : `; ${instead}`}`,
      );
    }
  }
}

/** The header Entra ID's advanced queries ($search, $count, ne/not/endswith) need. */
export function consistencyEventual(request: FastifyRequest): boolean {
  return String(request.headers["consistencylevel"] ?? "").toLowerCase() === "eventual";
}

/**
 * Entra ID's refusal of `$search` sent without `ConsistencyLevel: eventual`, in its own words
 * (docs/graph-directory-facts.md), before the mock's own: it does not serve `$search` at all.
 */
function searchNeedsConsistency(): ApiError {
  return new ApiError(
    400,
    ENTRA_CODES.unsupportedQuery,
    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual' " +
      "(this mock does not serve $search even then: use $filter, e.g. $filter=startswith(displayName,'abc'))",
  );
}

/**
 * The `OData-Version` header Graph puts on its answers (OData Protocol §8.1.5), on every /beta
 * answer, errors included; other paths are left alone. Called from the onRequest hook that sets
 * the tracing headers (app.ts), not as a hook of its own: every device-API request would pay for
 * one more hook to be told it is not a /beta one.
 */
export function setODataVersion(request: FastifyRequest, reply: FastifyReply): void {
  if (request.url.startsWith("/beta/")) reply.header("OData-Version", "4.0");
}

/**
 * The read-only properties of an entity, for a PATCH: those that never change (an id, a creation
 * time) and those the service changes on its own (a counter, a token, a modification time), each
 * with how to change it when there is a way (or "" when there is none).
 */
export interface ReadOnlyProperties {
  fixed: readonly string[];
  serviceSet: Readonly<Record<string, string>>;
}

/**
 * A PATCH and the entity's read-only properties. A property that never changes may be sent back
 * as it is; another value is a mistake, refused naming it. A property the service changes on its
 * own is ignored whatever its value, so a GET-modify-PATCH round trip still works when a device
 * enrolled or a token was replaced in between; each sent with a value other than the current one
 * is named in the warnings returned (for a Warning header), never silently dropped.
 * `current` is the entity as a GET answers it.
 */
export function refuseReadOnlyChanges(patch: object, current: Record<string, unknown>, readOnly: ReadOnlyProperties): string[] {
  const sent = (name: string) => Object.hasOwn(patch, name) && !sameValue((patch as Record<string, unknown>)[name], current[name]);
  for (const name of readOnly.fixed) {
    if (sent(name)) throw badRequest(`${name} is read-only and cannot be changed: send it back as a GET answers it, or leave it out`);
  }
  return Object.entries(readOnly.serviceSet)
    .filter(([name]) => sent(name))
    .map(([name, how]) => `${name} was ignored: the service sets it, and the value sent is not its current one${how === "" ? "" : ` (${how})`}`);
}

/** JSON values alike: objects whatever their key order, date-times whatever their notation. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string" && DATE_TIME.test(a) && DATE_TIME.test(b)) return Date.parse(a) === Date.parse(b);
  // GUIDs are the same whatever their case, as in a path (ids.ts).
  if (typeof a === "string" && typeof b === "string") return canonicalIds(a) === canonicalIds(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return a === b;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
