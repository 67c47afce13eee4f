/**
 * Scenarios: a device's life against the service, written as data (scenario-format.ts) and run
 * on a simulated clock (`aosp-sim run [scenario.json]`). A scenario sets up the tenant (a user, an
 * enrollment profile), creates one device that scans the profile's QR code, and plays admin and
 * user steps at given times after enrollment: publishing a newer agent (self-update), a wipe, a
 * delete, sharing logs, revoking the token... The device's timeline is the record.
 */
import { InputError } from "../protocol/errors.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import { AdminClient, startMockService, type GraphProfile, type MockService } from "../../mock-service/index.js";
import { AdminApiError, INTUNE_SKU_ID, type AssignmentTarget } from "../../mock-service/admin-client.js";
import { endRecord, type InterruptSignal, type TranscriptSecrets, type TranscriptSink } from "../report/transcript.js";
import { byAppOrder } from "../report/describe.js";
import { SimulatedClock } from "../device/clock.js";
import { createDevice, reportedApps, type Device, type DeviceReport } from "../device/create-device.js";
import { parseDuration } from "../device/duration.js";
import { isWithin } from "../machine/state-paths.js";
import { setUpScenarioUser } from "./scenario-user.js";
import { checkScenario, DEFAULT_PROFILE, DEFAULT_USER, untilOf, type AdminStep, type Scenario, type Step, type TenantStep } from "./scenario-format.js";
import type { GraphPolicyState } from "../../mock-service/admin-client.js";

export interface ScenarioOptions {
  /** Use a running service instead of starting the embedded one (needs its admin token). */
  service?: { url: string; adminToken: string };
  clock?: SimulatedClock;
  transcript?: TranscriptSink;
  /** "keep": the transcript's records hold the sign-in password in clear (as CreateDeviceOptions.transcriptSecrets). */
  transcriptSecrets?: TranscriptSecrets;
  /** Called with each new timeline entry as it happens. */
  onProgress?: (device: Device) => void;
  /** Never run longer than this much simulated time (default 30 days). */
  limitMs?: number;
  /**
   * Stops the run part-way (Ctrl-C, a CI job cancelled; agent/cli/graceful-stop.ts's GracefulStop
   * is one): once its signal aborts, the device stops in the state it is in (as enroll({ signal })
   * stops it), no more steps are played, and the result says `interrupted` with the signal
   * `caught()` names, as the transcript's end record does. A stop that aborts during the set-up
   * stops the device as it boots. Given as a function, it is asked for just before the device is
   * created: the CLI installs its graceful handlers there (until then, a signal ends the process
   * at once, as nothing has started that a stop should let finish).
   */
  stop?: ScenarioStop | (() => ScenarioStop);
}

/** What stops a scenario part-way: see ScenarioOptions.stop. */
export interface ScenarioStop {
  readonly signal: AbortSignal;
  /** The signal that stopped the run, once one did. */
  caught(): InterruptSignal | null;
}

export interface ScenarioResult {
  name: string;
  serviceUrl: string;
  report: DeviceReport;
  enrolledAt: number | null;
  /** The simulated clock when the scenario ended: with a duration "until", that long after enrolling (or after a failed enrollment stopped). */
  endedAt: number;
  /** The service's id for the device while it was enrolled. */
  deviceId: string | null;
  checkIns: number;
  missedCheckIns: number;
  incidentIds: string[];
  /** Each app's version when enrolled and last seen installed (before any reset). */
  appVersions: { package: string; atEnrollment: string | null; atEnd: string | null }[];
  /** What the tenant's set-up did, with anything the service warned about (settings AOSP ignores). */
  setup: string[];
  /** The device's configuration policy states as the admin reads them at the end (null: not enrolled). */
  configurationStates: GraphPolicyState[] | null;
  /** The device's compliance policy states at the end (AOSP reports none: state unknown). */
  complianceStates: GraphPolicyState[] | null;
  /**
   * After a reset, or a wipe or delete the service took: whether the service still lists the
   * device at the end (the admin's wipe leaves it listed until the device confirms it; a delete
   * removes it at once).
   */
  serviceStillListsDevice: boolean | null;
  /**
   * The last wipe or delete the admin sent that the service took, and whether the device is still
   * enrolled at the end: until its next check-in it has not heard of it (a deleted device is then
   * enrolled, though the service no longer lists it).
   */
  removal: { action: "wipe" | "delete"; deviceEnrolled: boolean } | null;
  /** Whether the device is on at the end ("off": its report's finalState is "off"). */
  power: "on" | "off";
  /**
   * Whether the device holds an enrollment at the end, on or off: one switched off while enrolled
   * still is (its storage and its record are kept; it checks in once it is on again).
   */
  deviceEnrolled: boolean;
  simulatedMs: number;
  wallMs: number;
  passed: boolean;
  expectation: string;
  /** Set when ScenarioOptions.stop stopped the run: the report's state is where (and `passed` is false). */
  interrupted?: InterruptSignal;
}

