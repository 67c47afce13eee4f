/**
 * The timeline: one entry per step the device takes (and per power event or driver note), in
 * the order they happened. Printed as aligned lines for people, kept as data for --json.
 */
import type { Styles } from "../cli/output.js";
import { formatDuration } from "../device/duration.js";
import { givenValue } from "../protocol/given-value.js";
import { printable } from "../protocol/printable.js";
import { isErrorScreen } from "./describe.js";

export interface TimelineEntry {
  /** Device clock, ISO 8601. */
  at: string;
  /** Since the device was first powered on (on the clock driving it, skew aside). */
  elapsedMs: number;
  /** The state's dotted path ("enrolled.checkingIn.requesting"), or "-" for notes. */
  state: string;
  event: string;
  detail: string;
  kind: "state" | "power" | "note";
}

/** "0:03.2", "12:04.0", "2:15:00", "1d 08:15:00". */
export function formatElapsed(ms: number): string {
  const totalSeconds = Math.max(0, ms) / 1000;
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const mm = String(minutes).padStart(2, "0");
  const ss = String(Math.floor(seconds)).padStart(2, "0");
  if (days > 0) return `${days}d ${String(hours).padStart(2, "0")}:${mm}:${ss}`;
  if (hours > 0) return `${hours}:${mm}:${ss}`;
  return `${minutes}:${seconds.toFixed(1).padStart(4, "0")}`;
}

/**
 * A power loss's timeline detail, worded once for `enroll` and `run` (from the device's records)
 * and for `show` (from a transcript): "Power lost (back in 20s)", or "Power lost" when the device
 * is not coming back by itself. Its restoring has no line: the boot's "Powered on; resuming" says it.
 */
export function powerLostDetail(offForMs: number | undefined): string {
  return offForMs === undefined ? "Power lost" : `Power lost (back in ${formatDuration(offForMs)})`;
}

const STATE_WIDTH = 40;
const EVENT_WIDTH = 24;

export function timelineHeader(styles: Styles): string {
  return styles.dim(`${"elapsed".padStart(11)}  ${"state".padEnd(STATE_WIDTH)} ${"event".padEnd(EVENT_WIDTH)} detail`);
}

/** A state path as the timeline names it: ".requesting" is the inside of every service call, and the parent's name says it all. */
export function timelineState(state: string): string {
  return state.replace(/\.requesting$/, "");
}

/** The styles formatTimelineEntry paints with. */
const STYLE_NAMES = ["red", "yellow", "green", "cyan", "dim"] as const;

/**
 * Arguments of the wrong kind are a TypeError naming the call: they failed deep inside with
 * "Cannot read properties of undefined (reading 'replace')".
 */
function checkEntryArguments(entry: unknown, styles: unknown): void {
  const e = entry as Partial<Record<keyof TimelineEntry, unknown>> | null;
  if (e === null || typeof e !== "object" || typeof e.elapsedMs !== "number" || typeof e.state !== "string" || typeof e.event !== "string" || typeof e.detail !== "string") {
    throw new TypeError(`formatTimelineEntry: entry must be a timeline entry, one of device.timeline (got ${givenValue(entry)})`);
  }
  const s = styles as Record<string, unknown> | null;
  if (s === null || typeof s !== "object" || STYLE_NAMES.some((name) => typeof s[name] !== "function")) {
    throw new TypeError(
      `formatTimelineEntry: styles must be an object of functions from text to text named ${STYLE_NAMES.join(", ")} and bold (each (text) => text for no colour) (got ${givenValue(styles)})`,
    );
  }
}

/** One aligned line: elapsed, state, event, detail (error screens in red, enrolled in green). */
export function formatTimelineEntry(entry: TimelineEntry, styles: Styles): string {
  checkEntryArguments(entry, styles);
  const elapsed = formatElapsed(entry.elapsedMs).padStart(11);
  // A transcript's entries (aosp-sim show) come from a file: their state and event are escaped too.
  const shown = printable(timelineState(entry.state));
  const state = shown.length > STATE_WIDTH ? `…${shown.slice(-(STATE_WIDTH - 1))}` : shown.padEnd(STATE_WIDTH);
  const eventText = printable(entry.event);
  const event = eventText.length > EVENT_WIDTH ? `${eventText.slice(0, EVENT_WIDTH - 1)}…` : eventText.padEnd(EVENT_WIDTH);
  // Details quote what the device met: a payload's values, a service's messages.
  let detail = printable(entry.detail);
  if (isErrorScreen(entry.state)) detail = styles.red(detail);
  else if (entry.kind === "power") detail = styles.yellow(detail);
  else if (entry.kind === "note") detail = styles.cyan(detail);
  else if (entry.state.startsWith("enrolled.idle")) detail = styles.green(detail);
  return `${styles.dim(elapsed)}  ${state} ${styles.dim(event)} ${detail}`;
}
