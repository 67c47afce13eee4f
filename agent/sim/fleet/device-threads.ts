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
 * runs on this machine, but at least two where there are two cores: the service's thread leaves
 * most of its core free (measured on 2 cores, 6,000-10,000 devices: 8-19 % more devices a second
 * with two device threads than with one; README "Benchmarks").
 */
export function defaultDeviceThreads(embeddedService: boolean): number {
  const cores = availableParallelism();
  return Math.max(Math.min(2, cores), cores - (embeddedService ? 1 : 0));
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
