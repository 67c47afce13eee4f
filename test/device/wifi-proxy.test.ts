/**
 * The payload's Wi-Fi proxy on the device: a working proxy carries the agent download and the
 * agent's later traffic, an unusable one (no port, a port read as 0, nothing listening) fails the
 * download with a message naming it, the exclusion list sends matching hosts direct, and a PAC
 * URL is said not to be applied.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { registerEnroll } from "../../agent/cli/enroll.js";
import { registerReplay } from "../../agent/cli/replay.js";
import { passOn } from "../helpers/device-traffic-proxy.js";
import { freePort } from "../helpers/free-port.js";
import { runCommand } from "../helpers/in-process-cli.js";
import { useTempDir } from "../payload/support/cli.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

const P = "android.app.extra.PROVISIONING_";

/** A forward HTTP proxy on a loopback port the OS chose: it passes absolute-form requests on and notes their paths. */
async function startProxy(): Promise<{ port: number; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = new URL(req.url ?? "/");
      seen.push(`${req.method} ${target.pathname}`);
      passOn(target.href, req, chunks, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, seen, server };
}

const temp = useTempDir("aosp-wifi-proxy-");
let t: Tenant;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  t = await setUpTenant();
  proxy = await startProxy();
});
afterAll(async () => {
  proxy.server.closeAllConnections();
  await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  await tearDownTenant();
});

/** The tenant's payload with these extras (WIFI_* names without the prefix). */
function payloadWith(extras: Record<string, unknown>): Record<string, unknown> {
  return { ...t.payload, ...Object.fromEntries(Object.entries(extras).map(([k, v]) => [`${P}${k}`, v])) };
}

describe("the Wi-Fi proxy on the device", () => {
  it("sends the agent download and the agent's later traffic through a working proxy, and enrolls", async () => {
    proxy.seen.length = 0;
    const device = await t.device({ qr: { payload: payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", WIFI_PROXY_PORT: proxy.port }) } });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    expect(proxy.seen).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/device\/v1\/packages\//), expect.stringMatching(/^POST \/device\/v1\/enroll/)]));
    expect(report.timeline.map((e) => e.detail).join("\n")).toContain(`sets the HTTP proxy 127.0.0.1:${proxy.port}: the device's traffic goes through it`);
    // The download's line names the proxy in the path (before, only the service's host).
    expect(report.timeline.map((e) => e.detail)).toContain(`Downloading the admin app from ${new URL(t.service.url).host} through the proxy 127.0.0.1:${proxy.port} (with cookie)`);
  });

  it("fails the download naming the proxy when the proxy answers 502 (before: a bare HTTP 502)", async () => {
    const gateway = createServer((_req, res) => res.writeHead(502).end("Bad Gateway"));
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const port = (gateway.address() as AddressInfo).port;
    try {
      const device = await t.device({ qr: { payload: payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", WIFI_PROXY_PORT: port }) } });
      const report = await device.enroll();
      expect(report.failure).toMatchObject({ code: "downloadFailed", step: "downloadAgent" });
      expect(report.failure?.message).toMatch(
        new RegExp(`^GET http://\\S+: through the proxy 127\\.0\\.0\\.1:${port}: HTTP 502 \\(Bad Gateway: usually the proxy's own answer, when it got no valid answer from the server\\)$`),
      );
    } finally {
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  });

  it("fails the download, naming the proxy, when nothing answers on the proxy's port", async () => {
    const port = await freePort();
    const device = await t.device({ qr: { payload: payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", WIFI_PROXY_PORT: port }) } });
    const report = await device.enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "downloadFailed", step: "downloadAgent" });
    expect(report.failure?.message).toContain(`through the proxy 127.0.0.1:${port}: the proxy refused the connection`);
  });

  it.each([
    ["no port", {}],
    ["the port as a string", { WIFI_PROXY_PORT: "3128" }],
    ["port 70000", { WIFI_PROXY_PORT: 70000 }],
  ])("accepts a payload with %s and fails at the download, as Android does", async (_name, port) => {
    const device = await t.device({ qr: { payload: payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", ...port }) } });
    const report = await device.enroll();
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "downloadFailed" });
    expect(report.failure?.message).toMatch(/through the proxy 127\.0\.0\.1:\d+: port \d+ is outside 1\.\.65535/);
  });

  it("goes direct to hosts the exclusion list matches", async () => {
    const port = await freePort();
    const device = await t.device({ qr: { payload: payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", WIFI_PROXY_PORT: port, WIFI_PROXY_BYPASS: "example.com,127.0.0.*" }) } });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    // The proxy is in force (nothing listens on its port): only the exclusion list let the traffic through.
    expect(report.timeline.map((e) => e.detail).join("\n")).toContain(`sets the HTTP proxy 127.0.0.1:${port} except for example.com,127.0.0.*`);
    expect(report.timeline.map((e) => e.detail)).toContain(`Downloading the admin app from ${new URL(t.service.url).host} (with cookie)`);
  });

  it("says the PAC file is not applied, and goes direct", async () => {
    const device = await t.device({ qr: { payload: payloadWith({ WIFI_PAC_URL: "http://wpad.invalid/wpad.dat" }) } });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    expect(report.timeline.map((e) => e.detail).join("\n")).toContain("the simulator does not run PAC files, so it is not applied");
  });

  it("replays a transcript recorded through the proxy identically (the replay goes through it too)", async () => {
    const payload = temp.file("via-proxy.json");
    writeFileSync(payload, JSON.stringify(payloadWith({ WIFI_PROXY_HOST: "127.0.0.1", WIFI_PROXY_PORT: proxy.port })));
    const transcript = temp.file("via-proxy.jsonl");
    proxy.seen.length = 0;
    const enrolled = await runCommand(registerEnroll, ["enroll", payload, "--clock", "simulated", "--seed", "5", "--until", "signingIn.waitingForUser", "--transcript", transcript]);
    expect(enrolled.stderr).toBe("");
    const recorded = proxy.seen.length;
    expect(recorded).toBeGreaterThan(0);
    const replayed = await runCommand(registerReplay, ["replay", transcript]);
    expect(replayed.stdout).toMatch(/identical/);
    expect(replayed.code).toBe(0);
    expect(proxy.seen.length).toBe(2 * recorded);
  });
});
