/**
 * startMockService's options as a library caller writes them: a refusal names the option as
 * written (`startMockService adminToken`), not a CLI flag the caller never used, and the object
 * options (`throttle`, `chaos`) are checked before the service starts, as `--throttle` and
 * `--chaos` are read, instead of a service whose every request then fails.
 */
import { createServer } from "node:net";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { AdminAnswerError, AdminClient, InputError, parseChaosRule, parseThrottleBudget, ROUTE_FAMILIES, startMockService, type MockServiceOptions } from "../../agent/index.js";

/** The refusal startMockService rejects with for `options`. */
async function refusal(options: MockServiceOptions): Promise<InputError> {
  const error = await startMockService(options).then(
    async (service) => {
      await service.close();
      throw new Error(`started with ${JSON.stringify(options)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("startMockService's refusals", () => {
  it("name the option as the caller wrote it", async () => {
    // Before: "--admin-token: ...", "--public-url: ...", "--lockout-threshold: ...", "--password-hash-cost: ...".
    expect((await refusal({ adminToken: "" })).message).toBe("startMockService adminToken: the admin token must be 1 to 512 printable ASCII characters without spaces");
    expect((await refusal({ publicUrl: "localhost:8080" })).message).toBe('startMockService publicUrl: "localhost:8080" is not an http or https URL (its scheme is "localhost")');
    expect((await refusal({ lockoutThreshold: 0 })).where).toBe("startMockService lockoutThreshold");
    expect((await refusal({ passwordHashCost: 0 })).message).toBe("startMockService passwordHashCost: password hash cost 0 is out of range");
    // Before: "port 0 is not a TCP port", with no `where`, for the string "0".
    expect((await refusal({ port: "0" as never })).message).toBe('startMockService port: the string "0" is not a TCP port');
  });

  it("say a port in use is the port option, not --port", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      expect((await refusal({ port })).hint).toBe("stop what holds it, or use another port (0 picks a free one)");
    } finally {
      holder.close();
    }
  });

  it("check throttle and chaos before the service starts", async () => {
    // Before, each started, and every admin request failed (429 "per -0.001 s", or 500 "invalid status code: 999").
    expect(await refusal({ throttle: { requests: 0, windowMs: -1 } })).toMatchObject({ message: "startMockService throttle.requests: is 0, not a number of requests" });
    expect(await refusal({ throttle: { requests: 5, windowMs: -1 } })).toMatchObject({ where: "startMockService throttle.windowMs" });
    expect(await refusal({ chaos: { rules: { admin: { failureRate: 5 } } } })).toMatchObject({ message: "startMockService chaos.rules.admin.failureRate: is 5, not a share of requests" });
    expect(await refusal({ chaos: { rules: { admin: { failureRate: 0.5, failureStatuses: [999] } } } })).toMatchObject({
      where: "startMockService chaos.rules.admin.failureStatuses",
      hint: "give one or more of 500, 502, 503, 504, e.g. [503]",
    });
    // Before, rates adding up past 1 were refused in --chaos text only, and a caller's object throttled every request it did not fail.
    expect(await refusal({ chaos: { rules: { all: { throttleRate: 0.6 }, admin: { failureRate: 0.5 } } } })).toMatchObject({
      where: "startMockService chaos.rules",
      problem: "fail and throttle rates of admin add up to more than 1 (0.5 + 0.6)",
    });
    // Before, a rule for a family that is none was ignored in silence.
    expect(await refusal({ chaos: { rules: { admins: { failureRate: 0.5 } } as never } })).toMatchObject({
      message: "startMockService chaos.rules.admins: is not a route family",
      hint: 'did you mean "admin"? families: admin, sim, device, packages, all',
    });
    expect(await refusal({ chaos: { rules: { all: { failureRatio: 0.5 } as never } } })).toMatchObject({ hint: expect.stringMatching(/^did you mean "failureRate"\?/) });
    expect(await refusal({ chaos: { seed: -1, rules: {} } })).toMatchObject({ where: "startMockService chaos.seed" });
    expect(await refusal({ chaos: { rules: { sim: { latencyMs: [200, 50] } } } })).toMatchObject({ where: "startMockService chaos.rules.sim.latencyMs" });
  });

  it("read chaos and throttle as --chaos and --throttle write them, with the package's parsers, which name the call", async () => {
    expect(ROUTE_FAMILIES).toEqual(["admin", "sim", "device", "packages"]);
    expect(() => parseChaosRule("bogus")).toThrow(`parseChaosRule("bogus"): 'bogus' is not a route family`);
    expect(() => parseThrottleBudget("100")).toThrow(`parseThrottleBudget("100"): '100' is not a request budget`);
    const service = await startMockService({ throttle: parseThrottleBudget("1/20s"), chaos: { seed: 1, rules: parseChaosRule("sim:fail=1@503") } });
    try {
      // The admin client waits out a 429's Retry-After: the statuses are read here directly.
      const status = async () => {
        const answer = await request(`${service.url}/beta/users`, { headers: { authorization: `Bearer ${service.adminToken}` } });
        await answer.body.dump();
        return answer.statusCode;
      };
      expect([await status(), await status()]).toEqual([200, 429]);
    } finally {
      await service.close();
    }
  });
});

describe("the admin client's errors", () => {
  it("include AdminAnswerError, for an answer that is not the service's, as a caller can test with instanceof", async () => {
    const { createServer: createHttpServer } = await import("node:http");
    const server = createHttpServer((_, res) => res.end("not JSON")).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const admin = new AdminClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`, "token");
      await expect(admin.listUsers()).rejects.toBeInstanceOf(AdminAnswerError);
    } finally {
      server.close();
    }
  });
});
