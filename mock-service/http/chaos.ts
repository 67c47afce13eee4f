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
import { setTimeout as delay } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CHAOS_THROTTLE_MESSAGE, chaosFailureMessage } from "../../agent/protocol/chaos-words.js";
import { closestName } from "../../agent/protocol/closest-name.js";
import { decimalNumber, decimalShare } from "../../agent/protocol/decimal.js";
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

/**
 * The rule that applies to `family`: its own settings, and those of `all` it does not set itself,
 * setting by setting (latency, fail, throttle), so `all:fail=0.1` and `admin:latency=5ms` give
 * the admin API both; a family's own setting takes precedence over the same setting of `all`.
 */
export function chaosRuleFor(rules: ChaosOptions["rules"], family: RouteFamily): ChaosRule | undefined {
  const own = rules[family];
  const all = rules.all;
  if (!own || !all) return own ?? all;
  const pick = <K extends keyof ChaosRule>(from: ChaosRule, keys: K[]) => Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<ChaosRule, K>;
  const latency = own.latencyMs !== undefined ? own : all;
  const fail = own.failureRate !== undefined ? own : all;
  const throttle = own.throttleRate !== undefined ? own : all;
  return {
    ...pick(latency, ["latencyMs"]),
    ...pick(fail, ["failureRate", "failureStatuses"]),
    ...pick(throttle, ["throttleRate", "retryAfterSeconds"]),
  };
}

/**
 * The onRequest hook applying the rules; every request a rule applies to draws the same number of
 * times. Failing and throttling exclude each other and each strikes the share it says: a request
 * fails with `failureRate`'s chance, and one that does not is throttled with the chance that makes
 * `throttleRate` of all requests throttled (`fail=0.2,throttle=0.1`: 20 % fail, 10 % throttled).
 */
export function chaosHook(options: ChaosOptions, stopping?: AbortSignal) {
  const random = seededRandom(options.seed ?? 1);
  const rules = new Map(ROUTE_FAMILIES.map((family) => [family, chaosRuleFor(options.rules, family)]));
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const family = routeFamilyOf(request.url);
    if (!family) return;
    const rule = rules.get(family);
    if (!rule) return;
    const [latency, failure, pick, throttle] = [random(), random(), random(), random()];
    if (rule.latencyMs) {
      const [min, max] = rule.latencyMs;
      await delay(min + Math.round(latency * (max - min)), undefined, stopping ? { signal: stopping } : {}).catch(() => {});
      // Cut short by the service's stop: the request is refused as one that came while it stops.
      if (stopping?.aborted) return;
    }
    const device = family === "device" || family === "packages";
    const failureRate = rule.failureRate ?? 0;
    if (failureRate > 0 && failure < failureRate) {
      const statuses = rule.failureStatuses ?? [503];
      const status = statuses[Math.min(statuses.length - 1, Math.floor(pick * statuses.length))]!;
      const code = device ? (status === 503 ? "serviceUnavailable" : "internalError") : (GRAPH_FAILURE_CODES[status] ?? GRAPH_CODES.internal);
      request.faultInjected = true;
      throw new ApiError(status, code, chaosFailureMessage(status));
    }
    if (rule.throttleRate !== undefined && throttle * (1 - failureRate) < rule.throttleRate) {
      request.faultInjected = true;
      throw throttled(reply, rule.retryAfterSeconds ?? 1, CHAOS_THROTTLE_MESSAGE);
    }
  };
}

/** How a rule is written, for the fix of every refused --chaos value. */
const CHAOS_USAGE = "write FAMILY:SETTING,... e.g. admin:latency=50-200ms,fail=0.1@500+503,throttle=0.05@2s (families: admin, sim, device, packages, all; a rate is 0 to 1 or a percentage)";

