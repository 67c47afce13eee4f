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
import { closestName } from "../../agent/protocol/closest-name.js";
import { InputError } from "../../agent/protocol/errors.js";
import { givenValue } from "../../agent/protocol/given-value.js";
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
 * Reads one rule as `--chaos` takes it, `FAMILY:SETTING,SETTING...`, into `into`. Settings:
 * latency=MIN-MAXms (or one value), fail=RATE[@STATUS+STATUS...], throttle=RATE[@SECONDSs].
 * Its errors name the call (`parseChaosRule("bogus"): ...`): a library caller wrote no --chaos.
 */
export function parseChaosRule(text: string, into: ChaosOptions["rules"] = {}): ChaosOptions["rules"] {
  return readChaosRule(text, into, `parseChaosRule(${JSON.stringify(text)})`);
}

/** `--chaos VALUE` as the CLI reads it: its errors name the option as written (`--chaos 'bogus': ...`). */
export function parseChaosOption(text: string, into: ChaosOptions["rules"] = {}): ChaosOptions["rules"] {
  return readChaosRule(text, into, `--chaos '${text}'`);
}

/** How a chaos rule is written, for a refused one. */
const CHAOS_USAGE = "write FAMILY:SETTING,... e.g. admin:latency=50-200ms,fail=0.1@500+503,throttle=0.05@2s (families: admin, sim, device, packages, all)";

/** One rule read into `into`, its errors naming `where`. */
function readChaosRule(text: string, into: ChaosOptions["rules"], where: string): ChaosOptions["rules"] {
  if (typeof text !== "string") throw new TypeError(`parseChaosRule takes a string such as "admin:fail=0.1@503" (got ${givenValue(text)})`);
  const fail = (what: string) => new InputError(what, { where, hint: CHAOS_USAGE });
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

/** What a rule may hold, each checked as its `--chaos` spelling is read. */
const RULE_KEYS = ["latencyMs", "failureRate", "failureStatuses", "throttleRate", "retryAfterSeconds"] as const;

/**
 * A library caller's `chaos` option, checked as `--chaos` is read (`where` names the option):
 * unchecked, a family that is no family was ignored in silence, and a status past HTTP's or a
 * rate past 1 started a service whose every request then failed with the web framework's words.
 */
export function checkChaosOptions(chaos: unknown, where: string): ChaosOptions {
  const refuse = (at: string, what: string, hint: string) => new InputError(what, { where: `${where}${at}`, hint });
  if (typeof chaos !== "object" || chaos === null || Array.isArray(chaos)) {
    throw refuse("", `is ${givenValue(chaos)}, not { seed?, rules }`, "give e.g. { seed: 1, rules: { admin: { failureRate: 0.1, failureStatuses: [503] } } }, or parseChaosRule's rules");
  }
  const { seed, rules } = chaos as { seed?: unknown; rules?: unknown };
  if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 0xffffffff)) {
    throw refuse(".seed", `is ${givenValue(seed)}, not a seed`, "use a whole number from 0 to 4294967295, or leave it out for 1");
  }
  if (typeof rules !== "object" || rules === null || Array.isArray(rules)) {
    throw refuse(".rules", `is ${givenValue(rules)}, not rules by route family`, `give e.g. rules: { admin: { failureRate: 0.1 } } (families: ${[...ROUTE_FAMILIES, "all"].join(", ")})`);
  }
  const families: string[] = [...ROUTE_FAMILIES, "all"];
  for (const [family, rule] of Object.entries(rules)) {
    if (!families.includes(family)) {
      const near = closestName(family, families, 2);
      throw refuse(`.rules.${family}`, "is not a route family", `${near === null ? "" : `did you mean "${near}"? `}families: ${families.join(", ")}`);
    }
    checkRule(rule, (key, what, hint) => refuse(`.rules.${family}${key}`, what, hint));
  }
  return chaos as ChaosOptions;
}

/** One family's rule, each setting checked; `refuse` names where it is. */
function checkRule(rule: unknown, refuse: (at: string, what: string, hint: string) => InputError): void {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
    throw refuse("", `is ${givenValue(rule)}, not a rule`, `give an object with any of ${RULE_KEYS.join(", ")}`);
  }
  const given = rule as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      const near = closestName(key, RULE_KEYS, 3);
      throw refuse(`.${key}`, "is not a setting of a chaos rule", `${near === null ? "" : `did you mean "${near}"? `}settings: ${RULE_KEYS.join(", ")}`);
    }
  }
  const wholeIn = (value: unknown, min: number, max: number) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  for (const key of ["failureRate", "throttleRate"] as const) {
    const rate = given[key];
    if (rate !== undefined && !(typeof rate === "number" && rate >= 0 && rate <= 1)) {
      throw refuse(`.${key}`, `is ${givenValue(rate)}, not a share of requests`, "use a number from 0 to 1, e.g. 0.1 for one request in ten");
    }
  }
  const latency = given.latencyMs;
  if (latency !== undefined && !(Array.isArray(latency) && latency.length === 2 && wholeIn(latency[0], 0, 999_999) && wholeIn(latency[1], latency[0] as number, 999_999))) {
    throw refuse(".latencyMs", `is ${givenValue(latency)}, not [min, max] milliseconds`, "give two whole numbers from 0 to 999999, the first not above the second, e.g. [50, 200]");
  }
  const statuses = given.failureStatuses;
  if (statuses !== undefined && !(Array.isArray(statuses) && statuses.length > 0 && statuses.every((s) => (FAILURE_STATUSES as readonly unknown[]).includes(s)))) {
    throw refuse(".failureStatuses", `is ${givenValue(statuses)}, not a list of the statuses chaos answers`, `give one or more of ${FAILURE_STATUSES.join(", ")}, e.g. [503]`);
  }
  if (given.retryAfterSeconds !== undefined && !wholeIn(given.retryAfterSeconds, 1, 99_999)) {
    throw refuse(".retryAfterSeconds", `is ${givenValue(given.retryAfterSeconds)}, not a number of seconds`, "use a whole number from 1 to 99999, or leave it out for 1");
  }
}
