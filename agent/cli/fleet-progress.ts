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
/** How often the bar's rate is counted again when no device finishes. */
const RATE_REFRESH_MS = 1000;

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
    const latest = latestProgress(total);
    // Between two devices done the rate still moves on (a long --ramp or --life): counted again here.
    const refresh = setInterval(() => {
      if (started) bar.update({ rate: rateOf(latest.now()) });
    }, RATE_REFRESH_MS);
    refresh.unref();
    return {
      update: (p) => {
        latest.set(p);
        const payload = { failed: p.failed, rate: rateOf(p) };
        if (started) bar.update(p.done, payload);
        else {
          bar.start(total, p.done, payload);
          started = true;
        }
      },
      stop: () => {
        clearInterval(refresh);
        if (started) bar.stop();
      },
    };
  }
  const latest = latestProgress(total);
  const timer = setInterval(() => stream.write(`${statusLine(latest.now())}\n`), STATUS_EVERY_MS);
  timer.unref();
  return {
    update: (p) => latest.set(p),
    stop: () => clearInterval(timer),
  };
}

/**
 * The latest progress, with its elapsed time read when it is shown. Progress arrives only as
 * devices finish; between two (a long --ramp, a long --life) the elapsed time and the rate
 * still move on instead of repeating the last device's.
 */
function latestProgress(total: number) {
  let last: FleetProgress = { done: 0, failed: 0, total, elapsedMs: 0 };
  let origin = Date.now();
  return {
    set(p: FleetProgress): void {
      last = p;
      origin = Date.now() - p.elapsedMs;
    },
    now: (): FleetProgress => ({ ...last, elapsedMs: Date.now() - origin }),
  };
}

/** "fleet: 1200/2000 devices, 3 failed, 412.5/s, 12 s elapsed" */
export function statusLine(p: FleetProgress): string {
  return `fleet: ${p.done}/${p.total} devices, ${p.failed} failed, ${rateOf(p)}/s, ${Math.round(p.elapsedMs / 1000)} s elapsed`;
}

function rateOf(p: FleetProgress): string {
  return p.elapsedMs > 0 ? (p.done / (p.elapsedMs / 1000)).toFixed(1) : "0";
}
