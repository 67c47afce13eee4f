/**
 * Fleet devices on more cores: a worker thread that runs lanes of devices, pulling one device
 * at a time from the fleet (so the fleet keeps its ramp and its order) and posting each
 * outcome back. The fleet on the main thread aggregates; a device's work is the same wherever
 * it runs (drive-device.ts).
 *
 * Messages, fleet -> thread: { type: "start", png, settings, lanes } once, then for each "want"
 * either { type: "run", lane, job } or { type: "stop", lane }, and { type: "endLives" } when the fleet
 * is stopped (devices living their --life stop at their next step). Thread -> fleet: { type: "want",
 * lane }, { type: "outcome", job, outcome }, and { type: "finished", http } when every lane stopped.
 */
import { parentPort } from "node:worker_threads";
import { driveDevice, type DeviceJob, type DeviceOutcome, type DeviceRunSettings } from "./drive-device.js";
import { HttpCounter, type HttpCounts } from "./http-counts.js";
import { socketDispatcher } from "./service-socket.js";
import { TimelineNeeds } from "./timeline-needs.js";

export type ToDeviceThread =
  | { type: "start"; png: Uint8Array; settings: DeviceRunSettings; lanes: number }
  | { type: "run"; lane: number; job: DeviceJob }
  | { type: "stop"; lane: number }
  | { type: "endLives" };

export type FromDeviceThread =
  | { type: "want"; lane: number }
  | { type: "living"; index: number }
  | { type: "outcome"; job: DeviceJob; outcome: DeviceOutcome }
  | { type: "finished"; http: HttpCounts };

const port = parentPort;
if (!port) throw new Error("device-thread.ts runs as a worker thread (agent/sim/fleet/device-threads.ts starts it)");
const post = (message: FromDeviceThread) => port.postMessage(message);
const waiting = new Map<number, (job: DeviceJob | null) => void>();
const lifeStop = { aborted: false };

port.on("message", (message: ToDeviceThread) => {
  if (message.type === "start") void runLanes(message.png, message.settings, message.lanes);
  else if (message.type === "endLives") lifeStop.aborted = true;
  else {
    const wake = waiting.get(message.lane);
    waiting.delete(message.lane);
    wake?.(message.type === "run" ? message.job : null);
  }
});

async function runLanes(png: Uint8Array, settings: DeviceRunSettings, lanes: number): Promise<void> {
  // The thread's devices' requests, through one counting dispatcher (over the service's socket when it has one).
  const http = new HttpCounter();
  const socket = settings.serviceSocket === undefined ? undefined : socketDispatcher(settings.serviceSocket);
  const dispatcher = http.dispatcher(socket);
  const needs = new TimelineNeeds();
  const living = (index: number) => post({ type: "living", index });
  const next = (lane: number) =>
    new Promise<DeviceJob | null>((resolve) => {
      waiting.set(lane, resolve);
      post({ type: "want", lane });
    });
  const lane = async (id: number) => {
    for (let job = await next(id); job; job = await next(id)) post({ type: "outcome", job, outcome: await driveDevice(png, job, settings, needs, lifeStop, dispatcher, living) });
  };
  await Promise.all(Array.from({ length: lanes }, (_, id) => lane(id)));
  await socket?.close();
  post({ type: "finished", http: http.counts });
  port!.close();
}
