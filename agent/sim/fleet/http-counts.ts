/**
 * HTTP requests and errors by route, as the service answered them, counted per fleet run: each
 * run sends its requests (its set-up's and its devices') through its own counter's dispatcher, an
 * undici interceptor, so two fleets in one process count only their own, even against one service
 * (before, every request of the thread was counted from undici's process-wide diagnostics
 * channels, and two fleets against one service counted each other's).
 * Errors: 5xx answers and requests that got no answer (the network failed, or the device's
 * timeout passed). A request the device withdrew itself (power lost mid-request) is neither the
 * service's answer nor its error: it is counted only if an answer had begun, as that answer; nor
 * is one the fleet withdrew when it was stopped (its set-up's, at a Ctrl-C: WithdrawnByFleet).
 * An answer that breaks off is one request, with an error. Path segments that are ids become {id}:
 * GUIDs, numbers, long tokens, and user principal names (Graph addresses a user by either).
 * Each device thread has its own counter and the fleet adds them up.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import type { Dispatcher } from "undici";
import { WithdrawnByDevice } from "../../client/http.js";
import { httpDispatcher } from "../../protocol/http-dispatcher.js";

/**
 * The reason a stopped fleet aborts with: the requests it withdraws (its set-up's, when a Ctrl-C
 * comes before any device started) are not the service's errors. Counted as such, a run stopped
 * during its set-up reported 100 % HTTP errors from a service that never failed.
 */
export class WithdrawnByFleet extends Error {
  override readonly name = "WithdrawnByFleet";
}

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

/**
 * One run's counts, and the dispatcher that makes them: every request sent through
 * `dispatcher()` is counted, and no other.
 */
export class HttpCounter {
  readonly counts: HttpCounts = emptyCounts();

  /** `inner` (default: the one the package's HTTP uses) with this counter in front of it. */
  dispatcher(inner: Dispatcher = httpDispatcher()): Dispatcher {
    // The handler undici passes an interceptor already speaks its current (controller) API.
    return inner.compose((dispatch) => (options, handler) => dispatch(options, new CountingHandler(handler, this, options.method, options.path)));
  }

  /** An answer began: one request, an error if the service failed (5xx). */
  answered(method: string, path: string, status: number): void {
    const e = this.entry(method, path);
    e.requests++;
    this.counts.requests++;
    if (status >= 500) {
      e.errors++;
      this.counts.errors++;
    }
  }

  /** No answer, or one that broke off (`answered`: already counted as a request). */
  failed(method: string, path: string, answered: boolean): void {
    const e = this.entry(method, path);
    if (!answered) {
      e.requests++;
      this.counts.requests++;
    }
    e.errors++;
    this.counts.errors++;
  }

  private entry(method: string, path: string): { requests: number; errors: number } {
    return (this.counts.byRoute[`${method} ${routePath(path)}`] ??= { requests: 0, errors: 0 });
  }
}

/**
 * Passes every callback on to the request's own handler, counting its answer or its failure on
 * the way. One per request, as the diagnostics channels' messages were (this replaces them):
 * a fleet's devices send millions of requests.
 */
class CountingHandler implements Dispatcher.DispatchHandler {
  private answered = false;

  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly counter: HttpCounter,
    private readonly method: string,
    private readonly path: string,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.answered = true;
    this.counter.answered(this.method, this.path, statusCode);
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    if (!(error instanceof WithdrawnByDevice) && !(error instanceof WithdrawnByFleet)) this.counter.failed(this.method, this.path, this.answered);
    this.handler.onResponseError?.(controller, error);
  }
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
