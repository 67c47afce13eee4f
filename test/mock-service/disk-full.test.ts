/**
 * A disk too full for the --db file to grow: a write the service cannot make answers Graph's 503
 * with one log line, a create is either saved and 201 or refused and not saved, and reads do not
 * fail because a QR code image cannot be stored. The full disk is a store method that throws what
 * SQLite throws for ENOSPC (SQLITE_FULL), at the boundary between the services and the store.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../mock-service/app.js";
import type { Store } from "../../mock-service/store/index.js";
import { memoryServices } from "../helpers/service-app.js";

const TOKEN = "disk-full-token";
const PROFILES = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const PROFILE = { displayName: "Line 1", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" };

/** What better-sqlite3 throws when the disk is full. */
const diskFull = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

let app: FastifyInstance | undefined;
let store: Store | undefined;
const logged: string[] = [];

afterEach(async () => {
  await app?.close();
  store?.close();
  logged.length = 0;
});

/** A service whose store's `write` (a method of store.profiles) fails as a full disk makes it fail. */
async function serviceFailing(write: "saveQrImage" | "create", fileOption?: string): Promise<FastifyInstance> {
  const built = memoryServices({ log: (line) => logged.push(line), ...(fileOption === undefined ? {} : { fileOption }) });
  store = built.store;
  store.profiles[write] = () => {
    throw diskFull();
  };
  app = await buildApp({ services: built.services, adminToken: TOKEN, version: "0.0.0-test" });
  return app;
}

const send = (target: FastifyInstance, method: "GET" | "POST", url: string, payload?: object) =>
  target.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload ? { payload } : {}) });

describe("a full disk", () => {
  // Before: the create answered 500 after committing (the QR image was stored in a second write),
  // so a client's retry made a duplicate profile; and every list answered 500 until space returned.
  it("does not fail a create or a list because the QR code image cannot be stored", async () => {
    const app = await serviceFailing("saveQrImage");
    const created = await send(app, "POST", PROFILES, PROFILE);
    expect(created.statusCode).toBe(201);
    expect(created.json().qrCodeImage.value).toMatch(/^iVBOR/);
    await send(app, "POST", PROFILES, { ...PROFILE, displayName: "Line 2" });
    const list = await send(app, "GET", PROFILES);
    expect(list.statusCode).toBe(200);
    expect(list.json().value.map((p: { displayName: string }) => p.displayName).sort()).toEqual(["Line 1", "Line 2"]);
    expect(list.json().value.every((p: { qrCodeImage?: { value: string } }) => p.qrCodeImage?.value.startsWith("iVBOR"))).toBe(true);
    // One line, however many images could not be stored.
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^disk full: QR code images are served without being stored/);
  });

  // Before: 500 generalException, and a 10-line stack trace on stderr for every request.
  it("answers a write it cannot make 503 serviceNotAvailable, saves nothing, and logs one line", async () => {
    const app = await serviceFailing("create");
    const refused = await send(app, "POST", PROFILES, PROFILE);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: "serviceNotAvailable", message: expect.stringMatching(/disk holding the service's database is full/) });
    expect(refused.json().error.innerError["request-id"]).toBeTypeOf("string");
    expect((await send(app, "GET", PROFILES)).json().value).toEqual([]);
    expect(logged).toEqual([
      `disk full on POST ${PROFILES}: the disk holding the file given as --db is full (database or disk is full); free space there`,
    ]);
  });

  // Before: "the --db file" also to a library caller, who gave no --db but startMockService's
  // dbFile (the store's refusals at start already named dbFile).
  it("names the file as the service's starter named it: dbFile for startMockService", async () => {
    const app = await serviceFailing("create", "dbFile");
    expect((await send(app, "POST", PROFILES, PROFILE)).statusCode).toBe(503);
    expect(logged).toEqual([`disk full on POST ${PROFILES}: the disk holding the file given as dbFile is full (database or disk is full); free space there`]);
    logged.length = 0;
    await app.close();
    store?.close();
    const cached = await serviceFailing("saveQrImage", "dbFile");
    expect((await send(cached, "POST", PROFILES, PROFILE)).statusCode).toBe(201);
    expect(logged).toEqual([expect.stringMatching(/until the disk holding the file given as dbFile has space \(database or disk is full\)$/)]);
  });
});
