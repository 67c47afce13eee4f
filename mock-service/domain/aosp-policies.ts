/**
 * The two AOSP policy types the service keeps, as data: their Graph @odata.type, the entity set
 * they live in, and each setting's type and documented range. Routes build their JSON schemas
 * from it; the service stores only the settings an admin set.
 */
import type {
  AospDeviceOwnerCompliancePolicy,
  AospDeviceOwnerDeviceConfiguration,
  DeviceCompliancePolicy,
  DeviceConfiguration,
} from "@microsoft/microsoft-graph-types-beta";
import { PASSWORD_REQUIRED_TYPES } from "../../agent/protocol/aosp-policy.js";
import type { SettingStateReport } from "../../agent/protocol/device-api.js";
import type { DeviceRecord } from "../store/devices.js";
import type { ComplianceSettings } from "../store/tenant.js";
import type { PolicyKind } from "../store/policies.js";

export type SettingSpec =
  | { type: "boolean"; label: string }
  | { type: "integer"; label: string; minimum: number; maximum: number }
  | { type: "string"; label: string; enum?: readonly string[]; edm?: string; pattern?: string; format?: "date"; maxLength: number };

/**
 * The properties a Graph type adds to its base type: the settings tables below must name exactly
 * these (Microsoft's own typings check the spelling at compile time).
 */
type OwnSettings<T, Base> = Record<Exclude<keyof T, keyof Base>, SettingSpec>;

export interface PolicyType {
  kind: PolicyKind;
  /** Graph's @odata.type of the AOSP policy. */
  odataType: string;
  /** The collection under /beta/deviceManagement. */
  entitySet: "deviceConfigurations" | "deviceCompliancePolicies";
  /** What an error message calls one. */
  noun: string;
  /** Graph's type of its assignments. */
  assignmentType: "deviceConfigurationAssignment" | "deviceCompliancePolicyAssignment";
  settings: Record<string, SettingSpec>;
}

const INT32_MAX = 2_147_483_647;
const boolean = (label: string): SettingSpec => ({ type: "boolean", label });
// Graph's enum type of the setting: its members in Graph's order, valued 0 to 8.
const passwordType: SettingSpec = {
  type: "string",
  label: "Required password type",
  enum: PASSWORD_REQUIRED_TYPES,
  edm: "microsoft.graph.androidDeviceOwnerRequiredPasswordType",
  maxLength: 40,
};
const passwordLength: SettingSpec = { type: "integer", label: "Minimum password length", minimum: 4, maximum: 16 };
const version = (label: string): SettingSpec => ({ type: "string", label, maxLength: 32, pattern: "^[0-9]+(\\.[0-9]+){0,3}$" });

const CONFIGURATION_SETTINGS: OwnSettings<AospDeviceOwnerDeviceConfiguration, DeviceConfiguration> = {
  appsBlockInstallFromUnknownSources: boolean("Block installing apps from unknown sources"),
  bluetoothBlockConfiguration: boolean("Block Bluetooth configuration"),
  bluetoothBlocked: boolean("Block Bluetooth"),
  cameraBlocked: boolean("Block camera"),
  factoryResetBlocked: boolean("Block factory reset"),
  passwordMinimumLength: passwordLength,
  passwordMinutesOfInactivityBeforeScreenTimeout: {
    type: "integer",
    label: "Minutes of inactivity before the screen times out",
    minimum: 1,
    maximum: INT32_MAX,
  },
  passwordRequiredType: passwordType,
  passwordSignInFailureCountBeforeFactoryReset: {
    type: "integer",
    label: "Sign-in failures before factory reset",
    minimum: 4,
    maximum: 11,
  },
  screenCaptureBlocked: boolean("Block screen capture"),
  securityAllowDebuggingFeatures: boolean("Allow debugging features"),
  storageBlockExternalMedia: boolean("Block external media"),
  storageBlockUsbFileTransfer: boolean("Block USB file transfer"),
  wifiBlockEditConfigurations: boolean("Block editing Wi-Fi settings"),
};

export const CONFIGURATION_TYPE: PolicyType = {
  kind: "configuration",
  odataType: "#microsoft.graph.aospDeviceOwnerDeviceConfiguration",
  entitySet: "deviceConfigurations",
  noun: "deviceConfiguration",
  assignmentType: "deviceConfigurationAssignment",
  settings: CONFIGURATION_SETTINGS,
};

