/**
 * Throttling as Graph does it: the tenant's app gets a budget of requests per window on the admin
 * API; past it, every request answers 429 TooManyRequests with `Retry-After` (whole seconds until
 * the window ends) until the window turns. Windows follow the service's clock, so tests that move
 * the clock see the budget come back without waiting.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { InputError } from "../../agent/protocol/errors.js";
import { givenValue } from "../../agent/protocol/given-value.js";
import { ApiError } from "./errors.js";
import { routeFamilyOf } from "./route-family.js";

export interface ThrottleBudget {
  /** Requests allowed per window. */
  requests: number;
  windowMs: number;
}

export const TOO_MANY_REQUESTS = "TooManyRequests";

/** A 429 with Retry-After, in the shape of the API it answers for. */
export function throttled(reply: FastifyReply, retryAfterSeconds: number, message: string): ApiError {
  reply.header("Retry-After", String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return new ApiError(429, TOO_MANY_REQUESTS, message);
}

/**
 * onRequest hook for the admin routes (after authentication: refused callers spend nothing).
 * $metadata, in no route family, is neither counted nor refused.
 */
export function throttleHook(budget: ThrottleBudget, now: () => number) {
  let windowStart = Number.NEGATIVE_INFINITY;
  let used = 0;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!routeFamilyOf(request.url)) return;
    const at = now();
    if (at >= windowStart + budget.windowMs || at < windowStart) {
      windowStart = at;
      used = 0;
    }
    used++;
    if (used > budget.requests) {
      const retryAfter = (windowStart + budget.windowMs - at) / 1000;
      throw throttled(
        reply,
        retryAfter,
        `the application exceeded its budget of ${budget.requests} requests per ${budget.windowMs / 1000} s on this tenant; retry after the number of seconds in Retry-After`,
      );
    }
  };
}

/**
 * Reads `100/20s` (requests per window; the window in ms, s or m), as `--throttle` takes it. Its
 * errors name the call (`parseThrottleBudget("100"): ...`) unless `where` names the option.
 */
export function parseThrottleBudget(text: string, where = `parseThrottleBudget(${JSON.stringify(text)})`): ThrottleBudget {
  if (typeof text !== "string") throw new TypeError(`parseThrottleBudget takes a string such as "100/20s" (got ${givenValue(text)})`);
  const match = /^(\d{1,9})\/(\d{1,9})(ms|s|m)$/.exec(text.trim());
  const requests = Number(match?.[1]);
  const amount = Number(match?.[2]);
  const unit = match?.[3];
  const windowMs = unit === "ms" ? amount : unit === "s" ? amount * 1000 : amount * 60_000;
  if (!match || requests < 1 || windowMs < 1) {
    throw new InputError(`'${text}' is not a request budget`, { where, hint: "write REQUESTS/WINDOW, e.g. 100/20s (units ms, s, m)" });
  }
  return { requests, windowMs };
}

/**
 * A library caller's `throttle` option, checked as `--throttle` is read (`where` names the
 * option): unchecked, `{ requests: 0 }` started a service that refused every admin request.
 */
export function checkThrottleBudget(budget: unknown, where: string): ThrottleBudget {
  const hint = "give { requests, windowMs }, each a whole number of at least 1, e.g. { requests: 100, windowMs: 20_000 }";
  if (typeof budget !== "object" || budget === null || Array.isArray(budget)) {
    throw new InputError(`is ${givenValue(budget)}, not { requests, windowMs }`, { where, hint });
  }
  // A misspelled part (`burst`, `window`) was ignored, and the budget ran on what was left.
  const unknown = Object.keys(budget).find((key) => key !== "requests" && key !== "windowMs");
  if (unknown !== undefined) throw new InputError("is not a part of a throttle budget", { where: `${where}.${unknown}`, hint });
  for (const key of ["requests", "windowMs"] as const) {
    const value = (budget as Record<string, unknown>)[key];
    if (!(Number.isInteger(value) && (value as number) >= 1)) {
      throw new InputError(`is ${givenValue(value)}, not ${key === "requests" ? "a number of requests" : "a window in milliseconds"}`, { where: `${where}.${key}`, hint });
    }
  }
  return budget as ThrottleBudget;
}
