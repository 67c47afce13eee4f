/**
 * The device properties a dynamic group's membership rule may use (Entra ID "Rules for
 * devices"), and their values for a simulated device.
 *
 * Names compare case-insensitively (`device.devicemodel` works, as in Entra); the canonical
 * spelling is used in messages.
 */

export type PropertyType = "string" | "boolean";

export interface PropertyInfo {
  name: string;
  type: PropertyType;
}

/** What the evaluator reads: one value per canonical property name. */
export type DeviceFacts = Readonly<Record<string, string | boolean | null>>;

const STRING_PROPERTIES = [
  "objectId",
  "deviceId",
  "displayName",
  "deviceOSType",
  "deviceOSVersion",
  "deviceModel",
  "deviceManufacturer",
  "enrollmentProfileName",
  "deviceOwnership",
  "managementType",
  "deviceCategory",
  "deviceManagementAppId",
  "deviceTrustType",
  "profileType",
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
];
const BOOLEAN_PROPERTIES = ["accountEnabled", "isRooted"];

export const DEVICE_PROPERTIES: ReadonlyMap<string, PropertyInfo> = new Map([
  ...STRING_PROPERTIES.map((name): [string, PropertyInfo] => [name.toLowerCase(), { name, type: "string" }]),
  ...BOOLEAN_PROPERTIES.map((name): [string, PropertyInfo] => [name.toLowerCase(), { name, type: "boolean" }]),
]);

/** For messages: every property once, the extension attributes folded into one entry. */
export const PROPERTY_NAMES_FOR_HELP: readonly string[] = [
  ...STRING_PROPERTIES.filter((name) => !name.startsWith("extensionAttribute")),
  ...BOOLEAN_PROPERTIES,
  "extensionAttribute1..15",
];

export function lookupProperty(name: string): PropertyInfo | undefined {
  return DEVICE_PROPERTIES.get(name.toLowerCase());
}

/**
 * deviceOSType of a simulated AOSP device. Entra's documentation lists values such as
 * "AndroidForWork" and "AndroidEnterprise" but none for AOSP; "AndroidAOSP" is the simulator's
 * choice (it starts with "Android", so `-startsWith "Android"` rules behave as expected).
 */
export const AOSP_DEVICE_OS_TYPE = "AndroidAOSP";
/** Intune's MDM application ID in Entra (deviceManagementAppId of Intune-managed devices). */
export const INTUNE_MDM_APP_ID = "0000000a-0000-0000-c000-000000000000";

export interface SimulatedDevice {
  id: string;
  azureADDeviceId: string;
  deviceName: string;
  osVersion: string;
  model: string;
  manufacturer: string;
  enrollmentProfileName: string;
}

/** The facts of an enrolled, corporate-owned AOSP device. */
export function deviceFacts(device: SimulatedDevice): DeviceFacts {
  const facts: Record<string, string | boolean | null> = {
    objectId: device.id,
    deviceId: device.azureADDeviceId,
    displayName: device.deviceName,
    deviceOSType: AOSP_DEVICE_OS_TYPE,
    deviceOSVersion: device.osVersion,
    deviceModel: device.model,
    deviceManufacturer: device.manufacturer,
    enrollmentProfileName: device.enrollmentProfileName,
    deviceOwnership: "Company",
    managementType: "MDM",
    deviceCategory: null,
    deviceManagementAppId: INTUNE_MDM_APP_ID,
    deviceTrustType: "AzureAD",
    profileType: "RegisteredDevice",
    accountEnabled: true,
    isRooted: false,
  };
  for (let i = 1; i <= 15; i++) facts[`extensionAttribute${i}`] = null;
  return facts;
}
