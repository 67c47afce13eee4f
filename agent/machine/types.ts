/**
 * The device machine's vocabulary: its context, the events it accepts, and what each named actor
 * takes and returns. Everything here is plain JSON data, because the machine's snapshot is
 * persisted after every step and must come back intact after a power loss.
 *
 * Time enters only through data: every event and every actor result carries `at`, the device
 * clock's reading (ms since the epoch) when it happened. The machine never reads a clock.
 */
import type { WifiSecurityType } from "../payload/params.js";

// The machine's own records of what the service said. They are persisted in the snapshot, so
// they are not the HTTP wire types (agent/protocol/device-api.ts): a change to the wire contract
// must not silently change the stored format. The wiring (agent/device/wiring.ts) maps one to
// the other, field by field.

/** An app the device has installed. */
export interface InstalledApp {
  packageName: string;
  versionName: string;
  versionCode: number;
}

/** A package the service offers (a required app or an update). */
export interface PackageOffer {
  packageName: string;
  versionName: string;
  versionCode: number;
  downloadUrl: string;
  /** SHA-256 of the archive, URL-safe base64 without padding. */
  packageChecksum: string;
  /** SHA-256 of the signing certificate, URL-safe base64 without padding. */
  signatureChecksum: string;
}

/** A remote action the admin asked for. */
export interface DeviceAction {
  id: string;
  type: "wipe" | "delete";
  requestedDateTime: string;
}

export interface DeviceIdentity {
  serialNumber: string;
  model: string;
  manufacturer: string;
  /** Android release, e.g. "13". */
  osVersion: string;
}

/** A payload finding as the device keeps it (the payload checker's Finding, as data). */
export interface FindingSummary {
  severity: "error" | "warning" | "info";
  rule: string;
  path: string;
  message: string;
  hint: string;
  /**
   * Set on errors Android does not catch while parsing: the device goes on and fails at this step
   * instead ("wifi": adding the network; "download": the agent download; "verification": the
   * checksum check).
   */
  failsAt?: "wifi" | "download" | "verification";
}

/**
 * ProvisioningParams in JSON-safe form: checksums are kept as URL-safe base64 of the bytes the
 * device decoded (so a checksum that decoded to the wrong length still fails to match).
 */
export interface ProvisioningPlan {
  adminComponent: { packageName: string; className: string };
  download: {
    location: string;
    cookieHeader: string | null;
    packageChecksum: string | null;
    signatureChecksum: string | null;
    /** The download is skipped when the installed admin app reaches it (absent: ALWAYS_DOWNLOAD). */
    minimumVersionCode: number;
  } | null;
  wifi: WifiNetworkConfig | null;
  adminExtras: Record<string, unknown>;
  useMobileData: boolean;
  /** LOCALE, TIME_ZONE and LOCAL_TIME: set on the device as provisioning runs (absent in plans stored before they were). */
  locale?: string | null;
  timeZone?: string | null;
  localTime: number | null;
  organizationName: string | null;
}

/** What the device configures its radio with (from the payload's WIFI_* extras). */
export interface WifiNetworkConfig {
  ssid: string;
  hidden: boolean;
  securityType: WifiSecurityType;
  /** The payload's WIFI_SECURITY_TYPE when it was not one Android knows (it then acts as NONE). */
  securityTypeAsWritten: string | null;
  password: string | null;
  eapMethod: string | null;
  /**
   * For an EAP network, why a certificate the payload gives cannot be decoded by
   * java.util.Base64: ManagedProvisioning does not catch that exception, so provisioning stops
   * at the Wi-Fi step. Absent when there is no such certificate.
   */
  certificateProblem?: string;
  /**
   * For an EAP network, why ManagedProvisioning drops its EAP settings although the certificates
   * decode (one does not parse as a certificate or key store): the network is added without
   * them and never joins. Absent when the settings apply.
   */
  eapSettingsDropped?: string;
  proxy: { host: string; port: number; bypass: string | null } | null;
  pacUrl: string | null;
}

/** The reason a step failed, as the device shows and reports it. */
export interface Failure {
  /** Machine-readable cause: "tokenRevoked", "checksumError", "wifiTimeout", ... */
  code: string;
  /** The words on the device's screen. */
  screen: string;
  /** Why, in detail (the service's message, the mismatching checksums, ...). */
  message: string;
  /** The step that failed ("enroll", "downloadAgent", ...). */
  step: string;
  /** The payload finding behind a "Can't set up device", if that was the cause. */
  finding?: FindingSummary;
  /** HTTP status when the service answered. */
  status?: number;
  at: number;
}

