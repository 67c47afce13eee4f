/**
 * createDevice: one virtual AOSP device, ready to be powered on and driven. This is the
 * library's entry point (agent/index.ts) and what the `enroll` and `run` commands use.
 *
 *   const device = await createDevice({ qr: { payload }, seed: 7, user: { userPrincipalName, password } });
 *   const result = await device.enroll();          // taps, scans, ... until enrolled or failed
 *   await device.runFor(24 * HOUR);                // a day of check-ins, in milliseconds
 *
 * It assembles the virtual hardware (Wi-Fi environment, package manager, storage, camera, power),
 * the HTTP transport with the selected faults, the service client, the wired machine and the
 * runtime that runs it on the chosen clock.
 */
import type { InstalledApp } from "../client/device-api.js";
import { HttpTransport } from "../client/http.js";
import { ServiceClient } from "../client/service-client.js";
import type { DeviceContext, DeviceIdentity, DeviceSettings, Failure } from "../machine/types.js";
import type { TimelineEntry } from "../report/timeline.js";
import type { TranscriptSink } from "../report/transcript.js";
import { baseClock, RealClock, setLongTimeout, SimulatedClock, SkewedClock, type LongTimeout, type RunOutcome } from "./clock.js";
import { findFault, formatFault, Strikes, toFault, type Fault } from "./faults.js";
import { resolveIdentity } from "./identity.js";
import { readStoredSnapshot } from "./stored-snapshot.js";
import { parsePackageArchive } from "./package-archive.js";
import { InputError } from "../errors.js";
import { EXTRA_SERVICE_URL } from "../payload/intune-conventions.js";
import { Extras } from "../payload/extras.js";
import type { CameraPort, CapturedImage, ClockPort, DevicePorts, StoragePort } from "./ports.js";
import { DeviceRuntime, type DeviceCommand, type DeviceSnapshot, type MutablePowerGate } from "./runtime.js";
import { renderPayloadQr, VirtualCamera } from "./virtual/camera.js";
import { VirtualDevicePolicy, type UnlockAttempt } from "./virtual/device-policy.js";
import { faultMiddleware } from "./virtual/network.js";
import { VirtualPackageManager } from "./virtual/packages.js";
import { VirtualPower } from "./virtual/power.js";
import { DirectoryStorage, MemoryStorage } from "./virtual/storage.js";
import { INSTANT_TIMINGS, REALISTIC_TIMINGS } from "./virtual/timings.js";
import {
  DEFAULT_ENVIRONMENT,
  VirtualWifi,
  type VirtualNetwork,
  type WifiEnvironment,
} from "./virtual/wifi.js";
import { decodeOnce, wireDevice } from "./wiring.js";

export interface CreateDeviceOptions {
  /** What the camera sees: an image (PNG/JPEG bytes) or the payload (rendered as a QR code). */
  qr: { image: Uint8Array; label?: string } | { payload: string | Record<string, unknown>; label?: string };
  /** Reproducible identity: the same seed, the same serial number and model. */
  seed?: number;
  /** Explicit identity fields (win over the seed's). */
  identity?: Partial<DeviceIdentity>;
  /** The device's clock. Default: a SimulatedClock starting now. */
  clock?: ClockPort;
  /** Faults, as objects or CLI strings ("wrong-wifi-key", "power-loss@downloadingAgent"). */
  faults?: (Fault | string)[];
  /**
   * The work account typed on the sign-in screen (without one, the device waits there), and
   * whether the user accepts the terms and conditions shown after it (default: accepts).
   */
  user?: { userPrincipalName: string; password: string; acceptTerms?: boolean };
  /** Sends the payload's service traffic (and its agent download) to this base URL instead. */
  serviceUrl?: string;
  /** The device's flash: memory (default) or a directory (survives the process). */
  storage?: StoragePort | { dir: string };
  /** Receives every state change and HTTP exchange. */
  transcript?: TranscriptSink;
  /** Networks around the device (default: the payload's network with the payload's key). */
  environment?: Partial<Omit<WifiEnvironment, "networks">> & { networks?: VirtualNetwork[] };
  /** The device was reset with an account on it (factory reset protection is on). */
  resetProtection?: boolean;
  /** Timeouts and retry policy (defaults: a real device's). */
  settings?: Partial<DeviceSettings>;
  /** Hardware delays (Wi-Fi scans, DHCP): realistic on a simulated clock, none on a real one. */
  latency?: "realistic" | "none";
  /** Device API request timeout on the device clock (default 30 s). */
  httpTimeoutMs?: number;
  /**
   * Package archives in the device's system image (e.g. a vendor shipping the agent): installed
   * out of the box and again after a factory reset, so the payload's minimum version code can
   * skip the download.
   */
  preinstalled?: Uint8Array[];
}

