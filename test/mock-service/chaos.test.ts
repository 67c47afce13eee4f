/** Service-side faults for QA: seeded chaos per route family, and the admin request budget. */
import { afterEach, describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { InputError } from "../../agent/protocol/errors.js";
import { parseChaosOption, parseChaosRule, startMockService, type MockService, type MockServiceOptions } from "../../mock-service/index.js";
import { ServeExited, startServe, stop } from "./support/serve-process.js";
import { enrollRequest, errorOf, http } from "./support/service.js";

const started: MockService[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: MockServiceOptions): Promise<MockService> {
  const service = await startMockService(options);
  started.push(service);
  return service;
}

const statuses = async (service: MockService, count: number) => {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await http(`${service.url}/beta/users`, { bearer: service.adminToken })).status);
  return seen;
};

describe("--chaos", () => {
  it("fails a share of a family's requests with the statuses asked, the same ones for the same seed", async () => {
    const rules = parseChaosRule("admin:fail=0.5@500+503");
    const first = await statuses(await start({ chaos: { seed: 42, rules } }), 30);
    const again = await statuses(await start({ chaos: { seed: 42, rules } }), 30);
    const other = await statuses(await start({ chaos: { seed: 43, rules } }), 30);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500, 503]));
    const failed = first.filter((s) => s !== 200).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(25);
  });

  it("answers Graph's shapes: 503 serviceNotAvailable, 429 TooManyRequests with Retry-After; other families untouched", async () => {
    const service = await start({ chaos: { seed: 1, rules: parseChaosRule("admin:throttle=1@7s", parseChaosRule("sim:fail=1@503")) } });
    const throttled = await http(`${service.url}/beta/users`, { bearer: service.adminToken });
    expect(errorOf(throttled)).toMatchObject({ status: 429, code: "TooManyRequests" });
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect(throttled.body.error.innerError["request-id"]).toBe(throttled.headers.get("request-id"));
    const unavailable = await http(`${service.url}/sim/v1/packages`, { bearer: service.adminToken });
    expect(errorOf(unavailable)).toMatchObject({ status: 503, code: "serviceNotAvailable" });
    const enroll = await http(`${service.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest("unknown-token") });
    expect(errorOf(enroll)).toMatchObject({ status: 401, code: "tokenUnknown" });
    expect((await http(`${service.url}/beta/$metadata`, { bearer: service.adminToken })).status).toBe(200);
  });

  it("does not log an injected failure as a crash: nothing without --log, one request line saying it was injected with it", async () => {
    const rules = parseChaosRule("admin:fail=0.5@500+503");
    const quiet: string[] = [];
    const seen = await statuses(await start({ chaos: { seed: 42, rules }, log: (line) => quiet.push(line) }), 10);
    expect(seen.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(quiet).toEqual([]);
    const logged: string[] = [];
    const again = await statuses(await start({ chaos: { seed: 42, rules }, log: (line) => logged.push(line), logRequests: true }), 10);
    expect(again).toEqual(seen);
    expect(logged).toHaveLength(10);
    expect(logged.filter((line) => line.includes("(injected by --chaos)"))).toHaveLength(seen.filter((s) => s >= 500).length);
    expect(logged.join("\n")).not.toMatch(/internal error|Error:|\n\s+at /);
  });

  it("adds latency within the bounds", async () => {
    const service = await start({ chaos: { rules: parseChaosRule("all:latency=150-200ms") } });
    const before = performance.now();
    await http(`${service.url}/beta/users`, { bearer: service.adminToken });
    expect(performance.now() - before).toBeGreaterThanOrEqual(145);
  });

  // Before, the second rule for a family replaced the first in silence, and a family's rule hid
  // every setting of `all`: `all:fail=1@502` with `admin:latency=1ms` left the admin API unharmed.
  it("refuses a second rule for a family or a setting given twice, and gives a family the settings of all it does not set", async () => {
    expect(() => parseChaosOption("admin:latency=1ms", parseChaosRule("admin:fail=1@502"))).toThrow(
      expect.objectContaining({ where: "--chaos 'admin:latency=1ms'", problem: "a --chaos before it gave admin its rule" }),
    );
    expect(() => parseChaosRule("admin:fail=0.1,fail=0.2")).toThrow(expect.objectContaining({ problem: "fail is given twice" }));
    const service = await start({ chaos: { rules: parseChaosRule("admin:latency=1ms", parseChaosRule("all:fail=1@502")) } });
    expect((await http(`${service.url}/beta/users`, { bearer: service.adminToken })).status).toBe(502);
    expect((await http(`${service.url}/sim/v1/packages`, { bearer: service.adminToken })).status).toBe(502);
    // A family's own setting takes the place of the same setting of all.
    const own = await start({ chaos: { rules: parseChaosRule("admin:fail=1@504", parseChaosRule("all:fail=1@502")) } });
    expect((await http(`${own.url}/beta/users`, { bearer: own.adminToken })).status).toBe(504);
  });

  // Before, Number() read them: 0x1, 1e-1 and 0x1f6 were accepted, and 5% was refused.
  it("reads rates as decimal fractions or percentages and statuses as decimal digits", () => {
    for (const text of ["admin:fail=0x1", "admin:fail=1e-1", "admin:fail=1@0x1f6", "admin:throttle=.1e1", "admin:fail= "]) {
      expect(() => parseChaosRule(text), text).toThrow(InputError);
    }
    expect(parseChaosRule("admin:fail=5%@502,throttle=0.5%")).toEqual({ admin: { failureRate: 0.05, failureStatuses: [502], throttleRate: 0.005 } });
  });

  // Before, failures were drawn among the requests not throttled: fail=0.5,throttle=0.5 left a
  // quarter of the requests unharmed, and fail=0.2,throttle=0.1 failed 18 %.
  it("fails and throttles the shares the rule says, never one request both ways", async () => {
    const both = await statuses(await start({ chaos: { seed: 3, rules: parseChaosRule("admin:fail=0.5,throttle=0.5") } }), 40);
    expect(both.filter((s) => s === 200)).toEqual([]);
    expect(both.filter((s) => s === 429).length).toBeGreaterThan(10);
    expect(both.filter((s) => s === 503).length).toBeGreaterThan(10);
    for (const text of ["admin:fail=0.6,throttle=0.5", "admin:fail=60%,throttle=50%"]) {
      expect(() => parseChaosRule(text), text).toThrow(expect.objectContaining({ problem: expect.stringMatching(/^fail and throttle rates of admin add up to more than 1/) }));
    }
    expect(() => parseChaosRule("admin:fail=0.5", parseChaosRule("all:throttle=0.6"))).toThrow(/add up to more than 1/);
  });

  it("refuses a rule it cannot read, saying how to write one", () => {
    for (const text of ["bogus:fail=0.1", "admin:fail=2", "admin:fail=0.1@404", "admin:latency=9-1ms", "admin:jitter=1"]) {
      expect(() => parseChaosRule(text), text).toThrow(InputError);
    }
  });
});

describe("--throttle", () => {
  it("answers 429 with Retry-After past the budget, until the window turns on the service's clock", async () => {
    let now = Date.UTC(2026, 2, 2, 9, 0, 0);
    const service = await start({ throttle: { requests: 3, windowMs: 20_000 }, now: () => new Date(now) });
    expect(await statuses(service, 4)).toEqual([200, 200, 200, 429]);
    now += 5_000;
    const refused = await http(`${service.url}/beta/users`, { bearer: service.adminToken });
    expect(refused.headers.get("retry-after")).toBe("15");
    expect(refused.body.error.message).toMatch(/budget of 3 requests per 20 s/);
    now += 15_000;
    expect(await statuses(service, 1)).toEqual([200]);
    // An unauthenticated caller spends nothing of the tenant's budget.
    expect((await http(`${service.url}/beta/users`)).status).toBe(401);
  });

  it("never touches /health, /openapi.json and $metadata, as --chaos does not", async () => {
    const service = await start({ throttle: { requests: 2, windowMs: 20_000 } });
    expect(await statuses(service, 3)).toEqual([200, 200, 429]);
    for (const path of ["/beta/$metadata", "/health", "/openapi.json", "/beta/$metadata"]) {
      expect((await http(`${service.url}${path}`, { bearer: service.adminToken })).status, path).toBe(200);
    }
    expect(await statuses(service, 1)).toEqual([429]);
  });

  it("serve refuses a budget or chaos rule it cannot read (exit 2, with a fix)", { timeout: 90_000 }, async () => {
    for (const args of [["--throttle", "100"], ["--chaos", "admin:fail=lots"], ["--chaos", "admin:fail=0.1", "--chaos-seed", "x"]]) {
      const error = await startServe(["--port", "0", ...args]).then(
        async (running) => {
          await stop(running);
          throw new Error(`serve ${args.join(" ")} started`);
        },
        (e: unknown) => e,
      );
      expect(error, args.join(" ")).toBeInstanceOf(ServeExited);
      expect((error as ServeExited).code).toBe(2);
      expect((error as ServeExited).stderr).toMatch(/fix:/);
    }
  });
});
