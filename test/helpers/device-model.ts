/**
 * The device machine as a test model: what each named actor can answer (one sample per branch
 * the machine distinguishes), the user and timer events, and a serialization that keeps only
 * what the machine's guards look at, so the graph of reachable states is finite.
 *
 * Actors never run here: the model sends their done/error events itself. `inertMachine()` is
 * the same machine with actors that never answer, for replaying paths through a live actor.
 */
import { fromCallback, fromPromise, type AnyStateNode } from "xstate";

/** An event as the model sends it: a type and whatever data it carries. */
export type EventObject = { type: string } & Record<string, unknown>;
import { deviceMachine, deviceSetup } from "../../agent/machine/device-machine.js";
import type { DeviceContext, DeviceInput, PackageOffer, ProvisioningPlan } from "../../agent/machine/types.js";
import { userMayRetry } from "../../agent/machine/failures.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import { ALWAYS_DOWNLOAD } from "../../agent/payload/params.js";

export const MODEL_INPUT: DeviceInput = {
  identity: { serialNumber: "MODEL0000001", model: "Model", manufacturer: "Test", osVersion: "13" },
};

const AT = 1_700_000_000_000;

/** A WPA network "Lab", as a payload would name it. */
export const LAB_WIFI: NonNullable<ProvisioningPlan["wifi"]> = {
  ssid: "Lab",
  hidden: false,
  securityType: "WPA",
  securityTypeAsWritten: null,
  password: "lab-passphrase",
  eapMethod: null,
  proxy: null,
  pacUrl: null,
};

const basePlan: ProvisioningPlan = {
  adminComponent: { packageName: AGENT_PACKAGE, className: `${AGENT_PACKAGE}.AospDeviceAdminReceiver` },
  download: {
    location: "http://service.test/device/v1/packages/agent/1",
    cookieHeader: "c=1",
    packageChecksum: "A".repeat(43),
    signatureChecksum: null,
    minimumVersionCode: ALWAYS_DOWNLOAD,
  },
  wifi: LAB_WIFI,
  adminExtras: { "com.microsoft.intune.aosp.enrollmentToken": "t", "com.microsoft.intune.aosp.serviceUrl": "http://service.test" },
  useMobileData: false,
  localTime: null,
  organizationName: null,
};

/** Plans that take each branch after the payload check: Wi-Fi or not, download or not, a minimum version. */
export const SAMPLE_PLANS: Record<string, ProvisioningPlan> = {
  wifiAndDownload: basePlan,
  noWifi: { ...basePlan, wifi: null },
  mobileData: { ...basePlan, wifi: null, useMobileData: true },
  noDownload: { ...basePlan, download: null },
  minimumVersion: { ...basePlan, download: { ...basePlan.download!, minimumVersionCode: 2_000_000 } },
};

function offer(packageName: string, versionCode: number): PackageOffer {
  return {
    packageName,
    versionName: `${versionCode}`,
    versionCode,
    downloadUrl: `http://service.test/device/v1/packages/${packageName}/${versionCode}`,
    packageChecksum: "B".repeat(43),
    signatureChecksum: "C".repeat(43),
  };
}

const installedAgent = (versionCode: number) => ({ packageName: AGENT_PACKAGE, versionName: `${versionCode}`, versionCode });

const fail = (code: string, retryable = false) => ({ code, message: code, retryable, at: AT });

type Outcome = { output: unknown } | { error: unknown };

