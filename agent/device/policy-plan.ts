/**
 * What a device makes of the configuration policies it receives at check-in (pure: no I/O):
 * the restrictions to put in force, the password the user must set, how many failed unlocks
 * wipe the device, and the state of every setting to report back. Several policies combine the
 * way Android's DevicePolicyManager does: a restriction any policy sets holds, the longest
 * minimum length and the lowest failure count win.
 *
 * The seed's known limitation: AOSP devices cannot enforce the password types "required" (no
 * restriction), alphabetic, alphanumeric, alphanumeric with symbols and weak biometric; such a
 * setting is reported not applicable, with the reason, and the device does not enforce it.
 */
import { counted } from "../protocol/counted.js";
import {
  type AospConfigurationSetting,
  type AospConfigurationSettings,
  isEnforceablePasswordType,
  type PasswordRequiredType,
  unenforceablePasswordReason,
} from "../protocol/aosp-policy.js";
import type { AssignedConfiguration, PolicyStateReport, SettingStateReport } from "../protocol/device-api.js";

/** The on/off restrictions of an AOSP configuration, by their Graph names. */
export const RESTRICTIONS = [
  "appsBlockInstallFromUnknownSources",
  "bluetoothBlockConfiguration",
  "bluetoothBlocked",
  "cameraBlocked",
  "factoryResetBlocked",
  "screenCaptureBlocked",
  "securityAllowDebuggingFeatures",
  "storageBlockExternalMedia",
  "storageBlockUsbFileTransfer",
  "wifiBlockEditConfigurations",
] as const satisfies readonly AospConfigurationSetting[];
export type Restriction = (typeof RESTRICTIONS)[number];

/** The password the device requires: only the enforceable (numeric) kinds. */
export interface PasswordRequirement {
  type: "numeric" | "numericComplex";
  minimumLength: number;
}

export interface PolicyPlan {
  /** Restrictions in force (true: the restriction holds, e.g. the camera is blocked). */
  restrictions: Partial<Record<Restriction, boolean>>;
  password: PasswordRequirement | null;
  /** Failed unlocks that wipe the device; null: no limit. */
  failedUnlocksBeforeWipe: number | null;
  screenTimeoutMinutes: number | null;
  /** What to report for each configuration (POST policyStates). */
  report: PolicyStateReport;
}

/** Android's own floor when a numeric password is required without a length. */
const DEFAULT_MINIMUM_LENGTH = 4;

export function planConfigurations(configurations: readonly AssignedConfiguration[]): PolicyPlan {
  const restrictions: PolicyPlan["restrictions"] = {};
  let password: PasswordRequirement | null = null;
  let failures: number | null = null;
  let timeout: number | null = null;
  for (const { settings } of configurations) {
    for (const name of RESTRICTIONS) {
      if (typeof settings[name] === "boolean") restrictions[name] = (restrictions[name] ?? false) || settings[name];
    }
    const type = settings.passwordRequiredType;
    if (type === "numeric" || type === "numericComplex") {
      password = strictest(password, { type, minimumLength: settings.passwordMinimumLength ?? DEFAULT_MINIMUM_LENGTH });
    }
    if (typeof settings.passwordSignInFailureCountBeforeFactoryReset === "number") {
      failures = Math.min(failures ?? Infinity, settings.passwordSignInFailureCountBeforeFactoryReset);
    }
    if (typeof settings.passwordMinutesOfInactivityBeforeScreenTimeout === "number") {
      timeout = Math.min(timeout ?? Infinity, settings.passwordMinutesOfInactivityBeforeScreenTimeout);
    }
  }
  const report: PolicyStateReport = {
    configurations: configurations.map((c) => ({ id: c.id, version: c.version, settings: settingStates(c.settings, password) })),
  };
  return { restrictions, password, failedUnlocksBeforeWipe: failures, screenTimeoutMinutes: timeout, report };
}

function strictest(a: PasswordRequirement | null, b: PasswordRequirement): PasswordRequirement {
  if (!a) return b;
  return {
    type: a.type === "numericComplex" || b.type === "numericComplex" ? "numericComplex" : "numeric",
    minimumLength: Math.max(a.minimumLength, b.minimumLength),
  };
}

