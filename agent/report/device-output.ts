/**
 * What `enroll` and `run` print about a device: the live timeline (a line per step, as it
 * happens), the JSON document (--json), and the closing lines that say where the device ended
 * and why.
 */
import type { Device, DeviceReport } from "../device/create-device.js";
import { formatFault, type Fault } from "../device/faults.js";
import type { StateFault } from "../device/faults-not-struck.js";
import type { Styles } from "../cli/output.js";
import type { DeviceIdentity } from "../machine/types.js";
import { printable } from "../protocol/printable.js";
import { appLabel, byAppOrder } from "./describe.js";
import { formatTimelineEntry, timelineHeader, type TimelineEntry } from "./timeline.js";
import type { EndStop, InterruptSignal } from "./transcript.js";

/** Prints timeline entries as they are added (human mode). */
export function followTimeline(device: Device, styles: Styles, write: (line: string) => void): () => void {
  let printed = 0;
  write(timelineHeader(styles));
  const flush = () => {
    const entries = device.timeline;
    for (; printed < entries.length; printed++) write(formatTimelineEntry(entries[printed]!, styles));
  };
  const stop = device.onChange(flush);
  return () => {
    flush();
    stop();
  };
}

export interface DeviceJson {
  deviceId: string | null;
  finalState: string;
  finalStatePath: string;
  timeline: { at: string; elapsedMs: number; state: string; event: string; detail: string }[];
  apps: { package: string; versionName: string; versionCode: number }[];
  /** The device owner as `package/class`, or null. */
  deviceOwner: string | null;
  identity: DeviceIdentity;
  failure: DeviceReport["failure"];
  faults: string[];
  /** The seed the identity came from (picked at random when none was given); null for a device resumed from storage. */
  seed: number | null;
  /** The run was stopped by this signal (Ctrl-C, SIGTERM) in finalStatePath; absent when it was not. */
  interrupted?: InterruptSignal;
  /** The locale, time zone and clock reading (ISO 8601) the payload set (each null when not set); absent when it gave none of them. */
  systemSettings?: { locale: string | null; timeZone: string | null; clockSetTo: string | null };
  /** The @STATE faults that never struck because the device never entered their state, and why (empty when every one struck). */
  faultsNotFired: FaultNotFired[];
}

/** A power-loss@STATE or clock-skew=OFFSET@STATE fault the run never reached. */
export interface FaultNotFired {
  /** As `faults` writes it: "power-loss=30s@enrolling". */
  fault: string;
  /** The state it waited for. */
  state: string;
  /** Why the device never entered it: "the device stopped at wifiFailed (wifiAuthFailed) first". */
  reason: string;
}

/**
 * Each fault at a state the device never entered (inject-faults.ts stateFaultsNotStruck), with
 * why, from how the run ended: the device failed, stopped or was stopped first, or went on to
 * where it ended on a path without that state. `resumedIn`: the state a device resumed from its
 * storage booted in (it may have passed the state in an earlier run), else null.
 */
export function faultsNotFired(
  notStruck: readonly StateFault[],
  report: Pick<DeviceReport, "finalStatePath" | "failure" | "interrupted">,
  resumedIn: string | null,
): FaultNotFired[] {
  return notStruck.map((fault) => ({ fault: formatFault(fault), state: fault.state, reason: notFiredReason(fault.state, report, resumedIn) }));
}

function notFiredReason(state: string, report: Pick<DeviceReport, "finalStatePath" | "failure" | "interrupted">, resumedIn: string | null): string {
  const end = report.finalStatePath;
  if (report.interrupted) return `the run was interrupted at ${end} before the device entered ${state}`;
  if (report.failure) return `the device stopped at ${end} (${report.failure.code}) before it entered ${state}`;
  const resumed = resumedIn === null ? "" : `resumed in ${resumedIn} and `;
  if (!end.startsWith("enrolled")) return `the device ${resumed}stopped at ${end} before it entered ${state}`;
  return `the device ${resumed}went on to ${end} on a path that does not pass through ${state}`;
}

/** The closing lines that say which faults at a state never struck, and why. */
export function faultsNotFiredLines(notFired: readonly FaultNotFired[], styles: Styles): string[] {
  return notFired.map((f) => styles.yellow(`  fault ${f.fault} never struck: ${f.reason}`));
}

/** The `enroll --json` document (the README's contract plus identity, failure and faults; and the signal that interrupted it). */
export function deviceJson(
  report: DeviceReport,
  identity: DeviceIdentity,
  faults: readonly Fault[],
  seed: number | null,
  stop: Pick<EndStop, "interrupted"> = {},
  notFired: readonly FaultNotFired[] = [],
): DeviceJson {
  return {
    deviceId: report.deviceId,
    finalState: report.finalState,
    finalStatePath: report.finalStatePath,
    timeline: report.timeline.map(jsonEntry),
    apps: report.apps,
    deviceOwner: report.deviceOwner,
    identity,
    failure: report.failure,
    faults: faults.map(formatFault),
    seed,
    ...(stop.interrupted === undefined ? {} : { interrupted: stop.interrupted }),
    ...(report.systemSettings === undefined ? {} : { systemSettings: settingsJson(report.systemSettings) }),
    faultsNotFired: [...notFired],
  };
}

function settingsJson(settings: NonNullable<DeviceReport["systemSettings"]>): NonNullable<DeviceJson["systemSettings"]> {
  const { locale, timeZone, clockSetTo } = settings;
  return { locale, timeZone, clockSetTo: clockSetTo === null ? null : new Date(clockSetTo).toISOString() };
}

function jsonEntry(entry: TimelineEntry) {
  return { at: entry.at, elapsedMs: entry.elapsedMs, state: entry.state, event: entry.event, detail: entry.detail };
}

export function identityLine(identity: DeviceIdentity, seed: number | undefined): string {
  return `${identity.manufacturer} ${identity.model}, Android ${identity.osVersion}, serial ${identity.serialNumber}${seed === undefined ? "" : ` (seed ${seed})`}`;
}

export function appsLine(apps: DeviceReport["apps"]): string {
  if (apps.length === 0) return "none";
  return [...apps].sort((a, b) => byAppOrder(a.package, b.package)).map((a) => `${appLabel(a.package)} ${a.versionName}`).join(", ");
}

/**
 * "Enrolled: ..." or "Stopped at ...: screen (code: why)". `stoppedAsAsked`: the device stopped
 * where --until asked, which the caller says; it was not left waiting for an account.
 */
export function outcomeLines(report: DeviceReport, styles: Styles, options: { stoppedAsAsked?: boolean } = {}): string[] {
  if (report.finalState === "enrolled") {
    return [styles.green(`Enrolled (${report.finalStatePath}), device id ${report.deviceId ?? "?"}`), `Apps: ${appsLine(report.apps)}`];
  }
  const lines = [styles.red(`Not enrolled: the device stopped at ${report.finalStatePath}`)];
  if (report.failure) {
    lines.push(`  screen: ${report.failure.screen}`);
    lines.push(`  reason: ${report.failure.code}: ${printable(report.failure.message)}`);
    if (report.failure.finding?.hint) lines.push(`  fix:    ${printable(report.failure.finding.hint)}`);
  } else if (report.finalStatePath === "signingIn.waitingForUser" && !options.stoppedAsAsked) {
    lines.push("  the device waits at the sign-in screen: pass --user UPN --password PW to sign in");
  }
  return lines;
}
