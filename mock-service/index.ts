/**
 * The mock enrollment service, in-process: `startMockService()` opens the store, listens and
 * returns its URL, admin token and a close function. `aosp-sim serve` is a thin wrapper around it.
 *
 *     const service = await startMockService();            // port 0, in-memory store
 *     const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
 *     ...
 *     await service.close();
 */
import { packageVersion } from "../agent/protocol/version.js";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { InputError } from "../agent/protocol/errors.js";
import { givenValue } from "../agent/protocol/given-value.js";
import { httpBaseUrl } from "../agent/protocol/http-url.js";
import { checkOptions, optionNames } from "../agent/protocol/known-options.js";
import { AdminClient } from "./admin-client.js";
import { buildApp } from "./app.js";
import { ShutdownGate } from "./http/shutdown.js";
import { listenOnSocket } from "./http/socket-listener.js";
import { checkChaosOptions, type ChaosOptions } from "./http/chaos.js";
import type { AnswerInjector } from "./http/injected-answers.js";
import { checkThrottleBudget, type ThrottleBudget } from "./http/throttle.js";
import type { ServiceContext } from "./context.js";
import { newAdminToken } from "./domain/secrets.js";
import { DEFAULT_LOCKOUT_POLICY } from "./domain/sign-in-lockout.js";
import { createServices } from "./services/index.js";
import { MEMORY_DB } from "./store/database.js";
import { openStore } from "./store/index.js";
import type { TenantCloud } from "./store/tenant.js";