/** Every option runScenario takes (a misspelled one is refused, not ignored). */
const SCENARIO_OPTIONS = optionNames<ScenarioOptions>({
  service: true, clock: true, transcript: true, transcriptSecrets: true, onProgress: true, limitMs: true, stop: true,
});

export async function runScenario(scenario: Scenario, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  // A misspelled limit (`limit`) ran the scenario for the default 30 days, unsaid; `servce` started the embedded service.
  checkOptions("runScenario", options, SCENARIO_OPTIONS, "e.g. { limitMs: 86400000 }");
  // Checked as `aosp-sim run` checks a scenario file (loadScenario): a scenario built in code, or
  // parsed and cast, with an unknown key or a bad value ran the default enrollment and passed.
  checkScenario(scenario, "runScenario scenario");
  const started = performance.now();
  const clock = options.clock ?? new SimulatedClock(Date.now());
  const startAt = clock.now();
  let embedded: MockService | null = null;
  const service =
    options.service ?? (embedded = await startMockService({ now: () => new Date(clock.now()), tenant: scenario.tenant ?? "ready" }));
  const admin = new AdminClient(service.url, service.adminToken);
  const call = <T>(work: Promise<T>) => clock.track(work);
  let device: Device | null = null;
  try {
    const user = { ...DEFAULT_USER, ...scenario.user };
    // A running service may know the user from an earlier run (reused) or from someone else (refused).
    await setUp(call(setUpScenarioUser(admin, user)), "/user");
    const setup: string[] = [];
    const groups = new Map<string, string>();
    for (const [index, step] of (scenario.tenantSetup ?? []).entries()) {
      setup.push(...(await setUp(call(tenantStep(admin, step, groups, `/tenantSetup/${index}`)), `/tenantSetup/${index}`)));
    }
    const profile = await setUp(call(admin.createProfile(profileRequest(scenario, clock.now()))), "/profile");
    // The code printed before the admin's set-up steps: what they change is what its token is
    // worth (revoked, replaced, its profile deleted), so the device scans that one, not a new one.
    const png = Buffer.from(profile.qrCodeImage.value, "base64");

    for (const [index, step] of (scenario.beforeEnrollment ?? []).entries()) {
      if (step.do === "wait") {
        await clock.advance(parseDuration(step.for) ?? 0);
        continue;
      }
      await setUp(call(adminStep(admin, step, { profile, deviceId: null, userPrincipalName: user.userPrincipalName })), `/beforeEnrollment/${index}`);
    }

    const stop = typeof options.stop === "function" ? options.stop() : options.stop;
    const signIn = scenario.signIn === null ? undefined : scenario.signIn ?? { userPrincipalName: user.userPrincipalName, password: user.password };
    device = await createDevice({
      qr: { image: png, label: `QR code of profile "${profile.displayName}"` },
      clock,
      ...(scenario.device?.seed === undefined ? {} : { seed: scenario.device.seed }),
      identity: {
        ...(scenario.device?.serial === undefined ? {} : { serialNumber: scenario.device.serial }),
        ...(scenario.device?.manufacturer === undefined ? {} : { manufacturer: scenario.device.manufacturer }),
        ...(scenario.device?.model === undefined ? {} : { model: scenario.device.model }),
      },
      faults: scenario.device?.faults ?? [],
      ...(signIn ? { user: { ...signIn, acceptTerms: scenario.device?.acceptTerms ?? true } } : {}),
      ...(scenario.device?.resetProtection ? { resetProtection: true } : {}),
      ...(options.transcript ? { transcript: options.transcript } : {}),
      ...(options.transcriptSecrets ? { transcriptSecrets: options.transcriptSecrets } : {}),
    });
    const d = device;
    // A wipe erases what the device knew: keep the enrolled life's figures as it goes.
    let lastApps: DeviceReport["apps"] = [];
    const life = { deviceId: null as string | null, checkIns: 0, missedCheckIns: 0, incidentIds: [] as string[] };
    // The admin's last wipe or delete the service took, and the device's resets then: whether
    // the device has reset since, and why the service may no longer list it.
    let removal: { action: RemovalAction; resets: number } | null = null;
    d.onChange(() => {
      if (d.state === "off") return;
      const c = d.context;
      if (c.enrollment) {
        if (c.apps.length > 0) lastApps = reportedApps(c.apps);
        life.deviceId = c.enrollment.deviceId;
        life.checkIns = c.checkIns;
        life.missedCheckIns = c.missedCheckIns;
        life.incidentIds = [...c.incidentIds];
      }
      options.onProgress?.(d);
    });
    const enrolledReport = await d.enroll(stop ? { signal: stop.signal } : {});
    // Where a stop left the device, in enrollment (enroll() says so) or in its life after it.
    let interruptedAt: string | null = enrolledReport.interrupted ? enrolledReport.finalStatePath : null;
    const enrolled = enrolledReport.finalState === "enrolled";
    const enrolledAt = enrolled ? clock.now() : null;
    const appsAtEnrollment = enrolledReport.apps;
    if (lastApps.length === 0) lastApps = appsAtEnrollment;

    const until = untilOf(scenario);
    const horizon = parseDuration(until);
    // After enrollment the scenario's life; a device that did not enroll waits where it stopped
    // (an error screen, the sign-in) for as long as the scenario's own duration says.
    const lives = interruptedAt === null && until !== "enrolled" && (enrolled || (horizon !== null && scenario.until !== undefined));
    if (lives) {
      // A step the service refuses (a version that is none) is the scenario's mistake: the run stops, exit 2.
      let refused: InputError | null = null;
      for (const [index, step] of (enrolled ? scenario.steps ?? [] : []).entries()) {
        const delay = parseDuration(step.after) ?? 0;
        // The service's id as the run kept it: a device that reset itself (failed unlocks) has
        // forgotten it, but the service still lists that record, and the admin acts on the list.
        const target = (): StepTarget => ({
          profile,
          deviceId: life.deviceId,
          userPrincipalName: user.userPrincipalName,
          goneBecause: removal?.action === "delete" ? "the admin deleted it" : removal !== null && d.context.resets > removal.resets ? "the device confirmed its wipe" : null,
          took: (action) => (removal = { action, resets: d.context.resets }),
        });
        const refuse = (error: unknown) => (refused ??= refusedPart(error, `/steps/${index}`)) !== null;
        clock.setTimeout(() => void call(perform(d, admin, step, target, clock, refuse)), delay);
      }
      const limitMs = horizon ?? options.limitMs ?? 30 * 86_400_000;
      const stopLife = stopDeviceOnAbort(d, stop?.signal);
      const lifeStart = clock.now();
      try {
        const outcome = await d.runUntil((dev) => stopLife.stoppedAt() !== null || refused !== null || (until === "welcome" && dev.state === "welcome" && dev.context.resets > 0), { limitMs });
        // "idle": nothing is scheduled any more (a device back at the welcome screen after a wipe,
        // one on an error screen), and the clock stood where the last thing happened. The device
        // waits there, and the scenario lasts until its "until" all the same.
        if (outcome === "idle" && horizon !== null && stopLife.stoppedAt() === null && refused === null) await clock.advance(lifeStart + horizon - clock.now());
      } finally {
        stopLife.dispose();
      }
      interruptedAt = stopLife.stoppedAt();
      if (refused && interruptedAt === null) throw refused;
    }

    const endedAt = clock.now();
    const interrupted = interruptedAt === null ? undefined : stop?.caught() ?? "SIGINT";
    const report: DeviceReport =
      interruptedAt === null ? await d.report() : { ...(await d.report()), finalState: interruptedAt.split(".")[0]!, finalStatePath: interruptedAt, interrupted: true };
    options.transcript?.(await endRecord(d, report, interrupted === undefined ? {} : { interrupted }));
    // Stopped part-way, the run asks the service nothing more: the stop is meant to be quick.
    // What the device believes is not what the service lists: a delete removes the record at
    // once, while the device stays enrolled until its next check-in, so the service is asked.
    const keptId = interrupted === undefined ? life.deviceId : null;
    const listed = keptId !== null && (await call(unlessGone(admin.getManagedDevice(keptId)))) !== null;
    const enrolledNow = d.context.resets === 0 && d.context.enrollment !== null;
    const configurationStates = listed && enrolledNow ? await call(unlessGone(admin.deviceConfigurationStates(keptId))) : null;
    const complianceStates = listed && enrolledNow ? await call(unlessGone(admin.deviceCompliancePolicyStates(keptId))) : null;
    const lastRemoval = removal as { action: RemovalAction; resets: number } | null; // set in a step: TypeScript cannot see it
    const removalAtEnd = lastRemoval === null ? null : { action: lastRemoval.action, deviceEnrolled: d.context.resets === lastRemoval.resets && d.snapshot.hasTag("enrolled") };
    const serviceStillListsDevice = keptId !== null && (d.context.resets > 0 || removalAtEnd !== null) ? listed : null;
    // Switched off, the device keeps its enrollment (its storage, and the service's record): the
    // state it was in when the power went is what it holds.
    const deviceEnrolled = interrupted === undefined && d.context.enrollment !== null && d.snapshot.hasTag("enrolled");
    const power = report.finalState === "off" ? "off" : "on";
    const expectation = expectationOf(scenario);
    return {
      name: scenario.name ?? "scenario",
      serviceUrl: service.url,
      report,
      enrolledAt,
      endedAt,
      deviceId: life.deviceId,
      checkIns: life.checkIns,
      missedCheckIns: life.missedCheckIns,
      incidentIds: life.incidentIds,
      appVersions: appVersions(appsAtEnrollment, lastApps),
      setup,
      configurationStates,
      complianceStates,
      serviceStillListsDevice,
      removal: interrupted === undefined ? removalAtEnd : null,
      simulatedMs: clock.now() - startAt,
      wallMs: performance.now() - started,
      power,
      deviceEnrolled,
      passed: interrupted === undefined && meets(scenario, report, deviceEnrolled),
      expectation,
      ...(interrupted === undefined ? {} : { interrupted }),
    };
  } finally {
    device?.dispose();
    await embedded?.close();
  }
}

