/**
 * What Graph answers for a path under /beta the service has no route for, instead of a bare 404:
 *   - a segment no route has at that place (`/beta/me`, `.../managedDevices/{id}/syncDevice`):
 *     400 `BadRequest` "Resource not found for the segment 'me'.", as Graph words it;
 *   - a known path asked with another method (`PUT /beta/users`): 405 with an `Allow` header and
 *     the directory's `Request_BadRequest` "Specified HTTP method is not allowed for the request target."
 * The routes are learnt as they are registered (an onRoute hook), so the answer follows the routes.
 */
import type { FastifyRequest, RouteOptions } from "fastify";
import { ApiError } from "./errors.js";
import { safeDecode } from "./graph-url.js";

export type UnknownRoute = { kind: "segment"; segment: string } | { kind: "method"; allow: string[] };

export class RouteTemplates {
  private readonly templates = new Map<string, { segments: string[]; methods: Set<string> }>();

  /** onRoute hook: remembers each /beta route's path template and methods. */
  readonly learn = (route: RouteOptions): void => {
    if (!route.url.startsWith("/beta/")) return;
    const entry = this.templates.get(route.url) ?? { segments: route.url.split("/").slice(1), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    this.templates.set(route.url, entry);
  };

  /**
   * The routes right under an item's path (`/beta/users/abc`), as `GET|PATCH /beta/users/{id}`,
   * `POST /beta/users/{id}/assignLicense`: what a refusal there says the mock serves.
   */
  servedUnder(itemPath: string): string[] {
    const item = itemPath.split("/").slice(1);
    const served: string[] = [];
    for (const [url, t] of this.templates) {
      const depth = t.segments.length - item.length;
      if (depth < 0 || depth > 1 || url.endsWith("/$count")) continue;
      if (!item.every((segment, i) => t.segments[i]!.startsWith(":") || t.segments[i]!.toLowerCase() === segment.toLowerCase())) continue;
      const methods = [...t.methods].filter((m) => m !== "HEAD").sort().join("|");
      served.push(`${methods} ${url.replace(/:([A-Za-z]+)/g, "{$1}")}`);
    }
    return served.sort();
  }

  /** Why `method path` has no route: its first unknown segment, or the methods its path takes. */
  explain(method: string, path: string): UnknownRoute {
    const segments = path.split("/").slice(1).map((segment) => safeDecode(segment));
    let candidates = [...this.templates.values()].filter((t) => t.segments.length >= segments.length);
    for (const [i, segment] of segments.entries()) {
      const matching = candidates.filter((t) => t.segments[i]!.startsWith(":") || t.segments[i]!.toLowerCase() === segment.toLowerCase());
      if (matching.length === 0) return { kind: "segment", segment };
      candidates = matching;
    }
    const exact = candidates.filter((t) => t.segments.length === segments.length);
    if (exact.length === 0) return { kind: "segment", segment: segments.at(-1) ?? "" };
    // A literal segment wins over a parameter, as in the router: /users/$count is not /users/{id}.
    const literal = (t: { segments: string[] }) => t.segments.filter((s) => !s.startsWith(":")).length;
    const best = Math.max(...exact.map(literal));
    const allow = [...new Set(exact.filter((t) => literal(t) === best).flatMap((t) => [...t.methods]))].sort();
    return allow.includes(method) ? { kind: "segment", segment: segments.at(-1) ?? "" } : { kind: "method", allow };
  }

  /**
   * onRequest hook of the admin routes: a path parameter that is a literal segment of another
   * route (`DELETE /users/$count` matched by `DELETE /users/{id}`) names that route's path, as
   * `explain` reads it, so a method that path does not take is 405 there too, not a look-up of
   * an object with the id "$count".
   */
  readonly refuseLiteralAsParameter = async (request: FastifyRequest): Promise<void> => {
    if (!Object.values(request.params as Record<string, unknown>).some((v) => typeof v === "string" && v.startsWith("$"))) return;
    const path = request.url.split("?")[0]!;
    if (this.explain(request.method, path).kind === "method") throw this.error(request.method, path);
  };

  /** The error Graph gives for it. */
  error(method: string, path: string): ApiError {
    const found = this.explain(method, path);
    if (found.kind === "method") {
      return new ApiError(
        405,
        "Request_BadRequest",
        `Specified HTTP method is not allowed for the request target: ${path} takes ${found.allow.join(", ")}, not ${method}.`,
        {},
        { Allow: found.allow.join(", ") },
      );
    }
    return new ApiError(400, "BadRequest", `Resource not found for the segment '${found.segment}'. (The routes are listed at /openapi.json.)`);
  }
}

/**
 * What a request to Graph's v1.0 endpoint is told (the mock serves beta only, and the Graph SDKs
 * default to v1.0): where the same path is under /beta and how to point a client there.
 * Undefined for any other path.
 */
export function v1PathMessage(method: string, path: string): string | undefined {
  const match = /^\/v1\.0(?=\/|$)/i.exec(path);
  if (!match) return undefined;
  const beta = `/beta${path.slice(match[0].length)}`;
  return (
    `the mock serves Microsoft Graph's beta endpoint only, not v1.0: ask ${method} ${beta === "/beta" ? "/beta/..." : beta} instead. ` +
    'A Graph SDK defaults to v1.0: give @microsoft/microsoft-graph-client defaultVersion: "beta", or use a beta SDK (msgraph-beta-sdk-*) ' +
    "with the service's URL followed by /beta as its base URL; /openapi.json lists the routes"
  );
}
