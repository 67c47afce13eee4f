/** Schemas of /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles (Graph beta names). */
import { ENROLLMENT_MODES } from "../../store/profiles.js";
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, odataTypeProperty, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { BOOLEAN_OPS, EXACT_OPS, RANGE_OPS, TEXT_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";

const enrollmentMode = {
  type: "string",
  enum: ENROLLMENT_MODES,
  description: "The simulator models AOSP profiles only.",
} as const;

const wifiSecurityType = { type: "string", enum: ["none", "wpa", "wep"] } as const;

/** Properties an admin may write (create and patch). */
const writable = {
  ...odataTypeProperty,
  displayName: { type: "string", maxLength: 200 },
  description: { type: "string", maxLength: 1500 },
  enrollmentMode,
  tokenExpirationDateTime: { ...dateTime, description: "Create only; later, createToken sets a new expiry." },
  configureWifi: { type: "boolean" },
  wifiSsid: { type: "string", maxLength: 64 },
  wifiHidden: { type: "boolean" },
  wifiSecurityType,
  wifiPassword: { type: "string", maxLength: 128 },
  isTeamsDeviceProfile: { type: "boolean" },
  roleScopeTagIds: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 100 },
  deviceNameTemplate: { type: "string", maxLength: 200 },
  enrollmentTokenType: { type: "string", enum: ["default"] },
} as const;

/**
 * Read-only properties. A create copied from Graph's documentation sends them: ignored. A
 * GET-modify-PATCH round trip sends them back: accepted unchanged, a change refused naming it.
 */
const READ_ONLY = [
  "id",
  "accountId",
  "tokenValue",
  "tokenCreationDateTime",
  "enrolledDeviceCount",
  "enrollmentTokenUsageCount",
  "qrCodeContent",
  "qrCodeImage",
  "createdDateTime",
  "lastModifiedDateTime",
] as const;

/** What a PATCH may only send back unchanged: the read-only properties and the token's expiry (createToken sets it). */
export const PATCH_READ_ONLY: readonly string[] = [...READ_ONLY, "tokenExpirationDateTime"];

const readOnlyEchoes = Object.fromEntries(["@odata.context", ...READ_ONLY].map((name) => [name, {}]));

export const profileSchema = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    "@odata.type": { type: "string" },
    id: { type: "string" },
    accountId: { type: "string" },
    displayName: { type: "string" },
    description: { type: "string" },
    enrollmentMode: { type: "string" },
    enrollmentTokenType: { type: "string" },
    createdDateTime: dateTime,
    lastModifiedDateTime: dateTime,
    tokenValue: { type: "string" },
    tokenCreationDateTime: dateTime,
    tokenExpirationDateTime: dateTime,
    enrolledDeviceCount: { type: "integer" },
    enrollmentTokenUsageCount: { type: "integer" },
    roleScopeTagIds: { type: "array", items: { type: "string" } },
    configureWifi: { type: "boolean" },
    wifiSsid: { type: "string" },
    wifiPassword: { type: "string" },
    wifiSecurityType: { type: "string" },
    wifiHidden: { type: "boolean" },
    isTeamsDeviceProfile: { type: "boolean" },
    deviceNameTemplate: { type: "string" },
    qrCodeContent: { type: "string", description: "Base64 of the provisioning JSON." },
    qrCodeImage: {
      type: "object",
      properties: {
        "@odata.type": { type: "string" },
        type: { type: "string" },
        value: { type: "string", description: "Base64 PNG." },
      },
    },
  },
} as const;

const text: PropertyDef = { type: "string", filter: TEXT_OPS, orderBy: true };
const when: PropertyDef = { type: "dateTime", filter: RANGE_OPS, orderBy: true };
const count: PropertyDef = { type: "int", filter: RANGE_OPS, orderBy: true };
const flag: PropertyDef = { type: "boolean", filter: BOOLEAN_OPS };