/**
 * Stops the device where it is once `signal` aborts (at once if it has), as enroll({ signal })
 * does: its state then is kept (disposed, a device reads "off"), and disposing it abandons a
 * request in flight, which a run on the simulated clock would otherwise wait for.
 */
function stopDeviceOnAbort(device: Device, signal: AbortSignal | undefined): { stoppedAt(): string | null; dispose(): void } {
  let stoppedAt: string | null = null;
  const halt = () => {
    if (stoppedAt !== null) return;
    stoppedAt = device.state;
    device.dispose();
  };
  if (signal?.aborted) halt();
  else signal?.addEventListener("abort", halt, { once: true });
  return { stoppedAt: () => stoppedAt, dispose: () => signal?.removeEventListener("abort", halt) };
}

function profileRequest(scenario: Scenario, now: number) {
  const wifi = scenario.profile?.wifi === undefined ? DEFAULT_PROFILE.wifi : scenario.profile.wifi;
  const validity = scenario.profile?.tokenValidity ? parseDuration(scenario.profile.tokenValidity) : null;
  return {
    displayName: scenario.profile?.displayName ?? DEFAULT_PROFILE.displayName,
    enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" as const,
    ...(validity !== null ? { tokenExpirationDateTime: new Date(now + validity).toISOString() } : {}),
    ...(wifi
      ? {
          configureWifi: true,
          wifiSsid: wifi.ssid,
          wifiHidden: wifi.hidden ?? false,
          wifiSecurityType: wifi.security ?? "wpa",
          ...(wifi.password === undefined ? {} : { wifiPassword: wifi.password }),
        }
      : { configureWifi: false }),
  };
}