/**
 * What an actor throws when its step fails: plain data, so the machine can keep it. Adapters
 * throw `StepError` (agent/machine/step-error.ts), which carries these fields.
 */
export interface StepFailure {
  code: string;
  message: string;
  /** A 5xx, a timeout or a network error: worth another try after a pause. */
  retryable: boolean;
  status?: number;
  minimumVersion?: string;
  at: number;
}

export interface RetryState {
  /** The step being retried. */
  step: string;
  /** Attempts made so far (1 after the first failure). */
  attempt: number;
  delayMs: number;
  /** When the next attempt is due, on the device clock. */
  dueAt: number;
  cause: StepFailure;
}

export interface Enrollment {
  serviceUrl: string;
  deviceId: string;
  deviceCredential: string;
  deviceName: string;
  enrollmentProfileName: string;
  /**
   * When the device enrolled, on the device's clock as it reads now: the check-in cadence counts
   * from here. If the clock is set back, this moves back with it.
   */
  enrolledAt: number | null;
}

/** Terms and conditions the user must accept before the apps install (as the service showed them). */
export interface TermsToShow {
  id: string;
  title: string;
  bodyText: string;
  acceptanceStatement: string;
  version: number;
}

export interface SignedInUser {
  userId: string;
  userPrincipalName: string;
  displayName: string;
}

/** Tunables with the values a real device uses (see DEFAULT_SETTINGS). */
export interface DeviceSettings {
  /** Taps on the welcome screen that open the QR scanner. */
  tapsToOpenScanner: number;
  /** How long the device waits for the Wi-Fi network to connect (RECONNECT_TIMEOUT_MS in AOSP). */
  wifiConnectTimeoutMs: number;
  /** How long the device waits for mobile data to connect (ConnectMobileNetworkTask's RECONNECT_TIMEOUT_MS in AOSP). */
  mobileDataTimeoutMs: number;
  /** Service calls: attempts in all (first try included), first pause, growth, cap. */
  retry: { maxAttempts: number; baseDelayMs: number; factor: number; maxDelayMs: number };
}

export const DEFAULT_SETTINGS: DeviceSettings = {
  tapsToOpenScanner: 6,
  wifiConnectTimeoutMs: 60_000,
  mobileDataTimeoutMs: 600_000,
  retry: { maxAttempts: 5, baseDelayMs: 2_000, factor: 2, maxDelayMs: 60_000 },
};

export interface DeviceContext {
  identity: DeviceIdentity;
  settings: DeviceSettings;
  tapCount: number;
  payloadText: string | null;
  plan: ProvisioningPlan | null;
  /** The payload check's findings: warnings, and errors Android lets through to a later step (failsAt). */
  findings: FindingSummary[];
  /** Where the downloaded agent waits for verification (the package manager's staging id). */
  stagedAgent: string | null;
  /** The installed management agent. */
  agent: InstalledApp | null;
  /** The Wi-Fi join under way or last tried: the radio's last progress report. */
  wifi: { ssid: string | null; status: string | null; detail: string | null; startedAt: number | null };
  /**
   * The mobile data connection under way or made (a payload with USE_MOBILE_DATA and no Wi-Fi);
   * null when none was tried (and in snapshots stored before it was kept).
   */
  mobileData?: { startedAt: number; network: string | null } | null;
  /** The locale, time zone and clock the payload set on the device, once set (null: the device's own). */
  systemSettings?: SystemSettings | null;
  enrollment: Enrollment | null;
  /** Held only while a sign-in is in flight (a resumed device must redo it). */
  credentials: { userPrincipalName: string; password: string; newPassword?: string } | null;
  user: SignedInUser | null;
  /** Terms and conditions still to accept, in order (shown after sign-in, before the apps install). */
  pendingTerms: TermsToShow[];
  /** The policies in force and the compliance verdict, in words (the last check-in that changed them said so). */
  policies: string | null;
  /** What the last check-in changed in them, in words; null when it changed nothing. */
  policyChange: string | null;
  /** Apps to install (companions during enrollment, updates when enrolled), in order. */
  appQueue: PackageOffer[];
  /** Installed apps as last reported. */
  apps: InstalledApp[];
  checkIns: number;
  missedCheckIns: number;
  lastCheckInAt: number | null;
  nextCheckInAt: number | null;
  /** When nextCheckInAt was set (the machine's own delay is computed from it). */
  checkInScheduledAt: number | null;
  /**
   * The check-in under way was started by the schedule's timer (not by the user or after an
   * update). Such a check-in finishing before its deadline on the device's clock means the clock
   * was set back: the schedule is then carried over to the new clock.
   */
  scheduledCheckIn: boolean;
  /** Update offers that failed to install, as "package@versionCode": not retried in a loop. */
  skippedUpdates: string[];
  /** The remote action (wipe or delete) being carried out. */
  pendingAction: DeviceAction | null;
  /** Why the device is resetting ("wipe", "delete", "removed", "user"). */
  resetReason: string | null;
  retry: RetryState | null;
  failure: Failure | null;
  /** Server time minus device time at the last check-in, ms (clock skew as the service sees it). */
  serverClockOffsetMs: number | null;
  incidentIds: string[];
  /** What the user typed when sharing logs (sent with them). */
  logDescription: string;
  /** Factory resets this device went through. */
  resets: number;
}

