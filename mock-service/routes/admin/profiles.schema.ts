/** Schemas of /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles (Graph beta names). */
import { MAX_DEVICE_NAME_TEMPLATE_LENGTH } from "../../domain/device-name.js";
import { ENROLLMENT_MODES } from "../../store/profiles.js";
import type { ReadOnlyProperties } from "../../http/odata.js";
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, odataTypeProperty, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { BOOLEAN_OPS, EXACT_OPS, RANGE_OPS, TEXT_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";
import { TEXT_LIMITS } from "../../services/text-limits.js";

const enrollmentMode = {
  type: "string",
  enum: ENROLLMENT_MODES,
  description: "The simulator models AOSP profiles only.",
} as const;

const wifiSecurityType = { type: "string", enum: ["none", "wpa", "wep"] } as const;

/**
 * Properties an admin may write (create and patch); null, where `$metadata` declares a property
 * nullable, clears it to what a profile created without it holds.
 */
const writable = {
  ...odataTypeProperty,
  displayName: { type: "string", maxLength: TEXT_LIMITS.profile.displayName },
  description: { type: ["string", "null"], maxLength: TEXT_LIMITS.profile.description },
  enrollmentMode: { ...enrollmentMode, description: `Required on create: ${ENROLLMENT_MODES.join(" or ")}. ${enrollmentMode.description}` },
  tokenExpirationDateTime: { ...dateTime, type: ["string", "null"], description: "Create only (null: 90 days); later, createToken sets a new expiry." },
  configureWifi: { type: "boolean" },
  wifiSsid: { type: ["string", "null"], maxLength: 64 },
  wifiHidden: { type: "boolean" },
  wifiSecurityType,
  wifiPassword: { type: ["string", "null"], maxLength: 128 },
  isTeamsDeviceProfile: { type: "boolean" },
  roleScopeTagIds: { type: ["array", "null"], items: { type: "string", maxLength: 64 }, maxItems: 100 },
  deviceNameTemplate: { type: ["string", "null"], maxLength: MAX_DEVICE_NAME_TEMPLATE_LENGTH },
  enrollmentTokenType: { type: "string", enum: ["default"] },
} as const;

/**
 * Read-only properties in a PATCH (a GET-modify-PATCH round trip sends them back). Those that
 * never change are refused when changed; those the service changes on its own (a device enrolls,
 * createToken replaces the token, any write moves lastModifiedDateTime) are ignored, and named in
 * a Warning header when the value sent is not the current one. A create copied from Graph's
 * documentation sends them too: ignored.
 */
export const PROFILE_READ_ONLY: ReadOnlyProperties = {
  fixed: ["id", "accountId", "createdDateTime"],
  serviceSet: {
    tokenValue: "createToken issues a new token, revokeToken ends this one",
    tokenCreationDateTime: "createToken issues a new token",
    tokenExpirationDateTime: "call createToken with tokenValidityInSeconds to issue a token with a new expiry",
    enrolledDeviceCount: "it counts the devices enrolled with the profile",
    enrollmentTokenUsageCount: "it counts the enrollments with the current token",
    qrCodeContent: "it follows the token and the Wi-Fi settings",
    qrCodeImage: "it follows the token and the Wi-Fi settings",
    lastModifiedDateTime: "the profile was changed after the body was read",
  },
};


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

// Nullable ones take null in a write (clearing them); the others are never null, and say so.
const text: PropertyDef = { type: "string", filter: TEXT_OPS, orderBy: true };
const when: PropertyDef = { type: "dateTime", filter: RANGE_OPS, orderBy: true, nullable: false };
const count: PropertyDef = { type: "int", filter: RANGE_OPS, orderBy: true, nullable: false };
const flag: PropertyDef = { type: "boolean", filter: BOOLEAN_OPS, nullable: false };

/** Enrollment profiles as Intune serves them (Intune's page size). */
export const ENROLLMENT_PROFILES: CollectionDef = {
  contextPath: "deviceManagement/androidDeviceOwnerEnrollmentProfiles",
  entityType: "microsoft.graph.androidDeviceOwnerEnrollmentProfile",
  container: { navigationOf: "microsoft.graph.deviceManagement", name: "androidDeviceOwnerEnrollmentProfiles" },
  pageSize: 1000,
  maxTop: 1000,
  // Graph's resource page: "Supports: $select, $top, $skip" (androidDeviceOwnerEnrollmentProfile, deviceNameTemplate).
  skip: true,
  createdProperty: "createdDateTime",
  properties: {
    id: { type: "string", filter: EXACT_OPS, orderBy: true },
    accountId: { type: "string", nullable: false },
    displayName: { ...text, nullable: false },
    description: text,
    enrollmentMode: {
      type: "enum",
      edm: "microsoft.graph.androidDeviceOwnerEnrollmentMode",
      members: [
        "corporateOwnedDedicatedDevice", "corporateOwnedFullyManaged", "corporateOwnedWorkProfile",
        "corporateOwnedAOSPUserlessDevice", "corporateOwnedAOSPUserAssociatedDevice",
      ],
      filter: EXACT_OPS,
      orderBy: true,
      nullable: false,
    },
    enrollmentTokenType: {
      type: "enum",
      edm: "microsoft.graph.androidDeviceOwnerEnrollmentTokenType",
      members: ["default", "corporateOwnedDedicatedDeviceWithAzureADSharedMode", "deviceStaging"],
      filter: EXACT_OPS,
      nullable: false,
    },
    createdDateTime: when,
    lastModifiedDateTime: when,
    tokenValue: { type: "string", nullable: false },
    tokenCreationDateTime: when,
    // Nullable in a write (a create's null is the default validity); never null in an answer.
    tokenExpirationDateTime: { type: "dateTime", filter: RANGE_OPS, orderBy: true },
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
      nullable: false,
    },
    wifiHidden: flag,
    isTeamsDeviceProfile: flag,
    // Graph's property table: "Supports: $select, $top, $skip. $Search, $orderBy and $filter are not supported."
    deviceNameTemplate: { type: "string" },
    qrCodeContent: { type: "string", nullable: false },
    qrCodeImage: { type: "complex", edm: "microsoft.graph.mimeContent" },
  },
};

/**
 * The read-only properties a write may send back, each of the type a GET answers it with: a
 * value of another type is a mistake, not an earlier read (before, `"enrolledDeviceCount": "x"`
 * passed, named only in the Warning header).
 */
const readOnlyEchoes = Object.fromEntries(
  ["@odata.context", ...PROFILE_READ_ONLY.fixed, ...Object.keys(PROFILE_READ_ONLY.serviceSet)]
    .filter((name) => !(name in writable))
    .map((name) => [name, answeredAs(name)]),
);

/** The schema of `name` in a GET answer (profileSchema), null allowed where `$metadata` leaves it nullable. */
function answeredAs(name: string): object {
  const schema = (profileSchema.properties as Record<string, { type?: string }>)[name];
  if (schema?.type === undefined) return {};
  // The key is never null, whatever its property definition says (the entity type declares it so).
  const nullable = name !== "id" && ENROLLMENT_PROFILES.properties[name]?.nullable !== false;
  return nullable ? { ...schema, type: [schema.type, "null"] } : schema;
}

const route = routeFamily("admin: enrollment profiles", adminSecurity);

export const createProfileSchema = route({
  summary: "Create an AOSP enrollment profile (issues its first token)",
  // Graph's own examples send the read-only properties too; they are ignored, as Graph does.
  body: { type: "object", additionalProperties: false, required: ["displayName", "enrollmentMode"], properties: { ...writable, ...readOnlyEchoes } },
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