/** One sample per branch: what each actor may answer. */
export const ACTOR_OUTCOMES: Record<string, Outcome[]> = {
  scanQr: [{ output: { text: "{}", decoder: "zxing", at: AT } }, { error: fail("noQrCode") }],
  checkPayload: [
    ...Object.values(SAMPLE_PLANS).map((plan) => ({ output: { plan, findings: [], at: AT } })),
    { output: { plan: null, findings: [{ severity: "error", rule: "not-json", path: "", message: "m", hint: "h" }], at: AT } },
    { error: fail("internalError") },
  ],
  checkPreconditions: [
    { output: { alreadyProvisioned: false, resetProtection: false, at: AT } },
    { output: { alreadyProvisioned: true, resetProtection: false, at: AT } },
    { output: { alreadyProvisioned: false, resetProtection: true, at: AT } },
    { error: fail("internalError") },
  ],
  connectMobileData: [{ output: { network: "the mobile network", at: AT } }, { error: fail("mobileDataUnavailable") }],
  checkNetwork: [{ output: { connected: true, network: "Wired", at: AT } }, { output: { connected: false, network: null, at: AT } }, { error: fail("internalError") }],
  inspectAgent: [
    { output: { installed: null, at: AT } },
    { output: { installed: installedAgent(2_500_000), at: AT } },
    { output: { installed: installedAgent(1_000_000), at: AT } },
    { error: fail("internalError") },
  ],
  downloadAgent: [{ output: { stagedId: "s1", bytes: 8000, at: AT } }, { error: fail("downloadFailed") }],
  verifyAgent: [{ output: { versionName: "24.9.2", versionCode: 2409002, checkedBy: "packageChecksum", at: AT } }, { error: fail("checksumError") }],
  installAgent: [{ output: { app: installedAgent(2409002), at: AT } }, { error: fail("installFailed") }],
  setDeviceOwner: [{ output: { at: AT } }, { error: fail("adminComponentMissing") }],
  enroll: [
    { output: { serviceUrl: "http://service.test", deviceId: "d1", deviceCredential: "k", deviceName: "AOSP_1", enrollmentProfileName: "Lab", at: AT } },
    {
      output: {
        serviceUrl: "http://service.test",
        deviceId: "d1",
        deviceCredential: "k",
        deviceName: "AOSP_1",
        enrollmentProfileName: "Lab",
        enrollmentMode: "corporateOwnedAOSPUserlessDevice",
        at: AT,
      },
    },
    { error: fail("serviceUnavailable", true) },
    { error: fail("tokenRevoked") },
  ],
  signIn: [
    { output: { userId: "u", userPrincipalName: "a@b", displayName: "A", requiredApps: [offer(COMPANY_PORTAL_PACKAGE, 5), offer(AUTHENTICATOR_PACKAGE, 6)], at: AT } },
    {
      output: {
        userId: "u",
        userPrincipalName: "a@b",
        displayName: "A",
        requiredApps: [offer(COMPANY_PORTAL_PACKAGE, 5)],
        termsAndConditions: [{ id: "t", title: "Terms", bodyText: "b", acceptanceStatement: "I accept", version: 1 }],
        at: AT,
      },
    },
    { error: fail("serviceTimeout", true) },
    { error: fail("invalidCredentials") },
    { error: fail("userlessDevice") },
  ],
  acceptTerms: [{ output: { at: AT } }, { error: fail("serviceUnavailable", true) }, { error: fail("termsVersionChanged") }],
  installApp: [
    { output: { app: { packageName: COMPANY_PORTAL_PACKAGE, versionName: "5", versionCode: 5 }, at: AT } },
    { error: fail("networkError", true) },
    { error: fail("checksumError") },
  ],
  checkIn: [
    { output: { actions: [], updates: [], serverDateTime: new Date(AT).toISOString(), apps: [], at: AT } },
    { output: { actions: [{ id: "w", type: "wipe", requestedDateTime: "x" }], updates: [], serverDateTime: "x", apps: [], at: AT } },
    { output: { actions: [{ id: "d", type: "delete", requestedDateTime: "x" }], updates: [], serverDateTime: "x", apps: [], at: AT } },
    { output: { actions: [], updates: [offer(AGENT_PACKAGE, 2_600_000), offer(COMPANY_PORTAL_PACKAGE, 7)], serverDateTime: "x", apps: [], at: AT } },
    { error: fail("serviceUnavailable", true) },
    { error: { ...fail("agentVersionTooOld"), minimumVersion: "24.7.0" } },
    { error: fail("deviceNotFound") },
    { error: fail("forbidden") },
  ],
  getUpdates: [
    { output: { updates: [offer(AGENT_PACKAGE, 2_600_000)], at: AT } },
    { output: { updates: [], at: AT } },
    { error: fail("serviceUnavailable", true) },
    { error: fail("deviceNotFound") },
  ],
  acknowledgeAction: [{ output: { at: AT } }, { error: fail("serviceUnavailable", true) }, { error: fail("actionNotFound") }],
  uploadLogs: [{ output: { incidentId: "INC1", at: AT } }, { error: fail("serviceTimeout", true) }, { error: fail("payloadTooLarge") }],
  stopApp: [{ output: { at: AT } }, { error: fail("internalError") }],
  launchApp: [{ output: { at: AT } }, { error: fail("appNotInstalled") }],
  factoryReset: [{ output: { at: AT } }, { error: fail("internalError") }],
};