export interface DeviceInput {
  identity: DeviceIdentity;
  settings?: Partial<DeviceSettings>;
}

// ---- events ------------------------------------------------------------------------------

export type DeviceEvent =
  /** A tap on the welcome screen. */
  | { type: "TAP"; at: number }
  /** Back to the scanner after a code could not be read. */
  | { type: "RESCAN"; at: number }
  /** The user types their work account on the sign-in screen. */
  | { type: "SIGN_IN"; userPrincipalName: string; password: string; newPassword?: string; at: number }
  /** "Try again" on a screen that allows it (Wi-Fi, sign-in, a retryable enrollment failure). */
  | { type: "RETRY"; at: number }
  /** "Reset" on an error screen: factory reset, back to the welcome screen. */
  | { type: "FACTORY_RESET"; at: number }
  /** "Check status" in Company Portal: check in now. */
  | { type: "SYNC"; at: number }
  /** "Share logs" in the Intune app. */
  | { type: "SHARE_LOGS"; at: number; description?: string }
  /** A device without a setup wizard (RealWear) opens its QR scanner at power-on. */
  | { type: "OPEN_SCANNER"; at: number; reason: string }
  /** The user accepts the terms and conditions on screen. */
  | { type: "ACCEPT_TERMS"; at: number }
  /** The user declines them: enrollment stops. */
  | { type: "DECLINE_TERMS"; at: number }
  /** Too many wrong passwords at the lock screen: the policy's limit wipes the device. */
  | { type: "UNLOCK_LIMIT_REACHED"; failures: number; at: number }
  /** The device booted after losing power: timers are armed again from stored deadlines. */
  | { type: "POWER_ON"; at: number }
  /** Progress reported by the radio while joining. */
  | { type: "WIFI_PROGRESS"; status: WifiProgressStatus; detail: string; at: number }
  | { type: "WIFI_CONNECTED"; ssid: string; at: number }
  /** The radio gave up (the network could not even be added). */
  | { type: "WIFI_FAILED"; code: string; detail: string; at: number };

export type WifiProgressStatus =
  | "enabling"
  | "scanning"
  | "probing"
  | "notFound"
  | "associating"
  | "authenticating"
  | "authenticationFailed"
  | "obtainingAddress"
  /** The network's proxy (or its PAC file) is set up for the device's HTTP. */
  | "configuringProxy";

// ---- actor inputs and outputs --------------------------------------------------------------

export interface Stamped {
  at: number;
}

export interface ScanQrOutput extends Stamped {
  text: string;
  decoder: string;
}

export interface CheckPayloadOutput extends Stamped {
  plan: ProvisioningPlan | null;
  findings: FindingSummary[];
}

export interface PreconditionsOutput extends Stamped {
  alreadyProvisioned: boolean;
  resetProtection: boolean;
  /** Android 10 and 11 set the payload's locale, time zone and time as provisioning starts (DeviceOwnerInitializeProvisioningTask). */
  settings?: SettingsOutput;
}

/** The device owner is set; Android 12+ sets the payload's locale, time zone and time with it (ProvisionFullyManagedDeviceTask). */
export interface DeviceOwnerOutput extends Stamped {
  settings?: SettingsOutput;
}

