/** Schemas of /beta/groups (Graph beta names). */
import { MAX_RULE_LENGTH } from "../../membership-rule/index.js";
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, odataTypeProperty, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { BOOLEAN_OPS, DIRECTORY_TEXT_OPS, EXACT_OPS, RANGE_OPS, type CollectionDef } from "../../odata/model.js";
import { TEXT_LIMITS } from "../../services/text-limits.js";

/** Groups as Entra ID serves them: pages of 100, `$top` up to 999, advanced queries as for users. */
export const GROUPS: CollectionDef = {
  contextPath: "groups",
  entityType: "microsoft.graph.group",
  container: { entitySet: "groups" },
  baseType: "microsoft.graph.directoryObject",
  directory: true,
  pageSize: 100,
  maxTop: 999,
  createdProperty: "createdDateTime",
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    // Never null, and null is refused in a write; description, membershipRule and its state are nullable.
    displayName: { type: "string", filter: DIRECTORY_TEXT_OPS, orderBy: true, nullable: false },
    description: { type: "string", filter: DIRECTORY_TEXT_OPS },
    mailEnabled: { type: "boolean", filter: BOOLEAN_OPS, nullable: false },
    mailNickname: { type: "string", filter: DIRECTORY_TEXT_OPS, nullable: false },
    securityEnabled: { type: "boolean", filter: BOOLEAN_OPS, nullable: false },
    groupTypes: { type: "complex", edm: "Collection(Edm.String)" },
    membershipRule: { type: "string", filter: DIRECTORY_TEXT_OPS },
    membershipRuleProcessingState: { type: "string", filter: EXACT_OPS },
    // Entra ID sorts groups by displayName only (deletedDateTime among deleted items): not by createdDateTime.
    createdDateTime: { type: "dateTime", filter: RANGE_OPS, nullable: false },
  },
};

/**
 * A group's members: directoryObjects (users and devices, told apart by @odata.type), pages of
 * 100 as Entra ID serves them. The properties are those of users and devices the list shows.
 */
export const GROUP_MEMBERS: CollectionDef = {
  contextPath: "directoryObjects",
  entityType: "microsoft.graph.directoryObject",
  // Not contained: members live in directoryObjects (their @odata.id points there).
  container: { navigationOf: "microsoft.graph.group", name: "members", contained: false },
  declaresType: false,
  directory: true,
  pageSize: 100,
  maxTop: 999,
  properties: {
    id: { type: "string", filter: EXACT_OPS },
    displayName: { type: "string", filter: DIRECTORY_TEXT_OPS, orderBy: true },
    userPrincipalName: { type: "string", filter: DIRECTORY_TEXT_OPS },
    deviceId: { type: "string", filter: EXACT_OPS },
    operatingSystem: { type: "string", filter: DIRECTORY_TEXT_OPS },
    operatingSystemVersion: { type: "string", filter: DIRECTORY_TEXT_OPS },
    model: { type: "string", filter: DIRECTORY_TEXT_OPS },
    manufacturer: { type: "string", filter: DIRECTORY_TEXT_OPS },
  },
};

/** A group's owners: users (directoryObjects of type user), as Graph's List group owners answers them. */
export const GROUP_OWNERS: CollectionDef = {
  ...GROUP_MEMBERS,
  container: { navigationOf: "microsoft.graph.group", name: "owners", contained: false },
};

/** A group's properties beyond a directory object's id and displayName: a group answers them, and so does a nested group in a members list. */
const groupOwnProperties = {
  description: { type: ["string", "null"] },
  mailEnabled: { type: "boolean" },
  mailNickname: { type: "string" },
  securityEnabled: { type: "boolean" },
  groupTypes: { type: "array", items: { type: "string" } },
  membershipRule: { type: ["string", "null"] },
  membershipRuleProcessingState: { type: ["string", "null"] },
  createdDateTime: dateTime,
} as const;

export const groupSchema = {
  type: "object",
  // A $select of a property Graph declares and the mock does not simulate adds it (null, [] or
  // Graph's default): the serializer writes such properties as they are.
  additionalProperties: true,
  properties: {
    "@odata.context": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    ...groupOwnProperties,
  },
} as const;

/**
 * The rule's own length is checked by the parser (with a message that names the limit); the
 * schema only stops absurd bodies.
 */