/** One admin action through the Graph-shaped API. */
async function adminStep(admin: AdminClient, step: AdminStep, target: StepTarget): Promise<string> {
  const { profile, deviceId, userPrincipalName } = target;
  switch (step.do) {
    case "publishPackage": {
      const published = await admin.publishPackage({
        packageName: step.packageName,
        versionName: step.versionName,
        ...(step.versionCode === undefined ? {} : { versionCode: step.versionCode }),
      });
      return `The admin publishes ${step.packageName} ${published.versionName} (versionCode ${published.versionCode})`;
    }
    case "wipe":
    case "delete": {
      if (!deviceId) return `${step.do} skipped: the device has not enrolled`;
      const sent = await unlessGone((step.do === "wipe" ? admin.wipe(deviceId) : admin.deleteManagedDevice(deviceId)).then(() => true));
      if (sent === null) return `${step.do} skipped: the service no longer lists the device (${target.goneBecause ?? `it has no device with the id ${deviceId}`})`;
      target.took?.(step.do);
      return step.do === "wipe" ? "The admin wipes the device" : "The admin deletes the device";
    }
    case "revokeToken":
      await admin.revokeToken(profile.id);
      return `The admin revokes the token of "${profile.displayName}"`;
    case "replaceToken": {
      const seconds = step.validity ? Math.round((parseDuration(step.validity) ?? 0) / 1000) : undefined;
      await admin.createToken(profile.id, seconds);
      return `The admin replaces the token of "${profile.displayName}"`;
    }
    case "deleteProfile":
      await admin.deleteProfile(profile.id);
      return `The admin deletes the profile "${profile.displayName}"`;
    case "removeLicense":
      await admin.assignLicense(userPrincipalName, [], [INTUNE_SKU_ID]);
      return `The admin removes the Intune licence of ${userPrincipalName}`;
  }
}