export interface DeviceReport {
  deviceId: string | null;
  identity: DeviceIdentity;
  serialNumber: string;
  /** The top-level state the device stopped in: "enrolled", "welcome", "wifiFailed", ... */
  finalState: string;
  /** The full state path, e.g. "enrolled.idle" or "signingIn.waitingForUser". */
  finalStatePath: string;
  failure: Failure | null;
  timeline: TimelineEntry[];
  apps: { package: string; versionName: string; versionCode: number }[];
}

export interface Device {
  readonly identity: DeviceIdentity;
  readonly clock: ClockPort;
  readonly faults: readonly Fault[];
  readonly timeline: TimelineEntry[];
  /** The deepest active state ("enrolled.idle"), or "off". */
  readonly state: string;
  readonly snapshot: DeviceSnapshot;
  readonly context: DeviceContext;
  readonly failure: Failure | null;
  /** The device's flash (the persisted snapshot lives under system/). */
  readonly storage: StoragePort;
  powerOn(): void;
  /** Pulls the battery; with `offForMs`, the device boots again after that long. */
  powerOff(offForMs?: number): void;
  send(command: DeviceCommand): void;
  /** Adds a line to the timeline (and transcript) for something done to the device from outside. */
  note(text: string): void;
  /** Calls `listener` after every step. */
  onChange(listener: () => void): () => void;
  /**
   * Powers on, taps six times and lets the flow run until the device is enrolled, fails, or
   * waits for a person (the sign-in screen without `user`). Resolves to the report. A device
   * already on an error screen first gets that screen's button pressed ("Try again", or "Reset"
   * where only a factory reset helps).
   */
  enroll(options?: { limitMs?: number }): Promise<DeviceReport>;
  /** Runs until `done` holds, nothing is pending, or the limit passes. */
  runUntil(done: (device: Device) => boolean, options?: { limitMs?: number }): Promise<RunOutcome>;
  /** Lets time pass (simulated clock: instantly; real clock: really). */
  runFor(ms: number): Promise<void>;
  /** "Share logs": resolves to the incident ID, or rejects with the reason. */
  shareLogs(description?: string): Promise<string>;
  installedApps(): Promise<InstalledApp[]>;
  report(): Promise<DeviceReport>;
  /** The camera, as the device's software uses it (a configuration may block it). */
  readonly camera: CameraPort;
  /** The device password the user set for a password policy (null: none). */
  readonly devicePassword: string | null;
  /**
   * Someone types a password at the lock screen. A wrong one counts; reaching the policy's
   * passwordSignInFailureCountBeforeFactoryReset wipes the device.
   */
  unlock(password: string): UnlockAttempt | "unlocked";
  /** Stops the device (timers, in-flight requests). */
  dispose(): void;
}

/** True in states where the device waits for nothing but a person or stays put. */
export function isSettled(device: Device): boolean {
  if (!device.snapshot) return false;
  const s = device.snapshot;
  return s.hasTag("enrolled") || s.hasTag("failure") || (s.hasTag("needsUser") && device.state !== "welcome");
}

