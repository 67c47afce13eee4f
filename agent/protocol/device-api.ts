/**
 * The device API (ours, under /device/v1): the contract between the device's agent and the
 * enrollment service. The mock service implements it; agent/client calls it. Changing a shape
 * here changes both sides: keep them in step.
 *
 * Authentication:
 *   - POST /device/v1/enroll is authenticated by the enrollment token in its body.
 *   - Everything under /device/v1/devices/{deviceId}/... needs `Authorization: Bearer <deviceCredential>`
 *     (the credential issued at enrollment); a credential acts only on its own device (403 otherwise).
 *   - GET /device/v1/packages/... accepts either a device credential or the download cookie the
 *     profile's QR payload carries (PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER), so the
 *     agent can be fetched before enrollment (the admin token works too, for scripts). The cookie
 *     of a deleted profile and the credential of a removed or deleted device are refused (401).
 *
 * Statuses: 200 with a JSON body, except acknowledge (204, no body) and package downloads (200,
 * the archive bytes).
 *
 * Errors: every non-2xx response has the body `ErrorBody`.
 */

import type { AospComplianceSettings, AospConfigurationSettings } from "./aosp-policy.js";

export const DEVICE_API_PREFIX = "/device/v1";

/** Error codes the device API returns, each a distinct refusal the device surfaces by name. */
export type DeviceApiErrorCode =
  | "invalidRequest" // 400: malformed JSON or a body that breaks the schema
  | "tokenUnknown" // 401: no profile has ever issued this token
  | "tokenExpired" // 401: the token's expiry time has passed
  | "tokenRevoked" // 401: revokeToken was called on the profile
  | "tokenReplaced" // 401: createToken issued a newer token; this one no longer works
  | "profileDeleted" // 410: the token's enrollment profile was deleted
  | "unauthorized" // 401: missing or unknown device credential / download cookie
  | "forbidden" // 403: the credential belongs to another device
  | "deviceNotFound" // 404: the device was deleted or wiped and removed
  | "invalidCredentials" // 401: sign-in with an unknown user or a wrong password
  | "accountLocked" // 429: too many failed sign-ins for this account name; Retry-After says when to try again
  | "accountDisabled" // 403: sign-in with a user whose account is disabled (accountEnabled false)
  | "userNotLicensed" // 403: the user has no Intune licence
  | "passwordChangeRequired" // 403: the user must change the password first (passwordProfile.forceChangePasswordNextSignIn): sign in again with a newPassword
  | "newPasswordRefused" // 400: the newPassword breaks the password policy or is the current password
  | "userlessDevice" // 409: sign-in on a device enrolled with a userless profile
  | "agentVersionTooOld" // 426: check-in from an agent below MIN_SYNC_AGENT_VERSION; update first
  | "packageNotFound" // 404
  | "actionNotFound" // 404
  | "termsNotFound" // 404: no terms and conditions with this id are assigned to the device's user
  | "termsVersionChanged" // 409: the admin published a newer version of the terms; show it and ask again
  | "notFound" // 404: unknown route
  | "payloadTooLarge" // 413
  | "unsupportedMediaType" // 415: a body that is not sent as application/json
  | "internalError" // 500
  | "serviceUnavailable"; // 503: the service cannot serve now (e.g. its database file is damaged)

/** HTTP status of each device API error code (and, as its keys, every code there is). */
export const DEVICE_ERROR_STATUS: Record<DeviceApiErrorCode, number> = {
  invalidRequest: 400,
  tokenUnknown: 401,
  tokenExpired: 401,
  tokenRevoked: 401,
  tokenReplaced: 401,
  profileDeleted: 410,
  unauthorized: 401,
  forbidden: 403,
  deviceNotFound: 404,
  invalidCredentials: 401,
  accountLocked: 429,
  accountDisabled: 403,
  userNotLicensed: 403,
  passwordChangeRequired: 403,
  newPasswordRefused: 400,
  userlessDevice: 409,
  agentVersionTooOld: 426,
  packageNotFound: 404,
  actionNotFound: 404,
  termsNotFound: 404,
  termsVersionChanged: 409,
  notFound: 404,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  internalError: 500,
  serviceUnavailable: 503,
};

export interface ErrorBody {
  error: {
    code: DeviceApiErrorCode | string;
    message: string;
    /** Present on agentVersionTooOld. */
    minimumVersion?: string;
  };
}

// ---- POST /device/v1/enroll ----------------------------------------------------------------

