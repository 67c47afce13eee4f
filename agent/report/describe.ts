/**
 * The timeline's words: for each step the device takes, one line as its screen (and the
 * agent's log) would say it: "Connecting to Contoso-Staging (WPA)...", "Couldn't connect to
 * Wi-Fi: Contoso-Staging rejected the key", "Checked in (#3): next check-in in 3m".
 */
import { formatDuration } from "../device/duration.js";
import { checkInDelay } from "../machine/checkin-cadence.js";
import { skipsSetupWizard } from "../device/identity.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE, EXTRA_SERVICE_URL, MIN_SYNC_AGENT_VERSION } from "../protocol/intune-conventions.js";
import { deviceMachine } from "../machine/device-machine.js";
import { downloadProxy, stringExtra } from "../machine/plan.js";
import { statesTagged } from "../machine/state-paths.js";
import type { DeviceContext, PackageOffer } from "../machine/types.js";
import { givenValue } from "../protocol/given-value.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";

let errorScreens: ReadonlySet<string> | null = null;

/** True for the machine's error screens (its states tagged "failure"). */
export function isErrorScreen(state: string): boolean {
  errorScreens ??= new Set(statesTagged(deviceMachine, "failure"));
  return errorScreens.has(state);
}

const LABELS: Record<string, string> = {
  [AGENT_PACKAGE]: "Intune",
  [COMPANY_PORTAL_PACKAGE]: "Company Portal",
  [AUTHENTICATOR_PACKAGE]: "Authenticator",
};

export function appLabel(packageName: string): string {
  return LABELS[packageName] ?? packageName;
}

