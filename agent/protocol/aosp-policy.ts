/**
 * What Intune's AOSP policies hold and what an AOSP device can enforce, shared by the service
 * (which tells an admin at assignment) and the device (which reports what it could not apply).
 * Property names and values are Graph beta's (aospDeviceOwnerDeviceConfiguration,
 * aospDeviceOwnerCompliancePolicy, androidDeviceOwnerRequiredPasswordType).
 */

/** Graph's androidDeviceOwnerRequiredPasswordType. */
export const PASSWORD_REQUIRED_TYPES = [
  "deviceDefault",
  "required",
  "numeric",
  "numericComplex",
  "alphabetic",
  "alphanumeric",
  "alphanumericWithSymbols",
  "lowSecurityBiometric",
  "customPassword",
] as const;
export type PasswordRequiredType = (typeof PASSWORD_REQUIRED_TYPES)[number];

/**
 * The seed's known limitation: on AOSP these password types cannot be enforced ("password
 * required, no restriction", alphabetic, alphanumeric, alphanumeric with symbols, weak biometric).
 */
export const UNENFORCEABLE_PASSWORD_TYPES: readonly PasswordRequiredType[] = [
  "required",
  "alphabetic",
  "alphanumeric",
  "alphanumericWithSymbols",
  "lowSecurityBiometric",
];

export function isEnforceablePasswordType(type: PasswordRequiredType): boolean {
  return !UNENFORCEABLE_PASSWORD_TYPES.includes(type);
}

/** Why an unenforceable password type is reported not applicable. */
export function unenforceablePasswordReason(type: PasswordRequiredType): string {
  return `password type ${type} cannot be enforced on Android (AOSP) devices (a known limitation); use numeric or numericComplex`;
}

/** What the admin reads instead of a compliance verdict. */
export const COMPLIANCE_REPORTING_UNAVAILABLE =
  "Device compliance reporting is not available for Android (AOSP) devices: Intune shows no compliance verdict for them";

/** The settings of an aospDeviceOwnerDeviceConfiguration the device applies (null or absent: not configured). */
export interface AospConfigurationSettings {
  appsBlockInstallFromUnknownSources?: boolean | null;
  bluetoothBlockConfiguration?: boolean | null;
  bluetoothBlocked?: boolean | null;
  cameraBlocked?: boolean | null;
  factoryResetBlocked?: boolean | null;
  /** 4..16 */
  passwordMinimumLength?: number | null;
  passwordMinutesOfInactivityBeforeScreenTimeout?: number | null;
  passwordRequiredType?: PasswordRequiredType | null;
  /** 4..11 */
  passwordSignInFailureCountBeforeFactoryReset?: number | null;
  screenCaptureBlocked?: boolean | null;
  securityAllowDebuggingFeatures?: boolean | null;
  storageBlockExternalMedia?: boolean | null;
  storageBlockUsbFileTransfer?: boolean | null;
  wifiBlockEditConfigurations?: boolean | null;
}

export type AospConfigurationSetting = keyof AospConfigurationSettings;
