/** Schemas of /beta/deviceManagement/managedDevices (Graph beta names). */
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { userParams } from "./users.schema.js";
import { EXACT_OPS, RANGE_OPS, TEXT_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";

const text = (filter = TEXT_OPS): PropertyDef => ({ type: "string", filter, orderBy: true });
/** An enum property: its members in order (valued 0, 1, ...), or each with Graph's value where Graph skips some. */
const enumOf = (edm: string, members: readonly string[] | Readonly<Record<string, number>>): PropertyDef =>
  Array.isArray(members)
    ? { type: "enum", edm, members, filter: EXACT_OPS, orderBy: true }
    : { type: "enum", edm, members: Object.keys(members), values: members as Readonly<Record<string, number>>, filter: EXACT_OPS, orderBy: true };
const when: PropertyDef = { type: "dateTime", filter: RANGE_OPS, orderBy: true };
/** A property Graph declares Nullable="false" (the mock always fills it). */
const notNull = (property: PropertyDef): PropertyDef => ({ ...property, nullable: false });

/** Graph beta's managementState values. */
export const MANAGEMENT_STATES = [
  "managed", "retirePending", "retireFailed", "wipePending", "wipeFailed", "unhealthy", "deletePending",
  "retireIssued", "wipeIssued", "wipeCanceled", "retireCanceled", "discovered", "unknownFutureValue",
] as const;

/** Graph's actionState values, the state of a deviceActionResult. */
export const ACTION_STATE_VALUES = ["none", "pending", "canceled", "active", "done", "failed", "notSupported"] as const;

/**
 * Graph beta's deviceEnrollmentType with its values (13 and 20 to 24 are unused)
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-deviceenrollmenttype?view=graph-rest-beta).
 */
const DEVICE_ENROLLMENT_TYPES = {
  unknown: 0, userEnrollment: 1, deviceEnrollmentManager: 2, appleBulkWithUser: 3, appleBulkWithoutUser: 4,
  windowsAzureADJoin: 5, windowsBulkUserless: 6, windowsAutoEnrollment: 7, windowsBulkAzureDomainJoin: 8,
  windowsCoManagement: 9, windowsAzureADJoinUsingDeviceAuth: 10, appleUserEnrollment: 11,
  appleUserEnrollmentWithServiceAccount: 12, azureAdJoinUsingAzureVmExtension: 14, androidEnterpriseDedicatedDevice: 15,
  androidEnterpriseFullyManaged: 16, androidEnterpriseCorporateWorkProfile: 17, androidAOSPUserOwnedDeviceEnrollment: 18,
  androidAOSPUserlessDeviceEnrollment: 19, appleAccountDrivenUserEnrollment: 25, unknownFutureValue: 26,
} as const;

/**
 * Graph beta's managementAgentType with its values
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-managementagenttype?view=graph-rest-beta).
 */
const MANAGEMENT_AGENTS = {
  eas: 1, mdm: 2, easMdm: 3, intuneClient: 4, easIntuneClient: 5, configurationManagerClient: 8,
  configurationManagerClientMdm: 10, configurationManagerClientMdmEas: 11, unknown: 16, jamf: 32,
  googleCloudDevicePolicyController: 64, microsoft365ManagedMdm: 258, msSense: 1024, intuneAosp: 2048, google: 8192, unknownFutureValue: 8193,
} as const;

/** Graph's complianceState with its values (inGracePeriod is 254, configManager 255). */
const COMPLIANCE_STATES = { unknown: 0, compliant: 1, noncompliant: 2, conflict: 3, error: 4, inGracePeriod: 254, configManager: 255 } as const;

/** Graph's deviceRegistrationState with its values (1 is unused). */
const DEVICE_REGISTRATION_STATES = {
  notRegistered: 0, registered: 2, revoked: 3, keyConflict: 4, approvalPending: 5, certificateReset: 6,
  notRegisteredPendingEnrollment: 7, unknown: 8,
} as const;

/**
 * managedDevices as Intune serves them: pages of 1,000 (Intune's page size for device lists;
 * `$top` up to 1,000), and `$filter` on the properties below.
 */
export const MANAGED_DEVICES: CollectionDef = {
  contextPath: "deviceManagement/managedDevices",
  entityType: "microsoft.graph.managedDevice",
  container: { navigationOf: "microsoft.graph.deviceManagement", name: "managedDevices" },
  pageSize: 1000,
  maxTop: 1000,
  createdProperty: "enrolledDateTime",
  // Intune's answer for a device with no category and no Exchange ActiveSync, as a real list shows
  // it (https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/2832).
  unset: { deviceCategoryDisplayName: "Unknown", exchangeAccessState: "none", exchangeAccessStateReason: "none" },
  properties: {
    id: { type: "string", filter: EXACT_OPS, orderBy: true },
    userId: text(EXACT_OPS),
    deviceName: text(),
    managedDeviceName: text(),
    serialNumber: text(),
    model: text(),
    manufacturer: text(),
    operatingSystem: text(),
    osVersion: { ...text(), filter: [...TEXT_OPS, "gt", "ge", "lt", "le"] },
    userPrincipalName: text(),
    userDisplayName: text(),
    emailAddress: text(),
    enrollmentProfileName: text(),
    deviceEnrollmentType: notNull(enumOf("microsoft.graph.deviceEnrollmentType", DEVICE_ENROLLMENT_TYPES)),
    managementAgent: notNull(enumOf("microsoft.graph.managementAgentType", MANAGEMENT_AGENTS)),
    managementState: notNull(enumOf("microsoft.graph.managementState", MANAGEMENT_STATES)),
    managedDeviceOwnerType: notNull(enumOf("microsoft.graph.managedDeviceOwnerType", ["unknown", "company", "personal"])),
    ownerType: notNull(enumOf("microsoft.graph.ownerType", ["unknown", "company", "personal"])),
    complianceState: notNull(enumOf("microsoft.graph.complianceState", COMPLIANCE_STATES)),
    complianceGracePeriodExpirationDateTime: notNull(when),
    azureADDeviceId: text(EXACT_OPS),
    azureADRegistered: { type: "boolean", filter: ["eq", "ne"] },
    deviceRegistrationState: notNull(enumOf("microsoft.graph.deviceRegistrationState", DEVICE_REGISTRATION_STATES)),
    enrolledDateTime: notNull(when),
    lastSyncDateTime: notNull(when),
    androidSecurityPatchLevel: text(),
    isEncrypted: { type: "boolean", filter: ["eq", "ne"], nullable: false },
    jailBroken: text(EXACT_OPS),
    // $select takes it; $filter and $orderby do not (a collection of a complex type).
    deviceActionResults: { type: "complex", edm: "Collection(microsoft.graph.deviceActionResult)" },
  },
};

/**
 * A user's managed devices (Graph's `/users/{id}/managedDevices`, the user's navigation to the
 * devices whose primary user they are): the same items and options as the tenant's list.
 */
export const USER_MANAGED_DEVICES: CollectionDef = {
  ...MANAGED_DEVICES,
  container: { navigationOf: "microsoft.graph.user", name: "managedDevices", contained: false },
  declaresType: false,
};

/** A device's detectedApps (Discovered apps): small lists, Intune's page size. */
export const DETECTED_APPS: CollectionDef = {
  contextPath: "deviceManagement/detectedApps",
  entityType: "microsoft.graph.detectedApp",
  // Not contained: Graph keeps detected apps in deviceManagement/detectedApps and refers to them.
  container: { navigationOf: "microsoft.graph.managedDevice", name: "detectedApps", contained: false },
  pageSize: 1000,
  maxTop: 1000,
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    displayName: text(),
    version: text(),
    sizeInByte: { type: "int", edm: "Edm.Int64", filter: RANGE_OPS, orderBy: true, nullable: false },
    deviceCount: { type: "int", filter: RANGE_OPS, orderBy: true, nullable: false },
    publisher: text(),
    platform: notNull(enumOf("microsoft.graph.detectedAppPlatformType", [
      "unknown", "windows", "windowsMobile", "windowsHolographic", "ios", "macOS", "chromeOS", "androidOSP",
      "androidDeviceAdministrator", "androidWorkProfile", "androidDedicatedAndFullyManaged", "unknownFutureValue",
    ])),
  },
};

