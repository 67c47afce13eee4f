/**
 * The out-of-box flow of an AOSP device enrolling into an Intune-style service, as an XState v5
 * machine. This file is the map of states: it holds no I/O. What each step does (scan, join
 * Wi-Fi, download, call the service...) is a named actor provided from outside with
 * `deviceMachine.provide(...)` (agent/device/wiring.ts); how a result changes what the device
 * knows is in context-updates.ts; what the screen says is in failures.ts and each state's meta.
 *
 * Time: every event and actor result carries `at` (the device clock). Waits use `after` with
 * named delays whose default is computed from stored deadlines; the wiring recomputes them from
 * the clock, so a device that lost power re-arms a pending wait with the time that is left.
 * A device that boots after a power loss receives POWER_ON: every waiting state re-enters itself
 * on it, which re-arms its timers (XState does not persist timers, only the state).
 */
import { fromCallback, fromPromise, setup } from "xstate";
import { leanAssign as assign } from "./lean-assign.js";
import { AGENT_PACKAGE, EXTRA_ENROLLMENT_TOKEN, EXTRA_SERVICE_URL } from "../protocol/intune-conventions.js";
import {
  advanceSchedule,
  afterCheckIn,
  agentVersionOf,
  atOf,
  enrolledAt,
  erasedContext,
  errorOf,
  initialContext,
  outputOf,
  recordInstalled,
  sessionOf,
  skipHeadOfQueue,
  usefulUpdates,
} from "./context-updates.js";
import { failure, failureFromFinding, failureFromStep, userMayRetry } from "./failures.js";
import { stringExtra } from "./plan.js";
import { mayRetry, nextRetry } from "./retry.js";
import { DEFAULT_SETTINGS } from "./types.js";
import type {
  AcceptTermsInput,
  AcknowledgeInput,
  AppControlInput,
  CheckInInput,
  CheckInOutput,
  CheckNetworkInput,
  CheckPayloadOutput,
  DeviceContext,
  DeviceEvent,
  DeviceInput,
  DeviceOwnerOutput,
  DownloadAgentInput,
  DownloadOutput,
  EnrollInput,
  EnrollOutput,
  Failure,
  FindingSummary,
  InstallAppInput,
  InstallOutput,
  InstalledAgentOutput,
  MobileDataOutput,
  NetworkOutput,
  PreconditionsOutput,
  ScanQrOutput,
  Session,
  SettingsInput,
  SettingsOutput,
  SignInInput,
  SignInOutput,
  Stamped,
  UpdatesOutput,
  UploadLogsInput,
  UploadLogsOutput,
  VerifyAgentInput,
  VerifyOutput,
  WifiNetworkConfig,
} from "./types.js";

/** Actors are provided by the wiring; an unprovided one fails loudly instead of doing nothing. */
function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`the device actor "${name}" was not provided (see agent/device/wiring.ts)`);
  });
}

/** The first remote action that ends management (a wipe wins over a delete: it is acknowledged). */
function firstRemoval(output: CheckInOutput) {
  return output.actions.find((a) => a.type === "wipe") ?? output.actions.find((a) => a.type === "delete");
}

/** What the state's screen shows (its meta), for the diagram; the timeline words are in agent/report/describe.ts. */
/** The mobile-data timeout in force (a snapshot stored before it was a setting has the default). */
function mobileDataTimeoutMs(context: DeviceContext): number {
  return context.settings.mobileDataTimeoutMs ?? DEFAULT_SETTINGS.mobileDataTimeoutMs;
}

/** "10 min", or "90 s" for a span that is no whole number of minutes. */
function formatMinutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function screen(text: string) {
  return { screen: text };
}

