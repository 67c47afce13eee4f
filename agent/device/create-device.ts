/**
 * createDevice: the composition root of one device. This is the library's entry point
 * (agent/index.ts) and what the `enroll` and `run` commands use.
 *
 *   const device = await createDevice({ qr: { payload }, seed: 7, user: { userPrincipalName, password } });
 *   const result = await device.enroll();          // taps, scans, ... until enrolled or failed
 *   await device.runFor(24 * HOUR);                // a day of check-ins, in milliseconds
 *
 * It takes the ports it is given (`ports`: any of them, e.g. adb-backed ones or test doubles) and
 * assembles the virtual set for the rest (Wi-Fi environment, package manager, storage, camera,
 * power, the HTTP transport and service client), applies the faults (agent/device/inject-faults.ts),
 * wires the machine onto the ports and hands the runtime to the Device facade (agent/device/device.ts).
 * As the composition root it also wires agent/report onto the runtime's step records: the
 * device's log (rendered only when read) and, when asked, the transcript (written as it happens).
 */
import type { Dispatcher } from "undici";
import { HttpTransport, type HttpRecord } from "../client/http.js";
import { ServiceClient } from "../client/service-client.js";
import { planFromParams } from "../machine/plan.js";
import type { DeviceIdentity, DeviceSettings } from "../machine/types.js";
import { checkPayloadText } from "../payload/index.js";
import { InputError } from "../protocol/errors.js";
import { EXTRA_SERVICE_URL } from "../protocol/intune-conventions.js";
import { parsePackageArchive } from "../protocol/package-archive.js";
import { DeviceLog } from "../report/device-log.js";
import type { StepRecord } from "./step-record.js";
import { preinstalledRecord, TRANSCRIPT_FORMAT, type TranscriptSecrets, type TranscriptSink } from "../report/transcript.js";
import { RealClock, SimulatedClock, SkewedClock } from "./clock.js";
import { CLOCK_SETTING, clockSetAt, keepClockSetting } from "./clock-setting.js";
import { DeviceFacade, type Device } from "./device.js";
import { checkedDeviceOptions } from "./device-options.js";
import { findFault, formatFault, refuseClashingFaults, toFault, type Fault } from "./faults.js";
import { identityOf, randomSeed, skipsSetupWizard } from "./identity.js";
import { FAULT_FILES, faultMiddleware, faultyEnvironment, refuseWrongKeyThatIsThePayloads, skewClock, stateFaults, withWifiTimeouts } from "./inject-faults.js";
import type { CapturedImage, ClockPort, DevicePorts, StoragePort } from "./ports.js";
import { DeviceRuntime, type MutablePowerGate } from "./runtime.js";
import { readStoredSnapshot } from "./stored-snapshot.js";
import { renderPayloadQr, VirtualCamera } from "./virtual/camera.js";
import { VirtualDevicePolicy } from "./virtual/device-policy.js";
import { PACKAGE_FILES, VirtualPackageManager } from "./virtual/packages.js";
import { VirtualPower } from "./virtual/power.js";
import { DirectoryStorage, MemoryStorage, PoweredStorage, readJson, writeJson, type StoredJson } from "./virtual/storage.js";
import { INSTANT_TIMINGS, REALISTIC_TIMINGS } from "./virtual/timings.js";
import { DEFAULT_ENVIRONMENT, VirtualWifi, WIFI_FILES, type VirtualNetwork, type WifiEnvironment } from "./virtual/wifi.js";
import { decodeOnce, wireSharedDevice } from "./wiring.js";
import { virtualSecurityPatchLevel } from "./compliance.js";

// The facade's types, for callers that build a device and drive it.
export { isSettled, reportedApps } from "./device.js";
export type { Device, DeviceEnrollOptions, DeviceReport, RunUntilOptions } from "./device.js";