export const managedDeviceSchema = {
  type: "object",
  // A $select of a property Graph declares and the mock does not simulate adds it (null, [] or
  // Graph's default): the serializer writes such properties as they are.
  additionalProperties: true,
  properties: {
    "@odata.context": { type: "string" },
    "@odata.type": { type: "string" },
    id: { type: "string" },
    userId: { type: "string" },
    deviceName: { type: "string" },
    managedDeviceName: { type: "string" },
    serialNumber: { type: "string" },
    model: { type: "string" },
    manufacturer: { type: "string" },
    operatingSystem: { type: "string" },
    osVersion: { type: "string" },
    userPrincipalName: { type: "string" },
    userDisplayName: { type: "string" },
    emailAddress: { type: "string" },
    enrollmentProfileName: { type: "string" },
    deviceEnrollmentType: { type: "string" },
    managementAgent: { type: "string" },
    managementState: { type: "string" },
    managedDeviceOwnerType: { type: "string" },
    ownerType: { type: "string" },
    complianceState: { type: "string" },
    complianceGracePeriodExpirationDateTime: dateTime,
    azureADDeviceId: { type: "string" },
    azureADRegistered: { type: "boolean" },
    deviceRegistrationState: { type: "string" },
    enrolledDateTime: dateTime,
    lastSyncDateTime: dateTime,
    androidSecurityPatchLevel: { type: ["string", "null"] },
    isEncrypted: { type: "boolean" },
    jailBroken: { type: "string", enum: ["True", "False", "Unknown"] },
    deviceActionResults: {
      type: "array",
      items: {
        type: "object",
        properties: {
          "@odata.type": { type: "string" },
          actionName: { type: "string" },
          actionState: { type: "string", enum: ACTION_STATE_VALUES },
          startDateTime: dateTime,
          lastUpdatedDateTime: dateTime,
          passcode: { type: ["string", "null"] },
          errorCode: { type: "integer" },
        },
      },
    },
  },
} as const;

