/**
 * The one place where the machine meets the world: each named actor of the device machine is
 * implemented on the device's ports, and the named delays read the device's clock.
 *
 * Every actor result and failure is stamped with the clock's reading (`at`), failures become
 * StepError data, and results pass through a power gate: once the power is cut, nothing a step
 * was doing reaches the machine any more (the step is redone after the device boots).
 */
import { createHash } from "node:crypto";
import { fromCallback, type ActorSystem, type AnyActorLogic } from "xstate";
import { decodeQrImage } from "../qr/index.js";
import { checkPayloadText, ruleInfo, type PayloadCheck } from "../payload/index.js";
import { checkInDelay } from "../machine/checkin-cadence.js";
import { deviceMachine } from "../machine/device-machine.js";
import { planFromParams } from "../machine/plan.js";
import { StepError } from "../machine/step-error.js";
import { InputError } from "../protocol/errors.js";
import { givenValue } from "../protocol/given-value.js";
import { verifyPackage, type VerificationFailureCode } from "../android/verify-package.js";
import type { AssignedCompliancePolicy, AssignedConfiguration, SignInResponse } from "../protocol/device-api.js";
import { deepFreeze } from "../protocol/deep-freeze.js";
import { LightAbort, signalFor, type LightSignal } from "../protocol/light-abort.js";
import type {
  AcceptTermsInput,
  AcknowledgeInput,
  AppControlInput,
  CheckInInput,
  CheckInOutput,
  CheckNetworkInput,
  CheckPayloadOutput,
  DeviceContext,
  DeviceOwnerOutput,
  DeviceEvent,
  DownloadAgentInput,
  DownloadOutput,
  EnrollInput,
  EnrollOutput,
  FindingSummary,
  InstallAppInput,
  InstalledAgentOutput,
  InstallOutput,
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
} from "../machine/types.js";
import { EXTRA_ENROLLMENT_TOKEN, EXTRA_SERVICE_URL } from "../protocol/intune-conventions.js";
import { type ComplianceFacts, describeCompliance, evaluateCompliance } from "./compliance.js";
import { skipsSetupWizard } from "./identity.js";
import { describePlan, planConfigurations } from "./policy-plan.js";
import type { DevicePorts } from "./ports.js";
import { logsToUpload } from "./log-upload.js";
import { carryOutActions, isRemoval } from "./remote-actions.js";
import { fromStep } from "./step-actor.js";
import { applySystemSettings, setsSettingsAtStart } from "./system-settings.js";
import { toAction, toApp, toOffer } from "./wire-records.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any device's system
type AnyActorSystem = ActorSystem<any>;

/** What an actor's step returns before the wiring stamps it with the clock (the machine's output types, less `at`). */
type Unstamped<T extends Stamped> = Omit<T, "at">;

/** Lets step results through while the device has power. */
export interface PowerGate {
  readonly powered: boolean;
}

export interface WiringOptions {
  /** The device's log, sent when the user shares logs. */
  collectLogs?: () => string;
  /** What the hardware is, for compliance policies (without it: an unknown OS version and patch level, not rooted). */
  hardware?: () => HardwareFacts;
  /** A line for the timeline: what the device set from the payload's locale, time zone and time. */
  note?: (event: string, detail: string) => void;
}

/** The facts of a compliance evaluation that come from the hardware, not from the policy in force. */
export type HardwareFacts = Pick<ComplianceFacts, "osVersion" | "securityPatchLevel" | "rooted">;

/** The results of the latest `size` distinct keys (the oldest dropped first): shared by devices. */
class RecentResults<V> {
  private readonly results = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string, make: () => V): V {
    let result = this.results.get(key);
    if (result === undefined) {
      result = make();
      this.results.set(key, result);
      if (this.results.size > this.size) this.results.delete(this.results.keys().next().value!);
    }
    return result;
  }

  forget(key: string): void {
    this.results.delete(key);
  }
}

/**
 * Decoding is a pure function of the picture and takes a few hundred milliseconds; many devices
 * (a fleet, a test suite) scan the same QR code, so each distinct picture is decoded once.
 */
const decoded = new RecentResults<ReturnType<typeof decodeQrImage>>(64);

export function decodeOnce(bytes: Uint8Array, label: string): ReturnType<typeof decodeQrImage> {
  const key = createHash("sha256").update(bytes).digest("hex");
  return decoded.get(key, () => {
    const result = decodeQrImage(bytes, label);
    result.catch(() => decoded.forget(key));
    return result;
  });
}