export const deviceSetup = setup({
  types: {} as {
    context: DeviceContext;
    events: DeviceEvent;
    input: DeviceInput;
    tags: "failure" | "needsUser" | "enrolled" | "busy" | "waiting";
  },
  actors: {
    scanQr: notProvided<ScanQrOutput, void>("scanQr"),
    checkPayload: notProvided<CheckPayloadOutput, { text: string }>("checkPayload"),
    checkPreconditions: notProvided<PreconditionsOutput, SettingsInput>("checkPreconditions"),
    checkNetwork: notProvided<NetworkOutput, CheckNetworkInput>("checkNetwork"),
    connectMobileData: notProvided<MobileDataOutput, void>("connectMobileData"),
    joinWifi: fromCallback<DeviceEvent, { network: WifiNetworkConfig }>(() => {
      throw new Error('the device actor "joinWifi" was not provided (see agent/device/wiring.ts)');
    }),
    inspectAgent: notProvided<InstalledAgentOutput, { packageName: string }>("inspectAgent"),
    downloadAgent: notProvided<DownloadOutput, DownloadAgentInput>("downloadAgent"),
    verifyAgent: notProvided<VerifyOutput, VerifyAgentInput>("verifyAgent"),
    installAgent: notProvided<InstallOutput, { stagedId: string }>("installAgent"),
    setDeviceOwner: notProvided<DeviceOwnerOutput, { packageName: string; className: string } & SettingsInput>("setDeviceOwner"),
    enroll: notProvided<EnrollOutput, EnrollInput>("enroll"),
    signIn: notProvided<SignInOutput, SignInInput>("signIn"),
    acceptTerms: notProvided<Stamped, AcceptTermsInput>("acceptTerms"),
    installApp: notProvided<InstallOutput, InstallAppInput>("installApp"),
    checkIn: notProvided<CheckInOutput, CheckInInput>("checkIn"),
    getUpdates: notProvided<UpdatesOutput, { session: Session }>("getUpdates"),
    acknowledgeAction: notProvided<Stamped, AcknowledgeInput>("acknowledgeAction"),
    uploadLogs: notProvided<UploadLogsOutput, UploadLogsInput>("uploadLogs"),
    stopApp: notProvided<Stamped, AppControlInput>("stopApp"),
    launchApp: notProvided<Stamped, AppControlInput>("launchApp"),
    factoryReset: notProvided<Stamped, void>("factoryReset"),
  },
  delays: {
    /** AOSP waits this long for the network to connect before giving up. */
    wifiTimeout: ({ context }) => context.settings.wifiConnectTimeoutMs,
    /** AOSP waits this long for mobile data to connect (a snapshot stored before it was a setting has the default). */
    mobileDataTimeout: ({ context }) => mobileDataTimeoutMs(context),
    /** Until the next attempt of a failed service call (the wiring reads the clock instead). */
    retryDelay: ({ context }) => context.retry?.delayMs ?? 0,
    /** Until the next check-in is due (the wiring reads the clock instead). */
    checkInDue: ({ context }) =>
      Math.max(0, (context.nextCheckInAt ?? 0) - (context.checkInScheduledAt ?? context.nextCheckInAt ?? 0)),
  },
  guards: {
    lastTap: ({ context }) => context.tapCount + 1 >= context.settings.tapsToOpenScanner,
    payloadInvalid: ({ event }) => {
      const out = outputOf<CheckPayloadOutput>(event);
      return out.plan === null || out.findings.some(refusesAtParse);
    },
    alreadyProvisioned: ({ event }) => outputOf<PreconditionsOutput>(event).alreadyProvisioned,
    resetProtection: ({ event }) => outputOf<PreconditionsOutput>(event).resetProtection,
    payloadNamesWifi: ({ context }) => context.plan?.wifi != null,
    /** AOSP's DeviceOwnerProvisioningController: Wi-Fi info wins; without it, USE_MOBILE_DATA runs ConnectMobileNetworkTask. */
    mobileDataAllowed: ({ context }) => context.plan?.wifi == null && context.plan?.useMobileData === true,
    networkConnected: ({ event }) => outputOf<NetworkOutput>(event).connected,
    noDownloadButInstalled: ({ context, event }) =>
      context.plan?.download == null && outputOf<InstalledAgentOutput>(event).installed !== null,
    noDownload: ({ context }) => context.plan?.download == null,
    installedIsRecentEnough: ({ context, event }) => {
      // Android skips the download when the installed version reaches the minimum version code
      // (the payload reader gives Android's default, Integer.MAX_VALUE, when there is none).
      const min = context.plan?.download?.minimumVersionCode;
      const installed = outputOf<InstalledAgentOutput>(event).installed;
      return installed !== null && min !== undefined && installed.versionCode >= min;
    },
    canRetry: ({ context, event }, params: { step: string }) =>
      mayRetry(context.settings, context.retry, params.step, errorOf(event)),
    failureRetryable: ({ context }) => context.failure !== null && userMayRetry(context.failure.code),
    appQueueEmpty: ({ context }) => context.appQueue.length === 0,
    nextIsAgent: ({ context }) => context.appQueue[0]?.packageName === (context.agent?.packageName ?? AGENT_PACKAGE),
    wipeRequested: ({ event }) => firstRemoval(outputOf<CheckInOutput>(event))?.type === "wipe",
    deleteRequested: ({ event }) => firstRemoval(outputOf<CheckInOutput>(event))?.type === "delete",
    enrolledUserless: ({ event }) => outputOf<EnrollOutput>(event).enrollmentMode === "corporateOwnedAOSPUserlessDevice",
    userlessRefusal: ({ event }) => errorOf(event).code === "userlessDevice",
    updatesOffered: ({ context, event }) => usefulUpdates(context, outputOf<UpdatesOutput>(event).updates).length > 0,
    agentTooOld: ({ event }) => errorOf(event).code === "agentVersionTooOld",
    termsToAccept: ({ event }) => (outputOf<SignInOutput>(event).termsAndConditions ?? []).length > 0,
    termsQueueEmpty: ({ context }) => context.pendingTerms.length === 0,
    deviceRemoved: ({ event }) => ["deviceNotFound", "unauthorized", "forbidden"].includes(errorOf(event).code),
    wipeToConfirm: ({ context }) => context.pendingAction?.type === "wipe" && context.enrollment !== null,
  },
  actions: {
    countTap: assign({ tapCount: ({ context }) => context.tapCount + 1 }),
    storePayloadText: assign({ payloadText: ({ event }) => outputOf<ScanQrOutput>(event).text, failure: null }),
    recordScanFailure: assign({ failure: ({ event }) => failureFromStep("scanQr", errorOf(event)) }),
    storePlan: assign(({ event }) => {
      const out = outputOf<CheckPayloadOutput>(event);
      return { plan: out.plan, findings: out.findings };
    }),
    recordInvalidPayload: assign(({ event }) => {
      const out = outputOf<CheckPayloadOutput>(event);
      // With no plan the payload did not parse: any error explains it, even one that, in a
      // payload that parses, would only stop the device later.
      const error = out.findings.find(refusesAtParse) ?? out.findings.find((f) => f.severity === "error");
      return {
        findings: out.findings,
        failure: error
          ? failureFromFinding(error, out.at)
          : failure("checkPayload", "invalidPayload", "the payload could not be read as provisioning extras", out.at),
      };
    }),
    recordPreconditionFailure: assign({
      failure: ({ event }, params: { code: "alreadyProvisioned" | "resetProtection" }) =>
        failure(
          "checkPreconditions",
          params.code,
          params.code === "alreadyProvisioned"
            ? "the device already has a device owner; provisioning runs only on a device fresh out of the box"
            : "factory reset protection is on: the device was reset without removing its account",
          atOf(event),
        ),
    }),
    recordNoNetwork: assign({
      failure: ({ event }) =>
        failure(
          "checkNetwork",
          "noNetwork",
          outputOf<NetworkOutput>(event).noNetworkReason ?? "the payload names no Wi-Fi network and the device is not connected to one",
          atOf(event),
        ),
    }),
    startMobileData: assign(({ event }) => ({ mobileData: { startedAt: atOf(event), network: null }, failure: null })),
    recordMobileDataConnected: assign({
      mobileData: ({ context, event }) => ({ startedAt: context.mobileData?.startedAt ?? atOf(event), network: outputOf<MobileDataOutput>(event).network }),
    }),
    recordMobileDataTimeout: assign({
      failure: ({ context }) => {
        const timeout = mobileDataTimeoutMs(context);
        return failure(
          "connectMobileData",
          "mobileDataTimeout",
          `no mobile network reached the internet within ${formatMinutes(timeout)}: the QR code allows mobile data (USE_MOBILE_DATA) and names no Wi-Fi, so the device waits for mobile data only, and it has none (no SIM, no data plan or no coverage)`,
          (context.mobileData?.startedAt ?? Number.NaN) + timeout,
        );
      },
    }),
    recordSettings: assign({
      systemSettings: ({ context, event }) => {
        const settings = outputOf<{ settings?: SettingsOutput }>(event).settings;
        return settings ? settings.applied : context.systemSettings ?? null;
      },
    }),
    startWifi: assign(({ context, event }) => ({
      wifi: { ssid: context.plan?.wifi?.ssid ?? null, status: "enabling", detail: null, startedAt: atOf(event) },
      failure: null,
    })),
    recordWifiProgress: assign({
      wifi: ({ context, event }) => {
        const e = event as Extract<DeviceEvent, { type: "WIFI_PROGRESS" }>;
        return { ...context.wifi, status: e.status, detail: e.detail };
      },
    }),
    recordWifiConnected: assign({ wifi: ({ context }) => ({ ...context.wifi, status: "connected", detail: null }) }),
    recordWifiFailed: assign({
      failure: ({ context, event }) => {
        const e = event as Extract<DeviceEvent, { type: "WIFI_FAILED" }>;
        return withPrediction(context, failure("joinWifi", e.code, e.detail, e.at));
      },
    }),
    recordWifiTimeout: assign({
      failure: ({ context }) => {
        const seconds = Math.round(context.settings.wifiConnectTimeoutMs / 1000);
        const last = context.wifi.detail ?? context.wifi.status ?? "no answer";
        const startedAt = context.wifi.startedAt ?? Number.NaN;
        return withPrediction(context, failure(
          "joinWifi",
          "wifiTimeout",
          `not connected to ${context.wifi.ssid ?? "the network"} after ${seconds} s (last: ${last})`,
          startedAt + context.settings.wifiConnectTimeoutMs,
        ));
      },
    }),
    recordInstalledAgent: assign({ agent: ({ event }) => outputOf<InstalledAgentOutput>(event).installed }),
    recordAdminAppMissing: assign({
      failure: ({ context, event }) =>
        failure(
          "inspectAgent",
          "adminAppMissing",
          `no download location was given and ${context.plan?.adminComponent.packageName ?? "the admin app"} is not installed`,
          atOf(event),
        ),
    }),
    storeStaged: assign({ stagedAgent: ({ event }) => outputOf<DownloadOutput>(event).stagedId }),
    recordAgent: assign(({ context, event }) => {
      const app = outputOf<InstallOutput>(event).app;
      return { agent: app, apps: [...context.apps.filter((a) => a.packageName !== app.packageName), app], stagedAgent: null };
    }),
    recordStepFailure: assign({
      failure: ({ context, event }, params: { step: string }) => withPrediction(context, failureFromStep(params.step, errorOf(event))),
    }),
    clearRetry: assign({ retry: null }),
    scheduleRetry: assign({
      retry: ({ context, event }, params: { step: string }) => nextRetry(context.settings, context.retry, params.step, errorOf(event)),
    }),
    recordEnrollment: assign(({ event }) => {
      const out = outputOf<EnrollOutput>(event);
      return {
        enrollment: {
          serviceUrl: out.serviceUrl,
          deviceId: out.deviceId,
          deviceCredential: out.deviceCredential,
          deviceName: out.deviceName,
          enrollmentProfileName: out.enrollmentProfileName,
          enrolledAt: null,
        },
        failure: null,
      };
    }),
    storeCredentials: assign({
      credentials: ({ event }) => {
        const e = event as Extract<DeviceEvent, { type: "SIGN_IN" }>;
        return { userPrincipalName: e.userPrincipalName, password: e.password, ...(e.newPassword === undefined ? {} : { newPassword: e.newPassword }) };
      },
      failure: null,
    }),
    forgetCredentials: assign({ credentials: null }),
    recordUser: assign(({ event }) => {
      const out = outputOf<SignInOutput>(event);
      return {
        user: { userId: out.userId, userPrincipalName: out.userPrincipalName, displayName: out.displayName },
        appQueue: out.requiredApps,
        pendingTerms: out.termsAndConditions ?? [],
      };
    }),
    dropAcceptedTerms: assign({ pendingTerms: ({ context }) => context.pendingTerms.slice(1), failure: null }),
    recordTermsDeclined: assign({
      failure: ({ context, event }) => {
        const terms = context.pendingTerms[0];
        return failure(
          "acceptTerms",
          "termsDeclined",
          `the user declined "${terms?.title ?? "the terms and conditions"}"; the device is not set up for work until they are accepted`,
          atOf(event),
        );
      },
    }),
    recordUnlockLimit: assign({ resetReason: "failedUnlocks", pendingAction: null }),
    recordInstalledApp: assign(({ context, event }) => recordInstalled(context, outputOf<InstallOutput>(event).app)),
    skipApp: assign(({ context }) => skipHeadOfQueue(context)),
    markEnrolled: assign(({ context, event }) => enrolledAt(context, atOf(event))),
    recordCheckIn: assign(({ context, event }) => afterCheckIn(context, outputOf<CheckInOutput>(event))),
    recordMissedCheckIn: assign(({ context, event }) => ({
      ...advanceSchedule(context, atOf(event)),
      missedCheckIns: context.missedCheckIns + 1,
    })),
    advanceSchedule: assign(({ context, event }) => advanceSchedule(context, atOf(event))),
    markScheduledCheckIn: assign({ scheduledCheckIn: true }),
    queueUpdates: assign({
      appQueue: ({ context, event }) => usefulUpdates(context, outputOf<UpdatesOutput>(event).updates),
    }),
    takeAction: assign({
      pendingAction: ({ event }) => firstRemoval(outputOf<CheckInOutput>(event)) ?? null,
      resetReason: ({ event }) => firstRemoval(outputOf<CheckInOutput>(event))?.type ?? null,
    }),
    recordRemoved: assign({ resetReason: "removed", pendingAction: null }),
    recordUserReset: assign({ resetReason: "user" }),
    storeLogDescription: assign({
      logDescription: ({ event }) => (event.type === "SHARE_LOGS" ? event.description ?? "" : ""),
    }),
    recordIncident: assign({
      incidentIds: ({ context, event }) => [...context.incidentIds, outputOf<UploadLogsOutput>(event).incidentId],
    }),
    eraseContext: assign(({ context }) => erasedContext(context)),
  },
});