/** One step of the tenant's set-up through the Graph-shaped API; its lines for the summary. */
async function tenantStep(admin: AdminClient, step: TenantStep, groups: Map<string, string>, part: string): Promise<string[]> {
  const target = (name: string | undefined, all: AssignmentTarget): AssignmentTarget => {
    if (name === undefined) return all;
    const groupId = groups.get(name);
    // checkScenario finds this as the file is loaded; a scenario built in code, here.
    if (groupId === undefined) throw new InputError(`no group "${name}" was created before this step`, { where: `scenario at ${part}/group`, hint: "add a createGroup step first" });
    return { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId };
  };
  const to = (name: string | undefined, all: string) => (name === undefined ? all : `group "${name}"`);
  switch (step.do) {
    case "setMdmAuthority":
      await admin.setMdmAuthority();
      return ["The admin sets Intune as the MDM authority"];
    case "createGroup": {
      const group = await admin.createGroup({
        displayName: step.displayName,
        mailNickname: step.displayName.replace(/[^A-Za-z0-9]/g, "").slice(0, 64) || "group",
        groupTypes: ["DynamicMembership"],
        membershipRule: step.membershipRule,
        membershipRuleProcessingState: "On",
      });
      groups.set(step.displayName, group.id);
      return [`The admin creates the dynamic device group "${step.displayName}": ${step.membershipRule}`];
    }
    case "assignConfiguration":
    case "assignCompliancePolicy": {
      const configuration = step.do === "assignConfiguration";
      const policy = configuration
        ? await admin.createConfiguration(step.displayName, step.settings)
        : await admin.createCompliancePolicy(step.displayName, step.settings);
      const all = { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } as const;
      const result = configuration
        ? await admin.assignConfiguration(policy.id, [target(step.group, all)])
        : await admin.assignCompliancePolicy(policy.id, [target(step.group, all)]);
      const kind = configuration ? "configuration" : "compliance policy";
      return [
        `The admin assigns the ${kind} "${step.displayName}" (${Object.entries(step.settings).map(([k, v]) => `${k} ${String(v)}`).join(", ")}) to ${to(step.group, "all devices")}`,
        ...(result["@aospSim.warnings"] ?? []).map((w) => `  the service warns: ${w}`),
      ];
    }
    case "assignTerms": {
      const terms = await admin.createTerms({
        displayName: step.displayName ?? step.title,
        title: step.title,
        bodyText: step.bodyText,
        acceptanceStatement: step.acceptanceStatement,
      });
      await admin.assignTerms(terms.id, target(step.group, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" }));
      return [`The admin assigns the terms and conditions "${step.title}" to ${to(step.group, "all licensed users")}`];
    }
  }
}

/**
 * The service refusing the scenario's own set-up (a profile it calls invalid, say) is a problem
 * with the scenario, not a failed run: an InputError (exit 2) naming the part to fix.
 */
async function setUp<T>(work: Promise<T>, part: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw refusedPart(error, part) ?? error;
  }
}

/** The service's refusal (a 4xx) of a part of the scenario, as the InputError naming that part; null for any other error. */
function refusedPart(error: unknown, part: string): InputError | null {
  if (!(error instanceof AdminApiError && error.status >= 400 && error.status < 500)) return null;
  return new InputError(`the service refused it: ${error.message}`, {
    where: `scenario at ${part}`,
    hint: "fix this part of the scenario (its format: `aosp-sim run --help`)",
  });
}

/** What the admin's steps act on; a device's record is known only once it enrolled. */
interface StepTarget {
  profile: GraphProfile;
  /** The service's id for the device, kept after the device forgets it (a reset). */
  deviceId: string | null;
  userPrincipalName: string;
  /** Why the service may no longer list the device (an earlier step removed it), if the run knows. */
  goneBecause?: string | null;
  /** Told of each wipe or delete the service took. */
  took?: (action: RemovalAction) => void;
}

/** The admin actions that take a device off the service's list, at once or once it confirms. */
type RemovalAction = "wipe" | "delete";

/** The service's answer, or null when it answers 404: the device's record is no longer listed. */
async function unlessGone<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) return null;
    throw error;
  }
}

