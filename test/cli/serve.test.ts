/**
 * `aosp-sim serve` as a user runs it: the first line users' scripts parse, a service that
 * answers, a clean stop on SIGTERM and SIGINT, and one-line errors (exit 2) for bad usage.
 */
import { connect, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { FIRST_LINE, ServeExited, startServe, stop, type ServeProcess } from "../mock-service/support/serve-process.js";

const temp = useTempDir("aosp-serve-");
let running: ServeProcess | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) await stop(running, "SIGKILL");
  running = undefined;
});

async function serveFails(args: string[]): Promise<ServeExited> {
  try {
    running = await startServe(args);
  } catch (error) {
    if (error instanceof ServeExited) return error;
    throw error;
  }
  throw new Error(`serve ${args.join(" ")} started: ${running.firstLine}`);
}

describe("aosp-sim serve", () => {
  // Before, accepted in silence: a seed that seeds nothing.
  it("warns that --chaos-seed without --chaos seeds nothing, and serves", async () => {
    running = await startServe(["--port", "0", "--chaos-seed", "5"]);
    expect(running.firstLine).toMatch(FIRST_LINE);
    expect(running.stderr()).toContain("aosp-sim: warning: --chaos-seed 5: seeds nothing: no --chaos is given\n  fix: add a --chaos rule, or drop --chaos-seed\n");
  });

  it("prints the base URL and admin token on its first line, answers, and stops cleanly on SIGTERM", async () => {
    running = await startServe(["--port", "0"]);
    expect(running.firstLine).toMatch(FIRST_LINE);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const health = await fetch(`${running.url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const users = await fetch(`${running.url}/beta/users`, { headers: { authorization: `Bearer ${running.adminToken}` } });
    expect(users.status).toBe(200);
    expect(await stop(running, "SIGTERM")).toBe(0);
    expect(running.stdout().trim().split("\n")).toEqual([running.firstLine]);
    expect(running.stderr()).toMatch(/SIGTERM received, stopping/);
  });

  it("stops cleanly on SIGINT (Ctrl+C)", async () => {
    running = await startServe(["--port", "0"]);
    expect(await stop(running, "SIGINT")).toBe(0);
  });

  it("stops on SIGTERM even while a client holds a half-sent request open", async () => {
    running = await startServe(["--port", "0"]);
    const { port, hostname } = new URL(running.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // Headers promise 100 bytes of body; only one arrives, and the client never sends more.
    socket.write("POST /device/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    socket.on("error", () => {});
    // Once a later request is answered, the service has read the half-sent one's headers.
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    try {
      expect(await stop(running, "SIGTERM")).toBe(0);
    } finally {
      socket.destroy();
    }
  });

  it("uses the admin token it is given, and the host", async () => {
    running = await startServe(["--port", "0", "--host", "127.0.0.1", "--admin-token", "ci-secret-42"]);
    expect(running.adminToken).toBe("ci-secret-42");
    const denied = await fetch(`${running.url}/beta/users`, { headers: { authorization: "Bearer other" } });
    expect(denied.status).toBe(401);
  });

  it("puts --public-url into the QR payloads it issues, and still prints where it listens", async () => {
    running = await startServe(["--port", "0", "--public-url", "http://10.0.2.2:8080/"]);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${running.url}/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${running.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Emulators", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }),
    });
    const profile = (await created.json()) as { qrCodeContent: string };
    const payload = JSON.parse(Buffer.from(profile.qrCodeContent, "base64").toString("utf8"));
    expect(payload["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"]).toMatch(/^http:\/\/10\.0\.2\.2:8080\/device\/v1\/packages\//);
    expect(payload["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]["com.microsoft.intune.aosp.serviceUrl"]).toBe("http://10.0.2.2:8080");
    expect(running.stderr()).toMatch(/devices are given http:\/\/10\.0\.2\.2:8080/);
  });

  it("starts a new tenant without an MDM authority with --tenant new: profiles wait until an admin sets it", async () => {
    running = await startServe(["--port", "0", "--tenant", "new"]);
    const admin = (path: string, body?: unknown) =>
      fetch(`${running!.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${running!.adminToken}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const org = ((await (await admin("/beta/organization")).json()) as { value: { id: string; mobileDeviceManagementAuthority: string }[] }).value[0]!;
    expect(org.mobileDeviceManagementAuthority).toBe("unknown");
    const profiles = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
    const refused = await admin(profiles, { displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("mdmAuthorityNotSet");
    expect((await admin(`/beta/organization/${org.id}/setMobileDeviceManagementAuthority`, {})).status).toBe(200);
    expect((await admin(profiles, { displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" })).status).toBe(201);
  });

  it("logs one line per request on stderr with --log", async () => {
    running = await startServe(["--port", "0", "--log"]);
    const address = /listening on (\S+)/.exec(running.firstLine)![1];
    await fetch(`${address}/health`);
    await stop(running);
    expect(running.stderr()).toMatch(/GET \/health 200 [\d.]+ms/);
  });

  it("refuses a port in use with one line and exit 2", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const failure = await serveFails(["--port", String(port)]);
      expect(failure.code).toBe(2);
      expect(failure.stdout).toBe("");
      expect(failure.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: port ${port} is already in use`));
      expect(failure.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [["--port", "http"], /--port: 'http' is not a TCP port/],
    [["--port", "70000"], /--port: '70000' is not a TCP port/],
    [["--port", "0", "--db", "/nonexistent-folder/state.db"], /cannot open the database/],
    // Said in words: SQLite says only "unable to open database file".
    [["--port", "0", "--db", "/nonexistent-folder/state.db"], /cannot open the database: its folder \/nonexistent-folder does not exist/],
    [["--port", "0", "--db", "/"], /\/: cannot open the database: this is a folder\n\s+fix: name a file in it, e\.g\. \/state\.db/],
    // Before, "disk I/O error" of a device (and of a named pipe), with a fix about writable folders.
    [["--port", "0", "--db", "/dev/null"], /^aosp-sim: \/dev\/null: cannot open the database: this is a device, not a file\n\s+fix: give --db a regular file/],
    [["--port", "0", "--admin-token", "two words"], /--admin-token: the admin token must be/],
    // Before, served the whole admin API behind a token guessed in at most 94 requests.
    [["--port", "0", "--admin-token", "x"], /^aosp-sim: --admin-token: the admin token is 1 character; serve needs at least 8, as anyone who reaches the port could guess a shorter one\n\s+fix: leave it out to get a random one, or give a longer one, e\.g\. --admin-token "\$\(openssl rand -hex 16\)"\n$/],
    [["--port", "0", "--admin-token", "1234567"], /--admin-token: the admin token is 7 characters; serve needs at least 8/],
    [["--port", "0", "--public-url", "ftp://x"], /--public-url: "ftp:\/\/x" is not an http or https URL/],
    // Before, accepted: the QR payloads' download locations became http://x:8080/?q=1/device/v1/...
    [["--port", "0", "--public-url", "http://x:8080?q=1"], /--public-url: "http:\/\/x:8080\/\?q=1" cannot be a base URL: it has a query \("\?q=1"\).*\n\s+fix: remove it, e\.g\. http:\/\/10\.0\.2\.2:8080/],
    [["--port", "0", "--public-url", "http://x:8080/#frag"], /--public-url: .* it has a fragment \("#frag"\)/],
    [["--port", "0", "--public-url", "http://ann:secret@x:8080"], /--public-url: "http:\/\/ann:\*\*\*@x:8080\/" cannot be a base URL: it has credentials/],
    [["--port", "0", "--host", "203.0.113.7"], /cannot listen on host 203\.0\.113\.7/],
    // Before, listened on [::1] in silence.
    [["--port", "0", "--host", ""], /^aosp-sim: --host: is empty\n\s+fix: give an interface's address or name/],
    [["--port", "0", "--tenant", "fresh"], /--tenant: 'fresh' is not one of ready, new/],
    [["--port", "0", "--cloud", "china"], /--cloud: 'china' is not one of global, 21vianet/],
    // Checked with or without --chaos (without, it was accepted and ignored).
    [["--port", "0", "--chaos-seed", "abc"], /--chaos-seed: 'abc' is not a seed\n\s+fix: use a whole number from 0 to 4294967295/],
    [["--port", "0", "--chaos-seed=-1.5"], /--chaos-seed: '-1\.5' is not a seed/],
    [["--port", "0", "--chaos-seed", "1e400", "--chaos", "admin:latency=1-2ms"], /--chaos-seed: '1e400' is not a seed/],
    // Decimal digits only: Number() read 0x8 as 8, and "abc" was "password hash cost NaN is out of range".
    [["--port", "0", "--password-hash-cost", "0x8"], /--password-hash-cost: '0x8' is not a hash cost\n\s+fix: use a whole number from 4 to 20 in decimal digits/],
    [["--port", "0", "--password-hash-cost", "abc"], /--password-hash-cost: 'abc' is not a hash cost/],
    [["--port", "0", "--password-hash-cost", "21"], /--password-hash-cost: '21' is not a hash cost/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const result = await runCli(["serve", ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Before, it served, keeping the state in memory: an unset variable lost every restart's state.
  it("refuses an empty --db, naming it (exit 2)", async () => {
    const exited = await serveFails(["--port", "0", "--db", ""]);
    expect(exited.code).toBe(2);
    expect(exited.stderr).toBe("aosp-sim: --db: the file name is empty\n  fix: name the SQLite file that keeps the state (e.g. --db sim.db), or leave --db out to keep it in memory\n");
  });

  it("refuses a --db file that is not a database", async () => {
    const { writeFile } = await import("node:fs/promises");
    const file = temp.file("not-a-db.db");
    await writeFile(file, "this is a text file, not SQLite".repeat(100));
    const result = await runCli(["serve", "--port", "0", "--db", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot use the database: file is not a database/);
  });

  it("documents the first line in its help", async () => {
    const result = await runCli(["serve", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/aosp-sim mock service listening on <baseURL> admin token <token>/);
    expect(result.stdout).toMatch(/--db <file>/);
  });
});