type MachineConfig = Parameters<typeof deviceSetup.createMachine>[0];
type StateConfig = NonNullable<MachineConfig["states"]>[string];
type InvokeConfig = Exclude<NonNullable<StateConfig["invoke"]>, readonly unknown[] | string>;
type Transitions = NonNullable<StateConfig["always"]>;
/**
 * A state as a helper below returns it: a StateConfig without the optional `id` and `states`,
 * which the machine's type would carry into its state schema as `id?: string | undefined`, a
 * type xstate's StateSchema refuses under a consumer's exactOptionalPropertyTypes.
 */
type HelperState = Omit<StateConfig, "id" | "states">;
/** A service call's states, named, so the machine's type names them too. */
type ServiceCallConfig = HelperState & { initial: "requesting"; states: { requesting: HelperState; waitingToRetry: HelperState } };

/** A transition as the helpers below read it: where it goes and what it does on the way. */
type TransitionData = { target?: string; guard?: unknown; actions?: unknown };

function listOf<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/**
 * A call to the enrollment service, named by its invoke id (the step that retries and fails):
 * the request, and a pause before each retry while the failure is retryable (5xx, timeout,
 * network) and attempts remain. `invoke.onDone` is where success goes; `fail` is where a refusal
 * or the last failed attempt goes. Leaving the call either way forgets its retry count
 * ("clearRetry" runs first on every way out).
 */