export async function createDevice(options: CreateDeviceOptions): Promise<Device> {
  const faults = (options.faults ?? []).map(toFault);
  const storage = options.storage === undefined
    ? new MemoryStorage()
    : "dir" in options.storage
      ? new DirectoryStorage(options.storage.dir)
      : options.storage;
  const storageLabel = options.storage !== undefined && "dir" in options.storage ? options.storage.dir : "the device's storage";
  // A device found in its storage resumes as itself: its identity is the stored one.
  const stored = readStoredSnapshot(storage, storageLabel);
  const identity = stored ? storedIdentity(stored.identity, options, storageLabel) : resolveIdentity(options);
  const skew = findFault(faults, "clock-skew");
  const base = options.clock ?? new SimulatedClock();
  const clock: ClockPort = skew ? new SkewedClock(base, skew.state === undefined ? skew.offsetMs : 0) : base;

  const { picture, payloadText } = await cameraView(options.qr);
  const http = new HttpTransport({
    clock,
    middleware: faultMiddleware(faults),
    ...(options.transcript ? { transcript: options.transcript } : {}),
    ...(options.httpTimeoutMs === undefined ? {} : { timeoutMs: options.httpTimeoutMs }),
    ...(options.serviceUrl ? { originMap: serviceOriginMap(payloadText ?? (await scannedText(picture)), options.serviceUrl) } : {}),
    userAgent: `aosp-sim (${identity.manufacturer} ${identity.model}; Android ${identity.osVersion})`,
  });
  const realistic = (options.latency ?? (base instanceof RealClock ? "none" : "realistic")) === "realistic";
  const timings = realistic ? REALISTIC_TIMINGS : INSTANT_TIMINGS;
  const packages = new VirtualPackageManager(storage, http, clock, timings);
  const systemImage = checkedSystemImage(options.preinstalled ?? []);
  const power = new VirtualPower(storage, clock, {
    resetProtection: options.resetProtection ?? false,
    resetMs: timings.resetMs,
    afterErase: () => packages.installSystemImage(systemImage),
  });
  // A device out of the box has its system image; a stored one has what it had.
  if (!stored) packages.installSystemImage(systemImage);
  const wifiTimeout = findFault(faults, "wifi-timeout");
  const wifi = new VirtualWifi(
    environmentWith(options.environment, faults),
    clock,
    storage,
    timings.wifi,
    wifiTimeout ? new Strikes(wifiTimeout.times) : null,
  );
  const policy = new VirtualDevicePolicy(storage);
  const ports: DevicePorts = {
    wifi,
    packages,
    service: new ServiceClient(http),
    camera: new VirtualCamera(picture, clock, timings.cameraMs, policy),
    clock,
    storage,
    power,
    policy,
  };
  const gate: MutablePowerGate = { powered: true };
  // The runtime is created after the machine, and the machine's log collector reads the runtime.
  let runtime: DeviceRuntime | null = null;
  const machine = wireDevice(ports, gate, { collectLogs: () => runtime?.logText() ?? "" });
  runtime = new DeviceRuntime({
    machine,
    input: { identity, ...(options.settings ? { settings: options.settings } : {}) },
    clock,
    storage,
    gate,
    faults,
    storageLabel,
    ...(options.transcript ? { transcript: options.transcript } : {}),
    ...(options.user ? { user: options.user } : {}),
  });
  options.transcript?.({
    type: "start",
    format: "aosp-sim-transcript/1",
    at: new Date(clock.now()).toISOString(),
    identity,
    faults: faults.map(formatFault),
    clock: base instanceof SimulatedClock ? "simulated" : "real",
    payloadText,
    seed: options.seed ?? null,
  });
  return new VirtualDevice(identity, clock, faults, storage, runtime, packages, ports.camera, policy);
}

class VirtualDevice implements Device {
  constructor(
    readonly identity: DeviceIdentity,
    readonly clock: ClockPort,
    readonly faults: readonly Fault[],
    readonly storage: StoragePort,
    private readonly runtime: DeviceRuntime,
    private readonly packages: VirtualPackageManager,
    readonly camera: CameraPort,
    private readonly policy: VirtualDevicePolicy,
  ) {}

  get devicePassword(): string | null {
    return this.policy.devicePassword();
  }

  unlock(password: string): UnlockAttempt | "unlocked" {
    const attempt = this.policy.unlock(password);
    if (attempt !== "unlocked") {
      const limit = attempt.limit === null ? "" : ` of ${attempt.limit}`;
      this.note(`Wrong password at the lock screen (${attempt.failures}${limit})`);
      if (attempt.wipe && this.snapshot.can({ type: "UNLOCK_LIMIT_REACHED", failures: attempt.failures, at: this.clock.now() })) {
        this.send({ type: "UNLOCK_LIMIT_REACHED", failures: attempt.failures });
      }
    }
    return attempt;
  }

