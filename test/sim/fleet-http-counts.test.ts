/**
 * A fleet's HTTP counts are the service's answers: what the devices withdraw themselves is not a
 * service error, and a request is counted once.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { HttpTransport } from "../../agent/client/http.js";
import { RealClock } from "../../agent/device/clock.js";
import { runFleet } from "../../agent/index.js";
import { LightAbort } from "../../agent/protocol/light-abort.js";
import { HttpCounter } from "../../agent/sim/fleet/http-counts.js";
import { startMockService } from "../../mock-service/index.js";

describe("a fleet's HTTP counts", () => {
  it("do not count requests withdrawn as power is lost as the service's errors", async () => {
    // Before: 37 errors of 1,442 requests for 200 devices, all enrolled, and http.errors<1% missed.
    const { summary } = await runFleet({ devices: 60, seed: 2026, embedded: "inline", faults: ["power-loss@enrolling=30%", "power-loss@downloadingAgent=30%"] });
    expect(summary.faults.map((f) => f.devices).every((n) => n > 0)).toBe(true);
    expect(summary).toMatchObject({ enrolled: 60, http: { errors: 0 } });
    // One enroll per device: a request withdrawn before it was sent never reached the service.
    expect(summary.http.byRoute["POST /device/v1/enroll"]).toEqual({ requests: 60, errors: 0 });
  });

  it("count a request the device timed out on as an error, an answer once, and a request withdrawn before its answer not at all", async () => {
    // A server that answers /ok at once, never answers /hang, and answers /slow after 300 ms.
    const server = createServer((req, res) => {
      if (req.url === "/hang") return;
      setTimeout(() => res.end("{}"), req.url === "/slow" ? 300 : 0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const counting = new HttpCounter();
    try {
      const http = new HttpTransport({ clock: new RealClock(), timeoutMs: 200, dispatcher: counting.dispatcher() });
      await http.send({ method: "GET", url: `${origin}/ok`, purpose: "device-api" });
      await expect(http.send({ method: "GET", url: `${origin}/hang`, purpose: "device-api" })).rejects.toMatchObject({ code: "serviceTimeout" });
      const withdraw = new LightAbort();
      const slow = http.send({ method: "GET", url: `${origin}/slow`, purpose: "device-api", signal: withdraw, timeoutMs: 5_000 });
      setTimeout(() => withdraw.abort(new Error("power lost")), 50);
      await expect(slow).rejects.toThrow("power lost");
      expect(counting.counts).toEqual({
        requests: 2,
        errors: 1,
        byRoute: { "GET /ok": { requests: 1, errors: 0 }, "GET /hang": { requests: 1, errors: 1 } },
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  // Before, both counted every request to the service: the two fleets' requests were told apart
  // by their origin only, which is one here.
  it("are each fleet's own when two fleets run at once against one service", async () => {
    const service = await startMockService({ port: 0, passwordHashCost: 8, lockoutThreshold: 1_000_000 });
    try {
      const fleet = (devices: number, seed: number) => runFleet({ devices, seed, service: { url: service.url, adminToken: service.adminToken } });
      const routes = (summary: Awaited<ReturnType<typeof fleet>>["summary"]) =>
        Object.fromEntries(Object.entries(summary.http.byRoute).map(([route, c]) => [route, c.requests]));
      // Each alone first (the first also makes the fleet's user, which every later set-up finds).
      await fleet(1, 9);
      const aloneA = routes((await fleet(3, 1)).summary);
      const aloneB = routes((await fleet(5, 2)).summary);
      expect(aloneA["POST /device/v1/enroll"]).toBe(3);
      expect(aloneB["POST /device/v1/enroll"]).toBe(5);
      const [a, b] = await Promise.all([fleet(3, 1), fleet(5, 2)]);
      expect(a.summary).toMatchObject({ enrolled: 3, failed: 0 });
      expect(b.summary).toMatchObject({ enrolled: 5, failed: 0 });
      expect(routes(a.summary)).toEqual(aloneA);
      expect(routes(b.summary)).toEqual(aloneB);
      expect(a.summary.http.requests).toBe(Object.values(aloneA).reduce((x, y) => x + y, 0));
    } finally {
      await service.close();
    }
  }, 60_000);
});