function serviceCall(invoke: InvokeConfig & { id: string }, fail: Transitions): ServiceCallConfig {
  const step = invoke.id;
  const retry = {
    guard: { type: "canRetry", params: { step } },
    target: "waitingToRetry",
    actions: { type: "scheduleRetry", params: { step } },
  } as const;
  const leaving = (transitions: unknown) =>
    listOf(transitions as TransitionData | TransitionData[]).map((t) => ({ ...t, actions: ["clearRetry", ...listOf(t.actions)] }));
  return {
    initial: "requesting",
    states: {
      requesting: {
        tags: ["busy"],
        invoke: { ...invoke, onDone: leaving(invoke.onDone), onError: [retry, ...leaving(fail)] } as InvokeConfig,
      },
      waitingToRetry: {
        tags: ["waiting"],
        after: { retryDelay: { target: "requesting" } },
        on: { POWER_ON: { target: "waitingToRetry", reenter: true } },
      },
    },
  };
}

/** Records why `step` failed (the error event's cause, on the screen its code stands for). */
function recordFailure(step: string) {
  return { type: "recordStepFailure" as const, params: { step } };
}

/** After the erase: a wipe is first confirmed to the service; then the welcome screen, storage erased. */
const afterErase = [
  { guard: "wipeToConfirm", target: "confirmingWipe" },
  { target: "#device.welcome", actions: "eraseContext" },
] as const;

