/**
 * The agent's HTTP client against the mock service and against servers that misbehave: every
 * refusal keeps the service's code, 5xx and silence become retryable failures, every exchange
 * goes to the transcript.
 */
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTransport } from "../../agent/client/http.js";
import { ServiceClient } from "../../agent/client/service-client.js";
import { RealClock, SimulatedClock } from "../../agent/device/clock.js";
import { StepError } from "../../agent/machine/step-error.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";
import { startMockService, type MockService } from "../../mock-service/index.js";

const EXTRAS = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
const identity = { serialNumber: "SERIAL1", model: "Navigator 500", manufacturer: "RealWear", osVersion: "11", agentVersion: "24.9.2" };

let service: MockService;
let token: string;
beforeAll(async () => {
  service = await startMockService();
  const profile = await service.admin.createProfile({ displayName: "Client tests", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const payload = await service.admin.exportProfile(profile.id);
  token = (payload[EXTRAS] as Record<string, string>)["com.microsoft.intune.aosp.enrollmentToken"]!;
  await service.admin.createLicensedUser({ displayName: "Alex", userPrincipalName: "alex@contoso.example", password: "Passw0rd!" });
});
afterAll(() => service.close());

function client(records: TranscriptRecord[] = []) {
  return new ServiceClient(new HttpTransport({ clock: new RealClock(), transcript: (r) => records.push(r) }));
}

const signal = () => new AbortController().signal;

async function failure(work: Promise<unknown>): Promise<StepError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof StepError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("the device API client", () => {
  it("enrolls, signs in, checks in and acknowledges nothing pending", async () => {
    const c = client();
    const enrolled = await c.enroll(service.url, { enrollmentToken: token, ...identity }, signal());
    const session = { serviceUrl: service.url, deviceId: enrolled.deviceId, deviceCredential: enrolled.deviceCredential };
    const user = await c.signIn(session, { userPrincipalName: "alex@contoso.example", password: "Passw0rd!" }, signal());
    expect(user.requiredApps.length).toBe(2);
    const checkIn = await c.checkIn(session, { agentVersion: "24.9.2", apps: [] }, signal());
    expect(checkIn.actions).toEqual([]);
    expect(Date.parse(checkIn.serverDateTime)).not.toBeNaN();
  });

  it("keeps the service's error code on a refusal", async () => {
    const error = await failure(client().enroll(service.url, { enrollmentToken: "not-a-token", ...identity }, signal()));
    expect(error).toMatchObject({ code: "tokenUnknown", status: 401, retryable: false });
  });

  it("carries the minimum version of an agentVersionTooOld refusal", async () => {
    const c = client();
    const enrolled = await c.enroll(service.url, { enrollmentToken: token, ...identity, agentVersion: "24.5.0" }, signal());
    const session = { serviceUrl: service.url, deviceId: enrolled.deviceId, deviceCredential: enrolled.deviceCredential };
    const error = await failure(c.checkIn(session, { agentVersion: "24.5.0", apps: [] }, signal()));
    expect(error).toMatchObject({ code: "agentVersionTooOld", status: 426, minimumVersion: "24.7.0" });
  });

  it("writes every exchange to the transcript with its purpose and status", async () => {
    const records: TranscriptRecord[] = [];
    await failure(client(records).enroll(service.url, { enrollmentToken: "nope", ...identity }, signal()));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: "http",
      purpose: "device-api",
      method: "POST",
      url: `${service.url}/device/v1/enroll`,
      request: { body: { enrollmentToken: "nope" } },
      response: { status: 401, body: { error: { code: "tokenUnknown" } } },
    });
  });

  it("turns a connection refused into a retryable network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client().enroll(`http://127.0.0.1:${port}`, { enrollmentToken: token, ...identity }, signal()));
    expect(error).toMatchObject({ code: "networkError", retryable: true });
    expect(error.message).toMatch(/connection refused/);
  });
});

