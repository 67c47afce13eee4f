/**
 * Password checks under load: scrypt runs on the thread pool, so sign-ins being checked never
 * hold the service's event loop and the rest of the service keeps answering. The service runs in
 * its own process (`aosp-sim serve`), so this test's event loop is not the one being observed.
 * (How long /health waits under a sign-in flood is measured by a benchmark, not here.)
 */
import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { deviceRoutes, type EnrollResponse } from "../../agent/protocol/device-api.js";
import { AdminClient } from "../../mock-service/admin-client.js";
import { startServe, stop, type ServeProcess } from "./support/serve-process.js";
import { enrollRequest, http } from "./support/service.js";

let serve: ServeProcess | undefined;
afterEach(async () => {
  if (serve) await stop(serve);
  serve = undefined;
});

/**
 * A wrong-password sign-in on its own connection; `sent` resolves once the whole request is in the
 * kernel's buffers, so the service reads it before anything sent later on a newer connection.
 */
function wrongSignIn(url: string, device: EnrollResponse, upn: string) {
  const body = JSON.stringify({ userPrincipalName: upn, password: "Wr0ng-password" });
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answered = new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${url}${deviceRoutes.signIn(device.deviceId)}`,
      {
        method: "POST",
        agent: false,
        headers: {
          authorization: `Bearer ${device.deviceCredential}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.on("finish", markSent);
    req.end(body);
  });
  return { sent, answered };
}

describe("password checks off the event loop", () => {
  it("answers /health while a flood of wrong-password sign-ins is still being checked", async () => {
    serve = await startServe(["--port", "0"]);
    const admin = new AdminClient(serve.url, serve.adminToken);
    const profile = await admin.createProfile({ displayName: "Flood", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const device = (await http(`${serve.url}${deviceRoutes.enroll()}`, { method: "POST", json: enrollRequest(profile.tokenValue) })).body as EnrollResponse;
    // 32 scrypt hashes are several rounds of the thread pool. Distinct (unknown) accounts, so no
    // per-account limit cuts the work short.
    const signIns = Array.from({ length: 32 }, (_, i) => wrongSignIn(serve!.url, device, `nobody${i}@contoso.example`));
    await Promise.all(signIns.map((s) => s.sent));
    let answered = 0;
    for (const s of signIns) void s.answered.then(() => (answered += 1));

    const health = await http(`${serve.url}/health`);

    // Checked on the event loop, every sign-in read before /health would be answered before it.
    expect(health.status).toBe(200);
    expect(answered).toBeLessThan(signIns.length / 2);
    expect(await Promise.all(signIns.map((s) => s.answered))).toEqual(signIns.map(() => 401));
  });
});
