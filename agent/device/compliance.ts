/**
 * What a device makes of the compliance policies it receives at check-in (pure: no I/O): each
 * setting compliant, nonCompliant (with what the device has) or notApplicable (what the simulated
 * device cannot know or enforce), from the device's own facts. Microsoft's AOSP compliance page
 * (docs/provisioning-facts.md §4) gives the rules: below the minimum OS version or the minimum
 * security patch level, above the maximum OS version, rooted with "Block", no password when one
 * is required: noncompliant. Encryption: "Devices are encrypted when you set the Require a
 * password to unlock mobile devices setting equal to Yes", so storage counts as encrypted once
 * the device has a password.
 */
import {
  type AospComplianceSettings,
  compareOsVersions,
  unenforceablePasswordReason,
} from "../protocol/aosp-policy.js";
import type { AssignedCompliancePolicy, PolicyStateReport, SettingStateReport } from "../protocol/device-api.js";
import { meetsRequirement } from "./policy-plan.js";

/** What the device is, as a compliance evaluation reads it. */
export interface ComplianceFacts {
  osVersion: string;
  /** YYYY-MM-DD; null when the device does not know it. */
  securityPatchLevel: string | null;
  rooted: boolean;
  /** The device password the user set (null: none). */
  password: string | null;
  /** The screen timeout a configuration put in force, in minutes (null: none). */
  screenTimeoutMinutes: number | null;
}

/** The evaluation of every assigned compliance policy, as the device reports it. */
export type ComplianceReport = NonNullable<PolicyStateReport["compliancePolicies"]>;

/** Each assigned policy evaluated against the facts. */
export function evaluateCompliance(policies: readonly AssignedCompliancePolicy[], facts: ComplianceFacts): ComplianceReport {
  return policies.map((p) => ({ id: p.id, version: p.version, settings: evaluatePolicy(p.settings, facts) }));
}

/** One line for the timeline: the verdict, and each noncompliant setting with its reason. */
export function describeCompliance(report: ComplianceReport, policies: readonly AssignedCompliancePolicy[]): string {
  if (report.length === 0) return "no compliance policy applies any more";
  const failures = report.flatMap((p) => p.settings.filter((s) => s.state === "nonCompliant").map((s) => s.reason ?? s.setting));
  const names = policies.map((p) => `"${p.displayName}"`).join(", ");
  return failures.length === 0 ? `compliant with ${names}` : `not compliant with ${names}: ${failures.join("; ")}`;
}

function evaluatePolicy(settings: AospComplianceSettings, facts: ComplianceFacts): SettingStateReport[] {
  const states: SettingStateReport[] = [];
  const { osMinimumVersion, osMaximumVersion, minAndroidSecurityPatchLevel: patch } = settings;
  if (osMinimumVersion !== undefined) {
    states.push(osVersionState("osMinimumVersion", facts.osVersion, osMinimumVersion, (c) => c >= 0, `below the minimum ${osMinimumVersion}`));
  }
  if (osMaximumVersion !== undefined) {
    states.push(osVersionState("osMaximumVersion", facts.osVersion, osMaximumVersion, (c) => c <= 0, `above the maximum ${osMaximumVersion}`));
  }
  if (patch !== undefined) states.push(patchState(patch, facts.securityPatchLevel));
  if (settings.securityBlockJailbrokenDevices === true) {
    states.push(verdict("securityBlockJailbrokenDevices", !facts.rooted, facts.rooted ? "rooted" : "not rooted", "the device is rooted"));
  }
  const hasPassword = facts.password !== null;
  if (settings.passwordRequired === true) {
    states.push(verdict("passwordRequired", hasPassword, hasPassword ? "password set" : "no password", "the device has no password to unlock it"));
  }
  if (settings.storageRequireEncryption === true) {
    states.push(
      verdict("storageRequireEncryption", hasPassword, hasPassword ? "encrypted" : "not encrypted", "storage is not encrypted: the device has no password"),
    );
  }
  const type = settings.passwordRequiredType;
  if (type !== undefined) states.push(passwordTypeState(settings, facts.password));
  if (settings.passwordMinimumLength !== undefined) states.push(lengthState(settings, facts.password));
  const lock = settings.passwordMinutesOfInactivityBeforeLock;
  if (lock !== undefined) {
    const timeout = facts.screenTimeoutMinutes;
    states.push(
      timeout === null
        ? { setting: "passwordMinutesOfInactivityBeforeLock", state: "nonCompliant", currentValue: "no screen timeout", reason: `no screen timeout of at most ${lock} min is in force` }
        : verdict("passwordMinutesOfInactivityBeforeLock", timeout <= lock, `${timeout} min`, `the screen locks after ${timeout} min, more than ${lock}`),
    );
  }
  return states;
}