const writable = {
  ...odataTypeProperty,
  displayName: { type: "string", maxLength: TEXT_LIMITS.group.displayName },
  description: { type: ["string", "null"], maxLength: TEXT_LIMITS.group.description },
  mailEnabled: { type: "boolean" },
  mailNickname: { type: "string", maxLength: 64 },
  securityEnabled: { type: "boolean" },
  groupTypes: { type: "array", maxItems: 4, items: { type: "string", enum: ["DynamicMembership", "Unified"] } },
  membershipRule: {
    type: ["string", "null"],
    maxLength: MAX_RULE_LENGTH * 4,
    description: `Entra membership rule language, device properties; at most ${MAX_RULE_LENGTH} characters.`,
  },
  // null: as a group created without it (On for a dynamic group; an assigned group has none).
  membershipRuleProcessingState: { type: ["string", "null"], enum: ["On", "Paused", null] },
  // Graph's create-with-members and add-up-to-20-members-in-one-PATCH; the service counts them
  // (a message that names the limit), the schema only stops absurd bodies.
  "members@odata.bind": {
    type: "array",
    maxItems: 1000,
    items: { type: "string", maxLength: 500 },
    description: "Members to add, up to 20: https://graph.microsoft.com/beta/directoryObjects/{id} (or users/{id}, groups/{id}, devices/{id})",
  },
  "owners@odata.bind": {
    type: "array",
    maxItems: 1000,
    items: { type: "string", maxLength: 500 },
    description: "Owners (users), up to 20: https://graph.microsoft.com/beta/users/{id} (or directoryObjects/{id})",
  },
} as const;

const memberSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    id: { type: "string", description: "The directory object's id; a device's is its own object id, not its managed device's id" },
    displayName: { type: "string" },
    userPrincipalName: { type: "string" },
    deviceId: { type: "string", description: "A device's Entra device id: its managed device's azureADDeviceId" },
    operatingSystem: { type: "string" },
    operatingSystemVersion: { type: "string" },
    model: { type: "string" },
    manufacturer: { type: "string" },
    // A nested group's.
    ...groupOwnProperties,
  },
} as const;

const route = routeFamily("admin: groups", adminSecurity);

export const createGroupSchema = route({
  summary: "Create an assigned group, or a dynamic device group with a membershipRule",
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { 201: groupSchema, ...errors(400, 401, 413, 415) },
});

export const listGroupsSchema = route({
  summary: "List groups, in pages of 100 (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(GROUPS),
  response: { 200: listOf(groupSchema), ...errors(400, 401) },
});

export const getGroupSchema = route({
  summary: "Get a group ($select)",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: groupSchema, ...errors(400, 401, 404) },
});

export const patchGroupSchema = route({
  summary: "Update a group (a new rule is evaluated over every device)",
  params: idParams,
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const deleteGroupSchema = route({
  summary: "Delete a group",
  params: idParams,
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const listMembersSchema = route({
  summary: "Members of a group (devices, users and nested groups; OData options)",
  params: idParams,
  querystring: listQuerystring(GROUP_MEMBERS),
  response: { 200: listOf(memberSchema), ...errors(400, 401, 404) },
});

export const addMemberSchema = route({
  summary: "Add a user, device or security group to an assigned group",
  params: idParams,
  body: {
    type: "object",
    required: ["@odata.id"],
    additionalProperties: false,
    properties: {
      "@odata.id": {
        type: "string",
        maxLength: 500,
        description: "e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}; the last segment is the id",
      },
    },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const removeMemberSchema = route({
  summary: "Remove a member from an assigned group",
  params: {
    type: "object",
    required: ["id", "memberId"],
    properties: { id: { type: "string", maxLength: 200 }, memberId: { type: "string", maxLength: 200 } },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
});

export const listOwnersSchema = route({
  summary: "The group's owners (users; OData options)",
  params: idParams,
  querystring: listQuerystring(GROUP_OWNERS),
  response: { 200: listOf(memberSchema), ...errors(400, 401, 404) },
});

export const addOwnerSchema = route({
  summary: "Add a user as an owner of the group",
  params: idParams,
  body: addMemberSchema.body,
  response: { ...noContent, ...errors(400, 401, 404) },
});