/**
 * The payload check is a pure function of the scanned text and costs a fleet device about 2.5 %
 * of its CPU (a profile of 2,000 devices); devices that scan the same code share one result. It
 * is frozen, so a device that changed it would throw rather than change it for the others.
 */
const checked = new RecentResults<PayloadCheck>(64);

export function checkAndroidPayloadOnce(text: string): PayloadCheck {
  return checked.get(text, () => deepFreeze(checkPayloadText(text, { rules: "android" })));
}

/** Android's verification failures, as the codes (and screens) the device shows. */
const VERIFICATION_CODES: Record<VerificationFailureCode, string> = {
  packageInvalid: "packageInvalid",
  packageNameMismatch: "packageNameMismatch",
  adminComponentMissing: "adminComponentMissing",
  checksumMismatch: "checksumError",
  noChecksum: "checksumError",
};

/** The device's machine with its actors and delays implemented on `ports`. */
export function wireDevice(ports: DevicePorts, gate: PowerGate, options: WiringOptions = {}) {
  // Each is read only when the machine runs: a missing one failed late, naming no call.
  for (const [name, value, example] of [
    ["ports", ports, "{ wifi, packages, service, camera, clock, storage, power, policy }"],
    ["gate", gate, "{ powered: true }"],
    ["options", options, "{} or { collectLogs }"],
  ] as const) {
    if (value === null || typeof value !== "object") throw new TypeError(`wireDevice: ${name} must be an object, ${example} (got ${givenValue(value)})`);
  }
  return deviceMachine.provide(implementDevice(ports, gate, options));
}

export type WiredDeviceMachine = ReturnType<typeof wireDevice>;
type DeviceImplementations = ReturnType<typeof implementDevice>;

/**
 * `provide` builds a whole new machine (every state node again): about 5 ms, a fifth of a fleet
 * device's CPU. Devices that run on the shared machine instead find their own implementations
 * through their actor system, which XState hands to every actor creator and delay.
 */
const implementationsBySystem = new WeakMap<AnyActorSystem, DeviceImplementations>();
let sharedMachine: WiredDeviceMachine | null = null;

/** What a device runs: one machine for every device, bound to this device's ports by `attach`. */
export interface DeviceWiring {
  machine: WiredDeviceMachine;
  /** Binds a created (not yet started) actor of `machine` to this device's implementations. */
  attach(actor: { system: AnyActorSystem }): void;
}

export function wireSharedDevice(ports: DevicePorts, gate: PowerGate, options: WiringOptions = {}): DeviceWiring {
  const implementations = implementDevice(ports, gate, options);
  return { machine: (sharedMachine ??= buildSharedMachine(implementations)), attach: (actor) => implementationsBySystem.set(actor.system, implementations) };
}

function implementationsOf(system: AnyActorSystem): DeviceImplementations {
  const found = implementationsBySystem.get(system);
  if (!found) throw new Error("a device actor ran on the shared machine before its device was attached (agent/device/wiring.ts)");
  return found;
}

/** Promise and callback logic keep the function they were made from as `config` (XState v5). */
function creatorOf(logic: AnyActorLogic): (args: unknown) => unknown {
  const creator = (logic as { config?: unknown }).config;
  if (typeof creator !== "function") throw new Error("a device actor is neither promise nor callback logic (agent/device/wiring.ts)");
  return creator as (args: unknown) => unknown;
}

/** Why a Wi-Fi join is stopped when its state is left (the machine moved on or lost power). */
const JOIN_STOPPED = new Error("the Wi-Fi join was stopped: the device left the state that joins");

/** The actors made with fromCallback (events over time); every other one is a promise. */
const CALLBACK_ACTORS = new Set(["joinWifi"]);

/** The machine every attached device runs: each actor and delay forwards to the device's own. */
function buildSharedMachine(template: DeviceImplementations): WiredDeviceMachine {
  const actors: Record<string, AnyActorLogic> = {};
  for (const name of Object.keys(template.actors)) {
    const forward = (args: { system: AnyActorSystem }) =>
      creatorOf((implementationsOf(args.system).actors as Record<string, AnyActorLogic>)[name]!)(args);
    actors[name] = CALLBACK_ACTORS.has(name) ? fromCallback(forward as never) : fromStep(forward as never);
  }
  const delays: Record<string, (args: { system: AnyActorSystem }, params: unknown) => number> = {};
  for (const name of Object.keys(template.delays)) {
    delays[name] = (args, params) =>
      (implementationsOf(args.system).delays as Record<string, (args: unknown, params: unknown) => number>)[name]!(args, params);
  }
  // The forwarders have the same shapes as a device's own implementations.
  return deviceMachine.provide({ actors, delays } as unknown as DeviceImplementations);
}