function verdict(setting: string, ok: boolean, currentValue: string, reason: string): SettingStateReport {
  return ok ? { setting, state: "compliant", currentValue } : { setting, state: "nonCompliant", currentValue, reason };
}

function osVersionState(setting: string, device: string, limit: string, ok: (comparison: number) => boolean, words: string): SettingStateReport {
  const comparison = compareOsVersions(device, limit);
  if (comparison === null) return { setting, state: "notApplicable", reason: `the device reports OS version "${device}", which compares with no version` };
  return verdict(setting, ok(comparison), device, `OS version ${device} is ${words}`);
}

function patchState(minimum: string, level: string | null): SettingStateReport {
  const setting = "minAndroidSecurityPatchLevel";
  if (level === null) return { setting, state: "notApplicable", reason: "the device does not know its security patch level" };
  // Both are YYYY-MM-DD: they compare as text.
  return verdict(setting, level >= minimum, level, `security patch level ${level} is older than ${minimum}`);
}

function passwordTypeState(settings: AospComplianceSettings, password: string | null): SettingStateReport {
  const setting = "passwordRequiredType";
  const type = settings.passwordRequiredType!;
  if (type === "deviceDefault") {
    return { setting, state: "notApplicable", reason: "device default: Intune evaluates a password's strength only for numeric or numericComplex" };
  }
  if (type !== "numeric" && type !== "numericComplex") return { setting, state: "notApplicable", reason: unenforceablePasswordReason(type) };
  const ok = password !== null && meetsRequirement(password, { type, minimumLength: 0 });
  return verdict(setting, ok, password === null ? "no password" : type, password === null ? "the device has no password" : `the device password is not ${type}`);
}

function lengthState(settings: AospComplianceSettings, password: string | null): SettingStateReport {
  const setting = "passwordMinimumLength";
  const type = settings.passwordRequiredType;
  if (type !== "numeric" && type !== "numericComplex") {
    return { setting, state: "notApplicable", reason: "a minimum length is only evaluated with password type numeric or numericComplex" };
  }
  const minimum = settings.passwordMinimumLength!;
  const length = password?.length ?? 0;
  return verdict(setting, length >= minimum, `${length} digits`, `the device password has ${length} digits, fewer than ${minimum}`);
}

/** Android's form of a security patch level (Build.VERSION.SECURITY_PATCH): YYYY-MM-DD. */
export function isSecurityPatchLevel(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text);
}

/**
 * The security patch level a virtual device reports: the one its Android release shipped with
 * (the virtual devices never receive a security update); null for a release not listed. The
 * dates are the first security patch level of each release on its launch day.
 */
export function virtualSecurityPatchLevel(osVersion: string): string | null {
  return FIRST_PATCH_LEVELS[osVersion.split(".")[0]!] ?? null;
}

/** Android release to the security patch level it launched with. */
const FIRST_PATCH_LEVELS: Record<string, string> = {
  "9": "2018-08-05",
  "10": "2019-09-05",
  "11": "2020-09-05",
  "12": "2021-10-05",
  "13": "2022-08-05",
  "14": "2023-10-05",
};