  get timeline(): TimelineEntry[] {
    return this.runtime.timeline;
  }

  get state(): string {
    return this.runtime.state;
  }

  get snapshot(): DeviceSnapshot {
    return this.runtime.snapshot;
  }

  get context(): DeviceContext {
    return this.runtime.context;
  }

  get failure(): Failure | null {
    return this.runtime.isOn || this.runtime.timeline.length > 0 ? this.runtime.context.failure : null;
  }

  powerOn(): void {
    this.runtime.powerOn();
  }

  powerOff(offForMs?: number): void {
    this.runtime.powerOff(offForMs);
  }

  send(command: DeviceCommand): void {
    this.runtime.send(command);
  }

  onChange(listener: () => void): () => void {
    return this.runtime.onChange(listener);
  }

  note(text: string): void {
    this.runtime.note("note", this.state, "note", text);
  }

  async enroll(options: { limitMs?: number } = {}): Promise<DeviceReport> {
    this.powerOn();
    this.pressErrorScreenButton();
    this.runtime.requestSetup();
    await this.runUntil(isSettled, options);
    return this.report();
  }

  /**
   * A device that stopped on an error screen (one resumed from --device-dir, say) is set up again
   * the way a person would: "Try again" where the screen offers it (Wi-Fi, sign-in, a service that
   * could not be reached, a QR code not found), else "Reset", which erases it and starts over.
   */
  private pressErrorScreenButton(): void {
    const snapshot = this.runtime.snapshot;
    if (!snapshot.hasTag("failure")) return;
    const at = this.clock.now();
    for (const type of ["RETRY", "RESCAN", "FACTORY_RESET"] as const) {
      if (snapshot.can({ type, at })) {
        this.send({ type });
        return;
      }
    }
  }

  async runUntil(done: (device: Device) => boolean, options: { limitMs?: number } = {}): Promise<RunOutcome> {
    const clock = baseClock(this.clock);
    if (clock instanceof SimulatedClock) {
      // Powered off with a restore pending is not "done": the timer will boot the device.
      return clock.runUntil(() => this.runtime.isOn && done(this), options);
    }
    return waitOnRealClock(this, done, options.limitMs);
  }

  async runFor(ms: number): Promise<void> {
    const clock = baseClock(this.clock);
    if (clock instanceof SimulatedClock) {
      await clock.advance(ms);
      return;
    }
    await clock.sleep(ms);
  }

  async shareLogs(description = ""): Promise<string> {
    if (this.state !== "enrolled.idle") throw new Error(`logs can be shared from the enrolled device's home screen, not from ${this.state}`);
    const before = this.context.incidentIds.length;
    this.send({ type: "SHARE_LOGS", description });
    await this.runUntil((d) => d.state === "enrolled.idle");
    const id = this.context.incidentIds[before];
    if (id === undefined) throw new Error(`the logs were not sent: ${this.context.failure?.message ?? "no answer"}`);
    return id;
  }

  installedApps(): Promise<InstalledApp[]> {
    return this.packages.installedApps();
  }

  async report(): Promise<DeviceReport> {
    const apps = await this.installedApps();
    const context = this.runtime.timeline.length > 0 ? this.context : null;
    return {
      deviceId: context?.enrollment?.deviceId ?? null,
      identity: this.identity,
      serialNumber: this.identity.serialNumber,
      finalState: this.state.split(".")[0]!,
      finalStatePath: this.state,
      failure: context?.failure ?? null,
      timeline: [...this.timeline],
      apps: reportedApps(apps),
    };
  }

  dispose(): void {
    this.runtime.dispose();
  }
}

/** Installed apps as a report lists them. */
export function reportedApps(apps: readonly InstalledApp[]): DeviceReport["apps"] {
  return apps.map((a) => ({ package: a.packageName, versionName: a.versionName, versionCode: a.versionCode }));
}

/** Preinstalled apps must be package archives: anything else is an InputError naming which. */
function checkedSystemImage(archives: readonly Uint8Array[]): Uint8Array[] {
  return archives.map((bytes, index) => {
    try {
      parsePackageArchive(bytes);
    } catch (error) {
      throw new InputError(`is not a package archive: ${(error as Error).message}`, {
        where: `preinstalled app ${index + 1}`,
        hint: "give a package file the service serves (GET /device/v1/packages/{packageName}/{versionCode})",
      });
    }
    return bytes;
  });
}

