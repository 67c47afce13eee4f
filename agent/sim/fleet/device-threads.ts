/**
 * Starts a device thread (device-thread.ts) and serves it jobs from the fleet until there are
 * none left. Resolves with the thread's HTTP counts once its lanes have stopped.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { DeviceJob, DeviceOutcome, DeviceRunSettings } from "./drive-device.js";
import type { FromDeviceThread, ToDeviceThread } from "./device-thread.js";
import type { HttpCounts } from "./http-counts.js";

/** Run from source (tsx, vitest), a worker thread would not get the TypeScript loader. */
export const THREADS_AVAILABLE = !import.meta.url.endsWith(".ts");

/**
 * Device threads by default: one per core, less one for the embedded service's thread when it
 * runs on this machine. On a 2-core machine with the embedded service that is one, the main thread.
 */
export function defaultDeviceThreads(embeddedService: boolean): number {
  return Math.max(1, availableParallelism() - (embeddedService ? 1 : 0));
}

export function runDeviceThread(
  png: Uint8Array,
  settings: DeviceRunSettings,
  lanes: number,
  nextJob: () => Promise<DeviceJob | null>,
  onOutcome: (job: DeviceJob, outcome: DeviceOutcome) => void,
): Promise<HttpCounts> {
  const worker = new Worker(new URL("./device-thread.js", import.meta.url));
  const send = (message: ToDeviceThread) => worker.postMessage(message);
  return new Promise<HttpCounts>((resolve, reject) => {
    let finished = false;
    worker.on("message", (message: FromDeviceThread) => {
      if (message.type === "want") {
        nextJob().then(
          (job) => send(job ? { type: "run", lane: message.lane, job } : { type: "stop", lane: message.lane }),
          (error: unknown) => reject(error),
        );
      } else if (message.type === "outcome") onOutcome(message.job, message.outcome);
      else {
        finished = true;
        resolve(message.http);
      }
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!finished) reject(new Error(`a device thread stopped (exit ${code}) before its devices were done`));
    });
    send({ type: "start", png, settings, lanes });
  });
}
