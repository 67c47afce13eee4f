/** Schemas of /beta/users, /beta/organization and /beta/subscribedSkus (Graph beta names). */
import { adminSecurity, dateTime, errors, listOf, noContent, odataTypeProperty, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { PROFILE_COLLECTIONS, PROFILE_TEXT, RETURNED_BY_DEFAULT } from "../../domain/user-profile.js";
import { BOOLEAN_OPS, DIRECTORY_TEXT_OPS, EXACT_OPS, RANGE_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";
import { TEXT_LIMITS } from "../../services/text-limits.js";

/**
 * The profile properties the mock keeps (domain/user-profile.ts): text filtered with eq, ne, in
 * and startswith (null too), as the user resource's table lists them; the string collections
 * take no $filter here (Graph filters them with the any lambda, which the mock does not serve).
 */
const PROFILE_PROPERTIES: Record<string, PropertyDef> = Object.fromEntries([
  ...PROFILE_TEXT.map((name) => [name, { type: "string", filter: ["eq", "ne", "in", "startswith"] } satisfies PropertyDef]),
  ...PROFILE_COLLECTIONS.map((name) => [name, { type: "complex", edm: "Collection(Edm.String)" } satisfies PropertyDef]),
]);

/**
 * Users as Entra ID serves them: pages of 100, `$top` up to 999; `ne`, `not`, `endswith` and
 * `$count` are advanced queries (ConsistencyLevel: eventual and $count=true).
 */
export const USERS: CollectionDef = {
  contextPath: "users",
  entityType: "microsoft.graph.user",
  container: { entitySet: "users" },
  baseType: "microsoft.graph.directoryObject",
  directory: true,
  pageSize: 100,
  maxTop: 999,
  createdProperty: "createdDateTime",
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    // Never null here, and null is refused in a write (mail, which the mock never fills, is null).
    accountEnabled: { type: "boolean", filter: BOOLEAN_OPS, nullable: false },
    displayName: { type: "string", filter: DIRECTORY_TEXT_OPS, orderBy: true, nullable: false },
    userPrincipalName: { type: "string", filter: DIRECTORY_TEXT_OPS, orderBy: true, nullable: false },
    mail: { type: "string", filter: DIRECTORY_TEXT_OPS },
    mailNickname: { type: "string", filter: DIRECTORY_TEXT_OPS, nullable: false },
    // Sorted only in an advanced query, as Entra ID's table of $orderby support says (docs/graph-directory-facts.md).
    createdDateTime: { type: "dateTime", filter: RANGE_OPS, orderBy: "advanced", nullable: false },
    assignedLicenses: { type: "complex", edm: "Collection(microsoft.graph.assignedLicense)" },
    ...PROFILE_PROPERTIES,
  },
  selectOnly: new Set([...PROFILE_TEXT, ...PROFILE_COLLECTIONS].filter((name) => !RETURNED_BY_DEFAULT.has(name))),
};

/** The tenant: one organization. */
export const ORGANIZATION: CollectionDef = {
  contextPath: "organization",
  entityType: "microsoft.graph.organization",
  container: { entitySet: "organization" },
  baseType: "microsoft.graph.directoryObject",
  directory: true,
  pageSize: 100,
  maxTop: 999,
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    displayName: { type: "string", filter: DIRECTORY_TEXT_OPS },
    mobileDeviceManagementAuthority: {
      type: "enum",
      edm: "microsoft.graph.mdmAuthority",
      members: ["unknown", "intune", "sccm", "office365"],
      filter: EXACT_OPS,
      nullable: false,
    },
    createdDateTime: { type: "dateTime", filter: RANGE_OPS },
  },
};

/** The tenant's licences. */
export const SUBSCRIBED_SKUS: CollectionDef = {
  contextPath: "subscribedSkus",
  entityType: "microsoft.graph.subscribedSku",
  container: { entitySet: "subscribedSkus" },
  pageSize: 100,
  maxTop: 999,
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    skuId: { type: "guid", filter: EXACT_OPS },
    skuPartNumber: { type: "string", filter: EXACT_OPS },
    appliesTo: { type: "string", filter: EXACT_OPS },
    capabilityStatus: { type: "string", filter: EXACT_OPS },
    servicePlans: { type: "complex", edm: "Collection(microsoft.graph.servicePlanInfo)" },
  },
};

const passwordProfile = {
  type: "object",
  required: ["password"],
  additionalProperties: false,
  properties: {
    password: { type: "string", maxLength: 256 },
    forceChangePasswordNextSignIn: { type: "boolean" },
    forceChangePasswordNextSignInWithMfa: { type: "boolean" },
  },
} as const;

/**
 * The profile properties in a create or a PATCH: null clears one (and an empty collection).
 * The lengths only bound a body; Entra ID's own limits are not simulated.
 */
const profileWrites = Object.fromEntries([
  ...PROFILE_TEXT.map((name) => [name, { type: ["string", "null"], maxLength: 1024 }]),
  ...PROFILE_COLLECTIONS.map((name) => [
    name,
    name === "businessPhones"
      ? { type: ["array", "null"], maxItems: 1, items: { type: "string", maxLength: 64 }, description: "One number at most, as in Graph" }
      : { type: ["array", "null"], maxItems: 100, items: { type: "string", maxLength: 256 } },
  ]),
]);

