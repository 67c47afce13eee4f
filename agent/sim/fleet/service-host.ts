/**
 * Where a fleet's service runs: a service given with --service, or the embedded mock service.
 * The embedded one runs on a worker thread by default (measured faster on two cores: the
 * service's event loop and the devices' do not wait for each other), or in this thread.
 */
import { Worker } from "node:worker_threads";
import type { MockServiceOptions } from "../../../mock-service/index.js";
import { localSocket } from "./service-socket.js";

export interface FleetService {
  url: string;
  adminToken: string;
  /** Where it runs, for the report: "worker thread", "this thread" or "external". */
  where: string;
  /**
   * A local socket the embedded service also listens on (service-socket.ts): the fleet's devices
   * reach it there, the same HTTP at less CPU a request than loopback TCP. None for --service.
   */
  socketPath?: string;
  close(): Promise<void>;
}

/**
 * The fleet's users sign in thousands of times: their passwords are hashed at a low scrypt cost
 * (2^8), since a fleet measures enrollment, not password hashing: a sign-in's check costs 0.76 ms
 * of CPU here (`npm run bench:password-hash`). 2^4 (0.14 ms) was tried: the fleet ran a few per
 * cent faster, but the service's own capacity rose far more, so the fleet used less of it
 * (docs/fleet-performance-log.md). A service given with --service hashes as it was started
 * (`serve --password-hash-cost`).
 */
const FLEET_PASSWORD_HASH_COST = 8;
/**
 * Every device of a fleet signs in as one user, up to --concurrency at once, and the smart
 * lockout counts sign-ins still being checked against its threshold (10 by default), so the
 * fleet's own correct sign-ins would lock the account. The embedded service's threshold is far above any
 * concurrency; a service given with --service needs `serve --lockout-threshold` likewise.
 */
export const FLEET_LOCKOUT_THRESHOLD = 1_000_000;

export async function embeddedService(mode: "worker" | "inline"): Promise<FleetService> {
  const socket = localSocket();
  try {
    const service = await startEmbedded(mode, {
      passwordHashCost: FLEET_PASSWORD_HASH_COST,
      lockoutThreshold: FLEET_LOCKOUT_THRESHOLD,
      ...(socket ? { socketPath: socket.path } : {}),
    });
    return { ...service, close: () => service.close().finally(() => socket?.remove()) };
  } catch (error) {
    socket?.remove();
    throw error;
  }
}

async function startEmbedded(mode: "worker" | "inline", options: MockServiceOptions): Promise<FleetService> {
  // Run from source (tsx, vitest), a worker thread would not get the TypeScript loader.
  if (mode === "inline" || import.meta.url.endsWith(".ts")) {
    // Loaded only here: on its worker thread the service's modules (about 0.3 s) stay off this one.
    const { startMockService } = await import("../../../mock-service/index.js");
    const service = await startMockService(options);
    return { url: service.url, adminToken: service.adminToken, ...socketOf(service), where: "this thread", close: () => service.close() };
  }
  const worker = new Worker(new URL("./service-worker.js", import.meta.url), { workerData: options });
  const ready = await new Promise<{ url: string; adminToken: string; socketPath?: string }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the service worker stopped (exit ${code}) before it listened`)));
  });
  let closed: Promise<void> | undefined;
  return {
    url: ready.url,
    adminToken: ready.adminToken,
    ...socketOf(ready),
    where: "worker thread",
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.postMessage("close");
      })),
  };
}

/** The socket a service listens on, as an optional property (exactOptionalPropertyTypes). */
function socketOf(service: { socketPath?: string | undefined }): { socketPath?: string } {
  return service.socketPath === undefined ? {} : { socketPath: service.socketPath };
}
