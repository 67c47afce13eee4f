/**
 * What the device's software may ask of the world, and nothing more. The machine's actors are
 * built on these ports (agent/device/wiring.ts); the in-process virtual device implements them
 * (agent/device/virtual/), and a real device could (adb: `cmd wifi connect-network`, `pm install`,
 * `dpm set-device-owner`, a camera feed...). Keep them narrow enough for that.
 *
 * Ports speak in plain data and AbortSignals; they throw StepError (agent/machine/step-error.ts)
 * with a code the machine understands when a step fails.
 */
import type {
  AcceptTermsRequest,
  AcknowledgeActionRequest,
  CheckInRequest,
  CheckInResponse,
  EnrollRequest,
  EnrollResponse,
  PolicyStateReport,
  SignInRequest,
  SignInResponse,
  UpdatesResponse,
  UploadLogsRequest,
  UploadLogsResponse,
} from "../protocol/device-api.js";
import type { InstalledApp, Session, WifiNetworkConfig, WifiProgressStatus } from "../machine/types.js";
import type { PolicyPlan, Restriction } from "./policy-plan.js";

export type { InstalledApp, Session, WifiNetworkConfig };

// ---- Wi-Fi radio ----------------------------------------------------------------------------

export interface WifiProgress {
  status: WifiProgressStatus;
  /** What the radio saw, in words ("Contoso-Staging not in range", "4-way handshake failed"). */
  detail: string;
}

export interface WifiConnection {
  ssid: string;
  /** The address the network gave, for the timeline. */
  ipAddress: string;
}

export interface WifiPort {
  /**
   * Adds the network and connects to it. Reports progress as it goes; resolves once connected.
   * Like Android, it keeps trying until the signal aborts (the caller owns the timeout), and
   * rejects with StepError("wifiAddFailed") only when the network cannot even be configured
   * (an invalid key).
   */
  join(network: WifiNetworkConfig, onProgress: (progress: WifiProgress) => void, signal: AbortSignal): Promise<WifiConnection>;
  /** The network the device is on now, if any (when the payload names none). */
  currentConnection(): Promise<WifiConnection | null>;
  /**
   * Turns mobile data on and resolves once a mobile network reaches the internet (a payload with
   * USE_MOBILE_DATA and no Wi-Fi). Like Android, it keeps waiting until the signal aborts (the
   * caller owns the timeout). Absent: the radio cannot (a device over adb).
   */
  connectMobileData?(signal: AbortSignal): Promise<{ network: string }>;
}

// ---- package manager ------------------------------------------------------------------------

export interface DownloadRequest {
  url: string;
  /** Extra request headers: the payload's Cookie, or the device credential for updates. */
  headers: Record<string, string>;
  /** Why: lets faults and the transcript tell the provisioning download from app updates. */
  purpose: "agent" | "app";
}

export interface StagedPackage {
  /** Handle of the downloaded file in the package manager's staging area. */
  stagedId: string;
  bytes: number;
}

export interface PackagePort {
  /** Downloads a package file into staging. Throws StepError("downloadFailed") on an HTTP error. */
  download(request: DownloadRequest, signal: AbortSignal): Promise<StagedPackage>;
  /** The bytes of a staged file (for verification). */
  readStaged(stagedId: string): Promise<Uint8Array>;
  /** Installs (or updates) a staged package. Throws StepError("installFailed"). */
  install(stagedId: string, signal: AbortSignal): Promise<InstalledApp>;
  installedPackage(packageName: string): Promise<InstalledApp | null>;
  installedApps(): Promise<InstalledApp[]>;
  /** `dpm set-device-owner`: the receiver must exist in the installed package. */
  setDeviceOwner(component: { packageName: string; className: string }): Promise<void>;
  deviceOwner(): Promise<{ packageName: string; className: string } | null>;
  /** Force-stops an app (the agent closes before it updates itself). */
  stopApp(packageName: string): Promise<void>;
  launchApp(packageName: string): Promise<void>;
}

// ---- enrollment service ---------------------------------------------------------------------

/**
 * The device API (agent/protocol/device-api.ts) as the agent calls it, in wire types (the wiring
 * maps them to the machine's own). Throws StepError with the service's code.
 */
export interface ServicePort {
  enroll(serviceUrl: string, request: EnrollRequest, signal: AbortSignal): Promise<EnrollResponse>;
  signIn(session: Session, request: SignInRequest, signal: AbortSignal): Promise<SignInResponse>;
  checkIn(session: Session, request: CheckInRequest, signal: AbortSignal): Promise<CheckInResponse>;
  getUpdates(session: Session, signal: AbortSignal): Promise<UpdatesResponse>;
  acknowledge(session: Session, actionId: string, request: AcknowledgeActionRequest, signal: AbortSignal): Promise<void>;
  uploadLogs(session: Session, request: UploadLogsRequest, signal: AbortSignal): Promise<UploadLogsResponse>;
  acceptTerms(session: Session, termsId: string, request: AcceptTermsRequest, signal: AbortSignal): Promise<void>;
  reportPolicyStates(session: Session, report: PolicyStateReport, signal: AbortSignal): Promise<void>;
}