/** Each configured setting of one policy, as the device reports it. */
function settingStates(settings: AospConfigurationSettings, password: PasswordRequirement | null): SettingStateReport[] {
  const states: SettingStateReport[] = [];
  const type = settings.passwordRequiredType ?? undefined;
  const enforced = type !== undefined && (type === "numeric" || type === "numericComplex");
  for (const [name, value] of Object.entries(settings) as [AospConfigurationSetting, unknown][]) {
    if (value === null || value === undefined) continue;
    if ((RESTRICTIONS as readonly string[]).includes(name)) {
      states.push({ setting: name, state: "compliant", currentValue: restrictionWords(name as Restriction, value === true) });
      continue;
    }
    switch (name) {
      case "passwordRequiredType":
        states.push(passwordTypeState(value as PasswordRequiredType, password));
        break;
      case "passwordMinimumLength":
        states.push(
          enforced && password
            ? { setting: name, state: "compliant", currentValue: String(password.minimumLength) }
            : {
                setting: name,
                state: "notApplicable",
                reason: "a minimum length is only enforced with password type numeric or numericComplex on Android (AOSP) devices",
              },
        );
        break;
      case "passwordSignInFailureCountBeforeFactoryReset":
        states.push({ setting: name, state: "compliant", currentValue: `wipe after ${String(value)} failed unlocks` });
        break;
      case "passwordMinutesOfInactivityBeforeScreenTimeout":
        states.push({ setting: name, state: "compliant", currentValue: `${String(value)} min` });
        break;
    }
  }
  return states;
}

function passwordTypeState(type: PasswordRequiredType, password: PasswordRequirement | null): SettingStateReport {
  const setting = "passwordRequiredType";
  if (type === "deviceDefault") return { setting, state: "compliant", currentValue: "device default" };
  if (!isEnforceablePasswordType(type)) return { setting, state: "notApplicable", reason: unenforceablePasswordReason(type) };
  if (type === "customPassword") {
    return { setting, state: "notApplicable", reason: "custom password complexity is not modelled by the simulated device" };
  }
  return { setting, state: "compliant", currentValue: password ? `${password.type}, ${password.minimumLength} digits` : type };
}

function restrictionWords(name: Restriction, on: boolean): string {
  if (name === "securityAllowDebuggingFeatures") return on ? "allowed" : "blocked";
  return on ? "blocked" : "allowed";
}

/**
 * A password the simulated user picks to meet the requirement: digits without a sequence of
 * four (same step, repeated digits included), so it satisfies numericComplex as well.
 */
export function compliantPassword(requirement: PasswordRequirement): string {
  const digits = "3819274650";
  let password = "";
  while (password.length < requirement.minimumLength) password += digits;
  return password.slice(0, requirement.minimumLength);
}

/** Android allows numericComplex passwords whose longest digit sequence is at most this long. */
const MAX_ALLOWED_SEQUENCE = 3;

/** True when the password meets the requirement (Android's checks for the numeric kinds). */
export function meetsRequirement(password: string, requirement: PasswordRequirement): boolean {
  if (!/^[0-9]+$/.test(password) || password.length < requirement.minimumLength) return false;
  return requirement.type === "numeric" || longestSequence(password) <= MAX_ALLOWED_SEQUENCE;
}

/**
 * The longest run of digits that go up or down by the same step, repeats included ("1111",
 * "1234", "9753"), as Android's PasswordMetrics.maxLengthSequence measures it for digits.
 */
function longestSequence(digits: string): number {
  let longest = Math.min(digits.length, 2);
  let run = 2;
  for (let i = 2; i < digits.length; i++) {
    const step = digits.charCodeAt(i) - digits.charCodeAt(i - 1);
    run = step === digits.charCodeAt(i - 1) - digits.charCodeAt(i - 2) ? run + 1 : 2;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** One line for the timeline: what the check-in changed on the device. */
export function describePlan(plan: PolicyPlan, configurations: readonly AssignedConfiguration[]): string {
  const parts: string[] = [];
  const blocked = RESTRICTIONS.filter((r) => r !== "securityAllowDebuggingFeatures" && plan.restrictions[r]);
  if (plan.restrictions.cameraBlocked) parts.push("camera blocked");
  const others = blocked.filter((r) => r !== "cameraBlocked");
  if (others.length > 0) parts.push(counted(others.length, "other restriction"));
  if (plan.password) parts.push(`${plan.password.type} password of ${plan.password.minimumLength} required`);
  if (plan.failedUnlocksBeforeWipe !== null) parts.push(`wipe after ${plan.failedUnlocksBeforeWipe} failed unlocks`);
  const notApplicable = plan.report.configurations.flatMap((c) => c.settings.filter((s) => s.state === "notApplicable").map((s) => s.setting));
  if (notApplicable.length > 0) parts.push(`not applicable on AOSP: ${[...new Set(notApplicable)].join(", ")}`);
  const names = configurations.map((c) => `"${c.displayName}"`).join(", ");
  return `${configurations.length === 1 ? "policy" : "policies"} ${names} applied${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
}
