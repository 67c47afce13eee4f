/**
 * A running service that takes connections but never answers (hung, `kill -STOP`, another
 * program on the port): the check of `--service` and the fleet's set-up give up after a short,
 * documented time, saying that something listens there but does not answer. Before, each request
 * waited out undici's 300 s, and the message then said to start a service there.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InputError, runFleet, SERVICE_ANSWER_TIMEOUT_MS } from "../../agent/index.js";
import { checkRunningService } from "../../agent/sim/service-check.js";
import { startMockService } from "../../mock-service/index.js";

const open: { server: Server | HttpServer; sockets: Set<Socket> }[] = [];

/** Listens, keeps every connection, answers nothing. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  open.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers the check (GET /beta/organization) as a service does, then nothing else. */
async function serviceThatStopsAnswering(): Promise<string> {
  return listening(
    createHttpServer((req, res) => {
      if (req.method === "GET" && req.url === "/beta/organization") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: [{ id: "t" }] }));
    }),
  );
}

/** An HTTP server listening on a free loopback port, its connections cut after each test. */
async function listening(server: HttpServer): Promise<string> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  open.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const { server, sockets } of open.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe("a running service that accepts connections and never answers", () => {
  it("the documented limit is short: 10 s, not undici's 300 s", () => {
    expect(SERVICE_ANSWER_TIMEOUT_MS).toBe(10_000);
  });

  it("the check gives up after its time, saying nothing answers HTTP there (not that nothing listens)", async () => {
    const url = await silentServer();
    const started = performance.now();
    const error = await checkRunningService(url, "token", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ where: url, problem: "answers no HTTP within 0.3 s: something accepts connections there but does not answer" });
    // Starting a service there is not the fix: something already listens.
    expect((error as InputError).hint).not.toMatch(/start it with/);
    expect((error as InputError).hint).toMatch(/not stopped \(kill -STOP, a debugger\) or hung/);
  });

  it("an aborted check stops at once with the signal's reason (Ctrl-C while checking)", async () => {
    const url = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stopped by the test")), 100);
    const started = performance.now();
    await expect(checkRunningService(url, "token", { signal: controller.signal })).rejects.toThrow("stopped by the test");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("runFleet: the check, and each set-up request after it, has the same limit (serviceTimeoutMs)", async () => {
    const silent = await silentServer();
    await expect(runFleet({ devices: 1, service: { url: silent, adminToken: "t" }, serviceTimeoutMs: 300 })).rejects.toMatchObject({
      name: "InputError",
      problem: "answers no HTTP within 0.3 s: something accepts connections there but does not answer",
    });
    // Answers the check, then hangs: the set-up of the fleet's user says so (before, undici's
    // HeadersTimeoutError after 300 s, as an internal error).
    const stops = await serviceThatStopsAnswering();
    const started = performance.now();
    const error = await runFleet({ devices: 1, service: { url: stops, adminToken: "t" }, serviceTimeoutMs: 300, threads: 1 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ where: stops, problem: "answered no HTTP within 0.3 s while the fleet's user and profile were set up: the service stopped answering" });
  });

  // Before, the set-up's request waited out its whole limit (13 s of "0/10 devices" after a Ctrl-C).
  it("runFleet: a stop during the set-up ends its wait at once, and the run says it was interrupted, no device started", async () => {
    const stops = await serviceThatStopsAnswering();
    const stop = new AbortController();
    const started = performance.now();
    setTimeout(() => stop.abort(), 300);
    const { summary } = await runFleet({ devices: 3, service: { url: stops, adminToken: "t" }, serviceTimeoutMs: 8_000, threads: 1, signal: stop.signal });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(summary).toMatchObject({ devices: 0, enrolled: 0, failed: 0, interrupted: true });
  });

  // Before, the set-up's withdrawn requests were counted as the service's errors: 100 % errors
  // (`http.errors<1%` missed) from a service that never failed.
  it("runFleet: the set-up's requests a stop withdraws are not counted as the service's errors", async () => {
    const stop = new AbortController();
    // Answers the check, then stops the fleet as its set-up's first request arrives (never answered).
    const url = await listening(
      createHttpServer((req, res) => {
        if (req.method === "GET" && req.url === "/beta/organization") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: [{ id: "t" }] }));
        else stop.abort();
      }),
    );
    const { summary } = await runFleet({ devices: 3, service: { url, adminToken: "t" }, serviceTimeoutMs: 8_000, threads: 1, signal: stop.signal });
    expect(summary).toMatchObject({ devices: 0, interrupted: true });
    expect(summary.http).toMatchObject({ errors: 0, requests: 0 });
  });

  it("runFleet refuses a serviceTimeoutMs that is no time", async () => {
    await expect(runFleet({ devices: 1, serviceTimeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(runFleet({ devices: 1, serviceTimeoutMs: Number.NaN })).rejects.toThrow(/serviceTimeoutMs must be a number of milliseconds above 0 \(got NaN\)/);
  });
});

/** Answers every request with `body` (200, JSON's content type), or with `size` bytes of spaces. */
async function answering(body: string | { size: number }): Promise<string> {
  return listening(
    createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (typeof body === "string") return res.end(body);
      const chunk = Buffer.alloc(1 << 20, 32);
      let sent = 0;
      const pump = (): void => {
        while (sent < body.size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end("{}");
      };
      pump();
    }),
  );
}

