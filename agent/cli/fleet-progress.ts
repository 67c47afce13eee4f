/**
 * Progress of a fleet run on stderr: on a terminal, a live bar (cli-progress) with done, failed,
 * rate and ETA; off a terminal (CI logs), one status line every few seconds.
 */
import cliProgress from "cli-progress";
import { formatDuration } from "../device/duration.js";
import type { FleetProgress } from "../sim/fleet/run-fleet.js";

export interface ProgressView {
  update(progress: FleetProgress): void;
  /** A line for whoever watches (a stop, an abort): above the bar on a terminal, whole. */
  note(line: string): void;
  stop(): void;
}

export const STATUS_EVERY_MS = 5000;
/** How often the bar's rate is counted again when no device finishes. */
const RATE_REFRESH_MS = 1000;
/** The bar's longest text besides the bar itself ("fleet [] 10000/10000 devices | ... | ETA 1h 30m"). */
const TEXT_CELLS = 64;

export function progressView(total: number, stream: Pick<NodeJS.WriteStream, "isTTY" | "write" | "columns"> = process.stderr): ProgressView {
  if (stream.isTTY) return terminalBar(total, stream);
  const latest = latestProgress(total);
  const timer = setInterval(() => stream.write(`${statusLine(latest.now())}\n`), STATUS_EVERY_MS);
  timer.unref();
  return {
    update: (p) => latest.set(p),
    note: (line) => stream.write(`${line}\n`),
    stop: () => clearInterval(timer),
  };
}

/**
 * The live bar. Sized to the terminal (a fixed 40-cell bar ran past 80 columns, so the rate and
 * ETA were cut off; on a narrow one the bar is left out), lines never wrapped by it, and notes
 * written above it through cli-progress's log, so a stop's notice is not cut at the screen's edge
 * nor the summary after it left with the tail of the last frame.
 */
function terminalBar(total: number, stream: Pick<NodeJS.WriteStream, "write" | "columns">): ProgressView {
  const barsize = Math.min(40, (stream.columns || 80) - TEXT_CELLS);
  const format =
    barsize >= 10
      ? "fleet [{bar}] {value}/{total} devices | {failed} failed{living} | {rate}/s | ETA {until}"
      : "fleet {value}/{total} | {failed} failed{living} | {rate}/s | ETA {until}";
  const bars = new cliProgress.MultiBar(
    { stream: stream as NodeJS.WriteStream, format, barsize: Math.max(barsize, 10), hideCursor: true, linewrap: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  // Started with the first device done, its ETA counted from then: a bar started with the command
  // counted the service's start-up (a second or so) as progress at a standstill, and its first
  // frames read an ETA of an hour for minutes' work.
  let bar: cliProgress.SingleBar | null = null;
  const latest = latestProgress(total);
  const eta = etaFrom(total);
  const payload = (p: FleetProgress) => ({ failed: p.failed, living: p.living === undefined ? "" : ` | ${p.living} living`, rate: rateOf(p), until: eta.text(p.done) });
  // Between two devices done the rate still moves on (a long --ramp or --life): counted again here.
  const refresh = setInterval(() => bar?.update(payload(latest.now())), RATE_REFRESH_MS);
  refresh.unref();
  return {
    update: (p) => {
      latest.set(p);
      eta.add(p.done);
      if (bar) bar.update(p.done, payload(p));
      else bar = bars.create(total, p.done, payload(p));
    },
    note: (line) => {
      if (!bar) {
        stream.write(`${line}\n`);
        return;
      }
      bars.log(`${line}\n`);
      bars.update();
    },
    stop: () => {
      clearInterval(refresh);
      if (bar) bars.stop();
    },
  };
}

/**
 * The time left at the rate since the first device was done, measured up to now: while no device
 * finishes (a long --ramp or --life), the rate falls and the time left grows instead of standing
 * still; "…" until there is a rate.
 */
function etaFrom(total: number) {
  let first: { at: number; done: number } | null = null;
  return {
    add(done: number): void {
      first ??= { at: Date.now(), done };
    },
    text(done: number): string {
      if (done >= total) return "0s";
      if (!first || done <= first.done) return "…";
      const perMs = (done - first.done) / Math.max(1, Date.now() - first.at);
      return formatDuration(Math.ceil((total - done) / perMs / 1000) * 1000);
    },
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
  return `fleet: ${p.done}/${p.total} devices, ${p.failed} failed${livingText(p)}, ${rateOf(p)}/s, ${Math.round(p.elapsedMs / 1000)} s elapsed`;
}

/** ", 4 living their --life": a device is done only when its life ends; these enrolled already. */
function livingText(p: FleetProgress): string {
  return p.living === undefined ? "" : `, ${p.living} living their --life`;
}

function rateOf(p: FleetProgress): string {
  return p.elapsedMs > 0 ? (p.done / (p.elapsedMs / 1000)).toFixed(1) : "0";
}