export { AdminClient, AdminApiError, AdminAnswerError, ADMIN_ANSWER_LIMIT_BYTES } from "./admin-client.js";
export type * from "./admin-client.js";
// Types the admin client's and the options' types are made of.
export type { Signer } from "./packages/catalog.js";
export type { ProfileInput } from "./services/profiles.js";
export type { EnrollmentMode, WifiSecurityType as GraphWifiSecurityType } from "./store/profiles.js";
export type { TenantCloud } from "./store/tenant.js";
export { DEFAULT_TOKEN_VALIDITY_MS, DOWNLOAD_COOKIE_NAME } from "./services/profiles.js";
export { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from "./domain/sign-in-lockout.js";
export { SEED_PACKAGES } from "./packages/catalog.js";
export { SKUS } from "./domain/licences.js";
export { parseChaosRule, parseChaosOption, type ChaosOptions, type ChaosRule } from "./http/chaos.js";
export type { AnswerInjector, InjectedAnswer } from "./http/injected-answers.js";
export { ROUTE_FAMILIES, type RouteFamily } from "./http/route-family.js";
export { parseThrottleBudget, type ThrottleBudget } from "./http/throttle.js";
export { MembershipRuleError, parseMembershipRule, evaluateRule, deviceFacts } from "./membership-rule/index.js";

export interface MockServiceOptions {
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** SQLite file; default in memory (nothing kept after close). */
  dbFile?: string;
  /** Admin bearer token; default a random 256-bit one. */
  adminToken?: string;
  /** The service's clock (token expiry, timestamps). Tests move it to expire tokens. */
  now?: () => Date;
  /**
   * The base URL devices should use, when it differs from the listening address (e.g.
   * http://10.0.2.2:8080 for an Android emulator). Goes into QR payloads and download URLs.
   */
  publicUrl?: string;
  /**
   * The tenant a new store starts with: "ready" (the default: Intune is the MDM authority) or
   * "new" (no MDM authority yet: profile creation is refused until the admin sets it). A --db
   * file that already holds a tenant keeps it.
   */
  tenant?: "ready" | "new";
  /** "21vianet": the tenant is in Microsoft Azure operated by 21Vianet, which refuses AOSP. Default "global". */
  cloud?: TenantCloud;
  /** Where diagnostics go (unexpected errors; request lines with logRequests). Default: nowhere. */
  log?: (line: string) => void;
  logRequests?: boolean;
  /**
   * scrypt cost (log2 N, 4..20) for the passwords of users created from now on; default 14 (about
   * 60 ms a sign-in). Fleet runs lower it: they measure enrollment, not password hashing.
   */
  passwordHashCost?: number;
  /**
   * Failed sign-ins for one account name before it is locked (smart lockout; default 10). The
   * lockout lasts a minute, doubling with each further lockout up to an hour.
   */
  lockoutThreshold?: number;
  /** A request budget on the admin API, e.g. { requests: 100, windowMs: 20_000 }: past it, 429 with Retry-After. */
  throttle?: ThrottleBudget;
  /** Injected faults per route family (latency, failure rate by status, throttling), seeded. */
  chaos?: ChaosOptions;
  /**
   * Sees every request first and may answer it in the service's place (a status, headers, a JSON
   * body), before authentication, throttling and chaos: a replay's way to give the answers a
   * recorded service gave that this one would not (agent/sim/replay.ts).
   */
  injectAnswers?: AnswerInjector;
  /**
   * Also listen on this local socket (a Unix domain socket path; a named pipe on Windows), for
   * clients on this machine that connect to it (undici's `connect: { socketPath }`): the same
   * service at less CPU a request than loopback TCP. The embedded fleet's devices use one.
   */
  socketPath?: string;
}

export interface MockService {
  /** Where the service listens, no trailing slash, e.g. http://127.0.0.1:39123 */
  url: string;
  /** The base URL devices are given (QR payloads, download URLs): publicUrl, or `url`. */
  publicUrl: string;
  adminToken: string;
  port: number;
  /** The local socket it also listens on (MockServiceOptions.socketPath), when it was given one. */
  socketPath?: string;
  /** A typed client of the admin API, authenticated with the admin token. */
  admin: AdminClient;
  /** Stops listening and closes the store. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the service. A refused option is an InputError whose `where` names it as the caller
 * wrote it (`startMockService adminToken`); `aosp-sim serve` names its flags instead
 * (startNamedService).
 */
export function startMockService(options: MockServiceOptions = {}): Promise<MockService> {
  return startNamedService(options, LIBRARY_NAMES);
}

/**
 * How a refusal names an option: `where` as the error's subject, `written` inside a sentence of
 * its hint ("use another port").
 */
export interface OptionNames {
  where(option: keyof MockServiceOptions): string;
  written(option: keyof MockServiceOptions): string;
}

/** Every option startMockService takes (a misspelled one is refused, not ignored). */
const SERVICE_OPTIONS = optionNames<MockServiceOptions>({
  port: true, host: true, dbFile: true, adminToken: true, now: true, publicUrl: true, tenant: true, cloud: true, log: true,
  logRequests: true, passwordHashCost: true, lockoutThreshold: true, throttle: true, chaos: true, injectAnswers: true, socketPath: true,
});

/** A library caller's names: the call and the option's own name. */
const LIBRARY_NAMES: OptionNames = { where: (option) => `startMockService ${option}`, written: (option) => option };

/** startMockService, its refusals naming options as `names` says (the CLI's flags, for `aosp-sim serve`). */
export async function startNamedService(options: MockServiceOptions, names: OptionNames): Promise<MockService> {
  // A misspelled dbFile (`db`) ran the service in memory, and its state was lost at close unsaid.
  checkOptions("startMockService", options, SERVICE_OPTIONS, "e.g. { port: 0 }");
  const adminToken = options.adminToken ?? newAdminToken();
  checkAdminToken(adminToken, names);
  if (options.lockoutThreshold !== undefined && (!Number.isInteger(options.lockoutThreshold) || options.lockoutThreshold < 1)) {
    throw new InputError(`the lockout threshold must be a whole number of failed sign-ins, at least 1, not ${givenValue(options.lockoutThreshold)}`, {
      where: names.where("lockoutThreshold"),
      hint: "leave it out for Entra's default (10)",
    });
  }
  if (options.publicUrl !== undefined && typeof options.publicUrl !== "string") {
    throw new InputError(`is ${givenValue(options.publicUrl)}, not a URL`, { where: names.where("publicUrl"), hint: "e.g. http://10.0.2.2:8080" });
  }
  const publicUrl = options.publicUrl === undefined ? undefined : httpBaseUrl(options.publicUrl, names.where("publicUrl"), "http://10.0.2.2:8080");
  // Checked before the store is opened: a refused option leaves nothing open.
  const passwordHashCost = options.passwordHashCost === undefined ? undefined : checkedHashCost(options.passwordHashCost, names);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError(`${givenValue(port)} is not a TCP port`, { where: names.where("port"), hint: "use a whole number from 0 to 65535 (0 picks a free port)" });
  }
  const throttle = options.throttle === undefined ? undefined : checkThrottleBudget(options.throttle, names.where("throttle"));
  const chaos = options.chaos === undefined ? undefined : checkChaosOptions(options.chaos, names.where("chaos"));
  if (options.dbFile !== undefined && typeof options.dbFile !== "string") {
    // Node's own complaint, quoted with "[object Object]" as the file, was all a caller got.
    throw new InputError(`is ${givenValue(options.dbFile)}, not a file path`, { where: names.where("dbFile"), hint: 'give the SQLite file\'s path as a string, e.g. "state.db", or leave it out to keep the state in memory' });
  }
  const store = openStore(options.dbFile ?? MEMORY_DB, names.written("dbFile"));
  let baseUrl = publicUrl ?? "http://127.0.0.1";
  const clock = options.now ?? (() => new Date());
  const ctx: ServiceContext = {
    store,
    tenantId: "",
    now: () => clock().getTime(),
    baseUrl: () => baseUrl,
    log: options.log ?? (() => {}),
    ...(passwordHashCost === undefined ? {} : { passwordHashCost }),
  };
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    ctx.tenantId = store.tenant.ensure(() => ({
      tenantId: randomUUID(),
      displayName: "aosp-sim tenant",
      mdmAuthority: options.tenant === "new" ? "unknown" : "intune",
      cloud: options.cloud ?? "global",
      created: ctx.now(),
    })).tenantId;
    const shutdown = new ShutdownGate();
    const services = createServices(ctx, { lockout: { ...DEFAULT_LOCKOUT_POLICY, threshold: options.lockoutThreshold ?? DEFAULT_LOCKOUT_POLICY.threshold } });
    app = await buildApp({
      services,
      adminToken,
      logRequests: options.logRequests ?? false,
      version: packageVersion(),
      shutdown,
      ...(throttle ? { throttle } : {}),
      ...(chaos ? { chaos } : {}),
      ...(options.injectAnswers ? { injectAnswers: options.injectAnswers } : {}),
    });
    const host = options.host ?? "127.0.0.1";
    await listen(app, host, port, names);
    const socket = options.socketPath === undefined ? undefined : await listenOnSocket(app, options.socketPath);
    const address = app.server.address() as AddressInfo;
    const url = `http://${urlHost(address)}:${address.port}`;
    baseUrl = publicUrl ?? url;
    let closed: Promise<void> | undefined;
    const running = app;
    return {
      url,
      publicUrl: baseUrl,
      adminToken,
      port: address.port,
      ...(socket ? { socketPath: socket.path } : {}),
      admin: new AdminClient(url, adminToken),
      close: () => {
        // The store closes only when every handler has finished: one cut off from its client by
        // the grace period still runs (awaiting scrypt), and met a closed database.
        closed ??= Promise.all([socket?.close(SHUTDOWN_GRACE_MS), closeServer(running)])
          .then(() => shutdown.idle())
          .finally(() => store.close());
        return closed;
      },
    };
  } catch (error) {
    await app?.close().catch(() => {});
    store.close();
    throw error;
  }
}

