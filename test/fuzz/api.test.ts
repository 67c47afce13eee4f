/**
 * Fuzzing the service's two APIs: hostile requests (see support/hostile-requests.ts) through the
 * admin API (Graph-shaped, /beta and the simulator's /sim/v1) and the device API (/device/v1)
 * with `app.inject`, against a service holding one of everything (support/world.ts). Fixed seed;
 * `npm test` sends a small budget, `npm run fuzz` FUZZ_REQUESTS of them.
 *
 * A crash is: an exception out of inject, no answer within 10 s, a 5xx, an unexpected error in
 * the service's log, or on an API path an error answer without the documented body,
 * `{"error": {"code", "message"}}` as JSON (the admin API adds Graph's innerError with the
 * request id; the device API's codes are those of agent/protocol/device-api.ts, each with its own
 * status), an answer without the request-id header every answer carries, a 204 with a body, or a
 * body that is not the JSON its Content-Type claims.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE_ERROR_STATUS } from "../../agent/protocol/device-api.js";
import { hostileRequest, routesOf, type HostileRequest, type Route } from "./support/hostile-requests.js";
import { buildWorld, validBodies, type World } from "./support/world.js";

const SEED = 20_261_202;
const REQUESTS = Number(process.env["FUZZ_REQUESTS"] ?? 300);
const LONG = REQUESTS > 1000;
/** The world is rebuilt every so many requests: the fuzzer deletes, wipes and revokes what it finds. */
const REBUILD_EVERY = 60;
const ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef";

let world: World;
let routes: Route[];

beforeAll(async () => {
  world = await buildWorld(ADMIN_TOKEN);
  const openapi = await world.service.app.inject({ method: "GET", url: "/openapi.json" });
  routes = routesOf(openapi.json()).filter((r) => /^\/(beta|sim\/v1|device\/v1)\//.test(r.path));
}, 60_000);
afterAll(() => world?.service.close());

const isApiPath = (url: string) => /^\/(beta|sim\/v1|device\/v1)(\/|\?|$)/.test(url);
const isDeviceApi = (url: string) => /^\/device\/v1(\/|\?|$)/.test(url);

/** What is wrong with the service's answer to `request`, or null. */
function judge(
  request: HostileRequest,
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  logged: string[],
): string | null {
  // 501 notImplemented is deliberate: a Graph route the mock does not simulate (odata/unsimulated-routes.ts).
  const notSimulated = response.statusCode === 501 && /"code":"notImplemented"/.test(response.body);
  if (response.statusCode >= 500 && !notSimulated) return `answered ${response.statusCode}: ${response.body.slice(0, 300)}`;
  if (logged.length > 0) return `logged an unexpected error: ${logged.join("\n").slice(0, 500)}`;
  if (!isApiPath(request.url)) return null;
  if (typeof response.headers["request-id"] !== "string") return "answered without the request-id header";
  if (request.method.toUpperCase() === "HEAD") return null;
  const json = /^application\/json\b/.test(String(response.headers["content-type"] ?? ""));
  if (response.statusCode === 204 && response.body !== "") return `answered 204 with a body: ${response.body.slice(0, 200)}`;
  if (response.statusCode < 400) {
    if (!json || response.body === "") return null;
    try {
      JSON.parse(response.body);
      return null;
    } catch {
      return `answered ${response.statusCode} with a body that is not the JSON it claims: ${response.body.slice(0, 200)}`;
    }
  }
  if (!json) {
    return `error answer ${response.statusCode} is not JSON (content-type ${String(response.headers["content-type"])}): ${response.body.slice(0, 200)}`;
  }
  let body: { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    return `error answer ${response.statusCode} is not valid JSON: ${response.body.slice(0, 200)}`;
  }
  const error = body?.error;
  if (typeof error?.code !== "string" || error.code === "" || typeof error.message !== "string" || error.message === "") {
    return `error answer ${response.statusCode} lacks {"error": {"code", "message"}}: ${response.body.slice(0, 200)}`;
  }
  if (isDeviceApi(request.url)) {
    const status = DEVICE_ERROR_STATUS[error.code as keyof typeof DEVICE_ERROR_STATUS];
    if (status === undefined) return `device API error code '${error.code}' is not one of the contract's`;
    if (status !== response.statusCode) return `device API error '${error.code}' came with ${response.statusCode}, not its ${status}`;
  } else if (typeof error.innerError?.["request-id"] !== "string" || typeof error.innerError["date"] !== "string") {
    return `admin error answer lacks Graph's innerError (date, request-id): ${response.body.slice(0, 200)}`;
  }
  return null;
}

/** A request the service has not answered in this long hangs (the slowest answer is far below). */
const ANSWER_WITHIN_MS = 10_000;

async function answerWithin<T>(ms: number, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** JSON with every long string cut to its first characters and its length. */
function shorten(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" && v.length > 160 ? `${v.slice(0, 120)}...(${v.length} characters)` : v));
}

describe("fuzz: hostile requests through the admin and device APIs", () => {
  it("starts from a valid body for every route that takes one, and the service takes it", async () => {
    const bodies = validBodies(world.fixtures);
    const missing = routes.filter((route) => route.body && !(`${route.method} ${route.path}` in bodies)).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    // On a world of its own: the fuzzer's world keeps its settings.
    const own = await buildWorld(ADMIN_TOKEN);
    try {
      const patched = await own.service.app.inject({
        method: "PATCH",
        url: "/beta/deviceManagement",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        payload: JSON.stringify(bodies["PATCH /beta/deviceManagement"]),
      });
      expect(patched.statusCode, patched.body).toBe(200);
    } finally {
      await own.service.close();
    }
  }, 60_000);

  it(`answers ${REQUESTS} hostile requests with a documented answer, never a crash`, async () => {
    let sent = 0;
    let slowest = { ms: 0, what: "" };
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest(routes, ADMIN_TOKEN, () => world.fixtures), async (request) => {
        world.service.logged.length = 0;
        const started = performance.now();
        const response = await answerWithin(
          ANSWER_WITHIN_MS,
          world.service.app.inject({
            method: request.method as "GET",
            url: request.url,
            headers: request.headers,
            ...(request.body === undefined ? {} : { payload: request.body }),
          }),
        );
        const ms = performance.now() - started;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (ms > slowest.ms) slowest = { ms, what: `${request.method} ${request.url.slice(0, 80)}` };
        const problem = judge(request, { statusCode: response.statusCode, headers: response.headers, body: response.body }, world.service.logged);
        if (problem !== null) throw new Error(problem);
        // After the check, so the next request is made against the new world.
        if (++sent % REBUILD_EVERY === 0) {
          await world.service.close();
          world = await buildWorld(ADMIN_TOKEN);
        }
      }),
      {
        seed: SEED,
        numRuns: REQUESTS,
        endOnFailure: true,
        // A short report: the hostile values run to megabytes.
        asyncReporter: async (details) => {
          if (!details.failed) return;
          const [request] = details.counterexample ?? [];
          throw new Error(`${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\nrequest: ${shorten(request)}\n(seed ${details.seed}, path ${details.counterexamplePath})`);
        },
      },
    );
    if (LONG) {
      const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(", ");
      console.error(`fuzz: ${REQUESTS} API requests, 0 crashes, slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}); answers ${answers}`);
    }
  }, LONG ? 3_600_000 : 120_000);
});
