/**
 * Device threads (device-thread.ts): started when the fleet starts, then served jobs from the
 * fleet until there are none left.
 */
import { Worker } from "node:worker_threads";
import type { DeviceJob, DeviceOutcome, DeviceRunSettings } from "./drive-device.js";
import type { FromDeviceThread, ToDeviceThread } from "./device-thread.js";
import type { HttpCounts } from "./http-counts.js";
import { usableCores } from "../../protocol/usable-cores.js";

/** Run from source (tsx, vitest), a worker thread would not get the TypeScript loader. */
export const THREADS_AVAILABLE = !import.meta.url.endsWith(".ts");

/**
 * Device threads by default: one per usable core (a container's CPU limit counts:
 * agent/protocol/usable-cores.ts), less one for the embedded service's thread when it
 * runs on this machine, but at least two where there are two cores: the service's thread leaves
 * most of its core free (measured on 2 cores, 6,000-10,000 devices: 8-19 % more devices a second
 * with two device threads than with one; README "Benchmarks").
 */
export function defaultDeviceThreads(embeddedService: boolean): number {
  const cores = usableCores();
  return Math.max(Math.min(2, cores), cores - (embeddedService ? 1 : 0));
}

/**
 * The most device threads a fleet may have: four per usable core (at least four). Each is a V8
 * isolate with its own heap and compiled code; past a few per core they only add memory and
 * switching (256 on two cores: 6 GB and no device done in two minutes). `--threads` and runFleet
 * alike.
 */
export function maxDeviceThreads(cores: number = usableCores()): number {
  return Math.max(4, 4 * cores);
}

/** A device thread, started ahead of its devices so that it loads while the service starts. */
export interface DeviceThread {
  /**
   * Runs `lanes` lanes of devices; resolves with the thread's HTTP counts once they have stopped.
   * When `stop` aborts, the thread's devices living their --life stop at their next step.
   */
  run(
    png: Uint8Array,
    settings: DeviceRunSettings,
    lanes: number,
    nextJob: () => Promise<DeviceJob | null>,
    onOutcome: (job: DeviceJob, outcome: DeviceOutcome) => void,
    stop?: AbortSignal,
    onLiving?: (index: number) => void,
  ): Promise<HttpCounts>;
  /** Stops the thread (a fleet that ends before running it, or after it has finished). */
  stop(): Promise<void>;
}

export function startDeviceThread(): DeviceThread {
  const worker = new Worker(new URL("./device-thread.js", import.meta.url));
  // Until `run` listens, an error or exit is kept for it (or dropped, if the fleet never runs it).
  let early: Error | undefined;
  const noteEarly = (error: Error) => (early ??= error);
  const noteExit = (code: number) => noteEarly(new Error(`a device thread stopped (exit ${code}) before its devices were done`));
  worker.on("error", noteEarly);
  worker.on("exit", noteExit);
  let stopping = false;
  return {
    run(png, settings, lanes, nextJob, onOutcome, stop, onLiving) {
      worker.off("error", noteEarly);
      worker.off("exit", noteExit);
      if (early) return Promise.reject(early);
      const send = (message: ToDeviceThread) => worker.postMessage(message);
      const endLives = () => send({ type: "endLives" });
      return new Promise<HttpCounts>((resolve, reject) => {
        let finished = false;
        worker.on("message", (message: FromDeviceThread) => {
          if (message.type === "want") {
            nextJob().then(
              (job) => send(job ? { type: "run", lane: message.lane, job } : { type: "stop", lane: message.lane }),
              (error: unknown) => reject(error),
            );
          } else if (message.type === "outcome") onOutcome(message.job, message.outcome);
          else if (message.type === "living") onLiving?.(message.index);
          else {
            finished = true;
            stop?.removeEventListener("abort", endLives);
            resolve(message.http);
          }
        });
        worker.once("error", reject);
        worker.once("exit", (code) => {
          if (!finished && !stopping) reject(new Error(`a device thread stopped (exit ${code}) before its devices were done`));
        });
        send({ type: "start", png, settings, lanes });
        if (stop?.aborted) endLives();
        else stop?.addEventListener("abort", endLives, { once: true });
      });
    },
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
