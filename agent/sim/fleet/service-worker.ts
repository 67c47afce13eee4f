/**
 * The embedded mock service on a worker thread, so the service's request handling and the
 * devices' simulation run on two cores. The parent reads { url, adminToken } from the first
 * message and posts "close" to stop it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { startMockService, type MockServiceOptions } from "../../../mock-service/index.js";

const port = parentPort;
if (!port) throw new Error("service-worker.ts runs as a worker thread");
const service = await startMockService(workerData as MockServiceOptions);
port.postMessage({ url: service.url, adminToken: service.adminToken, socketPath: service.socketPath });
port.on("message", (message: unknown) => {
  if (message === "close") void service.close().then(() => port.close());
});
