/**
 * Progress of a fleet run on stderr: on a terminal, a live bar (cli-progress) with done, failed,
 * rate and ETA; off a terminal (CI logs), one status line every few seconds.
 */
import cliProgress from "cli-progress";
import type { FleetProgress } from "../sim/fleet/run-fleet.js";

export interface ProgressView {
  update(progress: FleetProgress): void;
  stop(): void;
}

export const STATUS_EVERY_MS = 5000;

export function progressView(total: number, stream: Pick<NodeJS.WriteStream, "isTTY" | "write"> = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: "fleet [{bar}] {value}/{total} devices | {failed} failed | {rate}/s | ETA {eta_formatted}",
        hideCursor: true,
        etaBuffer: 200,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    // Started with the first device done: cli-progress estimates the ETA from its updates since
    // start, and a bar started with the command counted the service's start-up (a second or so)
    // as progress at a standstill, so its first frames read an ETA of an hour for minutes' work.
    let started = false;
    return {
      update: (p) => {
        const payload = { failed: p.failed, rate: rateOf(p) };
        if (started) bar.update(p.done, payload);
        else {
          bar.start(total, p.done, payload);
          started = true;
        }
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let last: FleetProgress = { done: 0, failed: 0, total, elapsedMs: 0 };
  const timer = setInterval(() => stream.write(`${statusLine(last)}\n`), STATUS_EVERY_MS);
  timer.unref();
  return {
    update: (p) => (last = p),
    stop: () => clearInterval(timer),
  };
}

/** "fleet: 1200/2000 devices, 3 failed, 412.5/s, 12 s elapsed" */
export function statusLine(p: FleetProgress): string {
  return `fleet: ${p.done}/${p.total} devices, ${p.failed} failed, ${rateOf(p)}/s, ${Math.round(p.elapsedMs / 1000)} s elapsed`;
}

function rateOf(p: FleetProgress): string {
  return p.elapsedMs > 0 ? (p.done / (p.elapsedMs / 1000)).toFixed(1) : "0";
}