// ---- device policy (DevicePolicyManager) -----------------------------------------------------

export interface DevicePolicyPort {
  /** The configurations in force, as "id@version" (to tell a new or changed policy from a repeat). */
  appliedVersions(): string[];
  /**
   * Puts a plan in force: its restrictions (a blocked camera refuses to capture), its password
   * requirement (the user is asked to set a compliant password) and its failed-unlock limit.
   * Resolves to what the user set, for the timeline.
   */
  apply(plan: PolicyPlan, versions: string[]): Promise<{ passwordSet: boolean }>;
  /** True when a restriction of the plan in force holds (e.g. "cameraBlocked"). */
  isRestricted(restriction: Restriction): boolean;
  /** The device password the user set (null: none). */
  devicePassword(): string | null;
  /**
   * The admin's passcode reset: the device password becomes `password`
   * (DevicePolicyManager.resetPasswordWithToken). Absent: the adapter cannot, and the device
   * reports the reset failed.
   */
  resetPassword?(password: string): void;
  /**
   * The admin's Remote lock (DevicePolicyManager.lockNow): the screen turns off and, when the
   * device has a password, locks, so the password is needed to go on. Returns true when it
   * locked, false when it only turned the screen off (no password). Absent: the adapter cannot,
   * and the device reports the lock failed.
   */
  lockNow?(): boolean;
  /** The screen timeout in force, in minutes (null: none; absent: the port does not know it). */
  screenTimeoutMinutes?(): number | null;
  /** Someone types `password` at the lock screen: wrong ones count toward the policy's limit. */
  unlock(password: string): UnlockAttempt | "unlocked";
}

/** What a wrong password at the lock screen led to. */
export interface UnlockAttempt {
  failures: number;
  /** The policy's limit, or null when there is none. */
  limit: number | null;
  /** The limit was reached: the device must wipe itself. */
  wipe: boolean;
}

// ---- camera ---------------------------------------------------------------------------------

export interface CapturedImage {
  /** Encoded image bytes (PNG, JPEG, ...), as the QR toolkit reads them. */
  bytes: Uint8Array;
  /** Where the picture came from, for messages ("qr.png", "rendered payload.json"). */
  label: string;
}

export interface CameraPort {
  /** One frame of what the camera sees. */
  capture(signal: AbortSignal): Promise<CapturedImage>;
}

// ---- clock ----------------------------------------------------------------------------------

/**
 * The device's clock. It is also XState's clock (setTimeout/clearTimeout drive `after`), so one
 * object decides whether a day of check-ins takes a day or a few milliseconds.
 */
export interface ClockPort {
  /** Milliseconds since the epoch, as the device's clock reads (skew included). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Resolves after `ms` on this clock (rejects when the signal aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks real I/O in flight (an HTTP exchange, a file read) so a simulated clock does not jump
   * ahead while the world is still answering. A real clock just awaits the promise.
   */
  track<T>(work: Promise<T>): Promise<T>;
}

// ---- storage --------------------------------------------------------------------------------

/** The device's flash: survives power loss, erased by a factory reset. */
export interface StoragePort {
  /**
   * The bytes stored under `key`, or null. They may be the storage's own (MemoryStorage hands
   * them out without a copy): read them, never modify them; write a new array instead.
   */
  read(key: string): Uint8Array | null;
  /** Stores a copy of `bytes` (the caller may reuse its array). */
  write(key: string, bytes: Uint8Array): void;
  remove(key: string): void;
  keys(prefix?: string): string[];
  /** Where a key is kept (a file path), for messages; absent for storage that is not a place. */
  locate?(key: string): string;
  /** Factory reset: everything goes. */
  eraseAll(): void;
}

// ---- power ----------------------------------------------------------------------------------

/** What the device's software can do about power (pulling the battery is the runtime's business). */
export interface PowerPort {
  /** Erases user data and restarts into the setup wizard (DevicePolicyManager.wipeData). */
  factoryReset(signal: AbortSignal): Promise<void>;
  /** Factory reset protection: a Google account was left on the device before a reset. */
  resetProtectionActive(): Promise<boolean>;
  /**
   * Restarts the device, keeping its data and enrollment (DevicePolicyManager.reboot, the admin's
   * Restart). Absent: the adapter cannot, and the device reports the restart failed.
   */
  restart?(signal: AbortSignal): Promise<void>;
}

/** Everything a device is made of. */
export interface DevicePorts {
  wifi: WifiPort;
  packages: PackagePort;
  service: ServicePort;
  camera: CameraPort;
  clock: ClockPort;
  storage: StoragePort;
  power: PowerPort;
  policy: DevicePolicyPort;
}
