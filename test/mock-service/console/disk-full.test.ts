/**
 * A console form posted while the disk holding the database is full: the console answers with its
 * own page (what happened, that nothing was saved, what to do, a way back), 503, not the admin
 * API's Graph JSON error in the browser's place. The full disk is a store method that throws what
 * SQLite throws for ENOSPC, as in test/mock-service/disk-full.test.ts.
 */
import { afterEach, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../../mock-service/app.js";
import type { Store } from "../../../mock-service/store/index.js";
import { memoryServices } from "../../helpers/service-app.js";
import { form, FORM } from "./support.js";

const TOKEN = "console-disk-full-token";
const ORIGIN = "http://localhost:80";

let app: FastifyInstance | undefined;
let store: Store | undefined;

afterEach(async () => {
  await app?.close();
  store?.close();
});

it("answers a form it cannot save with the console's page, 503, saying nothing was saved", async () => {
  const logged: string[] = [];
  const built = memoryServices({ log: (line) => logged.push(line) });
  store = built.store;
  store.groups.insert = () => {
    throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
  };
  app = await buildApp({ services: built.services, adminToken: TOKEN, version: "0.0.0-test" });
  const signedIn = await app.inject({ method: "POST", url: "/signin", headers: { "content-type": FORM, origin: ORIGIN }, payload: form({ token: TOKEN, next: "/groups/new" }) });
  const cookie = String(signedIn.headers["set-cookie"]).split(";")[0]!;
  const formPage = await app.inject({ method: "GET", url: "/groups/new", headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(formPage.body)?.[1] ?? "";

  const posted = await app.inject({
    method: "POST",
    url: "/groups/new",
    headers: { cookie, "content-type": FORM, origin: ORIGIN, referer: `${ORIGIN}/groups/new` },
    payload: form({ _csrf: csrf, displayName: "Line 1", membershipType: "assigned" }),
  });
  // Before: 503 with {"error":{"code":"serviceNotAvailable",...}} as the whole page.
  expect(posted.statusCode).toBe(503);
  expect(posted.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(posted.body).toContain("<title>Not saved - aosp-sim admin center</title>");
  expect(posted.body).toContain("The disk holding the service&#39;s database is full, so this change could not be saved. Nothing was saved.");
  expect(posted.body).toContain("Free space on that disk");
  expect(posted.body).toContain('<a href="/groups/new">Go back</a>');
  expect(logged).toEqual(["disk full on console POST /groups/new: database or disk is full"]);
  expect(built.services.groups.list()).toEqual([]);
});
