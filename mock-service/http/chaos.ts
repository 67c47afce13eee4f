/**
 * Service-side faults for QA, in the manner of Microsoft's Dev Proxy: per route family, added
 * latency, a failure rate answered with chosen statuses, and random throttling (429 with
 * Retry-After). Draws come from one seeded generator, so the same seed and the same sequence of
 * requests give the same faults.
 *
 *     aosp-sim serve --chaos "admin:latency=50-200ms,fail=0.1@500+503,throttle=0.05" --chaos-seed 7
 *
 * Families: admin (/beta), sim (/sim/v1), device (/device/v1 except packages), packages (package
 * downloads), all. /health, /openapi.json and /beta/$metadata are never touched.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { CHAOS_THROTTLE_MESSAGE, chaosFailureMessage } from "../../agent/protocol/chaos-words.js";
import { InputError } from "../../agent/protocol/errors.js";
import { ApiError, GRAPH_CODES } from "./errors.js";
import { ROUTE_FAMILIES, routeFamilyOf, type RouteFamily } from "./route-family.js";
import { throttled } from "./throttle.js";

export interface ChaosRule {
  /** Added latency, drawn uniformly between the two bounds (ms). */
  latencyMs?: [number, number];
  /** Share of requests (0..1) answered with one of `failureStatuses` (drawn uniformly). */
  failureRate?: number;
  failureStatuses?: number[];
  /** Share of requests (0..1) answered 429 with Retry-After `retryAfterSeconds` (default 1). */
  throttleRate?: number;
  retryAfterSeconds?: number;
}

export interface ChaosOptions {
  seed?: number;
  rules: Partial<Record<RouteFamily | "all", ChaosRule>>;
}

const FAILURE_STATUSES = [500, 502, 503, 504] as const;

/** Graph's codes for the statuses chaos answers; the device API gets its own. */
const GRAPH_FAILURE_CODES: Record<number, string> = {
  500: GRAPH_CODES.internal,
  502: "badGateway",
  503: "serviceNotAvailable",
  504: "gatewayTimeout",
};

/** mulberry32: small, fast and good enough for fault draws. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

declare module "fastify" {
  interface FastifyRequest {
    /** Answered with a fault --chaos injected: logged as such, never as the service's own failure. */
    faultInjected: boolean;
  }
}

/** The onRequest hook applying the rules; every request draws the same number of times. */
export function chaosHook(options: ChaosOptions) {
  const random = seededRandom(options.seed ?? 1);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const family = routeFamilyOf(request.url);
    if (!family) return;
    const rule = options.rules[family] ?? options.rules.all;
    if (!rule) return;
    const [latency, failure, pick, throttle] = [random(), random(), random(), random()];
    if (rule.latencyMs) {
      const [min, max] = rule.latencyMs;
      await new Promise((resolve) => setTimeout(resolve, min + Math.round(latency * (max - min))));
    }
    const device = family === "device" || family === "packages";
    if (rule.throttleRate !== undefined && throttle < rule.throttleRate) {
      request.faultInjected = true;
      throw throttled(reply, rule.retryAfterSeconds ?? 1, CHAOS_THROTTLE_MESSAGE);
    }
    if (rule.failureRate !== undefined && failure < rule.failureRate) {
      const statuses = rule.failureStatuses ?? [503];
      const status = statuses[Math.min(statuses.length - 1, Math.floor(pick * statuses.length))]!;
      const code = device ? (status === 503 ? "serviceUnavailable" : "internalError") : (GRAPH_FAILURE_CODES[status] ?? GRAPH_CODES.internal);
      request.faultInjected = true;
      throw new ApiError(status, code, chaosFailureMessage(status));
    }
  };
}

/**
 * Reads one `--chaos` value, `FAMILY:SETTING,SETTING...`, into `into`. Settings:
 * latency=MIN-MAXms (or one value), fail=RATE[@STATUS+STATUS...], throttle=RATE[@SECONDSs].
 */
export function parseChaosRule(text: string, into: ChaosOptions["rules"] = {}): ChaosOptions["rules"] {
  const usage = "write FAMILY:SETTING,... e.g. admin:latency=50-200ms,fail=0.1@500+503,throttle=0.05@2s (families: admin, sim, device, packages, all)";
  const fail = (what: string) => new InputError(what, { where: `--chaos '${text}'`, hint: usage });
  const colon = text.indexOf(":");
  const family = text.slice(0, colon).trim();
  if (colon < 0 || !([...ROUTE_FAMILIES, "all"] as string[]).includes(family)) {
    throw fail(`'${colon < 0 ? text : family}' is not a route family`);
  }
  const rule: ChaosRule = {};
  for (const setting of text.slice(colon + 1).split(",")) {
    const [key, value = ""] = setting.split("=").map((part) => part.trim());
    switch (key) {
      case "latency": {
        const match = /^(\d{1,6})(?:-(\d{1,6}))?ms$/.exec(value);
        if (!match) throw fail(`latency '${value}' is not MIN-MAXms or Nms`);
        const min = Number(match[1]);
        const max = Number(match[2] ?? match[1]);
        if (max < min) throw fail(`latency ${value}: the maximum is below the minimum`);
        rule.latencyMs = [min, max];
        break;
      }
      case "fail": {
        const [rate, statuses] = value.split("@");
        rule.failureRate = parseRate(rate ?? "", fail);
        if (statuses !== undefined) {
          rule.failureStatuses = statuses.split("+").map((s) => {
            const status = Number(s);
            if (!(FAILURE_STATUSES as readonly number[]).includes(status)) throw fail(`status '${s}' is not one of ${FAILURE_STATUSES.join(", ")}`);
            return status;
          });
        }
        break;
      }
      case "throttle": {
        const [rate, after] = value.split("@");
        rule.throttleRate = parseRate(rate ?? "", fail);
        if (after !== undefined) {
          const match = /^(\d{1,5})s$/.exec(after);
          if (!match || Number(match[1]) < 1) throw fail(`Retry-After '${after}' is not a number of seconds such as 2s`);
          rule.retryAfterSeconds = Number(match[1]);
        }
        break;
      }
      default:
        throw fail(`unknown setting '${key}' (latency, fail, throttle)`);
    }
  }
  into[family as RouteFamily | "all"] = rule;
  return into;
}

function parseRate(text: string, fail: (what: string) => Error): number {
  const rate = Number(text);
  if (text === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) throw fail(`rate '${text}' is not a number from 0 to 1`);
  return rate;
}
