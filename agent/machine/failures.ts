/**
 * What the device's screen says for each cause of failure. The provisioning lines are Android's
 * own (ManagedProvisioning's strings); the enrollment and sign-in lines are the agent's, in the
 * simulator's words. One table, so the timeline, the JSON report and the tests agree.
 */
import { DEVICE_ERROR_STATUS } from "../protocol/device-api.js";
import type { Failure, FindingSummary, StepFailure } from "./types.js";

const CONTACT_ADMIN = "For help, contact your IT admin.";

const SCREENS: Record<string, string> = {
  // Android's setup (ManagedProvisioning strings)
  invalidPayload: "Can't set up device. Contact your IT admin for help.",
  notJson: "Can't set up device. Contact your IT admin for help.",
  alreadyProvisioned: "Device is already set up",
  resetProtection: `Your device has reset protection turned on. ${CONTACT_ADMIN}`,
  wifiTimeout: "Couldn't connect to Wi-Fi",
  wifiAddFailed: "Couldn't connect to Wi-Fi",
  noNetwork: "Couldn't connect to Wi-Fi",
  // ConnectMobileNetworkTask's failure: the controller's generic title and message, and a reset.
  mobileDataTimeout: "Can't set up device. Contact your IT admin for help.",
  downloadFailed: "Couldn't download the admin app",
  checksumError: `Couldn't use the admin app due to a checksum error. ${CONTACT_ADMIN}`,
  packageInvalid: `Can't use the admin app. It's missing components or corrupted. ${CONTACT_ADMIN}`,
  adminComponentMissing: `Can't use the admin app. It's missing components or corrupted. ${CONTACT_ADMIN}`,
  packageNameMismatch: `Can't use the admin app. It's missing components or corrupted. ${CONTACT_ADMIN}`,
  adminAppMissing: `Can't use the admin app. It's missing components or corrupted. ${CONTACT_ADMIN}`,
  installFailed: "Couldn't install the admin app",
  deviceOwnerFailed: `Couldn't set up device. ${CONTACT_ADMIN}`,
  noQrCode: "Couldn't find a QR code. Point the camera at the setup QR code.",
  // The agent's enrollment screens
  enrollmentTokenMissing: "Couldn't enroll device: the QR code carries no enrollment token. Ask your IT admin for a new QR code.",
  serviceUrlMissing: "Couldn't enroll device: the QR code does not say which service to enroll with. Ask your IT admin for a new QR code.",
  tokenUnknown: "Couldn't enroll device: the enrollment token isn't valid. Ask your IT admin for a new QR code.",
  tokenExpired: "Couldn't enroll device: the enrollment token has expired. Ask your IT admin for a new QR code.",
  tokenRevoked: "Couldn't enroll device: the enrollment token was revoked. Ask your IT admin for a new QR code.",
  tokenReplaced: "Couldn't enroll device: the enrollment token was replaced by a newer one. Ask your IT admin for the new QR code.",
  profileDeleted: "Couldn't enroll device: the enrollment profile no longer exists. Contact your IT admin.",
  serviceUnavailable: "Couldn't reach the enrollment service: it is unavailable. Try again later.",
  serviceTimeout: "Couldn't reach the enrollment service: it did not answer in time. Try again later.",
  networkError: "Couldn't reach the enrollment service. Check the network and try again.",
  appInstallFailed: "Couldn't install a required app. Contact your IT admin.",
  // Sign-in
  invalidCredentials: "Your account or password is incorrect.",
  // Entra's words for a smart-lockout refusal (AADSTS50053).
  accountLocked: "Your account is temporarily locked to prevent unauthorized use. Try again later.",
  userNotLicensed: "You don't have a license to use Intune. Contact your IT admin.",
  accountDisabled: "Your account is disabled. Contact your IT admin.",
  // Entra's "Update your password" page, reached without a new password to type (enroll --new-password).
  passwordChangeRequired: "You need to update your password because this is the first time you are signing in. Enter a new password, or contact your IT admin.",
  newPasswordRefused: "Your new password doesn't meet your organization's password requirements, or it is your current password. Choose another one.",
  // Terms and conditions
  termsDeclined: "You need to accept your organization's terms and conditions to set up this device.",
  termsNotFound: "Couldn't record your acceptance of the terms. Contact your IT admin.",
  termsVersionChanged: "Your organization updated its terms and conditions. Review them again.",
};

/**
 * Every code a device's failure can carry: those with a screen above, the device API's refusals,
 * and the device's own step errors shown on the generic screen. An answer without a code is
 * `httpNNN` (agent/client/service-client.ts). A scenario's expect.failure is checked against them.
 */
export const FAILURE_CODES: readonly string[] = [
  ...new Set([...Object.keys(SCREENS), ...Object.keys(DEVICE_ERROR_STATUS), "cameraBlocked", "appNotInstalled", "mobileDataUnavailable", "internalError", "provisioningCrashed"]),
];

export function isFailureCode(code: string): boolean {
  return FAILURE_CODES.includes(code) || /^http\d{3}$/.test(code);
}

/** Codes for which "Try again" makes sense without a factory reset. */
const RETRYABLE_BY_USER = new Set(["serviceUnavailable", "serviceTimeout", "networkError", "internalError"]);

export function screenFor(code: string): string {
  return SCREENS[code] ?? `Something went wrong (${code}). ${CONTACT_ADMIN}`;
}

export function userMayRetry(code: string): boolean {
  return RETRYABLE_BY_USER.has(code);
}

export function failure(step: string, code: string, message: string, at: number, extra: Partial<Failure> = {}): Failure {
  return { code, screen: screenFor(code), message, step, at, ...extra };
}

/** The failure of a step an actor reported, on the screen its code stands for. */
export function failureFromStep(step: string, cause: StepFailure): Failure {
  const extra: Partial<Failure> = cause.status === undefined ? {} : { status: cause.status };
  return failure(step, cause.code, cause.message, cause.at, extra);
}

export function failureFromFinding(finding: FindingSummary, at: number): Failure {
  return failure("checkPayload", "invalidPayload", `${finding.path || "(payload)"}: ${finding.message}`, at, { finding });
}