/** The profile properties in an answer. */
const profileAnswers = Object.fromEntries([
  ...PROFILE_TEXT.map((name) => [name, { type: ["string", "null"] }]),
  ...PROFILE_COLLECTIONS.map((name) => [name, { type: "array", items: { type: "string" } }]),
]);

export const userSchema = {
  type: "object",
  // A $select of a property Graph declares and the mock does not simulate adds it (null, [] or
  // Graph's default): the serializer writes such properties as they are.
  additionalProperties: true,
  properties: {
    "@odata.context": { type: "string" },
    id: { type: "string" },
    accountEnabled: { type: "boolean" },
    displayName: { type: "string" },
    userPrincipalName: { type: "string" },
    mail: { type: ["string", "null"] },
    mailNickname: { type: "string" },
    createdDateTime: dateTime,
    assignedLicenses: {
      type: "array",
      items: {
        type: "object",
        properties: { skuId: { type: "string" }, disabledPlans: { type: "array", items: { type: "string" } } },
      },
    },
    ...profileAnswers,
  },
} as const;

const route = routeFamily("admin: users and tenant", adminSecurity);
/** A user's key in a path: its object id or its user principal name. */
export const userParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 320, description: "Object id or userPrincipalName" } },
} as const;

/** Graph's *Create user*: accountEnabled, displayName, mailNickname, userPrincipalName and passwordProfile are required. */
export const createUserSchema = route({
  summary: "Create a user with a password",
  body: {
    type: "object",
    required: ["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"],
    additionalProperties: false,
    properties: {
      ...odataTypeProperty,
      accountEnabled: { type: "boolean" },
      displayName: { type: "string", minLength: 1, maxLength: TEXT_LIMITS.user.displayName },
      userPrincipalName: { type: "string", minLength: 3, maxLength: 113 },
      // Checked against Entra ID's rule by the service (domain/mail-nickname.ts), which says why.
      mailNickname: { type: "string" },
      passwordProfile,
      ...profileWrites,
    },
  },
  response: { 201: userSchema, ...errors(400, 401, 413, 415) },
});

export const listUsersSchema = route({
  summary: "List users, in pages of 100 (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(USERS),
  response: { 200: listOf(userSchema), ...errors(400, 401) },
});

export const getUserSchema = route({
  summary: "Get a user by id or userPrincipalName ($select)",
  params: userParams,
  querystring: entityQuerystring,
  response: { 200: userSchema, ...errors(401, 404) },
});

export const patchUserSchema = route({
  summary: "Update a user (displayName, accountEnabled, mailNickname, password, and profile properties: jobTitle, department, businessPhones, ...)",
  params: userParams,
  body: {
    type: "object",
    additionalProperties: false,
    properties: {
      ...odataTypeProperty,
      accountEnabled: { type: "boolean" },
      displayName: { type: "string", minLength: 1, maxLength: TEXT_LIMITS.user.displayName },
      // Checked against Entra ID's rule by the service (domain/mail-nickname.ts), which says why.
      mailNickname: { type: "string" },
      passwordProfile,
      ...profileWrites,
    },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const deleteUserSchema = route({
  summary: "Delete a user: its licences, group memberships and terms acceptances go; its devices stay enrolled with no primary user",
  params: userParams,
  response: { ...noContent, ...errors(401, 404) },
});

export const assignLicenseSchema = route({
  summary: "Add and remove licences (a user needs one that includes Intune to sign in on a device)",
  params: userParams,
  body: {
    type: "object",
    required: ["addLicenses", "removeLicenses"],
    additionalProperties: false,
    properties: {
      addLicenses: {
        type: "array",
        maxItems: 50,
        items: {
          type: "object",
          required: ["skuId"],
          additionalProperties: false,
          properties: {
            skuId: { type: "string", maxLength: 64 },
            disabledPlans: { type: "array", maxItems: 100, items: { type: "string", maxLength: 64 } },
          },
        },
      },
      removeLicenses: { type: "array", maxItems: 50, items: { type: "string", maxLength: 64 } },
    },
  },
  response: { 200: userSchema, ...errors(400, 401, 404) },
});

const organization = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    mobileDeviceManagementAuthority: { type: "string" },
    createdDateTime: dateTime,
  },
} as const;

export const organizationSchema = route({
  summary: "The tenant (its MDM authority is Intune)",
  querystring: listQuerystring(ORGANIZATION),
  response: { 200: listOf(organization), ...errors(401) },
});

export const getOrganizationSchema = route({
  summary: "The tenant by its id ($select)",
  params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  querystring: entityQuerystring,
  response: { 200: organization, ...errors(401, 404) },
});

export const subscribedSkusSchema = route({
  summary: "The tenant's licences (skuIds for assignLicense)",
  querystring: listQuerystring(SUBSCRIBED_SKUS),
  response: {
    200: listOf({
      type: "object",
      properties: {
        id: { type: "string" },
        skuId: { type: "string" },
        skuPartNumber: { type: "string" },
        appliesTo: { type: "string" },
        capabilityStatus: { type: "string" },
        servicePlans: {
          type: "array",
          items: {
            type: "object",
            properties: {
              servicePlanId: { type: "string" },
              servicePlanName: { type: "string" },
              provisioningStatus: { type: "string" },
              appliesTo: { type: "string" },
            },
          },
        },
      },
    }),
    ...errors(401),
  },
});