/** What the preconditions check and the device-owner step need to set the payload's locale, time zone and time. */
export interface SettingsInput {
  identity: DeviceIdentity;
  plan: ProvisioningPlan | null;
}

/** What the device set from the payload's LOCALE, TIME_ZONE and LOCAL_TIME (each null when not set). */
export interface SystemSettings {
  locale: string | null;
  timeZone: string | null;
  /** The device clock's reading LOCAL_TIME set (ms since the epoch). */
  clockSetTo: number | null;
}

/** The settings step's result: what was set, and why anything the payload asked for was not. */
export interface SettingsOutput {
  applied: SystemSettings;
  /** In words, for the timeline (null when the payload sets nothing). */
  said: string | null;
}

/** The mobile network the device connected to. */
export interface MobileDataOutput extends Stamped {
  network: string;
}

export interface NetworkOutput extends Stamped {
  connected: boolean;
  network: string | null;
  /** Why the device is on no network, when its kind says more than "not connected" (a device without a setup wizard). */
  noNetworkReason?: string;
}

/** What the network check knows of the device: whether a setup wizard could have put it on a network. */
export interface CheckNetworkInput {
  identity: DeviceIdentity;
}

export interface InstalledAgentOutput extends Stamped {
  installed: InstalledApp | null;
}

export interface DownloadAgentInput {
  url: string;
  cookieHeader: string | null;
  packageName: string;
}

export interface DownloadOutput extends Stamped {
  stagedId: string;
  bytes: number;
}

export interface VerifyAgentInput {
  stagedId: string;
  packageName: string;
  adminReceiver: string;
  packageChecksum: string | null;
  signatureChecksum: string | null;
}

export interface VerifyOutput extends Stamped {
  versionName: string;
  versionCode: number;
  checkedBy: "packageChecksum" | "signatureChecksum";
}

export interface InstallOutput extends Stamped {
  app: InstalledApp;
}

export interface EnrollInput {
  serviceUrl: string | null;
  enrollmentToken: string | null;
  identity: DeviceIdentity;
  agentVersion: string;
}

export interface EnrollOutput extends Stamped {
  /** Present when the service says which kind of profile enrolled the device. */
  enrollmentMode?: string;
  serviceUrl: string;
  deviceId: string;
  deviceCredential: string;
  deviceName: string;
  enrollmentProfileName: string;
}

/** What every call after enrollment needs. */
export interface Session {
  serviceUrl: string;
  deviceId: string;
  deviceCredential: string;
}

export interface SignInInput {
  session: Session;
  userPrincipalName: string;
  password: string;
  /** What the user types on Entra's "Update your password" page, if the account asks for a change. */
  newPassword?: string;
}

export interface SignInOutput extends Stamped {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  requiredApps: PackageOffer[];
  /** Terms the user has not accepted yet (absent: none). */
  termsAndConditions?: TermsToShow[];
  /** True when the account asked for a new password at this sign-in and the user set it. */
  passwordChanged?: boolean;
}

export interface AcceptTermsInput {
  session: Session;
  termsId: string;
  version: number;
}

export interface InstallAppInput {
  session: Session;
  offer: PackageOffer;
  /** Apps still queued after this one: 0 for the last. */
  remaining: number;
  /**
   * Whether the device reports its apps after the last one: at the end of the out-of-box flow
   * (its first sync). Not after updates: the agent is closed while it updates itself, and the
   * check-in that follows the updates (enrolled.checkingIn) reports them.
   */
  reportApps: boolean;
  agentVersion: string;
}

export interface CheckInInput {
  session: Session;
  agentVersion: string;
}

export interface CheckInOutput extends Stamped {
  actions: DeviceAction[];
  updates: PackageOffer[];
  serverDateTime: string;
  apps: InstalledApp[];
  /** What this check-in changed in the policies in force, and the restarts and passcode resets it carried out, in words; absent when nothing changed. */
  policies?: string;
}

export interface UpdatesOutput extends Stamped {
  updates: PackageOffer[];
}

export interface AcknowledgeInput {
  session: Session;
  actionId: string;
  status: "started" | "completed" | "failed";
  message?: string;
}

export interface UploadLogsInput {
  session: Session;
  description: string;
}

export interface UploadLogsOutput extends Stamped {
  incidentId: string;
}

export interface AppControlInput {
  packageName: string;
}