/**
 * The identity of a device found in storage. Asking for another one (a different --serial or
 * --seed) is a mistake worth naming rather than a device that is two devices at once.
 */
function storedIdentity(stored: DeviceIdentity, options: CreateDeviceOptions, where: string): DeviceIdentity {
  if (options.seed === undefined && options.identity === undefined) return stored;
  const asked = resolveIdentity(options);
  const differs = (["serialNumber", "model", "manufacturer", "osVersion"] as const).filter(
    (k) => (options.identity?.[k] !== undefined || options.seed !== undefined) && asked[k] !== stored[k],
  );
  if (differs.length > 0) {
    const wanted = options.seed !== undefined
      ? `the device of seed ${options.seed} (${asked.manufacturer} ${asked.model} serial ${asked.serialNumber})`
      : differs.map((k) => `${k === "serialNumber" ? "serial" : k} ${asked[k]}`).join(", ");
    throw new InputError(
      `holds the device ${stored.manufacturer} ${stored.model} serial ${stored.serialNumber}, not ${wanted}`,
      { where, hint: "leave out --serial and --seed to resume the stored device, or use another directory for a new one" },
    );
  }
  return stored;
}

/** On a real clock: wait for steps until `done` holds (or the limit passes). */
function waitOnRealClock(device: Device, done: (device: Device) => boolean, limitMs?: number): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve) => {
    let timer: LongTimeout | undefined;
    const check = () => {
      if (device.state !== "off" && done(device)) finish("done");
    };
    const stop = device.onChange(() => queueMicrotask(check));
    const finish = (outcome: RunOutcome) => {
      stop();
      timer?.clear();
      resolve(outcome);
    };
    if (limitMs !== undefined) timer = setLongTimeout(() => finish("limit"), limitMs);
    check();
  });
}

/**
 * What the camera sees: the image given, or the payload rendered as the QR code an admin would
 * show (its text is then known without a scan).
 */
async function cameraView(qr: CreateDeviceOptions["qr"]): Promise<{ picture: CapturedImage; payloadText: string | null }> {
  if ("image" in qr) return { picture: { bytes: qr.image, label: qr.label ?? "QR image" }, payloadText: null };
  const payloadText = typeof qr.payload === "string" ? qr.payload : JSON.stringify(qr.payload);
  return { picture: await renderPayloadQr(payloadText, qr.label ?? "payload"), payloadText };
}

/** The text the device's scan will read from the picture ("" when it holds none). */
async function scannedText(picture: CapturedImage): Promise<string> {
  try {
    return (await decodeOnce(picture.bytes, picture.label)).codes[0]?.text ?? "";
  } catch {
    return "";
  }
}

/**
 * --service URL: the payload's service origin (from its admin extras) and its download origin
 * are mapped to the given URL, as if DNS pointed the names there. The payload is read as the
 * device reads it (long keys or their short aliases).
 */
function serviceOriginMap(text: string, serviceUrl: string): Record<string, string> {
  const map: Record<string, string> = {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return map;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return map;
  const extras = new Extras(json as Record<string, unknown>);
  for (const url of [extras.bundle("ADMIN_EXTRAS_BUNDLE")?.[EXTRA_SERVICE_URL], extras.string("DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION")]) {
    if (typeof url !== "string") continue;
    try {
      map[new URL(url).origin] = serviceUrl;
    } catch {
      /* not a URL: the device will fail on it by itself */
    }
  }
  return map;
}

function environmentWith(
  given: CreateDeviceOptions["environment"],
  faults: readonly Fault[],
): WifiEnvironment {
  const environment: WifiEnvironment = {
    ...DEFAULT_ENVIRONMENT,
    ...given,
    networks: given?.networks ?? [],
  };
  const wrongKey = findFault(faults, "wrong-wifi-key");
  if (wrongKey) environment.payloadNetwork = { wrongKey: wrongKey.key ?? null };
  if (findFault(faults, "network-absent")) {
    environment.payloadNetwork = "absent";
    environment.existingConnection = null;
  }
  return environment;
}