/** Events a person (or the radio, or a boot) can cause. */
export const EXTERNAL_EVENTS: EventObject[] = [
  { type: "TAP", at: AT },
  { type: "RESCAN", at: AT },
  { type: "SIGN_IN", userPrincipalName: "a@b", password: "p", at: AT },
  { type: "RETRY", at: AT },
  { type: "FACTORY_RESET", at: AT },
  { type: "SYNC", at: AT },
  { type: "SHARE_LOGS", description: "d", at: AT },
  { type: "POWER_ON", at: AT },
  { type: "OPEN_SCANNER", reason: "RealWear", at: AT },
  { type: "ACCEPT_TERMS", at: AT },
  { type: "DECLINE_TERMS", at: AT },
  { type: "UNLOCK_LIMIT_REACHED", failures: 5, at: AT },
] as EventObject[];

const WIFI_EVENTS: EventObject[] = [
  { type: "WIFI_PROGRESS", status: "authenticationFailed", detail: "rejected", at: AT },
  { type: "WIFI_CONNECTED", ssid: "Lab", at: AT },
  { type: "WIFI_FAILED", code: "wifiAddFailed", detail: "bad key", at: AT },
] as EventObject[];

interface SnapshotLike {
  value: unknown;
  context: DeviceContext;
  _nodes: AnyStateNode[];
}

/** What the guards can see, and nothing else (times, ids and messages would make the graph infinite). */
export function serializeModelState(snapshot: SnapshotLike): string {
  const c = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    // Only the welcome screen's guard counts taps; elsewhere the count would multiply the graph.
    taps: snapshot.value === "welcome" ? c.tapCount : null,
    plan: c.plan === null ? null : { wifi: c.plan.wifi !== null, mobile: c.plan.useMobileData, download: c.plan.download !== null, min: (c.plan.download?.minimumVersionCode ?? ALWAYS_DOWNLOAD) < ALWAYS_DOWNLOAD },
    enrolled: c.enrollment !== null,
    retry: c.retry === null ? null : [c.retry.step, c.retry.attempt],
    queue: [c.appQueue.length, c.appQueue[0]?.packageName === AGENT_PACKAGE],
    terms: c.pendingTerms.length,
    pending: c.pendingAction?.type ?? null,
    retryable: c.failure === null ? null : userMayRetry(c.failure.code),
    agent: c.agent?.versionCode ?? null,
  });
}

/** The machine with actors that never answer: the test sends their events itself. */
export function inertMachine() {
  const never = fromPromise(() => new Promise<never>(() => {}));
  const actors = Object.fromEntries(
    Object.keys(ACTOR_OUTCOMES).map((name) => [name, never]),
  ) as Record<string, typeof never>;
  return deviceMachine.provide({ actors: { ...actors, joinWifi: fromCallback(() => () => {}) } as never });
}

/** A stable key for a transition definition: its source, event and place among the candidates. */
export function transitionKey(source: AnyStateNode, eventType: string, index: number): string {
  return `${source.id} | ${eventType === "" ? "(always)" : eventType} | #${index}`;
}