async function listen(app: Awaited<ReturnType<typeof buildApp>>, host: string, port: number, names: OptionNames): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    if (code === "EADDRINUSE") {
      throw new InputError(`port ${port} is already in use`, { where, hint: `stop what holds it, or use another ${names.written("port")} (0 picks a free one)` });
    }
    if (code === "EACCES") {
      throw new InputError(`not allowed to listen on port ${port}`, { where, hint: "use a port above 1023" });
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
      throw new InputError(`cannot listen on host ${host}: no such local address`, { where, hint: "use 127.0.0.1, 0.0.0.0 or an address of this machine" });
    }
    throw error;
  }
}

/** How long requests already being read or answered may take to finish when the service stops. */
export const SHUTDOWN_GRACE_MS = 1000;

/**
 * Stops listening and waits for requests in progress, but not forever: a client that sent half a
 * request and went quiet would otherwise hold the process open (Node stops timing requests out
 * once the server is closing). After the grace period every connection left is cut.
 */
async function closeServer(app: Awaited<ReturnType<typeof buildApp>>): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/** The host part of a URL for the listening address (the wildcard addresses map to loopback). */
function urlHost(address: AddressInfo): string {
  if (address.address === "0.0.0.0") return "127.0.0.1";
  if (address.address === "::") return "[::1]";
  return address.family === "IPv6" ? `[${address.address}]` : address.address;
}

function checkAdminToken(token: string, names: OptionNames): void {
  if (typeof token !== "string" || !/^[\x21-\x7e]{1,512}$/.test(token)) {
    throw new InputError("the admin token must be 1 to 512 printable ASCII characters without spaces", {
      where: names.where("adminToken"),
      hint: "leave it out to get a random one",
    });
  }
}

function checkedHashCost(cost: number, names: OptionNames): number {
  if (!Number.isInteger(cost) || cost < 4 || cost > 20) {
    throw new InputError(`password hash cost ${givenValue(cost)} is out of range`, { where: names.where("passwordHashCost"), hint: "use a whole number from 4 to 20 (scrypt N = 2^cost; 14 by default)" });
  }
  return cost;
}
