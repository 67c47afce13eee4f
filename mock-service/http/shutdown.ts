/**
 * A stop that leaves no request half-served against a closed store: once the service starts to
 * stop, new requests are refused with the documented 503 body, and the store is closed only after
 * every route handler already running has finished (cutting their connections does not stop them:
 * a handler awaiting scrypt or --chaos latency resumes after its socket is gone).
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { ApiError, GRAPH_CODES, isDeviceApi } from "./errors.js";

/** Seconds a client is told to wait before it retries a request refused while the service stops. */
export const STOPPING_RETRY_AFTER_SECONDS = 5;

/** The stopping service's state: whether it still takes requests, and the handlers still running. */
export class ShutdownGate {
  private readonly stopping = new AbortController();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Aborted when the service starts to stop: waits worth cutting short (--chaos latency) listen to it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** From now on every new request is refused (fastify's preClose hook calls it). */
  begin(): void {
    this.stopping.abort();
  }

  /** Counts `work` (a handler's promise) as running until it settles; returns it unchanged. */
  track<T>(work: PromiseLike<T>): PromiseLike<T> {
    this.running++;
    const done = () => {
      this.running--;
      if (this.running === 0) for (const resolve of this.waiting.splice(0)) resolve();
    };
    work.then(done, done);
    return work;
  }

  /** Resolves once no tracked handler is running. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * The answer to a request that comes while the service stops: 503, Graph's shape, with
 * Retry-After; `deviceApi` picks the device API's code over Graph's.
 */
export function serviceStopping(deviceApi: boolean): ApiError {
  const code = deviceApi ? "serviceUnavailable" : GRAPH_CODES.unavailable;
  // fastify adds Connection: close to a request read while it stops.
  return new ApiError(503, code, `the service is stopping, so it serves no more requests; retry after the ${STOPPING_RETRY_AFTER_SECONDS} seconds in Retry-After`, {}, {
    "Retry-After": String(STOPPING_RETRY_AFTER_SECONDS),
  });
}

/** The onRequest hook refusing requests once the service has started to stop. */
export function refuseWhileStopping(gate: ShutdownGate) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (gate.signal.aborted) throw serviceStopping(isDeviceApi(request));
  };
}

/** The onRoute hook making each route's handler tracked by `gate`, so a stop can wait for it. */
export function trackHandlers(gate: ShutdownGate) {
  return (route: RouteOptions): void => {
    const handler = route.handler;
    route.handler = function tracked(this: unknown, request, reply) {
      const result = handler.call(this as never, request, reply);
      // A handler that is not async has done its work when it returns.
      return isThenable(result) ? gate.track(result) : result;
    } as RouteOptions["handler"];
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
