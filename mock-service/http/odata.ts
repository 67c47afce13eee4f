/**
 * The OData envelope of a created entity, and the guard that refuses query options a route does
 * not declare. Query options themselves (lists, paging, $select) live in ../odata/.
 */
import type { FastifyRequest } from "fastify";
import { badRequest } from "./errors.js";

/** One entity of a set as Graph returns it: @odata.context (`<set>/$entity`) first, then its properties. */
export function entityEnvelope<T extends object>(baseUrl: string, entitySet: string, entity: T): { "@odata.context": string } & T {
  return { "@odata.context": `${baseUrl}/beta/$metadata#${entitySet}/$entity`, ...entity };
}

/**
 * onRequest hook of the admin routes: refuses the `$` query options a route does not declare in
 * its querystring schema (the one place a route says what it supports), so a script relying on
 * one ($expand, $search, $skip) never silently gets an unfiltered or full answer.
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
