/**
 * How each step changes what the device knows: pure functions from the context and a step's
 * result to the fields that change. The machine (device-machine.ts) wires them to transitions;
 * keeping them here keeps the machine file a readable map of states.
 */
import { AGENT_PACKAGE, compareVersionNames } from "../protocol/intune-conventions.js";
import { nextCheckInAt } from "./checkin-cadence.js";
import { toStepFailure } from "./step-error.js";
import {
  DEFAULT_SETTINGS,
  type CheckInOutput,
  type DeviceContext,
  type DeviceInput,
  type InstalledApp,
  type PackageOffer,
  type Session,
  type StepFailure,
} from "./types.js";

// ---- reading events --------------------------------------------------------------------------

/** The output of an actor's done event. */
export function outputOf<T>(event: unknown): T {
  return (event as { output: T }).output;
}

/** The failure carried by an actor's error event, as plain data. */
export function errorOf(event: unknown): StepFailure {
  return toStepFailure((event as { error?: unknown }).error);
}

/** When an event happened: its own `at`, or its output's or error's. NaN when it carries none. */
export function atOf(event: unknown): number {
  const e = event as { at?: unknown; output?: { at?: unknown }; error?: { at?: unknown } };
  for (const candidate of [e.at, e.output?.at, e.error?.at]) {
    if (typeof candidate === "number" && Number.isFinite(candidate)) return candidate;
  }
  return Number.NaN;
}

// ---- the device out of the box ---------------------------------------------------------------

export function initialContext(input: DeviceInput, resets = 0): DeviceContext {
  const settings = {
    ...DEFAULT_SETTINGS,
    ...input.settings,
    retry: { ...DEFAULT_SETTINGS.retry, ...input.settings?.retry },
  };
  return {
    identity: input.identity,
    settings,
    tapCount: 0,
    payloadText: null,
    plan: null,
    findings: [],
    stagedAgent: null,
    agent: null,
    wifi: { ssid: null, status: null, detail: null, startedAt: null },
    mobileData: null,
    systemSettings: null,
    enrollment: null,
    credentials: null,
    user: null,
    pendingTerms: [],
    policies: null,
    policyChange: null,
    appQueue: [],
    apps: [],
    checkIns: 0,
    missedCheckIns: 0,
    lastCheckInAt: null,
    nextCheckInAt: null,
    checkInScheduledAt: null,
    scheduledCheckIn: false,
    skippedUpdates: [],
    pendingAction: null,
    resetReason: null,
    retry: null,
    failure: null,
    serverClockOffsetMs: null,
    incidentIds: [],
    logDescription: "",
    resets,
  };
}

/** After a factory reset: storage is erased; only the hardware's identity and settings remain. */
export function erasedContext(context: DeviceContext): DeviceContext {
  return initialContext({ identity: context.identity, settings: context.settings }, context.resets + 1);
}

// ---- enrollment ------------------------------------------------------------------------------

export function sessionOf(context: DeviceContext): Session {
  const e = context.enrollment;
  if (e === null) throw new Error("no enrollment: the device has no service session");
  return { serviceUrl: e.serviceUrl, deviceId: e.deviceId, deviceCredential: e.deviceCredential };
}

export function agentVersionOf(context: DeviceContext): string {
  return context.agent?.versionName ?? "0";
}

/** Replaces (or adds) one app in the installed list, keeping it sorted by package name. */
export function withApp(apps: InstalledApp[], app: InstalledApp): InstalledApp[] {
  return [...apps.filter((a) => a.packageName !== app.packageName), app].sort((a, b) =>
    a.packageName.localeCompare(b.packageName),
  );
}

export function enrolledAt(context: DeviceContext, at: number): Partial<DeviceContext> {
  const enrollment = context.enrollment === null ? null : { ...context.enrollment, enrolledAt: at };
  return {
    enrollment,
    nextCheckInAt: nextCheckInAt(at, at),
    checkInScheduledAt: at,
  };
}

// ---- check-ins -------------------------------------------------------------------------------

/**
 * Moves the schedule on once a due check-in has happened (or failed). An early check-in (the user
 * pressed "Check status", or the one after an update) leaves the schedule as it was.
 *
 * A check-in started by the schedule's timer that ends before its deadline on the device's clock
 * means the clock was set back while the device waited (the timer itself measures real time). The
 * device then carries its schedule over to the new clock, enrollment time included, so the
 * cadence goes on where it was instead of treating every check-in until the old deadline as early.
 */
export function advanceSchedule(context: DeviceContext, at: number): Partial<DeviceContext> {
  const due = context.nextCheckInAt;
  const enrollment = context.enrollment;
  const start = enrollment?.enrolledAt;
  if (due === null || enrollment === null || start === null || start === undefined) return { scheduledCheckIn: false };
  if (at < due) {
    if (!context.scheduledCheckIn) return {};
    const setBack = due - at;
    const movedStart = start - setBack;
    return {
      enrollment: { ...enrollment, enrolledAt: movedStart },
      nextCheckInAt: nextCheckInAt(movedStart, at, at),
      checkInScheduledAt: at,
      scheduledCheckIn: false,
    };
  }
  return { nextCheckInAt: nextCheckInAt(start, due, at), checkInScheduledAt: at, scheduledCheckIn: false };
}

export function afterCheckIn(context: DeviceContext, output: CheckInOutput): Partial<DeviceContext> {
  const serverTime = Date.parse(output.serverDateTime);
  return {
    ...advanceSchedule(context, output.at),
    checkIns: context.checkIns + 1,
    lastCheckInAt: output.at,
    apps: output.apps,
    serverClockOffsetMs: Number.isFinite(serverTime) ? serverTime - output.at : null,
    policyChange: output.policies ?? null,
    ...(output.policies === undefined ? {} : { policies: output.policies }),
  };
}

/** Offers worth installing: newer than what is installed and not already failed. */
export function usefulUpdates(context: DeviceContext, offers: PackageOffer[]): PackageOffer[] {
  const useful = offers.filter((offer) => {
    if (context.skippedUpdates.includes(updateKey(offer))) return false;
    const installed = context.apps.find((a) => a.packageName === offer.packageName) ??
      (offer.packageName === context.agent?.packageName ? context.agent : undefined);
    if (!installed) return true;
    return offer.versionCode > installed.versionCode ||
      (offer.versionCode === installed.versionCode && compareVersionNames(offer.versionName, installed.versionName) > 0);
  });
  // The agent goes first: it closes, updates, relaunches, then updates the other apps.
  return useful.sort((a, b) => Number(b.packageName === AGENT_PACKAGE) - Number(a.packageName === AGENT_PACKAGE));
}

export function updateKey(offer: PackageOffer): string {
  return `${offer.packageName}@${offer.versionCode}`;
}

export function recordInstalled(context: DeviceContext, app: InstalledApp): Partial<DeviceContext> {
  const isAgent = app.packageName === (context.agent?.packageName ?? context.plan?.adminComponent.packageName);
  return {
    appQueue: context.appQueue.slice(1),
    apps: withApp(context.apps, app),
    ...(isAgent ? { agent: app } : {}),
  };
}

export function skipHeadOfQueue(context: DeviceContext): Partial<DeviceContext> {
  const head = context.appQueue[0];
  return {
    appQueue: context.appQueue.slice(1),
    skippedUpdates: head ? [...context.skippedUpdates, updateKey(head)] : context.skippedUpdates,
  };
}