/** Every transition the machine defines, by key. */
export function allTransitionKeys(root: AnyStateNode): Set<string> {
  const keys = new Set<string>();
  const visit = (node: AnyStateNode) => {
    for (const [eventType, list] of node.transitions) list.forEach((_, i) => keys.add(transitionKey(node, eventType, i)));
    node.always?.forEach((_, i) => keys.add(transitionKey(node, "", i)));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(root);
  return keys;
}

/** The key of a transition definition found in a microstep. */
export function keyOf(t: { source: AnyStateNode; eventType: string }): string {
  const candidates = t.eventType === "" ? t.source.always ?? [] : t.source.transitions.get(t.eventType) ?? [];
  return transitionKey(t.source, t.eventType, candidates.indexOf(t as never));
}

// ---- the test model: the same states with invoke and after turned into plain events --------

interface StateConfigLike {
  id?: string;
  invoke?: { id: string; src: string; onDone?: unknown; onError?: unknown } | { id: string; src: string; onDone?: unknown; onError?: unknown }[];
  after?: Record<string, unknown>;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfigLike>;
  meta?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TestMeta {
  /** The invokes the state had: the model sends their done/error events. */
  testInvokes?: { id: string; src: string }[];
  /** The delayed events the state had: the model sends them as plain events. */
  testAfter?: string[];
}

function toTestState(config: StateConfigLike, path: string[]): StateConfigLike {
  const { invoke, after, states, ...rest } = config;
  const on: Record<string, unknown> = { ...(rest.on ?? {}) };
  const meta: Record<string, unknown> & TestMeta = { ...(rest.meta ?? {}) };
  const invokes = invoke === undefined ? [] : Array.isArray(invoke) ? invoke : [invoke];
  if (invokes.length > 0) {
    meta.testInvokes = invokes.map((i) => ({ id: i.id, src: i.src }));
    for (const i of invokes) {
      if (i.onDone !== undefined) on[`xstate.done.actor.${i.id}`] = i.onDone;
      if (i.onError !== undefined) on[`xstate.error.actor.${i.id}`] = i.onError;
    }
  }
  if (after) {
    meta.testAfter = [];
    for (const [delay, target] of Object.entries(after)) {
      const type = `xstate.after.${delay}.${["device", ...path].join(".")}`;
      on[type] = target;
      meta.testAfter.push(type);
    }
  }
  const out: StateConfigLike = { ...rest, on, meta };
  if (states) {
    out.states = Object.fromEntries(Object.entries(states).map(([key, child]) => [key, toTestState(child, [...path, key])]));
  }
  return out;
}

/**
 * The test model of the device machine: the same states, guards and actions, with each invoke's
 * onDone/onError and each `after` written as ordinary transitions on the very event types XState
 * uses (xstate.done.actor.ID, xstate.after.DELAY.STATE), so @xstate/graph can walk it and its
 * transitions map one to one onto the real machine's.
 */
export function testModelMachine() {
  const config = deviceMachine.config as unknown as StateConfigLike;
  const transformed = toTestState(config, []);
  return deviceSetup.createMachine(transformed as never) as unknown as typeof deviceMachine;
}

/** Events for the test model: external ones plus the answers and timers its meta lists. */
export function testModelEvents(snapshot: SnapshotLike): EventObject[] {
  const events: EventObject[] = [...EXTERNAL_EVENTS];
  for (const node of snapshot._nodes) {
    const meta = (node.meta ?? {}) as TestMeta;
    for (const invoke of meta.testInvokes ?? []) {
      if (invoke.src === "joinWifi") events.push(...WIFI_EVENTS);
      for (const outcome of ACTOR_OUTCOMES[invoke.src] ?? []) {
        events.push(
          "output" in outcome
            ? { type: `xstate.done.actor.${invoke.id}`, output: outcome.output }
            : { type: `xstate.error.actor.${invoke.id}`, error: outcome.error },
        );
      }
    }
    for (const type of meta.testAfter ?? []) events.push({ type });
  }
  return events;
}

export interface ModelGraph {
  machine: ReturnType<typeof testModelMachine>;
  /** Serialized state -> its snapshot, its outgoing edges, and the events that reach it from the start. */
  states: Map<string, { snapshot: SnapshotLike; edges: { event: EventObject; next: string }[]; path: EventObject[] }>;
}

let cached: ModelGraph | null = null;

/** Walks the test model once (breadth first) and keeps, for every state, a shortest path to it. */
export async function modelGraph(): Promise<ModelGraph> {
  if (cached) return cached;
  const { getAdjacencyMap } = await import("@xstate/graph");
  const machine = testModelMachine();
  const adjacency = getAdjacencyMap(machine as never, {
    events: (s: never) => testModelEvents(s),
    serializeState: (s: never) => serializeModelState(s),
    input: MODEL_INPUT,
  } as never) as unknown as Record<string, { state: SnapshotLike; transitions: Record<string, { event: EventObject; state: SnapshotLike }> }>;
  const states: ModelGraph["states"] = new Map();
  for (const [key, entry] of Object.entries(adjacency)) {
    states.set(key, {
      snapshot: entry.state,
      edges: Object.values(entry.transitions).map((t) => ({ event: t.event, next: serializeModelState(t.state) })),
      path: [],
    });
  }
  // The adjacency map's first key is the initial state. Breadth-first from the initial state gives each state a shortest path.
  const initialKey = Object.keys(adjacency)[0]!;
  const seen = new Set([initialKey]);
  const queue = [initialKey];
  while (queue.length > 0) {
    const key = queue.shift()!;
    const node = states.get(key)!;
    for (const edge of node.edges) {
      if (seen.has(edge.next) || !states.has(edge.next)) continue;
      seen.add(edge.next);
      states.get(edge.next)!.path = [...node.path, edge.event];
      queue.push(edge.next);
    }
  }
  cached = { machine, states };
  return cached;
}