/** Enrollment profiles as Intune serves them (Intune's page size). */
export const ENROLLMENT_PROFILES: CollectionDef = {
  contextPath: "deviceManagement/androidDeviceOwnerEnrollmentProfiles",
  entityType: "microsoft.graph.androidDeviceOwnerEnrollmentProfile",
  container: { navigationOf: "microsoft.graph.deviceManagement", name: "androidDeviceOwnerEnrollmentProfiles" },
  pageSize: 1000,
  maxTop: 1000,
  createdProperty: "createdDateTime",
  properties: {
    id: { type: "string", filter: EXACT_OPS, orderBy: true },
    accountId: { type: "string" },
    displayName: text,
    description: text,
    enrollmentMode: {
      type: "enum",
      edm: "microsoft.graph.androidDeviceOwnerEnrollmentMode",
      members: [
        "corporateOwnedDedicatedDevice", "corporateOwnedFullyManaged", "corporateOwnedWorkProfile",
        "corporateOwnedAOSPUserlessDevice", "corporateOwnedAOSPUserAssociatedDevice", "unknownFutureValue",
      ],
      filter: EXACT_OPS,
      orderBy: true,
    },
    enrollmentTokenType: {
      type: "enum",
      edm: "microsoft.graph.androidDeviceOwnerEnrollmentTokenType",
      members: ["default", "corporateOwnedDedicatedDeviceWithAzureADSharedMode", "deviceStaging"],
      filter: EXACT_OPS,
    },
    createdDateTime: when,
    lastModifiedDateTime: when,
    tokenValue: { type: "string" },
    tokenCreationDateTime: when,
    tokenExpirationDateTime: when,
    enrolledDeviceCount: count,
    enrollmentTokenUsageCount: count,
    roleScopeTagIds: { type: "complex", edm: "Collection(Edm.String)" },
    configureWifi: flag,
    wifiSsid: text,
    wifiPassword: { type: "string" },
    wifiSecurityType: {
      type: "enum",
      edm: "microsoft.graph.aospWifiSecurityType",
      members: ["none", "wpa", "wep"],
      filter: EXACT_OPS,
    },
    wifiHidden: flag,
    isTeamsDeviceProfile: flag,
    deviceNameTemplate: text,
    qrCodeContent: { type: "string" },
    qrCodeImage: { type: "complex", edm: "microsoft.graph.mimeContent" },
  },
};

const route = routeFamily("admin: enrollment profiles", adminSecurity);

export const createProfileSchema = route({
  summary: "Create an AOSP enrollment profile (issues its first token)",
  // Graph's own examples send the read-only properties too; they are ignored, as Graph does.
  body: { type: "object", additionalProperties: false, properties: { ...writable, ...readOnlyEchoes } },
  response: { 201: profileSchema, ...errors(400, 401, 413, 415) },
});

export const listProfilesSchema = route({
  summary: "List enrollment profiles (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(ENROLLMENT_PROFILES),
  response: { 200: listOf(profileSchema), ...errors(400, 401) },
});

export const getProfileSchema = route({
  summary: "Get an enrollment profile, its token and QR code ($select=qrCodeImage for the image only)",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: profileSchema, ...errors(401, 404) },
});

export const patchProfileSchema = route({
  summary: "Update an enrollment profile",
  params: idParams,
  body: { type: "object", additionalProperties: false, properties: { ...writable, ...readOnlyEchoes } },
  response: { 200: profileSchema, ...errors(400, 401, 404, 413, 415) },
});

export const deleteProfileSchema = route({
  summary: "Delete an enrollment profile (its tokens stop working; enrolled devices stay)",
  params: idParams,
  response: { ...noContent, ...errors(401, 404) },
});

export const createTokenSchema = route({
  summary: "Replace the profile's token (the old one stops working)",
  params: idParams,
  body: {
    type: ["object", "null"],
    additionalProperties: false,
    // null, as no value: the default validity (90 days).
    properties: { tokenValidityInSeconds: { type: ["integer", "null"], minimum: 1, maximum: 2_147_483_647 } },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const revokeTokenSchema = route({
  summary: "Revoke the profile's token (it expires now)",
  params: idParams,
  response: { ...noContent, ...errors(401, 404) },
});