export const detectedAppSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    displayName: { type: "string" },
    version: { type: "string" },
    sizeInByte: { type: "integer" },
    deviceCount: { type: "integer" },
    publisher: { type: ["string", "null"] },
    platform: { type: "string" },
  },
} as const;

/** Graph's obliterationBehavior members with their values (a wipe parameter of Macs; accepted and ignored here). */
export const OBLITERATION_BEHAVIORS = { default: 0, doNotObliterate: 1, obliterateWithWarning: 2, always: 3, unknownFutureValue: 999 } as const;

const route = routeFamily("admin: managed devices", adminSecurity);

export const listDevicesSchema = route({
  summary: "List managed devices, in pages of up to 1,000 (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(MANAGED_DEVICES),
  response: { 200: listOf(managedDeviceSchema), ...errors(400, 401) },
});

export const listUserDevicesSchema = route({
  summary: "The managed devices whose primary user is this user (id or userPrincipalName), as the tenant's list shows them (OData options)",
  params: userParams,
  querystring: listQuerystring(USER_MANAGED_DEVICES),
  response: { 200: listOf(managedDeviceSchema), ...errors(400, 401, 404) },
});

/** What one device's GET may put inline with `$expand`. */
export const DEVICE_EXPANDABLE = ["detectedApps"] as const;

export const getDeviceSchema = route({
  summary: "Get a managed device ($select; $expand=detectedApps puts its detected apps inline)",
  params: idParams,
  querystring: {
    ...entityQuerystring,
    properties: {
      ...entityQuerystring.properties,
      $expand: { type: "string", maxLength: 200, description: "detectedApps: the apps the device reported, as an array in the answer" },
    },
  },
  response: {
    200: { ...managedDeviceSchema, properties: { ...managedDeviceSchema.properties, detectedApps: { type: "array", items: detectedAppSchema } } },
    ...errors(400, 401, 404),
  },
});

export const wipeDeviceSchema = route({
  summary: "Wipe: wipePending until the device acknowledges its factory reset, then removed",
  params: idParams,
  body: {
    type: ["object", "null"],
    additionalProperties: false,
    description: "Graph's wipe parameters, accepted and ignored: an AOSP wipe is always a factory reset. Each may be null, as $metadata declares them.",
    properties: {
      keepEnrollmentData: { type: ["boolean", "null"] },
      keepUserData: { type: ["boolean", "null"] },
      macOsUnlockCode: { type: ["string", "null"], maxLength: 64 },
      obliterationBehavior: { type: ["string", "null"], enum: [...Object.keys(OBLITERATION_BEHAVIORS), null] },
      persistEsimDataPlan: { type: ["boolean", "null"] },
      useProtectedWipe: { type: ["boolean", "null"] },
    },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const rebootNowSchema = route({
  summary: "Restart (Intune's rebootNow): the device restarts at its next check-in; deviceActionResults shows the action until the device reports it done",
  params: idParams,
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const remoteLockSchema = route({
  summary:
    "Remote lock: the device locks its screen at its next check-in (without a passcode the screen only turns off); deviceActionResults shows the action until the device reports it done",
  params: idParams,
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const resetPasscodeSchema = route({
  summary:
    "Reset passcode: a new device passcode, shown in deviceActionResults (resetPasscodeActionResult.passcode), set by the device at its next check-in; it fails on a device with no password policy in force",
  params: idParams,
  response: { ...noContent, ...errors(400, 401, 404) },
});

/**
 * An Intune action AOSP devices do not take: a route only to answer Intune's refusal (after the
 * device's 404), so it is left out of /openapi.json, which lists what the mock serves.
 */
export const unsupportedActionSchema = (action: string) => ({
  ...route({
    summary: `${action}: not supported on Android (AOSP) devices; answered 400 BadRequest as Intune answers an action the device's platform does not take`,
    params: idParams,
    response: { ...errors(400, 401, 404) },
  }),
  hide: true,
});

export const deleteDeviceSchema = route({
  summary: "Delete: removed from the list at once; the device resets at its next check-in",
  params: idParams,
  response: { ...noContent, ...errors(401, 404) },
});

export const detectedAppsSchema = route({
  summary: "Apps the device reported at the end of enrollment and at each check-in, with versions (OData options)",
  params: idParams,
  querystring: listQuerystring(DETECTED_APPS),
  response: { 200: listOf(detectedAppSchema), ...errors(400, 401, 404) },
});
