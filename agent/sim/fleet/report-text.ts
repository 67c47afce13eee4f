/** A fleet summary for people: the figures, the phase table, failures and how to re-run them. */
import { ratePercent } from "./fault-rates.js";
import { counted } from "../../protocol/counted.js";
import { printable } from "../../protocol/printable.js";
import type { Styles } from "../../cli/output.js";
import { formatDurationExactly } from "../../device/duration.js";
import { PHASES } from "./phases.js";
import { failureLine, interruptedNote, LIFE_CHECK_INS_FAILING, PHASE_STATS, routesFailingFirst, partNamed, STOPPED_CHECKING_IN, type FleetSummary } from "./summary.js";
import { FLEET_USER } from "./tenant.js";
import type { ThresholdResult } from "./thresholds.js";

export function fleetSummaryLines(s: FleetSummary, results: readonly ThresholdResult[], styles: Styles): string[] {
  const lines = [
    styles.bold(`Fleet: ${s.enrolled} of ${s.devices} devices enrolled and checked in, ${s.failed} failed`) +
      styles.dim(` (seed ${s.seed}, ${partNamed(s)} of ${s.fleetDevices})`),
    `  ${s.devicesPerSecond} devices enrolled/s${s.runSeconds === undefined ? "" : ` over a ${s.runSeconds} s run`}, ${s.wallSeconds} s wall${s.runSeconds === undefined ? "" : " with the set-up"}, ${s.http.requests} HTTP requests (${s.http.requestsPerSecond}/s, ${s.http.errors} errors), peak RSS ${Math.round(s.peakRssBytes / 1024 ** 2)} MB`,
  ];
  if (s.interrupted) lines.push(styles.red(`  interrupted: ${interruptedNote(s)}`));
  if (s.lifeMs > 0) {
    const failedThen = s.checkInsFailed ? styles.red(`, ${s.checkInsFailed} failed`) : "";
    lines.push(`  lived ${s.interrupted ? "up to " : ""}${formatDurationExactly(s.lifeMs)} each after enrolling: ${counted(s.checkIns, "check-in")}${failedThen}`);
  }
  // A fault's value, a re-run command and a route come from the user's options or a file: control
  // characters in them are written as escapes, as transcripts' are (they went raw to the terminal).
  for (const f of s.faults) lines.push(`  fault ${printable(f.spec)} at ${ratePercent(f.rate)}: ${f.devices} of ${s.devices} devices`);
  lines.push(...phaseTable(s, styles));
  lines.push(...routeTable(s, styles));
  for (const hint of fleetSpeedHints(s)) lines.push("", `  ${styles.yellow(hint)}`);
  if (s.failed > 0) {
    lines.push("", styles.red("Failed by reason:"));
    for (const [reason, n] of Object.entries(s.failedByReason).sort((a, b) => b[1] - a[1])) lines.push(`  ${printable(reason).padEnd(28)} ${n}`);
    for (const hint of fleetHints(s)) lines.push(`  ${styles.yellow(hint)}`);
    lines.push("", `Re-run a failed device alone${s.failures.length < s.failed ? ` (the ${s.failures.length} of lowest index)` : ""}:`);
    for (const f of s.failures) lines.push(`  ${printable(f.rerun)}   ${styles.dim(`# ${printable(failureLine(f))}`)}`);
    // The summary keeps STORIES_KEPT; the rest are in --junit (every device) by the same command.
    const more = s.failed - s.failures.length;
    // A merge's own --junit holds the fleet's test cases, not the devices: the shards' files do.
    const where = s.shards.length > 1 ? "the shards' own --junit files give" : "--junit FILE gives";
    if (more > 0) lines.push(styles.dim(`  ... and ${counted(more, "more failed device", "more failed devices")}: ${where} each one's re-run command`));
  }
  if (results.length > 0) {
    lines.push("", "Thresholds:");
    for (const r of results) lines.push(`  ${r.passed ? styles.green("✓") : styles.red("✗")} ${r.line}`);
  }
  return lines;
}


/**
 * The phases' latencies, on the wall clock and then on the devices' simulated clocks (the issue's
 * "p50/p95/p99/max in both device time and wall time"): two tables, so each fits 80 columns.
 */
function phaseTable(s: FleetSummary, styles: Styles): string[] {
  const finished = PHASES.filter((p) => s.phases[p] !== undefined);
  if (finished.length === 0) return ["", "  (no device finished a phase)"];
  const table = (title: string, figures: FleetSummary["phases"]) => [
    "",
    styles.dim(`  ${title.padEnd(18)}${PHASE_STATS.map((h) => h.padStart(11)).join("")}`),
    ...finished.map((p) => `  ${p.padEnd(18)}${PHASE_STATS.map((k) => String(figures[p]?.[k] ?? "-").padStart(11)).join("")}`),
  ];
  return [...table("phase (wall ms)", s.phases), ...table("phase (device ms)", s.phasesDeviceTime)];
}

/** HTTP requests and errors by route, the routes with errors first. */
function routeTable(s: FleetSummary, styles: Styles): string[] {
  const routes = routesFailingFirst(s).map(([route, counts]) => [printable(route), counts] as const);
  if (routes.length === 0) return [];
  const width = Math.max(20, ...routes.map(([route]) => route.length));
  const lines = ["", styles.dim(`  ${"HTTP route".padEnd(width)}${"requests".padStart(10)}${"errors".padStart(8)}`)];
  for (const [route, { requests, errors }] of routes) {
    const row = `  ${route.padEnd(width)}${String(requests).padStart(10)}${String(errors).padStart(8)}`;
    lines.push(errors > 0 ? styles.red(row) : row);
  }
  return lines;
}

/**
 * What to do about failures whose cause is the set-up rather than the devices: a running service
 * (--service) keeps its own smart lockout, which counts the fleet's sign-ins in flight (every
 * device signs in as one user, up to --concurrency at once) and locks the account.
 */
export function fleetHints(s: FleetSummary): string[] {
  const hints: string[] = [];
  if ((s.failedByReason["accountLocked"] ?? 0) > 0 && s.service.runs === "external") {
    hints.push(
      `accountLocked: the service refused sign-ins of the fleet's user (${FLEET_USER.userPrincipalName}), whom the devices of every fleet run on it sign in as, up to --concurrency at once each; start it with \`aosp-sim serve --lockout-threshold 1000000\` (the embedded service does so)`,
    );
  }
  const outOfTouch = s.failedByReason[STOPPED_CHECKING_IN] ?? 0;
  if (outOfTouch > 0) {
    hints.push(
      `${STOPPED_CHECKING_IN}: ${counted(outOfTouch, "device")} ended ${outOfTouch === 1 ? "its" : "their"} --life with the last ${LIFE_CHECK_INS_FAILING} check-ins failed: the service stopped answering or refused them (the timelines say which)`,
    );
  }
  return hints;
}

/**
 * Sign-ins that took seconds, at the median, on a running service: `aosp-sim serve` hashes
 * passwords at scrypt cost 2^14 by default (tens of ms each, one at a time on two cores), so up
 * to --concurrency devices signing in at once queue behind each other's hashes and the fleet
 * measures password hashing. The embedded service hashes the fleet's user at 2^8.
 */
export function fleetSpeedHints(s: FleetSummary): string[] {
  const signIn = s.phases.signIn;
  if (s.service.runs !== "external" || signIn === undefined || signIn.p50 < SLOW_SIGN_IN_MS) return [];
  return [
    `signIn took ${signIn.p50} ms at p50: the devices waited for the service's password checks; if it is \`aosp-sim serve\` at its default cost, start it with \`--password-hash-cost 8\`, as the embedded service hashes the fleet's user; if it already runs so, the machine's cores were busy (several fleets or shards sharing them, or other work)`,
  ];
}

/** A median sign-in this slow is the hashes' queue: at 2^8 it is under 200 ms at concurrency 64. */
const SLOW_SIGN_IN_MS = 1000;

/** A rate of 0..1 as people write it: 0.05 -> "5%", 0.001 -> "0.1%". */