describe("misbehaving servers", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes("/slow")) return; // never answers
      if (req.url?.includes("/endless")) {
        // A body without a length that never ends.
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(1024 * 1024, 0x41);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once("drain", pump);
        };
        res.on("close", () => res.removeAllListeners("drain"));
        pump();
        return;
      }
      res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("turns a 5xx without a JSON body into a retryable serviceUnavailable", async () => {
    const error = await failure(client().enroll(url, { enrollmentToken: token, ...identity }, signal()));
    expect(error).toMatchObject({ code: "serviceUnavailable", status: 502, retryable: true });
  });

  it("times out a request that is never answered", async () => {
    const http = new HttpTransport({ clock: new RealClock(), timeoutMs: 200 });
    const error = await failure(new ServiceClient(http).enroll(`${url}/slow`, { enrollmentToken: token, ...identity }, signal()));
    expect(error).toMatchObject({ code: "serviceTimeout", retryable: true });
  });

  it("times out a request that never gets a connection (the timeout does not wait for one)", async () => {
    // A dispatcher that queues the request and never starts it, as a pool with no free connection would.
    const stalled = { dispatch: () => true } as unknown as Dispatcher;
    const http = new HttpTransport({ clock: new RealClock(), timeoutMs: 100, dispatcher: stalled });
    const error = await failure(http.send({ method: "GET", url: `${url}/fast`, purpose: "device-api" }));
    expect(error).toMatchObject({ code: "serviceTimeout", retryable: true });
  });

  it("stops reading a body without a length once it passes what a device accepts (no unbounded memory)", async () => {
    const http = new HttpTransport({ clock: new RealClock(), timeoutMs: 30_000 });
    const error = await failure(http.send({ method: "GET", url: `${url}/endless`, purpose: "app-download" }));
    expect(error).toMatchObject({ code: "networkError" });
    expect(error.message).toMatch(/more than a device accepts/);
  });

  it("does not let a simulated clock jump past a real request in flight", async () => {
    const clock = new SimulatedClock(0);
    const http = new HttpTransport({ clock, timeoutMs: 10_000 });
    const pending = http.send({ method: "GET", url: `${url}/fast`, purpose: "device-api" });
    await clock.settle(); // returns only once the real answer is in
    expect((await pending).status).toBe(502);
    expect(clock.now()).toBe(0);
  });
});

describe("the device's HTTP in a process that used fetch first", () => {
  // Node's own fetch bundles an older undici, which installs its dispatcher as the process-wide
  // one if it runs before this package's undici is loaded (a library user's script, or the CLI
  // checking a --service). That dispatcher does not take the handler the transport dispatches
  // with: every device request failed with "invalid onError method". Run in a fresh process
  // (the built dist/), since this one has long loaded undici.
  it("still answers", async () => {
    const dist = (path: string) => JSON.stringify(new URL(`../../dist/agent/${path}`, import.meta.url).href);
    const script = `
      import { createServer } from "node:http";
      const server = createServer((_, res) => res.end("ok")).listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      const url = "http://127.0.0.1:" + server.address().port + "/";
      await (await fetch(url)).text();
      const { HttpTransport } = await import(${dist("client/http.js")});
      const { RealClock } = await import(${dist("device/clock.js")});
      const http = new HttpTransport({ clock: new RealClock(), timeoutMs: 10_000 });
      try {
        const res = await http.send({ method: "GET", url, purpose: "device-api" });
        console.log(res.status, new TextDecoder().decode(res.body));
      } catch (error) {
        console.log("failed:", error.message);
      }
      server.close();`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("200 ok");
  });

  it("goes through a dispatcher a library user installed (a proxy, a MockAgent)", async () => {
    const before = getGlobalDispatcher();
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get("http://mdm.example").intercept({ path: "/ping" }).reply(200, "from the mock");
    setGlobalDispatcher(mock);
    try {
      const res = await new HttpTransport({ clock: new RealClock(), timeoutMs: 10_000 }).send({ method: "GET", url: "http://mdm.example/ping", purpose: "device-api" });
      expect([res.status, new TextDecoder().decode(res.body)]).toEqual([200, "from the mock"]);
    } finally {
      setGlobalDispatcher(before);
      await mock.close();
    }
  });
});