function implementDevice(ports: DevicePorts, gate: PowerGate, options: WiringOptions) {
  const { clock } = ports;
  // What the device last evaluated (device, policy versions, facts): a check-in that changes none
  // of it sends no report, so a fleet's periodic check-ins stay one request each.
  const compliance = { evaluated: "" };

  /** Runs a step: stamps its result, turns failures into StepError, and holds results while powered off. */
  function step<TInput, TOutput extends object>(run: (input: TInput, signal: LightSignal) => Promise<TOutput>) {
    return fromStep<TOutput & { at: number }, TInput>(async ({ input, signal }) => {
      let result: TOutput;
      try {
        result = await run(input, signal);
      } catch (error) {
        await holdWhileUnpowered();
        if (signal.aborted) throw error;
        throw stamp(error);
      }
      await holdWhileUnpowered();
      return { ...result, at: clock.now() };
    });
  }

  /** After a power cut, a step's outcome never arrives: the actor is about to be stopped. */
  function holdWhileUnpowered(): Promise<void> {
    return gate.powered ? Promise.resolve() : new Promise<void>(() => {});
  }

  function stamp(error: unknown): StepError {
    const e = error instanceof StepError
      ? error
      : new StepError("internalError", error instanceof Error ? error.message : String(error), { cause: error });
    if (!Number.isFinite(e.at)) e.at = clock.now();
    return e;
  }

  /** Sets the payload's locale, time zone and time (agent/device/system-settings.ts), and says so in the timeline. */
  function setSystemSettings(input: SettingsInput): SettingsOutput | undefined {
    const result = applySystemSettings(input.plan, clock, null);
    if (result.said === null) return undefined;
    if (gate.powered) options.note?.("settings", result.said);
    return result;
  }

  const authorization = (session: Session) => ({ authorization: `Bearer ${session.deviceCredential}` });

  /**
   * The end of the out-of-box flow is also the device's first sync: it reports the apps it
   * installed (agent, Company Portal, Authenticator) so the admin's Discovered apps list them at
   * once. The report is best effort: the apps are installed either way, and the next check-in
   * reports them again (its exchange, failed or not, is in the transcript). Remote actions and
   * updates the answer may carry wait for that check-in, where the device acts on them.
   */
  async function reportApps(session: Session, agentVersion: string, signal: LightSignal): Promise<void> {
    try {
      await ports.service.checkIn(session, { agentVersion, apps: await ports.packages.installedApps() }, signalFor(ports.service, signal));
    } catch (error) {
      if (signal.aborted) throw error;
    }
  }

  const actors = {
    scanQr: step<void, Unstamped<ScanQrOutput>>(async (_input, signal) => {
      const picture = await ports.camera.capture(signalFor(ports.camera, signal));
      let codes;
      try {
        codes = (await clock.track(decodeOnce(picture.bytes, picture.label))).codes;
      } catch (error) {
        // An InputError's message already starts with the picture it is about: its problem alone follows the label.
        const problem = error instanceof InputError ? error.problem : error instanceof Error ? error.message : String(error);
        throw new StepError("noQrCode", `${picture.label}: ${problem}`);
      }
      const code = codes[0];
      if (!code) throw new StepError("noQrCode", `no QR code found in ${picture.label}`);
      return { text: code.text, decoder: code.decoder };
    }),

    checkPayload: step<{ text: string }, Unstamped<CheckPayloadOutput>>(async ({ text }) => {
      const check = checkAndroidPayloadOnce(text);
      const findings: FindingSummary[] = check.findings.map((f) => {
        const failsAt = ruleInfo(f.rule).deviceFailsAt;
        return { severity: f.severity, rule: f.rule, path: f.path, message: f.message, hint: f.hint, ...(failsAt ? { failsAt } : {}) };
      });
      return { plan: check.params ? planFromParams(check.params) : null, findings };
    }),

    checkPreconditions: step<SettingsInput, Unstamped<PreconditionsOutput>>(async (input) => {
      const alreadyProvisioned = (await ports.packages.deviceOwner()) !== null;
      const resetProtection = await ports.power.resetProtectionActive();
      // Android 10 and 11: provisioning's first task sets them, once the device may be provisioned.
      const settings = !alreadyProvisioned && !resetProtection && setsSettingsAtStart(input.identity) ? setSystemSettings(input) : undefined;
      return { alreadyProvisioned, resetProtection, ...(settings ? { settings } : {}) };
    }),

    checkNetwork: step<CheckNetworkInput, Unstamped<NetworkOutput>>(async (input) => {
      const connection = await ports.wifi.currentConnection();
      // A device without a setup wizard had no screen to join a network on before the QR code.
      const noWizard = connection === null ? skipsSetupWizard(input.identity) : null;
      return {
        connected: connection !== null,
        network: connection?.ssid ?? null,
        ...(noWizard === null
          ? {}
          : { noNetworkReason: `the payload names no Wi-Fi network and the device is on none: it has no setup wizard to join one before the QR code (${noWizard}), so the QR code must carry the Wi-Fi` }),
      };
    }),

    connectMobileData: step<void, Unstamped<MobileDataOutput>>(async (_input, signal) => {
      if (!ports.wifi.connectMobileData) {
        throw new StepError("mobileDataUnavailable", "this device's radio port cannot turn mobile data on (a device over adb): give the QR code a Wi-Fi network");
      }
      return ports.wifi.connectMobileData(signalFor(ports.wifi, signal));
    }),

    joinWifi: fromCallback<DeviceEvent, { network: WifiNetworkConfig }>(({ input, sendBack }) => {
      const join = new LightAbort();
      const send = (event: DeviceEvent) => {
        if (gate.powered && !join.aborted) sendBack(event);
      };
      ports.wifi
        .join(input.network, (p) => send({ type: "WIFI_PROGRESS", status: p.status, detail: p.detail, at: clock.now() }), signalFor(ports.wifi, join))
        .then(
          (connection) => send({ type: "WIFI_CONNECTED", ssid: connection.ssid, at: clock.now() }),
          (error: unknown) => {
            if (join.aborted) return;
            const e = stamp(error);
            send({ type: "WIFI_FAILED", code: e.code === "internalError" ? "wifiAddFailed" : e.code, detail: e.message, at: e.at });
          },
        );
      // A reason given: abort() without one builds a DOMException and its stack trace, once per
      // device in a fleet, for a rejection nobody reads (the join's outcome is ignored once aborted).
      return () => join.abort(JOIN_STOPPED);
    }),

    inspectAgent: step<{ packageName: string }, Unstamped<InstalledAgentOutput>>(
      async ({ packageName }) => ({ installed: await ports.packages.installedPackage(packageName) }),
    ),

    downloadAgent: step<DownloadAgentInput, Unstamped<DownloadOutput>>(async (input, signal) =>
      ports.packages.download(
        { url: input.url, headers: input.cookieHeader ? { cookie: input.cookieHeader } : {}, purpose: "agent" },
        signalFor(ports.packages, signal),
      ),
    ),

    verifyAgent: step<VerifyAgentInput, Unstamped<VerifyOutput>>(
      async (input) => {
        const bytes = await ports.packages.readStaged(input.stagedId);
        const verdict = verifyPackage(bytes, {
          packageName: input.packageName,
          adminReceiver: input.adminReceiver,
          packageChecksum: input.packageChecksum,
          signatureChecksum: input.signatureChecksum,
        });
        if (!verdict.ok) throw new StepError(VERIFICATION_CODES[verdict.failure.code], verdict.failure.message);
        return { versionName: verdict.manifest.versionName, versionCode: verdict.manifest.versionCode, checkedBy: verdict.checkedBy };
      },
    ),

    installAgent: step<{ stagedId: string }, Unstamped<InstallOutput>>(async ({ stagedId }, signal) => ({
      app: await ports.packages.install(stagedId, signalFor(ports.packages, signal)),
    })),

    setDeviceOwner: step<{ packageName: string; className: string } & SettingsInput, Unstamped<DeviceOwnerOutput>>(async (input) => {
      const component = { packageName: input.packageName, className: input.className };
      // Android 12+: provisionFullyManagedDevice sets them as it makes the admin app device owner.
      const settings = setsSettingsAtStart(input.identity) ? undefined : setSystemSettings(input);
      await ports.packages.setDeviceOwner(component);
      await ports.packages.launchApp(component.packageName);
      return settings ? { settings } : {};
    }),

    enroll: step<EnrollInput, Unstamped<EnrollOutput>>(
      async (input, signal) => {
        if (input.serviceUrl === null) {
          throw new StepError("serviceUrlMissing", `the admin extras carry no ${EXTRA_SERVICE_URL}`);
        }
        if (input.enrollmentToken === null) {
          throw new StepError("enrollmentTokenMissing", `the admin extras carry no ${EXTRA_ENROLLMENT_TOKEN}`);
        }
        const response = await ports.service.enroll(
          input.serviceUrl,
          {
            enrollmentToken: input.enrollmentToken,
            serialNumber: input.identity.serialNumber,
            model: input.identity.model,
            manufacturer: input.identity.manufacturer,
            osVersion: input.identity.osVersion,
            agentVersion: input.agentVersion,
          },
          signalFor(ports.service, signal),
        );
        return {
          serviceUrl: input.serviceUrl,
          deviceId: response.deviceId,
          deviceCredential: response.deviceCredential,
          deviceName: response.deviceName,
          enrollmentProfileName: response.enrollmentProfileName,
          ...(response.enrollmentMode === undefined ? {} : { enrollmentMode: response.enrollmentMode }),
        };
      },
    ),

    signIn: step<SignInInput, Unstamped<SignInOutput>>(async (input, signal) => {
      const request = { userPrincipalName: input.userPrincipalName, password: input.password };
      let response: SignInResponse;
      try {
        response = await ports.service.signIn(input.session, request, signalFor(ports.service, signal));
      } catch (error) {
        // Entra's "Update your password" page: the user types the current password and a new one.
        if (input.newPassword === undefined || !(error instanceof StepError) || error.code !== "passwordChangeRequired") throw error;
        response = await ports.service.signIn(input.session, { ...request, newPassword: input.newPassword }, signalFor(ports.service, signal));
      }
      return {
        ...(response.passwordChanged === true ? { passwordChanged: true } : {}),
        userId: response.userId,
        userPrincipalName: response.userPrincipalName,
        displayName: response.displayName,
        requiredApps: response.requiredApps.map(toOffer),
        termsAndConditions: (response.termsAndConditions ?? []).map((t) => ({
          id: t.id,
          title: t.title,
          bodyText: t.bodyText,
          acceptanceStatement: t.acceptanceStatement,
          version: t.version,
        })),
      };
    }),

    installApp: step<InstallAppInput, Unstamped<InstallOutput>>(async ({ session, offer, remaining, reportApps: report, agentVersion }, signal) => {
      const staged = await ports.packages.download({ url: offer.downloadUrl, headers: authorization(session), purpose: "app" }, signalFor(ports.packages, signal));
      const verdict = verifyPackage(await ports.packages.readStaged(staged.stagedId), {
        packageName: offer.packageName,
        packageChecksum: offer.packageChecksum,
        signatureChecksum: offer.signatureChecksum,
      });
      if (!verdict.ok) throw new StepError(VERIFICATION_CODES[verdict.failure.code], `${offer.packageName} ${offer.versionName}: ${verdict.failure.message}`);
      const app = await ports.packages.install(staged.stagedId, signalFor(ports.packages, signal));
      if (report && remaining === 0) await reportApps(session, agentVersion, signal);
      return { app };
    }),

    checkIn: step<CheckInInput, Unstamped<CheckInOutput>>(
      async ({ session, agentVersion }, signal) => {
        const apps = await ports.packages.installedApps();
        const { configurations, compliancePolicies, ...response } = await ports.service.checkIn(session, { agentVersion, apps: apps.map(toApp) }, signalFor(ports.service, signal));
        const applied = configurations === undefined ? undefined : await applyConfigurations(ports, session, configurations, signal);
        const evaluated =
          compliancePolicies === undefined
            ? undefined
            : await evaluatePolicies(ports, session, compliancePolicies, options.hardware?.() ?? UNKNOWN_HARDWARE, compliance, signal);
        const carried = await carryOutActions(ports, session, response.actions, signal);
        const said = [applied, evaluated, carried].filter((words) => words !== undefined);
        const policies = said.length === 0 ? undefined : said.join("; ");
        return {
          // The machine takes the actions that end management; the others were carried out above.
          actions: response.actions.filter(isRemoval).map(toAction),
          updates: response.updates.map(toOffer),
          serverDateTime: response.serverDateTime,
          apps,
          ...(policies === undefined ? {} : { policies }),
        };
      },
    ),

    acceptTerms: step<AcceptTermsInput, object>(async ({ session, termsId, version }, signal) => {
      await ports.service.acceptTerms(session, termsId, { version }, signalFor(ports.service, signal));
      return {};
    }),

    getUpdates: step<{ session: Session }, Unstamped<UpdatesOutput>>(async ({ session }, signal) => ({
      updates: (await ports.service.getUpdates(session, signalFor(ports.service, signal))).updates.map(toOffer),
    })),

    acknowledgeAction: step<AcknowledgeInput, object>(async (input, signal) => {
      const body = input.message === undefined ? { status: input.status } : { status: input.status, message: input.message };
      await ports.service.acknowledge(input.session, input.actionId, body, signalFor(ports.service, signal));
      return {};
    }),

    uploadLogs: step<UploadLogsInput, Unstamped<UploadLogsOutput>>(async ({ session, description }, signal) => {
      const logs = logsToUpload(description, options.collectLogs?.() ?? "");
      const response = await ports.service.uploadLogs(session, { logs }, signalFor(ports.service, signal));
      return { incidentId: response.incidentId };
    }),

    stopApp: step<AppControlInput, object>(async ({ packageName }) => {
      await ports.packages.stopApp(packageName);
      return {};
    }),

    launchApp: step<AppControlInput, object>(async ({ packageName }) => {
      await ports.packages.launchApp(packageName);
      return {};
    }),

    factoryReset: step<void, object>(async (_input, signal) => {
      await ports.power.factoryReset(signalFor(ports.power, signal));
      return {};
    }),
  } satisfies Record<string, AnyActorLogic>;

  return {
    actors,
    delays: {
      retryDelay: ({ context }: { context: DeviceContext }) => {
        const retry = context.retry;
        if (!retry) return 0;
        return clamp(retry.dueAt - clock.now(), 0, retry.delayMs);
      },
      checkInDue: ({ context }: { context: DeviceContext }) => {
        const due = context.nextCheckInAt;
        const start = context.enrollment?.enrolledAt;
        if (due === null || start === null || start === undefined) return 0;
        return checkInDelay(start, due, clock.now());
      },
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** A device that was not told what it is: its OS version compares with none, so only a password is evaluated. */
const UNKNOWN_HARDWARE: HardwareFacts = { osVersion: "unknown", securityPatchLevel: null, rooted: false };

/**
 * The compliance policies a check-in brought, evaluated against the device as it is now (after
 * this check-in's configurations, so a password just set counts) and reported, unless nothing
 * changed since the last evaluation. Resolves to the verdict in words, or undefined.
 */
async function evaluatePolicies(
  ports: DevicePorts,
  session: Session,
  policies: AssignedCompliancePolicy[],
  hardware: HardwareFacts,
  last: { evaluated: string },
  signal: LightSignal,
): Promise<string | undefined> {
  const facts: ComplianceFacts = { ...hardware, password: ports.policy.devicePassword(), screenTimeoutMinutes: ports.policy.screenTimeoutMinutes?.() ?? null };
  const key = JSON.stringify([session.deviceId, policies.map((p) => `${p.id}@${p.version}`), facts]);
  if (key === last.evaluated) return undefined;
  const report = evaluateCompliance(policies, facts);
  await ports.service.reportPolicyStates(session, { configurations: [], compliancePolicies: report }, signalFor(ports.service, signal));
  last.evaluated = key;
  return describeCompliance(report, policies);
}

/**
 * The configurations a check-in brought, when they differ from those in force: planned, put in
 * force on the device, and each setting's state reported back. Resolves to what changed, in
 * words, or undefined when nothing did.
 */
async function applyConfigurations(
  ports: DevicePorts,
  session: Session,
  configurations: AssignedConfiguration[],
  signal: LightSignal,
): Promise<string | undefined> {
  const versions = configurations.map((c) => `${c.id}@${c.version}`).sort();
  const applied = [...ports.policy.appliedVersions()].sort();
  if (versions.join() === applied.join()) return undefined;
  const plan = planConfigurations(configurations);
  const { passwordSet } = await ports.policy.apply(plan, versions);
  if (plan.report.configurations.length > 0) await ports.service.reportPolicyStates(session, plan.report, signalFor(ports.service, signal));
  if (configurations.length === 0) return "no configuration policy applies any more";
  const words = describePlan(plan, configurations);
  return passwordSet && plan.password ? `${words}; the user set a ${plan.password.minimumLength}-digit device password` : words;
}