export interface EnrollRequest {
  enrollmentToken: string;
  serialNumber: string;
  model: string;
  manufacturer: string;
  /** Android version, e.g. "13". */
  osVersion: string;
  /** versionName of the installed agent. */
  agentVersion: string;
}

export interface EnrollResponse {
  deviceId: string;
  /** Random, per device; send as `Authorization: Bearer ...` on every later call. */
  deviceCredential: string;
  deviceName: string;
  enrollmentProfileName: string;
  /**
   * Optional: the enrolling profile's Graph enrollmentMode. A device told
   * "corporateOwnedAOSPUserlessDevice" skips the user sign-in; when absent the device assumes a
   * user-associated profile (and learns otherwise from signIn's userlessDevice refusal).
   */
  enrollmentMode?: "corporateOwnedAOSPUserAssociatedDevice" | "corporateOwnedAOSPUserlessDevice";
}

// ---- POST /device/v1/devices/{deviceId}/signIn ---------------------------------------------

export interface SignInRequest {
  userPrincipalName: string;
  password: string;
  /**
   * The new password, sent with the current one after a passwordChangeRequired refusal (Entra's
   * "Update your password" page); ignored when no change is required.
   */
  newPassword?: string;
}

export interface SignInResponse {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  /** Apps to install now (Company Portal and Authenticator), newest versions. */
  requiredApps: PackageOffer[];
  /**
   * Terms and conditions assigned to the user and not yet accepted at their current version:
   * shown after sign-in, before the apps install. Absent or empty: nothing to accept.
   */
  termsAndConditions?: TermsToAccept[];
  /** True when this sign-in changed the user's password (a change was required and newPassword given). */
  passwordChanged?: boolean;
}

export interface TermsToAccept {
  id: string;
  title: string;
  bodyText: string;
  acceptanceStatement: string;
  version: number;
}

// ---- POST /device/v1/devices/{deviceId}/termsAndConditions/{termsId}/accept -------------------
// 204. Records the user's acceptance of that version (the admin reads it in acceptanceStatuses).
// A decline is not sent: the device stops the enrollment and may show the terms again.

export interface AcceptTermsRequest {
  version: number;
}

// ---- POST /device/v1/devices/{deviceId}/checkIn ----------------------------------------------

export interface InstalledApp {
  packageName: string;
  versionName: string;
  versionCode: number;
}

export interface CheckInRequest {
  agentVersion: string;
  apps: InstalledApp[];
}

/**
 * wipe: the admin asked for a factory reset. The action is offered at every check-in until the
 *   device acknowledges it "completed" (after its reset); the service then drops the device, and
 *   its credential answers deviceNotFound (404) from then on. A "failed" acknowledgement keeps the
 *   action open: it is offered again at the next check-in.
 * delete: the admin deleted the device (it left the admin's list at once). The action is offered
 *   at exactly one check-in; from that answer on the credential answers deviceNotFound (404) on
 *   every route, so a delete needs no acknowledgement (one answers deviceNotFound too). The device
 *   resets to factory defaults. Every other route answers deviceNotFound as soon as the admin deletes.
 */
export type DeviceActionType = "wipe" | "delete" | "rebootNow" | "resetPasscode" | "remoteLock";

/**
 * rebootNow: the admin asked for a restart (Intune's Restart). The device acknowledges it
 *   "completed" once restarted; it is not offered again.
 * resetPasscode: the admin asked for a new device passcode (Intune's Reset passcode); the action
 *   carries it. The device sets it as its password and acknowledges "completed", or "failed"
 *   with why (no passcode policy in force: Intune's reset "fails" then). Either ends it.
 * remoteLock: the admin asked for a lock (Intune's Remote lock): the device locks its screen now
 *   (DevicePolicyManager.lockNow) and acknowledges "completed"; without a passcode the screen only
 *   turns off, as Intune's page says, and that is still "completed". Either ends it.
 * A device that does not know an action's type leaves it unacknowledged (it stays pending).
 */
export interface DeviceAction {
  id: string;
  type: DeviceActionType;
  requestedDateTime: string;
  /** resetPasscode only: the passcode to set. */
  passcode?: string;
}

