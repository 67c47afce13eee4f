/**
 * What a device makes of the configuration policies it receives at check-in (pure: no I/O):
 * the restrictions to put in force, the password the user must set, how many failed unlocks
 * wipe the device, and the state of every setting to report back.
 *
 * Two configurations that set one setting to different values are in conflict, as Intune shows
 * it ("If a configuration policy setting conflicts with a setting in another configuration
 * policy, this conflict is shown in Intune. Manually resolve these conflicts."): the setting is
 * reported `conflict` in each of them, with that policy's own value. Intune does not say what the
 * device then enforces; the device keeps the most restrictive value (a restriction any policy
 * sets holds, the longest minimum length, the lowest failure count, the shortest screen timeout),
 * Intune's documented rule for conflicting app protection and compliance settings, so a conflict
 * never leaves the device less protected than either policy asks. A restriction set to false is
 * "Not configured" (Intune doesn't change or update the setting): it is neither applied nor
 * reported, and conflicts with nothing.
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
    for (const name of RESTRICTIONS) if (settings[name] === true) restrictions[name] = true;
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
  const states = configurations.map((c) => settingStates(c.settings));
  const conflicts = conflictingSettings(configurations, states);
  const report: PolicyStateReport = {
    configurations: configurations.map((c, i) => ({ id: c.id, version: c.version, settings: states[i]!.map((s) => (conflicts.has(s.setting) ? inConflict(s) : s)) })),
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

/** The settings that applied policies set to different values (a not-applicable setting reaches no device: it conflicts with none). */
function conflictingSettings(configurations: readonly AssignedConfiguration[], states: readonly SettingStateReport[][]): Set<string> {
  const values = new Map<string, Set<unknown>>();
  configurations.forEach(({ settings }, i) => {
    for (const state of states[i]!) {
      if (state.state !== "compliant") continue;
      const seen = values.get(state.setting) ?? new Set<unknown>();
      seen.add(settings[state.setting as AospConfigurationSetting]);
      values.set(state.setting, seen);
    }
  });
  return new Set([...values].filter(([, seen]) => seen.size > 1).map(([setting]) => setting));
}

function inConflict(state: SettingStateReport): SettingStateReport {
  return {
    ...state,
    state: "conflict",
    reason: "another configuration policy assigned to this device sets it to another value: resolve the conflict in the policies (the device enforces the most restrictive value)",
  };
}

/** Each configured setting of one policy, as the device reports it, with this policy's own value. */
function settingStates(settings: AospConfigurationSettings): SettingStateReport[] {
  const states: SettingStateReport[] = [];
  const type = settings.passwordRequiredType ?? undefined;
  const enforced = type === "numeric" || type === "numericComplex";
  for (const [name, value] of Object.entries(settings) as [AospConfigurationSetting, unknown][]) {
    if (value === null || value === undefined) continue;
    if ((RESTRICTIONS as readonly string[]).includes(name)) {
      // false is "Not configured": Intune leaves the setting alone, so there is nothing to report.
      if (value === true) states.push({ setting: name, state: "compliant", currentValue: restrictionWords(name as Restriction) });
      continue;
    }
    switch (name) {
      case "passwordRequiredType":
        states.push(passwordTypeState(value as PasswordRequiredType, settings.passwordMinimumLength ?? DEFAULT_MINIMUM_LENGTH));
        break;
      case "passwordMinimumLength":
        states.push(
          enforced
            ? { setting: name, state: "compliant", currentValue: String(value) }
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

function passwordTypeState(type: PasswordRequiredType, minimumLength: number): SettingStateReport {
  const setting = "passwordRequiredType";
  if (type === "deviceDefault") return { setting, state: "compliant", currentValue: "device default" };
  if (!isEnforceablePasswordType(type)) return { setting, state: "notApplicable", reason: unenforceablePasswordReason(type) };
  return { setting, state: "compliant", currentValue: `${type}, ${minimumLength} digits` };
}

/** What a restriction set to true does ("Allow debugging features" allows; the others block). */
function restrictionWords(name: Restriction): string {
  return name === "securityAllowDebuggingFeatures" ? "allowed" : "blocked";
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
  const settingsIn = (state: SettingStateReport["state"]) => [
    ...new Set(plan.report.configurations.flatMap((c) => c.settings.filter((s) => s.state === state).map((s) => s.setting))),
  ];
  const notApplicable = settingsIn("notApplicable");
  if (notApplicable.length > 0) parts.push(`not applicable on AOSP: ${notApplicable.join(", ")}`);
  const conflicts = settingsIn("conflict");
  if (conflicts.length > 0) parts.push(`in conflict between policies (most restrictive enforced): ${conflicts.join(", ")}`);
  const names = configurations.map((c) => `"${c.displayName}"`).join(", ");
  return `${configurations.length === 1 ? "policy" : "policies"} ${names} applied${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
}