/** Plays one step; `refuse` takes an admin step's error and says whether it ends the run (the service refused the step). */
async function perform(device: Device, admin: AdminClient, step: Step, target: () => StepTarget, clock: SimulatedClock, refuse: (error: unknown) => boolean): Promise<void> {
  switch (step.do) {
    case "sync":
    case "shareLogs":
      // The person uses the app when it is on its home screen; if it is busy or switched off,
      // as soon as it shows it again (unless the device has left management meanwhile).
      if (device.state !== "enrolled.idle") {
        if (device.state.startsWith("enrolled") || device.state === "off") {
          const stop = device.onChange(() => {
            if (device.state === "enrolled.idle") {
              stop();
              queueMicrotask(() => void clock.track(perform(device, admin, step, target, clock, refuse)));
            } else if (device.state !== "off" && !device.state.startsWith("enrolled")) {
              stop();
            }
          });
        }
        return;
      }
      device.note(step.do === "sync" ? "The user taps \"Check status\" in Company Portal" : "The user taps \"Share logs\" in the Intune app");
      device.send(step.do === "sync" ? { type: "SYNC" } : { type: "SHARE_LOGS", description: step.description ?? "" });
      return;
    case "powerLoss":
      device.powerOff(parseDuration(step.for ?? "30s") ?? 30_000);
      return;
    case "failUnlock": {
      // Someone who does not know the device password tries it at the lock screen.
      const times = step.times ?? 1;
      const tries = times === 1 ? "A wrong password" : `${times} wrong passwords`;
      if (!device.state.startsWith("enrolled")) {
        device.note(`failUnlock skipped: the device is ${device.state === "off" ? "off" : `at ${device.state}, not at its lock screen`}`);
        return;
      }
      // No password policy has reached the device yet (it comes with a check-in, the first 3
      // minutes after enrolling), or none asks for one: nothing locks the screen, so nothing counts.
      if (device.devicePassword === null) {
        device.note(`${tries} at the lock screen: the device has no screen lock (no password set), so the attempt${times === 1 ? " does" : "s do"} not count`);
        return;
      }
      for (let i = 0; i < times && device.state.startsWith("enrolled"); i++) device.unlock("0000-wrong");
      return;
    }
    default:
      try {
        device.note(await adminStep(admin, step, target()));
      } catch (error) {
        if (!refuse(error)) device.note(`The admin's ${step.do} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
  }
}

function appVersions(start: DeviceReport["apps"], end: DeviceReport["apps"]) {
  const names = [...new Set([...start, ...end].map((a) => a.package))].sort(byAppOrder);
  return names.map((name) => ({
    package: name,
    atEnrollment: start.find((a) => a.package === name)?.versionName ?? null,
    atEnd: end.find((a) => a.package === name)?.versionName ?? null,
  }));
}

function expectationOf(scenario: Scenario): string {
  const e = scenario.expect;
  if (e?.failure) return `fails with ${e.failure}`;
  if (e?.finalState) return `ends in ${e.finalState}`;
  return untilOf(scenario) === "welcome" ? "returns to the welcome screen" : "stays enrolled";
}

/**
 * Whether the run ended as the scenario expects. "finalState" is where the device is ("off" when
 * switched off); the default, "stays enrolled", is whether it holds its enrollment, on or off.
 */
function meets(scenario: Scenario, report: DeviceReport, deviceEnrolled: boolean): boolean {
  const e = scenario.expect;
  if (e?.failure) return report.failure?.code === e.failure;
  if (e?.finalState) return isWithin(report.finalStatePath, e.finalState);
  if (untilOf(scenario) === "welcome") return report.finalState === "welcome";
  return report.finalState === "enrolled" || (report.finalState === "off" && deviceEnrolled);
}
