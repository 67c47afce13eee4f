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

/**
 * True for the types an AOSP device enforces: device default, numeric and numeric complex. Besides
 * the seed's list, customPassword is not one either: the AOSP settings pages offer only device
 * default, numeric and numeric complex (and "password required, no restriction", a known issue).
 */
export function isEnforceablePasswordType(type: PasswordRequiredType): boolean {
  return type !== "customPassword" && !UNENFORCEABLE_PASSWORD_TYPES.includes(type);
}

/** Why an unenforceable password type is reported not applicable. */
export function unenforceablePasswordReason(type: PasswordRequiredType): string {
  if (type === "customPassword") {
    return "password type customPassword is not offered for Android (AOSP) devices (their settings offer device default, numeric and numeric complex); use numeric or numericComplex";
  }
  return `password type ${type} cannot be enforced on Android (AOSP) devices (a known limitation); use numeric or numericComplex`;
}

/**
 * The seed's known limitation "Device compliance reporting is not available for Android (AOSP)",
 * as Microsoft's AOSP compliance page words it: the compliance *reports* are missing, while each
 * device is still evaluated and marked compliant or noncompliant.
 */
export const COMPLIANCE_REPORTS_UNAVAILABLE =
  "Compliance reports are not available for Android (AOSP) devices (a known limitation): each device is still evaluated, and its compliance state and policy states show the verdict";

/**
 * The settings of an aospDeviceOwnerCompliancePolicy the device evaluates (absent: not
 * configured; a boolean set to false is not configured too, as the admin center shows it).
 */
export interface AospComplianceSettings {
  minAndroidSecurityPatchLevel?: string;
  osMaximumVersion?: string;
  osMinimumVersion?: string;
  passwordMinimumLength?: number;
  passwordMinutesOfInactivityBeforeLock?: number;
  passwordRequired?: boolean;
  passwordRequiredType?: PasswordRequiredType;
  securityBlockJailbrokenDevices?: boolean;
  storageRequireEncryption?: boolean;
}

/**
 * Compares two Android versions segment by segment as numbers ("10" < "10.1" < "14"; a missing
 * segment counts as 0); null when either is not dotted digits (an adb device's "unknown").
 */
export function compareOsVersions(a: string, b: string): number | null {
  const pattern = /^[0-9]+(\.[0-9]+)*$/;
  if (!pattern.test(a) || !pattern.test(b)) return null;
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Whether a policy's setting is configured, i.e. a setting the policy holds: in both AOSP policy
 * types null (or absent) and a boolean false are *Not configured* (Intune "doesn't change or
 * update this setting"), so the device neither applies nor reports them.
 */
export function isConfiguredSetting(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false;
}

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