export interface CheckInResponse {
  /** Pending remote actions, oldest first. */
  actions: DeviceAction[];
  /** Newer versions of installed managed apps (agent, Company Portal, Authenticator). */
  updates: PackageOffer[];
  /**
   * The device configuration policies assigned to the device (by its groups or its user's),
   * each at its current version. The device applies what it can and reports every setting's
   * state (POST policyStates).
   * Absent when the device has none and never had any (and from services that predate
   * policies); an empty list means the policies it had were unassigned.
   */
  configurations?: AssignedConfiguration[];
  /**
   * The compliance policies assigned to the device, each at its current version: the device
   * evaluates them against what it is (OS version, patch level, password, encryption) and
   * reports each setting's state (POST policyStates, compliancePolicies). Absent when the device
   * has none and has no verdict; an empty list means the ones it had were unassigned.
   */
  compliancePolicies?: AssignedCompliancePolicy[];
  /** Server time, ISO 8601. */
  serverDateTime: string;
}

export interface AssignedConfiguration {
  id: string;
  displayName: string;
  version: number;
  /** Only the settings the admin configured. */
  settings: AospConfigurationSettings;
}

/** A compliance policy as the device receives it. */
export interface AssignedCompliancePolicy {
  id: string;
  displayName: string;
  version: number;
  /** Only the settings the admin configured. */
  settings: AospComplianceSettings;
}

// ---- POST /device/v1/devices/{deviceId}/policyStates -----------------------------------------
// 204. Each setting of each applied configuration: compliant (applied), notApplicable (the
// device cannot enforce it; reason says why), conflict (another configuration sets it to another
// value) or error. Each setting of each compliance policy: compliant, nonCompliant (reason says
// why) or notApplicable (the device cannot know or enforce it).

/** Graph's complianceStatus values a device reports for a setting. */
export type SettingStateValue = "compliant" | "nonCompliant" | "notApplicable" | "conflict" | "error";

export interface SettingStateReport {
  setting: string;
  state: SettingStateValue;
  /** What the device now has, in words (e.g. "blocked", "numeric, 6 digits"). */
  currentValue?: string;
  reason?: string;
}

export interface PolicyStateReport {
  configurations: { id: string; version: number; settings: SettingStateReport[] }[];
  /** The whole list of assigned compliance policies, evaluated (absent: not evaluated in this report). */
  compliancePolicies?: { id: string; version: number; settings: SettingStateReport[] }[];
}

// ---- GET /device/v1/devices/{deviceId}/updates -------------------------------------------------
// Allowed even when check-in is refused for an old agent, so the agent can update itself.

export interface UpdatesResponse {
  updates: PackageOffer[];
}

// ---- GET /device/v1/packages/{packageName}/{versionCode} -------------------------------------
// Body: the archive bytes (agent/protocol/package-archive.ts), content type PACKAGE_MIME_TYPE.

export interface PackageOffer {
  packageName: string;
  versionName: string;
  versionCode: number;
  /** Absolute URL of the archive. */
  downloadUrl: string;
  /** SHA-256 of the archive, URL-safe base64 without padding. */
  packageChecksum: string;
  /** SHA-256 of the signing certificate, URL-safe base64 without padding. */
  signatureChecksum: string;
}

// ---- POST /device/v1/devices/{deviceId}/actions/{actionId}/acknowledge ----------------------
// 204. For a wipe, "completed" means the factory reset finished: the service then drops the device.

export interface AcknowledgeActionRequest {
  status: "started" | "completed" | "failed";
  message?: string;
}

// ---- POST /device/v1/devices/{deviceId}/logs -----------------------------------------------

export interface UploadLogsRequest {
  /** Free text, at most 1 MiB. */
  logs: string;
}

export interface UploadLogsResponse {
  /** Shown to the user to quote to their admin. */
  incidentId: string;
}

export const deviceRoutes = {
  enroll: () => `${DEVICE_API_PREFIX}/enroll`,
  signIn: (deviceId: string) => `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/signIn`,
  checkIn: (deviceId: string) => `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/checkIn`,
  updates: (deviceId: string) => `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/updates`,
  acknowledge: (deviceId: string, actionId: string) =>
    `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/actions/${encodeURIComponent(actionId)}/acknowledge`,
  logs: (deviceId: string) => `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/logs`,
  policyStates: (deviceId: string) => `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/policyStates`,
  acceptTerms: (deviceId: string, termsId: string) =>
    `${DEVICE_API_PREFIX}/devices/${encodeURIComponent(deviceId)}/termsAndConditions/${encodeURIComponent(termsId)}/accept`,
  package: (packageName: string, versionCode: number) =>
    `${DEVICE_API_PREFIX}/packages/${encodeURIComponent(packageName)}/${versionCode}`,
} as const;