/** "Reset" on an error screen: a factory reset the user asked for. */
const resetButton = { FACTORY_RESET: { target: "factoryResetting", actions: "recordUserReset" } } as const;

/** Installing the app at the head of the queue (a companion at enrollment, an update later). */
function nextAppInput({ context }: { context: DeviceContext }): InstallAppInput {
  return {
    session: sessionOf(context),
    offer: context.appQueue[0]!,
    remaining: context.appQueue.length - 1,
    reportApps: true,
    agentVersion: agentVersionOf(context),
  };
}

/** Installing the update at the head of the queue: the check-in after the updates reports the apps. */
function nextUpdateInput(args: { context: DeviceContext }): InstallAppInput {
  return { ...nextAppInput(args), reportApps: false };
}

/**
 * Errors stop the device at "Can't set up device", except those Android does not catch while
 * parsing (a hex checksum, an ftp:// location): the device goes on and fails at the step named.
 */
function refusesAtParse(finding: FindingSummary): boolean {
  return finding.severity === "error" && finding.failsAt === undefined;
}

const FAILURE_STEP: Record<NonNullable<FindingSummary["failsAt"]>, string> = {
  wifi: "joinWifi",
  download: "downloadAgent",
  verification: "verifyAgent",
};

/** An error finding Android let through at parse time explains the failure it predicted. */
function withPrediction(context: DeviceContext, failed: Failure): Failure {
  const predicted = context.findings.find((f) => f.severity === "error" && f.failsAt !== undefined && FAILURE_STEP[f.failsAt] === failed.step);
  return predicted ? { ...failed, finding: predicted } : failed;
}

/** Where a provisioning step's failure goes: the error screen that needs a factory reset. */
function provisioningFailure(step: string) {
  return { target: "#device.provisioningFailed", actions: recordFailure(step) };
}

