/**
 * A service on a port WHATWG fetch refuses ("bad port": 6000, 6665-6669, 10080, ...), which
 * `aosp-sim serve --port` accepts: every command that calls a running service (its pre-flight
 * check, the admin client that sets the tenant up, the devices) must reach it all the same.
 * Before, `fleet --service http://127.0.0.1:6000` and `run --service` said "cannot reach the
 * service (bad port)" of a healthy service.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aospSim } from "../helpers/device-cli.js";
import { freeFetchBlockedPort } from "../helpers/free-port.js";
import { startServe, stop, type ServeProcess } from "../mock-service/support/serve-process.js";

describe("a running service on a port fetch blocks", { timeout: 60_000 }, () => {
  let service: ServeProcess;
  beforeAll(async () => {
    const port = await freeFetchBlockedPort();
    service = await startServe(["--port", String(port), "--password-hash-cost", "8", "--admin-token", "tok-en-42"]);
  });
  afterAll(async () => {
    await stop(service, "SIGTERM");
  });

  it("fleet --service runs its devices against it", async () => {
    const result = await aospSim(["fleet", "--devices", "3", "--seed", "5", "--service", service.url, "--admin-token", "tok-en-42", "--json", "--no-progress"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ devices: 3, enrolled: 3 });
  });

  it("run --service runs its scenario against it", async () => {
    const result = await aospSim(["run", "--service", service.url, "--admin-token", "tok-en-42"]);
    expect(result.code, result.stderr).toBe(0);
  });
});