export interface CreateDeviceOptions {
  /**
   * What the camera sees: an image (PNG/JPEG bytes) or the payload (rendered as a QR code).
   * Required unless `ports.camera` is given.
   */
  qr?: { image: Uint8Array; label?: string } | { payload: string | Record<string, unknown>; label?: string };
  /** Reproducible identity: the same seed, the same serial number and model. */
  seed?: number;
  /** Explicit identity fields (win over the seed's). */
  identity?: Partial<DeviceIdentity>;
  /**
   * The security patch level the hardware reports (YYYY-MM-DD, as Android's
   * ro.build.version.security_patch), for compliance policies; null: unknown (a minimum patch
   * level is then not applicable). Default: the one the device's Android release launched with.
   */
  securityPatchLevel?: string | null;
  /** The device's clock. Default: a SimulatedClock starting now. */
  clock?: ClockPort;
  /** Faults, as objects or CLI strings ("wrong-wifi-key", "power-loss@downloadingAgent"). */
  faults?: (Fault | string)[];
  /**
   * The work account typed on the sign-in screen (without one, the device waits there), whether
   * the user accepts the terms and conditions shown after it (default: accepts), and the new
   * password typed on Entra's "Update your password" page when the account must change its
   * password at this sign-in (passwordProfile.forceChangePasswordNextSignIn); without one, such an
   * account's sign-in fails (passwordChangeRequired). From then on the user's password is the new one.
   */
  user?: { userPrincipalName: string; password: string; newPassword?: string; acceptTerms?: boolean };
  /**
   * Sends the payload's service traffic (and its agent download) to this base URL instead: an
   * http(s) URL, checked as `--service` is (anything else is an InputError naming it).
   */
  serviceUrl?: string;
  /** The device's flash: memory (default) or a directory (survives the process). */
  storage?: StoragePort | { dir: string };
  /** Receives every state change and HTTP exchange. */
  transcript?: TranscriptSink;
  /**
   * "keep": the records `transcript` receives hold the sign-in password in clear (for a transcript
   * kept with its secrets, replayable against a live service). Default "redact": "(redacted)".
   */
  transcriptSecrets?: TranscriptSecrets;
  /** Networks around the device (default: the payload's network with the payload's key). */
  environment?: Partial<Omit<WifiEnvironment, "networks" | "mobileData">> & { networks?: VirtualNetwork[] };
  /**
   * Whether the device has mobile data (a SIM with a data plan, in coverage), which a payload's
   * USE_MOBILE_DATA without Wi-Fi connects over. Default true: a QR code that allows mobile data
   * is meant for devices that have it. False: the device waits 10 minutes for a mobile network,
   * as Android does, and fails ("Can't set up device", mobileDataTimeout).
   */
  mobileData?: boolean;
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
  /**
   * Ports to use instead of the virtual ones (a real device's, or test doubles): any subset.
   * The rest are assembled as above. `ports.clock` and `ports.storage` win over `clock` and
   * `storage`; `environment`, `latency`, `httpTimeoutMs`, `serviceUrl` and `preinstalled`
   * shape only the virtual parts they belong to. Faults decorate the ports they concern
   * (clock skew and Wi-Fi timeouts any port; the HTTP and Wi-Fi environment faults only the
   * virtual network around the virtual parts).
   */
  ports?: Partial<DevicePorts>;
  /**
   * Write the machine's snapshot to storage after every step (default true). False writes it
   * only when power is cut (still resumes in this process; a power-loss fault keeps every step):
   * for fleets, whose devices are never resumed from their storage by another process.
   */
  persistEveryStep?: boolean;
  /**
   * Keep each step record's context, event data and output (default true). False drops those
   * three from a record once its step is worded into the timeline (from, to, event type and
   * timings stay): a step's context is kept alive by its record otherwise, which doubles the
   * memory of a device that lives long. Without a timelineWindow every step is worded as it
   * happens; with one, steps are worded when the window is trimmed or the timeline is read, so
   * at most twice the window of records hold their data (a caller that reads the timeline after
   * each step, as the fleet does while a device lives on, keeps none). For fleets, which read
   * only the timeline.
   */
  keepStepData?: boolean;
  /**
   * With keepStepData false: keep only about the latest this many timeline entries and step
   * records (between it and twice it), so a device's memory does not grow with how long it lives
   * (a day of check-ins is a few hundred steps). Its shared logs hold that window, as a phone's
   * log buffer does. For fleets, whose reports show a failed device's last lines.
   */
  timelineWindow?: number;
  /**
   * Whether the service keeps the same time as this device's clock, but for a skew (default
   * true): the timeline then says when a check-in finds the two far apart. False for a fleet,
   * whose devices run on simulated clocks ahead of the real time of its service.
   */
  sharedTime?: boolean;
  /**
   * The undici dispatcher the virtual parts' HTTP goes through (default: undici's process-wide
   * one, from any copy of undici, unless it is Node's bundled one: then an Agent of the package's
   * own; agent/protocol/http-dispatcher.ts): a proxy agent, a
   * MockAgent, or an Agent that connects to the service's local socket (`startMockService({
   * socketPath })`). A fleet run passes one that counts its own requests, over its service's socket.
   */
  dispatcher?: Dispatcher;
}