export const deviceMachine = deviceSetup.createMachine({
  id: "device",
  initial: "welcome",
  context: ({ input }) => initialContext(input),
  states: {
    welcome: {
      description: "The setup wizard's first screen; six taps open the QR scanner.",
      meta: screen("Hi there"),
      tags: ["needsUser"],
      on: {
        TAP: [{ guard: "lastTap", target: "scanningQr", actions: "countTap" }, { actions: "countTap" }],
        // RealWear devices skip the first-time setup: the scanner opens at power-on.
        OPEN_SCANNER: "scanningQr",
      },
    },
    scanningQr: {
      description: "The camera looks for a QR code and the decoder reads it.",
      meta: screen("Scan the QR code"),
      tags: ["busy"],
      invoke: {
        id: "scanQr",
        src: "scanQr",
        onDone: { target: "checkingPayload", actions: "storePayloadText" },
        onError: { target: "qrNotFound", actions: "recordScanFailure" },
      },
    },
    qrNotFound: {
      description: "No QR code could be read from what the camera sees.",
      meta: screen("Couldn't find a QR code"),
      tags: ["failure"],
      on: { RESCAN: "scanningQr" },
    },
    checkingPayload: {
      description: "The QR text is parsed into provisioning extras and checked as Android would.",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      invoke: {
        id: "checkPayload",
        src: "checkPayload",
        input: ({ context }) => ({ text: context.payloadText ?? "" }),
        onDone: [
          { guard: "payloadInvalid", target: "cantSetUpDevice", actions: "recordInvalidPayload" },
          { target: "checkingPreconditions", actions: "storePlan" },
        ],
        onError: { target: "cantSetUpDevice", actions: recordFailure("checkPayload") },
      },
    },
    checkingPreconditions: {
      description: "Provisioning runs only on a device that is not set up yet and has no reset protection.",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      invoke: {
        id: "checkPreconditions",
        src: "checkPreconditions",
        input: ({ context }) => ({ identity: context.identity, plan: context.plan }),
        onDone: [
          { guard: "alreadyProvisioned", target: "cantSetUpDevice", actions: { type: "recordPreconditionFailure", params: { code: "alreadyProvisioned" } } },
          { guard: "resetProtection", target: "cantSetUpDevice", actions: { type: "recordPreconditionFailure", params: { code: "resetProtection" } } },
          { guard: "payloadNamesWifi", target: "connectingWifi", actions: "recordSettings" },
          { guard: "mobileDataAllowed", target: "connectingMobileData", actions: "recordSettings" },
          { target: "checkingNetwork", actions: "recordSettings" },
        ],
        onError: { target: "cantSetUpDevice", actions: recordFailure("checkPreconditions") },
      },
    },
    checkingNetwork: {
      description: "No Wi-Fi in the payload: the device uses the network it is already on.",
      meta: screen("Checking connection..."),
      tags: ["busy"],
      invoke: {
        id: "checkNetwork",
        src: "checkNetwork",
        input: ({ context }) => ({ identity: context.identity }),
        onDone: [
          { guard: "networkConnected", target: "preparingAgent" },
          { target: "wifiFailed", actions: "recordNoNetwork" },
        ],
        onError: { target: "wifiFailed", actions: recordFailure("checkNetwork") },
      },
    },
    connectingMobileData: {
      description: "No Wi-Fi in the payload and mobile data allowed: mobile data is turned on and the device waits for a mobile network that reaches the internet.",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      entry: "startMobileData",
      invoke: {
        id: "connectMobileData",
        src: "connectMobileData",
        onDone: { target: "preparingAgent", actions: "recordMobileDataConnected" },
        onError: provisioningFailure("connectMobileData"),
      },
      on: { POWER_ON: { target: "connectingMobileData", reenter: true } },
      // ConnectMobileNetworkTask's timeout fails provisioning: "Can't set up device", factory reset.
      after: { mobileDataTimeout: { target: "provisioningFailed", actions: "recordMobileDataTimeout" } },
    },
    connectingWifi: {
      description: "The radio adds the payload's network (probing for it when hidden) and waits for it to connect.",
      meta: screen("Connecting to Wi-Fi..."),
      tags: ["busy"],
      entry: "startWifi",
      invoke: {
        id: "joinWifi",
        src: "joinWifi",
        input: ({ context }) => ({ network: context.plan!.wifi! }),
      },
      on: {
        WIFI_PROGRESS: { actions: "recordWifiProgress" },
        WIFI_CONNECTED: { target: "preparingAgent", actions: "recordWifiConnected" },
        WIFI_FAILED: { target: "wifiFailed", actions: "recordWifiFailed" },
        POWER_ON: { target: "connectingWifi", reenter: true },
      },
      after: { wifiTimeout: { target: "wifiFailed", actions: "recordWifiTimeout" } },
    },
    wifiFailed: {
      description: "Couldn't connect to Wi-Fi: the user can try again without a reset.",
      meta: screen("Couldn't connect to Wi-Fi"),
      tags: ["failure"],
      on: {
        RETRY: [{ guard: "payloadNamesWifi", target: "connectingWifi" }, { target: "checkingNetwork" }],
        ...resetButton,
      },
    },
    preparingAgent: {
      description: "Is the admin app already installed, and recent enough to skip the download?",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      invoke: {
        id: "inspectAgent",
        src: "inspectAgent",
        input: ({ context }) => ({ packageName: context.plan!.adminComponent.packageName }),
        onDone: [
          { guard: "noDownloadButInstalled", target: "settingDeviceOwner", actions: "recordInstalledAgent" },
          { guard: "noDownload", target: "provisioningFailed", actions: "recordAdminAppMissing" },
          { guard: "installedIsRecentEnough", target: "settingDeviceOwner", actions: "recordInstalledAgent" },
          { target: "downloadingAgent" },
        ],
        onError: provisioningFailure("inspectAgent"),
      },
    },
    downloadingAgent: {
      description: "The admin app is downloaded from the payload's location (with its cookie header).",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      invoke: {
        id: "downloadAgent",
        src: "downloadAgent",
        input: ({ context }) => ({
          url: context.plan!.download!.location,
          cookieHeader: context.plan!.download!.cookieHeader,
          packageName: context.plan!.adminComponent.packageName,
        }),
        onDone: { target: "verifyingAgent", actions: "storeStaged" },
        onError: provisioningFailure("downloadAgent"),
      },
    },
    verifyingAgent: {
      description: "The download must parse, hold the admin component, and match the package (else signature) checksum.",
      meta: screen("Getting ready for work setup..."),
      tags: ["busy"],
      invoke: {
        id: "verifyAgent",
        src: "verifyAgent",
        input: ({ context }) => ({
          stagedId: context.stagedAgent ?? "",
          packageName: context.plan!.adminComponent.packageName,
          adminReceiver: context.plan!.adminComponent.className,
          packageChecksum: context.plan!.download!.packageChecksum,
          signatureChecksum: context.plan!.download!.signatureChecksum,
        }),
        onDone: { target: "installingAgent" },
        onError: provisioningFailure("verifyAgent"),
      },
    },
    installingAgent: {
      description: "The package manager installs the admin app.",
      meta: screen("Setting up your device..."),
      tags: ["busy"],
      invoke: {
        id: "installAgent",
        src: "installAgent",
        input: ({ context }) => ({ stagedId: context.stagedAgent ?? "" }),
        onDone: { target: "settingDeviceOwner", actions: "recordAgent" },
        onError: provisioningFailure("installAgent"),
      },
    },
    settingDeviceOwner: {
      description: "The admin app's receiver becomes device owner; the agent starts.",
      meta: screen("Setting up your device..."),
      tags: ["busy"],
      invoke: {
        id: "setDeviceOwner",
        src: "setDeviceOwner",
        input: ({ context }) => ({ ...context.plan!.adminComponent, identity: context.identity, plan: context.plan }),
        onDone: { target: "enrolling", actions: "recordSettings" },
        onError: provisioningFailure("setDeviceOwner"),
      },
    },
    cantSetUpDevice: {
      description: "The payload or the device's state does not allow provisioning; only a reset helps.",
      meta: screen("Can't set up device"),
      tags: ["failure"],
      on: resetButton,
    },
    provisioningFailed: {
      description: "Download, checksum, install or device-owner failure; the device needs a factory reset.",
      meta: screen("Couldn't set up device"),
      tags: ["failure"],
      on: resetButton,
    },
    enrolling: {
      description: "The agent enrolls with the admin extras' token against the service URL.",
      meta: screen("Enrolling your device..."),
      ...serviceCall(
        {
          id: "enroll",
          src: "enroll",
          input: ({ context }: { context: DeviceContext }): EnrollInput => ({
            serviceUrl: stringExtra(context.plan, EXTRA_SERVICE_URL),
            enrollmentToken: stringExtra(context.plan, EXTRA_ENROLLMENT_TOKEN),
            identity: context.identity,
            agentVersion: agentVersionOf(context),
          }),
          onDone: [
            // A userless device has no user to sign in: it goes straight to its apps.
            { guard: "enrolledUserless", target: "#device.installingApps", actions: "recordEnrollment" },
            { target: "#device.signingIn", actions: "recordEnrollment" },
          ],
        },
        { target: "#device.enrollmentFailed", actions: recordFailure("enroll") },
      ),
    },
    enrollmentFailed: {
      description: "The service refused the enrollment (by error code) or could not be reached.",
      meta: screen("Couldn't enroll device"),
      tags: ["failure"],
      on: {
        RETRY: { guard: "failureRetryable", target: "enrolling" },
        ...resetButton,
      },
    },
    signingIn: {
      description: "The user signs in with their work account (the device is user-associated).",
      initial: "waitingForUser",
      states: {
        waitingForUser: {
          meta: screen("Sign in to your work account"),
          tags: ["needsUser"],
          on: { SIGN_IN: { target: "verifying", actions: "storeCredentials" } },
        },
        verifying: {
          meta: screen("Signing in..."),
          ...serviceCall(
            {
              id: "signIn",
              src: "signIn",
              input: ({ context }: { context: DeviceContext }): SignInInput => ({
                session: sessionOf(context),
                userPrincipalName: context.credentials?.userPrincipalName ?? "",
                password: context.credentials?.password ?? "",
                ...(context.credentials?.newPassword === undefined ? {} : { newPassword: context.credentials.newPassword }),
              }),
              onDone: [
                { guard: "termsToAccept", target: "#device.acceptingTerms", actions: ["recordUser", "forgetCredentials"] },
                { target: "#device.installingApps", actions: ["recordUser", "forgetCredentials"] },
              ],
            },
            [
              { guard: "userlessRefusal", target: "#device.installingApps", actions: "forgetCredentials" },
              { target: "#device.signInFailed", actions: [recordFailure("signIn"), "forgetCredentials"] },
            ],
          ),
        },
      },
    },
    signInFailed: {
      description: "Wrong password, unknown user or no licence: the user can try again.",
      meta: screen("Couldn't sign in"),
      tags: ["failure"],
      on: {
        RETRY: "signingIn",
        ...resetButton,
      },
    },
    acceptingTerms: {
      description: "The organization's terms and conditions, shown after sign-in and before the apps install.",
      initial: "next",
      states: {
        next: {
          always: [{ guard: "termsQueueEmpty", target: "#device.installingApps" }, { target: "waitingForUser" }],
        },
        waitingForUser: {
          meta: screen("Terms and conditions"),
          tags: ["needsUser"],
          on: {
            ACCEPT_TERMS: "accepting",
            DECLINE_TERMS: { target: "#device.termsDeclined", actions: "recordTermsDeclined" },
          },
        },
        accepting: {
          meta: screen("Accepting the terms..."),
          ...serviceCall(
            {
              id: "acceptTerms",
              src: "acceptTerms",
              input: ({ context }: { context: DeviceContext }): AcceptTermsInput => ({
                session: sessionOf(context),
                termsId: context.pendingTerms[0]!.id,
                version: context.pendingTerms[0]!.version,
              }),
              onDone: { target: "#device.acceptingTerms.next", actions: "dropAcceptedTerms" },
            },
            { target: "#device.termsDeclined", actions: recordFailure("acceptTerms") },
          ),
        },
      },
    },
    termsDeclined: {
      description: "The terms were declined (or could not be recorded): enrollment stops; Try again shows them again.",
      meta: screen("Terms and conditions not accepted"),
      tags: ["failure"],
      on: {
        RETRY: "acceptingTerms",
        ...resetButton,
      },
    },
    installingApps: {
      description: "Company Portal and Authenticator are installed.",
      initial: "next",
      states: {
        next: {
          always: [
            { guard: "appQueueEmpty", target: "#device.enrolled", actions: "markEnrolled" },
            { target: "installing" },
          ],
        },
        installing: {
          meta: screen("Installing apps..."),
          ...serviceCall(
            {
              id: "installApp",
              src: "installApp",
              input: nextAppInput,
              onDone: { target: "#device.installingApps.next", actions: "recordInstalledApp" },
            },
            { target: "#device.enrollmentFailed", actions: recordFailure("installApp") },
          ),
        },
      },
    },
    enrolled: {
      description: "Managed: check-ins on the cadence, updates, remote actions, log sharing.",
      tags: ["enrolled"],
      initial: "idle",
      on: {
        // The configuration's passwordSignInFailureCountBeforeFactoryReset was reached at the lock screen.
        UNLOCK_LIMIT_REACHED: { target: "factoryResetting", actions: "recordUnlockLimit" },
      },
      states: {
        idle: {
          meta: screen("Your device is ready for work"),
          tags: ["waiting"],
          after: { checkInDue: { target: "checkingIn", actions: "markScheduledCheckIn" } },
          on: {
            SYNC: "checkingIn",
            SHARE_LOGS: { target: "sharingLogs", actions: "storeLogDescription" },
            POWER_ON: { target: "idle", reenter: true },
          },
        },
        checkingIn: {
          meta: screen("Checking for updates..."),
          ...serviceCall(
            {
              id: "checkIn",
              src: "checkIn",
              input: ({ context }: { context: DeviceContext }): CheckInInput => ({
                session: sessionOf(context),
                agentVersion: agentVersionOf(context),
              }),
              onDone: [
                // A wipe is acknowledged before the reset; a delete needs none (the device is already gone).
                { guard: "wipeRequested", target: "#device.enrolled.acknowledgingAction", actions: ["recordCheckIn", "takeAction"] },
                { guard: "deleteRequested", target: "#device.factoryResetting", actions: ["recordCheckIn", "takeAction"] },
                { guard: "updatesOffered", target: "#device.enrolled.updating", actions: ["recordCheckIn", "queueUpdates"] },
                { target: "#device.enrolled.idle", actions: "recordCheckIn" },
              ],
            },
            [
              { guard: "agentTooOld", target: "#device.enrolled.fetchingUpdates", actions: "advanceSchedule" },
              { guard: "deviceRemoved", target: "#device.factoryResetting", actions: "recordRemoved" },
              { target: "#device.enrolled.idle", actions: "recordMissedCheckIn" },
            ],
          ),
        },
        fetchingUpdates: {
          meta: screen("Update required: the Intune app must be updated to sync"),
          ...serviceCall(
            {
              id: "getUpdates",
              src: "getUpdates",
              input: ({ context }: { context: DeviceContext }) => ({ session: sessionOf(context) }),
              onDone: [
                { guard: "updatesOffered", target: "#device.enrolled.updating", actions: "queueUpdates" },
                { target: "#device.enrolled.idle" },
              ],
            },
            { target: "#device.enrolled.idle" },
          ),
        },
        updating: {
          initial: "next",
          states: {
            next: {
              always: [
                { guard: "appQueueEmpty", target: "#device.enrolled.checkingIn" },
                { guard: "nextIsAgent", target: "closingAgent" },
                { target: "installingUpdate" },
              ],
            },
            closingAgent: {
              meta: screen("The Intune app closes to update"),
              tags: ["busy"],
              invoke: {
                id: "stopApp",
                src: "stopApp",
                input: ({ context }) => ({ packageName: context.appQueue[0]!.packageName }),
                onDone: { target: "installingAgentUpdate" },
                onError: { target: "installingAgentUpdate" },
              },
            },
            installingAgentUpdate: {
              meta: screen("Updating the Intune app..."),
              ...serviceCall(
                {
                  id: "installAgentUpdate",
                  src: "installApp",
                  input: nextUpdateInput,
                  onDone: { target: "#device.enrolled.updating.relaunchingAgent", actions: "recordInstalledApp" },
                },
                { target: "#device.enrolled.updating.relaunchingAgent", actions: "skipApp" },
              ),
            },
            relaunchingAgent: {
              meta: screen("The Intune app reopens"),
              tags: ["busy"],
              invoke: {
                id: "launchApp",
                src: "launchApp",
                input: ({ context }) => ({ packageName: context.agent?.packageName ?? AGENT_PACKAGE }),
                onDone: { target: "next" },
                onError: { target: "next" },
              },
            },
            installingUpdate: {
              meta: screen("Updating apps..."),
              ...serviceCall(
                {
                  id: "installUpdate",
                  src: "installApp",
                  input: nextUpdateInput,
                  onDone: { target: "#device.enrolled.updating.next", actions: "recordInstalledApp" },
                },
                { target: "#device.enrolled.updating.next", actions: "skipApp" },
              ),
            },
          },
        },
        acknowledgingAction: {
          meta: screen("Your IT admin is resetting this device"),
          ...serviceCall(
            {
              id: "acknowledgeAction",
              src: "acknowledgeAction",
              input: ({ context }: { context: DeviceContext }): AcknowledgeInput => ({
                session: sessionOf(context),
                actionId: context.pendingAction!.id,
                status: "started",
              }),
              onDone: { target: "#device.factoryResetting" },
            },
            // The device honours the action even when its acknowledgement cannot be delivered.
            { target: "#device.factoryResetting" },
          ),
        },
        sharingLogs: {
          meta: screen("Sending logs..."),
          ...serviceCall(
            {
              id: "uploadLogs",
              src: "uploadLogs",
              input: ({ context }: { context: DeviceContext }): UploadLogsInput => ({
                session: sessionOf(context),
                description: context.logDescription,
              }),
              onDone: { target: "#device.enrolled.idle", actions: "recordIncident" },
            },
            { target: "#device.enrolled.idle", actions: recordFailure("uploadLogs") },
          ),
        },
      },
    },
    factoryResetting: {
      description: "Storage is erased and the device restarts at the welcome screen.",
      initial: "erasing",
      states: {
        erasing: {
          meta: screen("Erasing..."),
          tags: ["busy"],
          invoke: {
            id: "factoryReset",
            src: "factoryReset",
            // Erased, or the reset failed: the device restarts either way.
            onDone: afterErase,
            onError: afterErase,
          },
        },
        confirmingWipe: {
          meta: screen("Erasing..."),
          ...serviceCall(
            {
              id: "confirmWipe",
              src: "acknowledgeAction",
              input: ({ context }: { context: DeviceContext }): AcknowledgeInput => ({
                session: sessionOf(context),
                actionId: context.pendingAction!.id,
                status: "completed",
              }),
              onDone: { target: "#device.welcome", actions: "eraseContext" },
            },
            { target: "#device.welcome", actions: "eraseContext" },
          ),
        },
      },
    },
  },
});

export type DeviceMachine = typeof deviceMachine;