/** Apps in the order people think of them: the agent, then its companions, then the rest. */
export function byAppOrder(a: string, b: string): number {
  const order = [AGENT_PACKAGE, COMPANY_PORTAL_PACKAGE, AUTHENTICATOR_PACKAGE];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** A short name for the event that moved the machine. */
export function eventLabel(event: { type: string }): string {
  const type = event.type;
  if (type === "xstate.init") return "power on";
  if (type.startsWith("xstate.done.actor.")) return `${type.slice("xstate.done.actor.".length)} done`;
  if (type.startsWith("xstate.error.actor.")) return `${type.slice("xstate.error.actor.".length)} failed`;
  if (type.startsWith("xstate.after.")) {
    const delay = type.split(".")[2] ?? "";
    return { retryDelay: "retry timer", checkInDue: "check-in timer", wifiTimeout: "Wi-Fi timeout" }[delay] ?? "timer";
  }
  return (
    {
      TAP: "tap",
      RESCAN: "rescan",
      SIGN_IN: "sign in",
      RETRY: "try again",
      FACTORY_RESET: "reset",
      SYNC: "check status",
      SHARE_LOGS: "share logs",
      POWER_ON: "power on",
      OPEN_SCANNER: "scanner opens",
      ACCEPT_TERMS: "accept terms",
      DECLINE_TERMS: "decline terms",
      UNLOCK_LIMIT_REACHED: "failed unlocks",
      WIFI_PROGRESS: "Wi-Fi",
      WIFI_CONNECTED: "Wi-Fi connected",
      WIFI_FAILED: "Wi-Fi failed",
    }[type] ?? type
  );
}

function host(url: string | undefined | null): string {
  if (!url) return "?";
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How the timeline words a device's state. */
export interface DescribeOptions {
  /**
   * Whether the device's clock and its service's tell the same time but for a skew (default
   * true). A fleet's devices run on simulated clocks, ahead of the real time their service keeps,
   * so a comparison there says nothing about the device: it is left out.
   */
  sharedTime?: boolean;
}

const DESCRIBE_OPTIONS = optionNames<DescribeOptions>({ sharedTime: true });

/**
 * Refuses what is not DescribeOptions (`new TimelineRenderer(5)`, `{ bogus: 1 }`, a sharedTime
 * of "no"), which the renderer took without a word and read as the defaults.
 */
export function checkDescribeOptions(call: string, options: unknown): asserts options is DescribeOptions {
  checkOptions(call, options, DESCRIBE_OPTIONS, "e.g. { sharedTime: false }");
  const sharedTime = (options as DescribeOptions).sharedTime;
  if (sharedTime !== undefined && typeof sharedTime !== "boolean") {
    throw new TypeError(`${call}: sharedTime must be true (the device and its service share one clock) or false (a fleet's simulated clocks) (got ${givenValue(sharedTime)})`);
  }
}

/** Clock skew as the service's answers reveal it (more than 5 minutes is worth saying). */
function clockNote(context: DeviceContext, options: DescribeOptions): string {
  const offset = context.serverClockOffsetMs;
  if (options.sharedTime === false || offset === null || Math.abs(offset) < 5 * 60_000) return "";
  return `; the device's clock is ${formatDuration(Math.abs(offset))} ${offset < 0 ? "ahead of" : "behind"} the service's`;
}

function offerLine(offer: PackageOffer | undefined): string {
  return offer ? `${appLabel(offer.packageName)} ${offer.versionName}` : "an app";
}

/**
 * When the next check-in comes, as a device's scheduled alarm would fire it. A deadline already
 * past (a device powered on after its check-in was due) fires at once: "in 0ms" read as a check-in
 * about to happen on time, when it is overdue.
 */
function nextCheckInWords(due: number, now: number, enrolledAt: number | null): string {
  const late = now - due;
  if (late >= 1000) return `next check-in overdue by ${formatDuration(late)}: checking in now`;
  if (late >= 0) return "next check-in due now";
  // As the device's timer waits it: a clock set back waits no more than one interval.
  return `next check-in in ${formatDuration(enrolledAt === null ? -late : checkInDelay(enrolledAt, due, now))}`;
}

/**
 * When a waiting request is tried again. Entering the wait, after the backoff. Powered on in it
 * (a device resumed after a power cut or a kill), what is left of the backoff, as the retry timer
 * counts it from the failure (wiring.ts retryDelay): the full backoff said then read as a new
 * wait, when the retry came at once.
 */
function retryWhen(retry: NonNullable<DeviceContext["retry"]>, event: { type: string }, now: number): string {
  if (event.type !== "POWER_ON") return `trying again in ${formatDuration(retry.delayMs)}`;
  const left = Math.min(retry.delayMs, retry.dueAt - now);
  if (left >= 1000) return `trying again in ${formatDuration(left)}`;
  return left > -1000 ? "trying again now" : `trying again now, ${formatDuration(-left)} after it was due`;
}

/** The detail line for the state the device is now in, given what it knows. */
export function describeState(state: string, context: DeviceContext, event: { type: string }, now: number, options: DescribeOptions = {}): string {
  const failure = context.failure;
  const plan = context.plan;
  const wifi = plan?.wifi;
  const retry = context.retry;
  if (state.endsWith(".waitingToRetry") && retry) {
    return `${retry.cause.message}; ${retryWhen(retry, event, now)} (attempt ${retry.attempt + 1} of ${context.settings.retry.maxAttempts})`;
  }
  if (isErrorScreen(state)) {
    return failure ? `${failure.screen} (${failure.code}: ${failure.message})` : "Something went wrong";
  }
  const nextCheckIn = () => (context.nextCheckInAt === null ? "" : nextCheckInWords(context.nextCheckInAt, now, context.enrollment?.enrolledAt ?? null));

  switch (state) {
    case "welcome":
      if (skipsSetupWizard(context.identity)) return "No welcome screen: this device has no setup wizard";
      return context.resets > 0 ? "Hi there (the device was reset: storage erased)" : "Hi there";
    case "scanningQr":
      if (event.type === "OPEN_SCANNER") return `Scan the QR code (${(event as { reason?: string }).reason ?? "the scanner opened at power-on"})`;
      return event.type === "RESCAN" ? "Scan the QR code (again)" : `Scan the QR code (${context.settings.tapsToOpenScanner} taps opened the scanner)`;
    case "checkingPayload":
      return `QR code read (${Buffer.byteLength(context.payloadText ?? "", "utf8")} bytes); getting ready for work setup...`;
    case "checkingPreconditions": {
      const warnings = context.findings.filter((f) => f.severity === "warning");
      // Errors Android lets through at parse time: say now where they will stop the device.
      const later = context.findings.filter((f) => f.severity === "error" && f.failsAt !== undefined);
      const accepted = warnings.length === 0
        ? "Payload accepted; checking the device can be set up"
        : `Payload accepted with ${warnings.length} warning(s): ${warnings.map((w) => w.rule).join(", ")}`;
      return later.length === 0
        ? accepted
        : `${accepted}; ${later.map((f) => `${f.rule} will fail at ${f.failsAt === "wifi" ? "Wi-Fi" : f.failsAt}`).join(", ")}`;
    }
    case "checkingNetwork":
      return "No Wi-Fi in the QR code: using the network the device is on";
    case "connectingMobileData":
      return "No Wi-Fi in the QR code, mobile data allowed: turning mobile data on and waiting for a mobile network...";
    case "connectingWifi": {
      if (!wifi) return "Connecting to Wi-Fi...";
      const security = wifi.securityTypeAsWritten ? `${wifi.securityType}, written "${wifi.securityTypeAsWritten}"` : wifi.securityType;
      return `Connecting to ${wifi.ssid} (${security}${wifi.hidden ? ", hidden: probing" : ""})...`;
    }
    case "preparingAgent":
      if (event.type === "xstate.done.actor.connectMobileData") return `Connected to ${context.mobileData?.network ?? "the mobile network"} over mobile data; getting ready for work setup...`;
      return context.wifi.status === "connected" ? `Connected to ${context.wifi.ssid}; getting ready for work setup...` : "Connected; getting ready for work setup...";
    case "downloadingAgent": {
      const proxy = downloadProxy(plan);
      return `Downloading the admin app from ${host(plan?.download?.location)}${proxy ? ` through the proxy ${proxy}` : ""}${plan?.download?.cookieHeader ? " (with cookie)" : ""}`;
    }
    case "verifyingAgent": {
      const by = plan?.download?.packageChecksum ? "package checksum" : "signature checksum";
      return `Downloaded; checking ${plan?.adminComponent.packageName ?? "the package"} against the ${by}`;
    }
    case "installingAgent":
      return `Checksum OK; installing ${plan?.adminComponent.packageName ?? "the admin app"}`;
    case "settingDeviceOwner": {
      if (!context.agent) return "Setting the admin app as device owner";
      const agent = `${appLabel(context.agent.packageName)} ${context.agent.versionName}`;
      // Reached straight from preparingAgent: the installed app was used, nothing downloaded.
      if (event.type === "xstate.done.actor.inspectAgent") {
        const download = plan?.download;
        const why = download ? `version code ${context.agent.versionCode} reaches the minimum ${download.minimumVersionCode}` : "the QR code gives no download location";
        return `${agent} is already installed (${why}): no download; setting it as device owner`;
      }
      return `${agent} installed; setting it as device owner`;
    }
    case "enrolling.requesting":
      return `Enrolling with ${host(stringExtra(plan, EXTRA_SERVICE_URL))} as ${context.identity.manufacturer} ${context.identity.model} ${context.identity.serialNumber}`;
    case "signingIn.waitingForUser":
      return context.enrollment
        ? `Enrolled as ${context.enrollment.deviceName} (profile "${context.enrollment.enrollmentProfileName}"); sign in to your work account`
        : "Sign in to your work account";
    case "signingIn.verifying.requesting":
      return `Signing in as ${context.credentials?.userPrincipalName ?? "the user"}`;
    case "acceptingTerms.waitingForUser": {
      const terms = context.pendingTerms[0];
      return `Signed in as ${context.user?.userPrincipalName ?? "the user"}; terms and conditions: "${terms?.title ?? "?"}" (version ${terms?.version ?? "?"}): accept to continue`;
    }
    case "acceptingTerms.accepting.requesting":
      return `"${context.pendingTerms[0]?.acceptanceStatement ?? "I accept"}": recording the acceptance`;
    case "installingApps.installing.requesting":
      return `${event.type.startsWith("xstate.done.actor.acceptTerms") ? "Terms accepted; i" : "I"}nstalling ${offerLine(context.appQueue[0])}`;
    case "enrolled.idle": {
      if (event.type.startsWith("xstate.error.actor.uploadLogs") && failure) return `Couldn't send logs: ${failure.message}`;
      if (event.type.startsWith("xstate.done.actor.uploadLogs")) return `Logs sent. Incident ID: ${context.incidentIds.at(-1) ?? "?"}`;
      if (event.type.startsWith("xstate.done.actor.checkIn")) {
        const policies = context.policyChange ? `; ${context.policyChange}` : "";
        return `Checked in (#${context.checkIns}, ${context.apps.length} apps reported)${clockNote(context, options)}${policies}; ${nextCheckIn()}`;
      }
      if (event.type.startsWith("xstate.error.actor.checkIn")) return `Check-in failed; ${nextCheckIn()}`;
      if (event.type.startsWith("xstate.error.actor.getUpdates") || event.type.startsWith("xstate.done.actor.getUpdates")) {
        return `No update available: sync stays blocked; ${nextCheckIn()}`;
      }
      if (event.type === "POWER_ON") return `Your device is ready for work (powered on); ${nextCheckIn()}`;
      return `Your device is ready for work${context.user ? ` (${context.user.userPrincipalName})` : ""}; ${nextCheckIn()}`;
    }
    case "enrolled.checkingIn.requesting":
      return event.type === "SYNC" ? "Checking status... (sync requested)" : "Checking for updates...";
    case "enrolled.fetchingUpdates.requesting":
      return `The service refuses to sync agent ${context.agent?.versionName ?? "?"} (${MIN_SYNC_AGENT_VERSION} or later required); looking for an update`;
    case "enrolled.updating.closingAgent":
      return `${event.type.startsWith("xstate.done.actor.checkIn") ? `Checked in (#${context.checkIns}): ` : ""}${offerLine(context.appQueue[0])} available; the Intune app closes to update`;
    case "enrolled.updating.installingAgentUpdate.requesting":
      return `Installing ${offerLine(context.appQueue[0])} (the app stays closed)`;
    case "enrolled.updating.relaunchingAgent":
      return `Intune updated to ${context.agent?.versionName ?? "?"}; the app reopens`;
    case "enrolled.updating.installingUpdate.requesting":
      return `${event.type.startsWith("xstate.done.actor.checkIn") ? `Checked in (#${context.checkIns}): ` : ""}Updating ${offerLine(context.appQueue[0])}`;
    case "enrolled.acknowledgingAction.requesting":
      return `Remote ${context.pendingAction?.type ?? "action"} requested by the IT admin; acknowledging`;
    case "enrolled.sharingLogs.requesting":
      return "Sending logs...";
    case "factoryResetting.erasing":
      if (event.type === "UNLOCK_LIMIT_REACHED") {
        const failures = (event as { failures?: number }).failures ?? "too many";
        return `Erasing... (${failures} failed unlock attempts reached the policy's limit: the device wipes itself)`;
      }
      return `Erasing... (factory reset: ${context.resetReason ?? "requested"})`;
    case "factoryResetting.confirmingWipe.requesting":
      return "Reset done; telling the service the wipe is complete";
    default:
      return state;
  }
}