/** The seed a device's identity was made from, kept with it so a device resumed from its storage records it too. */
const SEED_FILE: StoredJson<number> = {
  key: "system/seed.json",
  holds: "the seed the device's identity was made from (a whole number)",
  is: (value): value is number => Number.isInteger(value),
};

export async function createDevice(options: CreateDeviceOptions): Promise<Device> {
  const { serviceUrl } = checkedDeviceOptions(options);
  const given = options.ports ?? {};
  if (options.faults !== undefined && !Array.isArray(options.faults)) {
    // A JavaScript caller may pass one fault where a list is asked for.
    throw new InputError("is not a list of faults", { where: "createDevice faults", hint: 'give an array, e.g. faults: ["service-5xx"]' });
  }
  const faults = (options.faults ?? []).map((fault, index) => toFault(fault, `createDevice faults[${index}]`));
  // Named as the caller's list names it, as toFault names a fault it cannot read.
  refuseClashingFaults(faults, options.faults ?? [], {
    where: (spelled, i) => `createDevice faults[${i}] (${typeof options.faults?.[i] === "string" ? JSON.stringify(spelled) : `fault ${spelled}`})`,
  });
  const storage = given.storage ?? (options.storage === undefined
    ? new MemoryStorage()
    : "dir" in options.storage
      ? new DirectoryStorage(options.storage.dir)
      : options.storage);
  const storageLabel = !given.storage && options.storage !== undefined && "dir" in options.storage ? options.storage.dir : "the device's storage";
  // A device found in its storage resumes as itself: its identity is the stored one.
  const stored = readStoredSnapshot(storage, storageLabel);
  // Every other file it keeps is checked now too, so a damaged one is named before anything runs.
  for (const file of [...PACKAGE_FILES, ...WIFI_FILES, ...FAULT_FILES, SEED_FILE, CLOCK_SETTING]) readJson(storage, file);
  // Every new device has a seed (picked here when none is given) so its run can be repeated; a
  // stored one has the seed it was made from (null when stored by a version that did not keep it).
  const seed = options.seed ?? (stored ? readJson(storage, SEED_FILE) : randomSeed());
  const keepSeed = () => {
    if (seed !== null) writeJson(storage, SEED_FILE.key, seed);
  };
  keepSeed();
  const identity = stored ? storedIdentity(stored.identity, options, storageLabel) : identityOf({ ...options, ...(seed === null ? {} : { seed }) });
  const base = given.clock ?? options.clock ?? new SimulatedClock();
  // A simulated clock starts at this process's real time, which can be far behind the simulated
  // time the stored device lived to (a run's day of check-ins takes a second): the device's clock
  // runs on from there, as a real device's does, so its alarms (the next check-in) keep their time.
  // A snapshot stored before it kept its clock's reading has the time set on the device at least.
  const livedTo = stored ? (stored.clockAt ?? clockSetAt(storage)) : null;
  if (livedTo !== null && !given.clock && base instanceof SimulatedClock && base.now() < livedTo) {
    await base.advance(livedTo - base.now());
  }
  // The device's clock can be set (the payload's LOCAL_TIME) unless it is a clock port given as
  // the device's own: then it keeps what its owner reads.
  const skewed = skewClock(base, faults);
  const clock = given.clock || skewed instanceof SkewedClock ? skewed : new SkewedClock(base, 0);

  const view = given.camera ? null : await cameraView(options.qr);
  if (view && findFault(faults, "wrong-wifi-key")?.key !== undefined) {
    refuseWrongKeyThatIsThePayloads(faults, view.payloadText ?? (await scannedText(view.picture)), (fault) => `fault ${fault}`);
  }
  const realistic = (options.latency ?? (base instanceof RealClock ? "none" : "realistic")) === "realistic";
  const timings = realistic ? REALISTIC_TIMINGS : INSTANT_TIMINGS;

  // The runtime is created after the machine, and the machine's log collector and the transport's
  // exchange records reach it through this variable.
  let runtime: DeviceRuntime | null = null;
  const sink = options.transcript;
  // A kept transcript records every exchange: in the transcript as it completes, and in the next step's record.
  const recordExchange = sink ? (record: HttpRecord) => { sink(record); runtime?.exchange(record); } : undefined;
  const recordPasswords = sink !== undefined && options.transcriptSecrets === "keep";

  // The virtual network, only when a virtual part talks over it.
  let transport: HttpTransport | null = null;
  const http = async () => (transport ??= new HttpTransport({
    clock,
    middleware: faultMiddleware(faults, flash),
    ...(recordExchange ? { transcript: recordExchange, recordPasswords } : {}),
    ...(options.httpTimeoutMs === undefined ? {} : { timeoutMs: options.httpTimeoutMs }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(serviceUrl && view ? { originMap: serviceOriginMap(view.payloadText ?? (await scannedText(view.picture)), serviceUrl) } : {}),
    userAgent: `aosp-sim (${identity.manufacturer} ${identity.model}; Android ${identity.osVersion})`,
  }));

  const systemImage = checkedSystemImage(options.preinstalled ?? []);
  // What the step actors' parts write is held back once the power is cut (PoweredStorage).
  const gate: MutablePowerGate = { powered: true };
  const flash = new PoweredStorage(storage, gate);
  // A clock the device may set reads, resumed, the time it was set to (LOCAL_TIME), run on since.
  const keepClock = clock instanceof SkewedClock && !given.clock ? keepClockSetting(clock, storage, flash) : () => {};
  const virtualPackages = given.packages ? null : new VirtualPackageManager(flash, await http(), clock, timings);
  if (given.packages && systemImage.length > 0) {
    throw new InputError("cannot be installed on a device whose package manager is given", {
      where: "preinstalled",
      hint: "preinstall the apps on that device itself, or leave out ports.packages",
    });
  }
  // A device out of the box has its system image; a stored one has what it had.
  if (virtualPackages && !stored) virtualPackages.installSystemImage(systemImage);
  const policy = given.policy ?? new VirtualDevicePolicy(flash);
  // The virtual radio puts the joined network's proxy in force on the virtual parts' HTTP.
  const virtualWifi = given.wifi ? null : new VirtualWifi(environmentWith(options.environment, options.mobileData, faults, identity), clock, flash, timings.wifi, transport);
  const ports: DevicePorts = {
    clock,
    storage,
    policy,
    packages: given.packages ?? virtualPackages!,
    service: given.service ?? new ServiceClient(await http()),
    camera: given.camera ?? new VirtualCamera(view!.picture, clock, timings.cameraMs, policy),
    wifi: withWifiTimeouts(given.wifi ?? virtualWifi!, faults, flash),
    power: given.power ?? new VirtualPower(storage, clock, {
      resetProtection: options.resetProtection ?? false,
      resetMs: timings.resetMs,
      afterErase: () => {
        // The seed is the hardware's, as the system image is: a factory reset keeps both, and the clock its time.
        keepSeed();
        keepClock();
        virtualPackages?.installSystemImage(systemImage);
        virtualWifi?.forgetNetwork();
      },
    }),
  };
  let log: DeviceLog | null = null;
  const securityPatchLevel = options.securityPatchLevel === undefined ? virtualSecurityPatchLevel(identity.osVersion) : options.securityPatchLevel;
  const hardware = { osVersion: identity.osVersion, securityPatchLevel, rooted: false };
  const wiring = wireSharedDevice(ports, gate, {
    collectLogs: () => log?.logText() ?? "",
    hardware: () => hardware,
    note: (event, detail) => runtime?.note(runtime.state, event, detail),
  });
  runtime = new DeviceRuntime({
    machine: wiring.machine,
    attach: wiring.attach,
    input: { identity, ...(options.settings ? { settings: options.settings } : {}) },
    clock,
    storage,
    gate,
    // The flash itself: a power cut is kept as the power goes, which PoweredStorage would hold back.
    onEnter: stateFaults(faults, clock, storage),
    storageLabel,
    persistEveryStep: options.persistEveryStep !== false || faults.some((f) => f.name === "power-loss"),
    ...(options.user ? { user: options.user } : {}),
    ...(recordPasswords ? { recordPasswords } : {}),
  });
  log = new DeviceLog(runtime.records, { sharedTime: options.sharedTime !== false });
  options.transcript?.({
    type: "start",
    format: TRANSCRIPT_FORMAT,
    at: new Date(clock.now()).toISOString(),
    identity,
    faults: faults.map(formatFault),
    clock: base instanceof SimulatedClock ? "simulated" : "real",
    payloadText: view?.payloadText ?? null,
    seed,
    // What the device has out of the box is part of it: a replay installs the same system image.
    ...(systemImage.length > 0 ? { preinstalled: systemImage.map(preinstalledRecord) } : {}),
    ...(options.resetProtection ? { resetProtection: true as const } : {}),
    ...(options.mobileData === false ? { mobileData: false as const } : {}),
  });
  if (sink) {
    // A transcript is written as the device goes, so each record is rendered as it comes.
    const following = log;
    following.writeTranscript(sink);
    runtime.onRecord(() => following.catchUp());
  }
  if (options.keepStepData === false) {
    const wording = log;
    const lean = runtime;
    const window = options.timelineWindow;
    // A step's data goes once the step is worded (after the transcript's lines, attached above).
    wording.onRendered((record) => {
      if (record.kind === "step") dropStepData(record);
    });
    if (window === undefined || window <= 0) {
      // Unbounded: each step is worded as it comes.
      runtime.onRecord(() => wording.catchUp());
    } else {
      // Bounded: steps are worded when the window is trimmed or the timeline is read (the fleet
      // reads a living device's as it goes). A fleet device that enrolls in fewer steps than twice
      // the window and whose timeline no report shows is never worded at all: wording every step
      // as it came was 5 to 8 % of a fleet device's CPU (README "Benchmarks"). The timeline is
      // the same either way, as records are worded in order whenever that happens.
      runtime.onRecord(() => {
        // Trimmed in batches: each trim moves the window's contents once.
        if (lean.records.length < 2 * window) return;
        wording.catchUp();
        const count = lean.records.length - window;
        lean.forgetRecords(count);
        wording.forget(count, window);
      });
    }
  }
  return new DeviceFacade(identity, clock, faults, storage, runtime, log, ports.packages, ports.camera, policy, seed);
}

/** A worded step record, less what only a later reader of the data would need. */
function dropStepData(record: StepRecord): void {
  // Set to undefined rather than deleted: the object keeps its shape (a deleted property turns it
  // into a slower, larger dictionary), and what the fields referenced can be collected.
  const lean = record as Partial<Pick<StepRecord, "context" | "eventData" | "output" | "value">>;
  lean.context = undefined;
  lean.eventData = undefined;
  lean.output = undefined;
  lean.value = undefined;
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
  const asked = identityOf(options);
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

/**
 * What the camera sees: the image given, or the payload rendered as the QR code an admin would
 * show (its text is then known without a scan).
 */
export async function cameraView(qr: CreateDeviceOptions["qr"]): Promise<{ picture: CapturedImage; payloadText: string | null }> {
  if (qr === undefined) {
    throw new InputError("is missing: the camera has nothing to see", { where: "qr", hint: "give qr: { image } or qr: { payload }, or a camera port" });
  }
  if (typeof qr !== "object" || qr === null || !("image" in qr || "payload" in qr)) {
    throw new InputError("is neither { image } nor { payload }", { where: "createDevice qr", hint: "give qr: { image: <PNG or JPEG bytes> } or qr: { payload: <the payload, text or object> }" });
  }
  if ("image" in qr) {
    // A path given for the bytes was read as an empty picture: "QR image: is empty (0 bytes)".
    if (!(qr.image instanceof Uint8Array)) {
      throw new InputError(`is ${typeof qr.image === "string" ? "a string" : qr.image === null ? "null" : `a ${typeof qr.image}`}, not the image's bytes`, {
        where: "createDevice qr.image",
        hint: "give the PNG or JPEG file's bytes, e.g. qr: { image: readFileSync(path) }",
      });
    }
    return { picture: { bytes: qr.image, label: qr.label ?? "QR image" }, payloadText: null };
  }
  if (typeof qr.payload !== "string" && (typeof qr.payload !== "object" || qr.payload === null)) {
    throw new InputError(`is ${qr.payload === null ? "null" : `a ${typeof qr.payload}`}, not a payload`, { where: "createDevice qr.payload", hint: "give the payload's JSON text or the object it parses to" });
  }
  const payloadText = typeof qr.payload === "string" ? qr.payload : JSON.stringify(qr.payload);
  return { picture: await renderPayloadQr(payloadText, qr.label ?? "payload"), payloadText };
}

/** The text the device's scan will read from the picture ("" when it holds none). */
export async function scannedText(picture: CapturedImage): Promise<string> {
  try {
    return (await decodeOnce(picture.bytes, picture.label)).codes[0]?.text ?? "";
  } catch {
    return "";
  }
}

/**
 * --service URL: the payload's service origin (from its admin extras) and its download origin
 * are mapped to the given URL, as if DNS pointed the names there. The payload is read by the
 * device's own reader (agent/payload, then the machine's plan), so long keys and their short
 * aliases count alike.
 */
export function serviceOriginMap(text: string, serviceUrl: string): Record<string, string> {
  return Object.fromEntries(payloadOrigins(text).map((origin) => [origin, serviceUrl]));
}

/**
 * The origins a payload sends a device to: its service URL (from the admin extras) and its agent
 * download location, read as the device reads them. A value that is not a URL is left out (the
 * device fails on it by itself).
 */
export function payloadOrigins(text: string): string[] {
  const params = checkPayloadText(text, { rules: "android" }).params;
  if (!params) return [];
  const plan = planFromParams(params);
  const origins: string[] = [];
  for (const url of [plan.adminExtras[EXTRA_SERVICE_URL], plan.download?.location]) {
    if (typeof url !== "string") continue;
    try {
      origins.push(new URL(url).origin);
    } catch {
      /* not a URL */
    }
  }
  return origins;
}

/**
 * The networks around the device, as asked, with the Wi-Fi faults applied. A device that skips
 * the setup wizard (RealWear) had no screen to join a network on before the QR code, so it starts
 * on none unless the caller puts it on one.
 */
function environmentWith(given: CreateDeviceOptions["environment"], mobileData: boolean | undefined, faults: readonly Fault[], identity: DeviceIdentity): WifiEnvironment {
  const existingConnection = skipsSetupWizard(identity) === null ? DEFAULT_ENVIRONMENT.existingConnection : null;
  return faultyEnvironment({
    ...DEFAULT_ENVIRONMENT,
    existingConnection,
    ...given,
    networks: given?.networks ?? [],
    mobileData: mobileData ?? DEFAULT_ENVIRONMENT.mobileData,
  }, faults);
}
