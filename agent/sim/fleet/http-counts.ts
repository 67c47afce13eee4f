/**
 * HTTP requests and errors by route, as the service answered them, from undici's diagnostics
 * channels (every device request goes through undici): no wrapper in the request path.
 * Errors: 5xx answers and requests that got no answer (the network failed, or the device's
 * timeout passed). A request the device withdrew itself (power lost mid-request) is neither the
 * service's answer nor its error: it is counted only if an answer had begun, as that answer.
 * An answer that breaks off is one request, with an error. Path segments that are ids become {id}:
 * GUIDs, numbers, long tokens, and user principal names (Graph addresses a user by either).
 * Channels are per thread: each device thread counts its own and the fleet adds them up.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { WithdrawnByDevice } from "../../client/http.js";

export interface HttpCounts {
  requests: number;
  errors: number;
  byRoute: Record<string, { requests: number; errors: number }>;
}

export function emptyCounts(): HttpCounts {
  return { requests: 0, errors: 0, byRoute: {} };
}

/** Adds `more` into `into`. */
export function addCounts(into: HttpCounts, more: HttpCounts): void {
  into.requests += more.requests;
  into.errors += more.errors;
  for (const [route, c] of Object.entries(more.byRoute)) {
    const e = (into.byRoute[route] ??= { requests: 0, errors: 0 });
    e.requests += c.requests;
    e.errors += c.errors;
  }
}

interface ChannelRequest {
  method: string;
  path: string;
  origin?: unknown;
}

/**
 * Counts this thread's requests until `stop()`; with `accepts`, only those to the origins it
 * accepts. The channels are the whole thread's: two fleets run at once by a library user would
 * otherwise each count the other's requests too (each has its own service, so its own origin).
 */
export function countHttp(accepts?: (origin: string) => boolean): { counts: HttpCounts; stop(): void } {
  const counts = emptyCounts();
  const entry = (request: ChannelRequest) => (counts.byRoute[`${request.method} ${routePath(request.path)}`] ??= { requests: 0, errors: 0 });
  const ours = (request: ChannelRequest) => accepts === undefined || accepts(typeof request.origin === "string" ? request.origin : String((request.origin as URL | undefined)?.origin));
  // Requests whose answer began: an error after it (the body broke off, the device withdrew) is
  // not a second request.
  const answered = new WeakSet<ChannelRequest>();
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: ChannelRequest; response: { statusCode: number } };
    if (!ours(request)) return;
    answered.add(request);
    const e = entry(request);
    e.requests++;
    counts.requests++;
    if (response.statusCode >= 500) {
      e.errors++;
      counts.errors++;
    }
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: ChannelRequest; error: unknown };
    if (!ours(request) || error instanceof WithdrawnByDevice) return;
    const e = entry(request);
    if (!answered.has(request)) {
      e.requests++;
      counts.requests++;
    }
    e.errors++;
    counts.errors++;
  };
  subscribe("undici:request:headers", onHeaders);
  subscribe("undici:request:error", onError);
  return {
    counts,
    stop: () => {
      unsubscribe("undici:request:headers", onHeaders);
      unsubscribe("undici:request:error", onError);
    },
  };
}

export function routePath(path: string): string {
  const clean = path.split("?")[0] ?? path;
  return clean
    .split("/")
    .map((segment) => (isId(segment) ? "{id}" : segment))
    .join("/");
}

function isId(segment: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(segment) || /^\d+$/.test(segment) || segment.length > 64 || segment.includes("@") || segment.includes("%40");
}