const COMPLIANCE_SETTINGS: OwnSettings<AospDeviceOwnerCompliancePolicy, DeviceCompliancePolicy> = {
  minAndroidSecurityPatchLevel: {
    type: "string",
    label: "Minimum security patch level",
    maxLength: 10,
    // YYYY-MM-DD, and a day the calendar has (JSON schema's "date": not 2024-02-30).
    format: "date",
  },
  osMaximumVersion: version("Maximum OS version"),
  osMinimumVersion: version("Minimum OS version"),
  passwordMinimumLength: passwordLength,
  passwordMinutesOfInactivityBeforeLock: {
    type: "integer",
    label: "Minutes of inactivity before a password is required",
    minimum: 1,
    maximum: 8640,
  },
  passwordRequired: boolean("Require a password to unlock"),
  passwordRequiredType: passwordType,
  securityBlockJailbrokenDevices: boolean("Block rooted devices"),
  storageRequireEncryption: boolean("Require encryption"),
};

export const COMPLIANCE_TYPE: PolicyType = {
  kind: "compliance",
  odataType: "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
  entitySet: "deviceCompliancePolicies",
  noun: "deviceCompliancePolicy",
  assignmentType: "deviceCompliancePolicyAssignment",
  settings: COMPLIANCE_SETTINGS,
};

export const POLICY_TYPES: Record<PolicyKind, PolicyType> = {
  configuration: CONFIGURATION_TYPE,
  compliance: COMPLIANCE_TYPE,
};

/** The JSON schema of one setting: its type or null (null clears it). */
export function settingSchema(spec: SettingSpec): Record<string, unknown> {
  switch (spec.type) {
    case "boolean":
      return { type: ["boolean", "null"], description: spec.label };
    case "integer":
      return { type: ["integer", "null"], minimum: spec.minimum, maximum: spec.maximum, description: `${spec.label} (${spec.minimum}..${spec.maximum})` };
    case "string":
      return {
        type: ["string", "null"],
        maxLength: spec.maxLength,
        ...(spec.enum ? { enum: [...spec.enum, null] } : {}),
        ...(spec.pattern ? { pattern: spec.pattern } : {}),
        ...(spec.format ? { format: spec.format } : {}),
        description: spec.label,
      };
  }
}

/** A policy's state on a device, as Graph's complianceStatus names it. */
export type PolicyState = "error" | "nonCompliant" | "conflict" | "compliant" | "notApplicable" | "unknown";

/**
 * A policy's state on a device from its settings' states, as Graph's deviceConfigurationState and
 * deviceCompliancePolicyState read: an error wins, then a noncompliant setting, then a conflict,
 * then an applied (or met) setting; nothing reported is unknown.
 */
export function policyStateOf(settings: readonly SettingStateReport[]): PolicyState {
  for (const state of ["error", "nonCompliant", "conflict", "compliant"] as const) {
    if (settings.some((s) => s.state === state)) return state;
  }
  return settings.length === 0 ? "unknown" : "notApplicable";
}

/**
 * Graph's complianceState of a device from its last compliance report and the tenant's compliance
 * policy settings, as Intune's built-in compliance policy has it: a device that has not checked
 * in for more than the validity period is noncompliant; one with no compliance policy assigned is
 * noncompliant under secureByDefault, else compliant; a noncompliant device reads inGracePeriod
 * until the grace period of its policies' block action ends.
 */
export function complianceStateOf(
  device: Pick<DeviceRecord, "compliance" | "enrolled" | "lastSync">,
  settings: ComplianceSettings,
  now: number,
): "unknown" | "compliant" | "noncompliant" | "inGracePeriod" {
  const compliance = device.compliance ?? { state: "unknown", graceEnds: null };
  const lastContact = Math.max(device.enrolled, device.lastSync);
  if (now - lastContact > settings.checkinThresholdDays * DAY_MS) return "noncompliant";
  if (compliance.state === "noPolicy") return settings.secureByDefault ? "noncompliant" : "compliant";
  if (compliance.state === "noncompliant" && compliance.graceEnds !== null && now < compliance.graceEnds) return "inGracePeriod";
  return compliance.state;
}

/** A day in milliseconds: the validity period is counted in days. */
const DAY_MS = 86_400_000;