// Before: "cannot reach the service (Expected property name ...)", fix "start it"; {} passed the
// check and every device failed on the QR code of profile "undefined"; a 4 GiB answer was read
// whole (8 GB of memory), then "cannot reach the service (ERR_STRING_TOO_LONG)".
describe("a program on the port that answers, but not as an aosp-sim service", () => {
  it.each([
    ["something that is not JSON", "{bad", /answered GET \/beta\/organization with something that is not JSON \("\{bad"\): is it an aosp-sim mock service\?$/],
    ["JSON that is no organization list", "{}", /answered GET \/beta\/organization with JSON that is not a list of organizations: is it an aosp-sim mock service\?$/],
    ["an answer without end", { size: 80 * 1024 * 1024 }, /answered GET \/beta\/organization with more than 67108864 bytes \(an admin answer is kilobytes\): is it an aosp-sim mock service\?$/],
  ])("is said to be no such service when it answers %s, before any device runs", async (_what, body, said) => {
    const url = await answering(body);
    const error = await runFleet({ devices: 2, service: { url, adminToken: "t" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe(url);
    expect((error as InputError).message).toMatch(said);
    expect((error as InputError).hint).toMatch(/give the URL `aosp-sim serve` printed/);
  });
});

// Before, each was "internal error: 400 mdmAuthorityNotSet: ..." with AOSP_SIM_DEBUG as the fix.
describe("a running service that refuses the fleet's set-up", () => {
  it("says the refusal in the service's words, naming the service, as a usage error", async () => {
    const service = await startMockService({ port: 0, tenant: "new" });
    try {
      const error = await runFleet({ devices: 2, service: { url: service.url, adminToken: service.adminToken } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).where).toBe(service.url);
      expect((error as InputError).problem).toMatch(/^refused the fleet's set-up \(its user and profile\): 400 mdmAuthorityNotSet: .*setMobileDeviceManagementAuthority/);
    } finally {
      await service.close();
    }
  });

  it("says a service that fails the set-up with 503 is up but failing", async () => {
    // Every request of the set-up fails (the check's GET is let through).
    const service = await startMockService({ port: 0, injectAnswers: ({ method }) => (method === "GET" ? null : { status: 503, body: { error: { code: "serviceNotAvailable", message: "down" } } }) });
    try {
      const error = await runFleet({ devices: 2, service: { url: service.url, adminToken: service.adminToken } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problem).toBe("is up, but failing: it answered the fleet's set-up (its user and profile) with 503 serviceNotAvailable: down");
    } finally {
      await service.close();
    }
  });
});
