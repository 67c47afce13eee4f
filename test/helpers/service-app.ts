/**
 * The mock service's fastify application in this process, for tests that send requests with
 * `app.inject` (no socket per request): the same wiring as startMockService (in-memory store,
 * domain services, buildApp), plus a listener on an OS-chosen loopback port so the typed
 * AdminClient can set up fixtures. `logged` collects what the service logs (unexpected errors).
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { AdminClient } from "../../mock-service/admin-client.js";
import { buildApp } from "../../mock-service/app.js";
import type { ServiceContext } from "../../mock-service/context.js";
import { DEFAULT_LOCKOUT_POLICY } from "../../mock-service/domain/sign-in-lockout.js";
import { createServices, type Services } from "../../mock-service/services/index.js";
import { MEMORY_DB } from "../../mock-service/store/database.js";
import { openStore, type Store } from "../../mock-service/store/index.js";

export interface ServiceApp {
  app: FastifyInstance;
  adminToken: string;
  admin: AdminClient;
  url: string;
  /** Lines the service logged (each unexpected error is one). */
  logged: string[];
  close(): Promise<void>;
}

export async function startServiceApp(options: { adminToken?: string; now?: () => number } = {}): Promise<ServiceApp> {
  const adminToken = options.adminToken ?? `admin-${randomUUID()}`;
  const logged: string[] = [];
  let baseUrl = "http://127.0.0.1";
  const { services, store } = memoryServices({ ...options, baseUrl: () => baseUrl, log: (line) => logged.push(line) });
  const app = await buildApp({ services, adminToken, version: "0.0.0-test" });
  await app.listen({ host: "127.0.0.1", port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    adminToken,
    admin: new AdminClient(baseUrl, adminToken),
    url: baseUrl,
    logged,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}

/**
 * The service's domain over an in-memory store with its tenant, wired as startMockService wires
 * it, without HTTP: for buildApp in tests and benchmarks.
 */
export function memoryServices(
  options: { now?: () => number; baseUrl?: () => string; log?: (line: string) => void; fileOption?: string } = {},
): { services: Services; store: Store } {
  // fileOption: how the database file was named, `dbFile` as startMockService names it (the CLI's --db by default).
  const store = openStore(MEMORY_DB, options.fileOption);
  const ctx: ServiceContext = {
    store,
    tenantId: "",
    now: options.now ?? (() => Date.now()),
    baseUrl: options.baseUrl ?? (() => "http://127.0.0.1"),
    log: options.log ?? (() => {}),
    // The cheapest scrypt cost: tests measure the service's answers, not password hashing.
    passwordHashCost: 4,
  };
  ctx.tenantId = store.tenant.ensure(() => ({
    tenantId: randomUUID(),
    displayName: "aosp-sim tenant",
    mdmAuthority: "intune",
    cloud: "global",
    created: ctx.now(),
  })).tenantId;
  return { services: createServices(ctx, { lockout: DEFAULT_LOCKOUT_POLICY }), store };
}
