/**
 * Option objects inside the library's options, as a JavaScript caller mistypes them: the top level
 * refused an unknown name (option-names.test.ts), but the objects within took anything. A user
 * with `pasword` signed in with no password and the failure blamed it (invalidCredentials); a
 * port named `wfi` was replaced by a virtual one in silence; `acceptTerms: "no"` accepted the
 * terms; `chaos.sed` and `throttle.burst` were ignored.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDevice, InputError, runFleet, startMockService } from "../../agent/index.js";

const PAYLOAD = "{}";

/** What `call` rejects with for options of any shape (a JavaScript caller's). */
async function rejection(call: (options: never) => Promise<unknown>, options: object): Promise<Error> {
  return call(options as never).then(
    () => new Error(`accepted ${JSON.stringify(options)}`),
    (e: unknown) => e as Error,
  );
}

describe("createDevice's user", () => {
  it("refuses a field it does not know, naming it and the closest known one, and never quotes a password", async () => {
    const error = await rejection(createDevice, { qr: { payload: PAYLOAD }, user: { userPrincipalName: "alex@contoso.example", pasword: "P@ss-w0rd" } });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^createDevice user: unknown option "pasword" \(did you mean password\?\); it takes userPrincipalName, password, newPassword, acceptTerms$/);
    expect(error.message).not.toContain("P@ss-w0rd");
  });

  it("refuses fields of the wrong kind, naming each", async () => {
    expect((await rejection(createDevice, { qr: { payload: PAYLOAD }, user: "alex@contoso.example" })).message).toMatch(/^createDevice user takes its options as an object/);
    const noPassword = await rejection(createDevice, { qr: { payload: PAYLOAD }, user: { userPrincipalName: "alex@contoso.example" } });
    expect(noPassword).toBeInstanceOf(TypeError);
    expect(noPassword.message).toBe("createDevice user.password must be a string (got nothing); leave out user for a device that waits at the sign-in screen");
    const secret = await rejection(createDevice, { qr: { payload: PAYLOAD }, user: { userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd", newPassword: 12345678 } });
    expect(secret.message).toBe("createDevice user.newPassword must be a string (got a number)");
    const upn = await rejection(createDevice, { qr: { payload: PAYLOAD }, user: { userPrincipalName: "", password: "x" } });
    expect(upn.message).toMatch(/^createDevice user.userPrincipalName must be the account's name as a string/);
    const terms = await rejection(createDevice, { qr: { payload: PAYLOAD }, user: { userPrincipalName: "a@b.example", password: "x", acceptTerms: "no" } });
    expect(terms).toBeInstanceOf(TypeError);
    expect(terms.message).toBe('createDevice user.acceptTerms must be true (the user accepts the terms shown after sign-in) or false (declines them) (got the string "no")');
  });
});

describe("createDevice's qr, ports and identity", () => {
  it("refuse a name they do not know, and qr both an image and a payload", async () => {
    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect((await rejection(createDevice, { qr: { image, lable: "x" } })).message).toMatch(/^createDevice qr: unknown option "lable" \(did you mean label\?\); it takes image, label$/);
    expect((await rejection(createDevice, { qr: { image, payload: PAYLOAD } })).message).toBe("createDevice qr: give { image } or { payload }, not both: the camera sees one QR code");
    const port = await rejection(createDevice, { qr: { payload: PAYLOAD }, ports: { wfi: {} } });
    expect(port).toBeInstanceOf(TypeError);
    expect(port.message).toMatch(/^createDevice ports: unknown option "wfi" \(did you mean wifi\?\); it takes wifi, packages, service, camera, clock, storage, power, policy$/);
    expect((await rejection(createDevice, { qr: { payload: PAYLOAD }, identity: { serail: "X1" } })).message).toMatch(/^createDevice identity: unknown option "serail"/);
  });
});

describe("startMockService's throttle and chaos, runFleet's service", () => {
  it("refuse a part they do not know", async () => {
    const throttle = await rejection(startMockService, { throttle: { requests: 5, windowMs: 1000, burst: 2 } });
    expect(throttle).toBeInstanceOf(InputError);
    expect(throttle.message).toMatch(/^startMockService throttle\.burst: is not a part of a throttle budget/);
    const chaos = await rejection(startMockService, { chaos: { sed: 7, rules: {} } });
    expect(chaos).toBeInstanceOf(InputError);
    expect(chaos.message).toMatch(/^startMockService chaos\.sed: is not a part of chaos \(did you mean seed\?\)/);
    const service = await rejection(runFleet, { devices: 1, service: { url: "http://127.0.0.1:9", adminToken: "t", timeout: 5 } });
    expect(service).toBeInstanceOf(RangeError);
    expect(service.message).toBe('runFleet: service takes only url, adminToken and socketPath (got "timeout" too); a request\'s time limit is serviceTimeoutMs');
  });

  it("takes the handle startMockService returns as it is, its devices reaching it over its local socket", async () => {
    // The check above first refused this handle for its other fields (publicUrl, port, close, ...).
    const folder = mkdtempSync(join(tmpdir(), "aosp-sim-handle-"));
    const service = await startMockService({ port: 0, passwordHashCost: 8, socketPath: join(folder, "service.sock") });
    try {
      const { summary } = await runFleet({ devices: 2, seed: 3, threads: 1, service });
      expect(summary.enrolled).toBe(2);
    } finally {
      await service.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
