/**
 * The service on a local socket: `startMockService({ socketPath })` answers the same HTTP there,
 * a device given a dispatcher bound to it enrolls through it, and the embedded fleet's devices
 * reach their service through one (and leave nothing behind in the temporary directory).
 */
import { spawn } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedClock } from "../../agent/device/clock.js";
import { createDevice } from "../../agent/device/create-device.js";
import { runFleet } from "../../agent/index.js";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { socketDispatcher } from "../../agent/sim/fleet/service-socket.js";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "socket-test-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the mock service on a local socket", () => {
  it("answers there as on its port, and removes the socket when it closes", async () => {
    const socketPath = join(folder, "a.sock");
    const service = await startMockService({ socketPath });
    const agent = new Agent({ connect: { socketPath } });
    try {
      expect(service.socketPath).toBe(socketPath);
      // The URL's host and port are the TCP ones; the connection is the socket.
      const answer = await request(`${service.url}/beta/organization`, { dispatcher: agent, headers: { authorization: `Bearer ${service.adminToken}` } });
      expect(answer.statusCode).toBe(200);
      expect(((await answer.body.json()) as { value: unknown[] }).value).toHaveLength(1);
      const unknown = await request(`${service.url}/nowhere`, { dispatcher: agent });
      expect(unknown.statusCode).toBe(404);
      await unknown.body.dump();
    } finally {
      await agent.close();
      await service.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it("refuses a socket path it cannot listen on, saying where and why, and leaves no port open", async () => {
    const taken = join(folder, "file-in-the-way");
    writeFileSync(taken, "x");
    await expect(startMockService({ socketPath: taken })).rejects.toMatchObject({ name: "InputError", where: taken, problem: "cannot listen on the socket: a file that is not a socket is in the way" });
    const nowhere = join(folder, "no-such-folder", "c.sock");
    await expect(startMockService({ socketPath: nowhere })).rejects.toMatchObject({ where: nowhere, problem: `cannot listen on the socket: its folder ${join(folder, "no-such-folder")} does not exist` });
    // A socket file nothing listens on (what a killed service leaves): renamed while bound, so
    // closing the server does not remove it.
    const bound = join(folder, "bound.sock");
    const stale = join(folder, "stale.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(bound, resolve));
    renameSync(bound, stale);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(startMockService({ socketPath: stale })).rejects.toMatchObject({
      where: stale,
      problem: expect.stringContaining("a socket file is left there that nothing listens on"),
      hint: expect.stringContaining(`rm ${stale}`),
    });
    const long = join(folder, "x".repeat(120));
    await expect(startMockService({ socketPath: long })).rejects.toMatchObject({ where: long, problem: expect.stringContaining("at most 103 bytes") });
  });

  it("carries a device's enrollment when its dispatcher connects to it (the URLs' own port refuses)", async () => {
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
    const socketPath = join(folder, "b.sock");
    let service: MockService | undefined;
    const agent = new Agent({ connect: { socketPath } });
    try {
      service = await startMockService({ socketPath, now: () => new Date(clock.now()), passwordHashCost: 4 });
      const user = { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" };
      await service.admin.createLicensedUser({ displayName: "Alex Wilber", ...user });
      const profile = await service.admin.createProfile({ displayName: "Socket", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const device = await createDevice({
        qr: { image: Buffer.from(profile.qrCodeImage.value, "base64"), label: "profile.png" },
        clock,
        seed: 1,
        user,
        // Port 1 refuses connections: only the socket can answer.
        serviceUrl: "http://127.0.0.1:1",
        dispatcher: agent,
      });
      const report = await device.enroll();
      device.dispose();
      expect(report.finalState).toBe("enrolled");
    } finally {
      await agent.close();
      await service?.close();
    }
  });
});

describe("an embedded fleet", () => {
  it("connects its devices to the service's socket, and removes the socket's folder after the run", async () => {
    const connections: { remoteAddress: string | undefined }[] = [];
    const onConnected = (message: unknown) => connections.push({ remoteAddress: (message as { socket: { remoteAddress?: string } }).socket.remoteAddress });
    // A temporary directory of its own: other test files' fleets make and remove theirs meanwhile.
    const temp = mkdtempSync(join(folder, "tmp-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    let during: string[] = [];
    subscribe("undici:client:connected", onConnected);
    try {
      const { summary } = await runFleet({
        devices: 12,
        seed: 5,
        embedded: "inline",
        onProgress: () => {
          during = readdirSync(temp);
        },
      });
      expect(summary.enrolled).toBe(12);
    } finally {
      unsubscribe("undici:client:connected", onConnected);
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    // The admin client's set-up goes over TCP (127.0.0.1); every device connection is the socket's.
    const overSocket = connections.filter((c) => c.remoteAddress === undefined);
    expect(overSocket.length).toBeGreaterThan(0);
    expect(connections.filter((c) => c.remoteAddress !== undefined).length).toBeLessThanOrEqual(2);
    expect(during).toEqual([expect.stringMatching(new RegExp(`^aosp-sim-${process.pid}-[A-Za-z0-9]{6}$`))]);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe("the devices' dispatcher for the socket", () => {
  // Before, past the socket's backlog of connections not yet accepted, a connect failed at once
  // with EAGAIN (Linux refuses a Unix socket's connect where TCP retries): at --concurrency 3000
  // a fleet's own devices failed their downloads, the service healthy.
  it("tries a connect the service has no room for yet again, as TCP would, until it is taken", async () => {
    const socketPath = join(folder, "busy.sock");
    // A server whose backlog holds one connection, busy for 400 ms once it listens.
    const server = spawn(process.execPath, [
      "-e",
      [
        'const http = require("node:http");',
        'const server = http.createServer((req, res) => res.end("ok"));',
        `server.listen({ path: ${JSON.stringify(socketPath)}, backlog: 1 }, () => {`,
        '  process.stdout.write("ready\\n");',
        "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);",
        "});",
      ].join("\n"),
    ]);
    const dispatcher = socketDispatcher(socketPath);
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.once("data", () => resolve());
        server.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
      });
      const answers = await Promise.allSettled(
        Array.from({ length: 30 }, async () => {
          const answer = await request("http://localhost/", { dispatcher });
          return answer.body.text();
        }),
      );
      expect(answers.filter((a) => a.status === "rejected").map((a) => String((a as PromiseRejectedResult).reason))).toEqual([]);
      expect(answers.map((a) => (a as PromiseFulfilledResult<string>).value)).toEqual(Array(30).fill("ok"));
    } finally {
      await dispatcher.close();
      server.kill();
    }
  });
});
