/**
 * Stopping the service (serve's SIGINT or SIGTERM): requests still being handled finish against an
 * open store, and requests that come while it stops get the documented 503, not fastify's own body.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { parseChaosRule, startMockService } from "../../mock-service/index.js";
import { http } from "./support/service.js";

const USER = (i: number) => ({
  accountEnabled: true,
  displayName: `User ${i}`,
  mailNickname: `user${i}`,
  userPrincipalName: `user${i}@contoso.example`,
  passwordProfile: { forceChangePasswordNextSignIn: false, password: "Corr3ct-Horse" },
});

describe("stopping the service", () => {
  // Before, a request waiting out its --chaos latency was cut after the 1 s grace, and its handler
  // then ran against the closed store: "internal error ... The database connection is not open".
  it("answers a request still waiting when it stops with 503, request-id and Retry-After, and logs nothing", async () => {
    const log: string[] = [];
    const service = await startMockService({ chaos: { rules: parseChaosRule("admin:latency=1500ms") }, log: (line) => log.push(line) });
    const waiting = http(`${service.url}/beta/users`, { bearer: service.adminToken });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = service.close();
    const answer = await waiting;
    await stopped;
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(answer.body.error).toMatchObject({ code: "serviceNotAvailable", message: expect.stringMatching(/^the service is stopping/) });
    expect(answer.body.error.innerError["request-id"]).toBe(answer.headers.get("request-id"));
    expect(log).toEqual([]);
  });

  // Before, a request read from a busy keep-alive connection while the service stopped got
  // fastify's `{"error":"Service Unavailable","message":...,"statusCode":503}`, without request-id.
  it("answers a request that comes on a kept-alive connection while it stops in Graph's shape", async () => {
    const service = await startMockService({ chaos: { rules: parseChaosRule("admin:latency=1500ms") } });
    const socket = connect(service.port, "127.0.0.1");
    let received = "";
    socket.on("data", (d: Buffer) => (received += d.toString("utf8")));
    const ended = new Promise((resolve) => socket.on("close", resolve));
    const auth = `Authorization: Bearer ${service.adminToken}\r\nHost: x\r\n`;
    socket.write(`GET /beta/users HTTP/1.1\r\n${auth}\r\nGET /beta/organization HTTP/1.1\r\n${auth}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await service.close();
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toMatch(/\r\nretry-after: 5\r\n/i);
      expect(answer).toMatch(/\r\nrequest-id: [0-9a-f-]{36}\r\n/i);
      expect(answer).toContain('{"error":{"code":"serviceNotAvailable","message":"the service is stopping');
    }
  });

  // Before, handlers still waiting for their password hash when the grace period cut their
  // connections resumed after the store was closed, each logging a stack.
  it("closes the store only after every handler has finished", { timeout: 30_000 }, async () => {
    const log: string[] = [];
    const service = await startMockService({ log: (line) => log.push(line) });
    const creates = Array.from({ length: 60 }, (_, i) =>
      http(`${service.url}/beta/users`, { method: "POST", json: USER(i), bearer: service.adminToken }).then((r) => r.status, () => "cut"),
    );
    await Promise.race(creates);
    await service.close();
    const statuses = await Promise.all(creates);
    expect(statuses).toContain(201);
    // The handlers a stop left running before would fail in the next seconds, one hash at a time.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(log.filter((line) => line.includes("internal error"))).toEqual([]);
  });
});

describe("stopping the service while a batch runs", () => {
  // Before, the requests of a batch not yet run when the stop began were refused by fastify
  // ("Fastify has already been closed") and the whole batch answered 500 generalException.
  it("answers each request of the batch not yet served with the stop's 503, request-id and Retry-After", async () => {
    const log: string[] = [];
    const service = await startMockService({ chaos: { rules: parseChaosRule("admin:latency=1000ms") }, log: (line) => log.push(line) });
    const requests = ["a", "b", "c"].map((id) => ({ id, method: "GET", url: "/organization" }));
    const batch = http(`${service.url}/beta/$batch`, { method: "POST", json: { requests }, bearer: service.adminToken });
    // The batch waits out its own latency (1 s), then its first request's: the stop comes during the latter.
    await new Promise((resolve) => setTimeout(resolve, 1400));
    const stopped = service.close();
    const answer = await batch;
    await stopped;
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.responses.map((r: { id: string }) => r.id)).toEqual(["a", "b", "c"]);
    const requestIds = new Set<string>();
    for (const step of answer.body.responses) {
      expect(step.status).toBe(503);
      expect(step.headers["Retry-After"]).toBe("5");
      expect(step.body.error).toMatchObject({ code: "serviceNotAvailable", message: expect.stringMatching(/^the service is stopping/) });
      expect(step.body.error.innerError["request-id"]).toBe(step.headers["Request-Id"]);
      requestIds.add(step.headers["Request-Id"]);
    }
    expect(requestIds.size).toBe(3);
    expect(log).toEqual([]);
  });
});