/**
 * Reads one rule as `--chaos` takes it, `FAMILY:SETTING,SETTING...`, into `into`. Settings:
 * latency=MIN-MAXms (or one value), fail=RATE[@STATUS+STATUS...], throttle=RATE[@SECONDSs]; a
 * RATE is a decimal fraction (0.05) or percentage (5%). A family given a rule before (in `into`),
 * or a setting given twice in one rule, is refused: one would be lost. So is a family whose
 * fail and throttle rates (with those of `all` it takes) add up to more than 1.
 * Its errors name the call (`parseChaosRule("bogus"): ...`): a library caller wrote no --chaos.
 */
export function parseChaosRule(text: string, into: ChaosOptions["rules"] = {}): ChaosOptions["rules"] {
  return readChaosRule(text, into, `parseChaosRule(${JSON.stringify(text)})`);
}

/** `--chaos VALUE` as the CLI reads it: its errors name the option as written (`--chaos 'bogus': ...`). */
export function parseChaosOption(text: string, into: ChaosOptions["rules"] = {}): ChaosOptions["rules"] {
  return readChaosRule(text, into, `--chaos '${text}'`);
}

/** One rule read into `into`, its errors naming `where`. */
function readChaosRule(text: string, into: ChaosOptions["rules"], where: string): ChaosOptions["rules"] {
  if (typeof text !== "string") throw new TypeError(`parseChaosRule takes a string such as "admin:fail=0.1@503" (got ${givenValue(text)})`);
  const fail = (what: string, hint = CHAOS_USAGE) => new InputError(what, { where, hint });
  const colon = text.indexOf(":");
  const family = text.slice(0, colon).trim() as RouteFamily | "all";
  if (colon < 0 || !([...ROUTE_FAMILIES, "all"] as string[]).includes(family)) {
    throw fail(`'${colon < 0 ? text : family}' is not a route family`);
  }
  if (into[family]) {
    throw fail(`a --chaos before it gave ${family} its rule`, `give each family one --chaos, its settings separated by commas (e.g. ${family}:latency=50ms,fail=0.1)`);
  }
  const rule: ChaosRule = {};
  const seen = new Set<string>();
  for (const setting of text.slice(colon + 1).split(",")) {
    const [key = "", value = ""] = setting.split("=").map((part) => part.trim());
    if (seen.has(key)) throw fail(`${key} is given twice`, `give each setting once in a rule`);
    seen.add(key);
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
            const status = decimalNumber(s);
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
  checkRatesAddUp({ ...into, [family]: rule }, fail);
  into[family] = rule;
  return into;
}

function parseRate(text: string, fail: (what: string) => Error): number {
  const rate = decimalShare(text);
  if (Number.isNaN(rate)) throw fail(`rate '${text}' is not a number from 0 to 1 or a percentage`);
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
  // A misspelled part (`sed` for seed) was ignored: the chaos then drew from the default seed.
  const unknown = Object.keys(chaos).find((key) => key !== "seed" && key !== "rules");
  if (unknown !== undefined) {
    const near = closestName(unknown, ["seed", "rules"], 2);
    throw refuse(`.${unknown}`, `is not a part of chaos${near === null ? "" : ` (did you mean ${near}?)`}`, "give { seed?, rules }, e.g. { seed: 1, rules: { admin: { failureRate: 0.1 } } }");
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
  checkRatesAddUp(rules as ChaosOptions["rules"], (what, hint) => refuse(".rules", what, hint ?? ""));
  return chaos as ChaosOptions;
}

/**
 * Refuses rules under which some family's fail and throttle rates (its own, or those of `all` it
 * takes) add up to more than 1: a request is failed or throttled, never both. Both ways of giving
 * rules (`--chaos` text, a library caller's object) are checked here.
 */
function checkRatesAddUp(rules: ChaosOptions["rules"], fail: (what: string, hint?: string) => Error): void {
  for (const each of ROUTE_FAMILIES) {
    const applied = chaosRuleFor(rules, each);
    if ((applied?.failureRate ?? 0) + (applied?.throttleRate ?? 0) > 1) {
      throw fail(
        `fail and throttle rates of ${each} add up to more than 1 (${applied!.failureRate} + ${applied!.throttleRate})`,
        "a request is failed or throttled, not both: give rates whose sum is at most 1 (a family's own setting takes the place of the same setting of all)",
      );
    }
  }
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
