/** Schemas of /beta/deviceManagement/managedDevices (Graph beta names). */
import { adminSecurity, dateTime, errors, filterQuerystring, idParams, listOf, noContent, routeFamily } from "../../http/schemas.js";

export const managedDeviceSchema = {
  type: "object",
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
    azureADDeviceId: { type: "string" },
    azureADRegistered: { type: "boolean" },
    deviceRegistrationState: { type: "string" },
    enrolledDateTime: dateTime,
    lastSyncDateTime: dateTime,
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

const route = routeFamily("admin: managed devices", adminSecurity);

export const listDevicesSchema = route({
  summary: "List managed devices ($filter: userPrincipalName eq '...', and others)",
  querystring: filterQuerystring,
  response: { 200: listOf(managedDeviceSchema), ...errors(400, 401) },
});

export const getDeviceSchema = route({
  summary: "Get a managed device",
  params: idParams,
  response: { 200: managedDeviceSchema, ...errors(401, 404) },
});

export const wipeDeviceSchema = route({
  summary: "Wipe: wipePending until the device acknowledges its factory reset, then removed",
  params: idParams,
  body: {
    type: ["object", "null"],
    additionalProperties: false,
    description: "Graph's wipe parameters, accepted and ignored: an AOSP wipe is always a factory reset.",
    properties: {
      keepEnrollmentData: { type: "boolean" },
      keepUserData: { type: "boolean" },
      macOsUnlockCode: { type: "string", maxLength: 64 },
      obliterationBehavior: { type: "string", enum: ["default", "doNotObliterate", "obliterateWithWarning", "always", "unknownFutureValue"] },
      persistEsimDataPlan: { type: "boolean" },
      useProtectedWipe: { type: "boolean" },
    },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const deleteDeviceSchema = route({
  summary: "Delete: removed from the list at once; the device resets at its next check-in",
  params: idParams,
  response: { ...noContent, ...errors(401, 404) },
});

export const detectedAppsSchema = route({
  summary: "Apps the device reported at its last check-in, with versions",
  params: idParams,
  response: { 200: listOf(detectedAppSchema), ...errors(401, 404) },
});
