/** Schemas of /beta/groups (Graph beta names). */
import { MAX_RULE_LENGTH } from "../../membership-rule/index.js";
import { adminSecurity, dateTime, errors, filterQuerystring, idParams, listOf, noContent, odataTypeProperty } from "../../http/schemas.js";

export const groupSchema = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    description: { type: ["string", "null"] },
    mailEnabled: { type: "boolean" },
    mailNickname: { type: "string" },
    securityEnabled: { type: "boolean" },
    groupTypes: { type: "array", items: { type: "string" } },
    membershipRule: { type: ["string", "null"] },
    membershipRuleProcessingState: { type: ["string", "null"] },
    createdDateTime: dateTime,
  },
} as const;

/**
 * The rule's own length is checked by the parser (with a message that names the limit); the
 * schema only stops absurd bodies.
 */
const writable = {
  ...odataTypeProperty,
  displayName: { type: "string", maxLength: 256 },
  description: { type: ["string", "null"], maxLength: 1024 },
  mailEnabled: { type: "boolean" },
  mailNickname: { type: "string", maxLength: 64 },
  securityEnabled: { type: "boolean" },
  groupTypes: { type: "array", maxItems: 4, items: { type: "string", enum: ["DynamicMembership", "Unified"] } },
  membershipRule: {
    type: ["string", "null"],
    maxLength: MAX_RULE_LENGTH * 4,
    description: `Entra membership rule language, device properties; at most ${MAX_RULE_LENGTH} characters.`,
  },
  membershipRuleProcessingState: { type: "string", enum: ["On", "Paused"] },
} as const;

const memberSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    userPrincipalName: { type: "string" },
    deviceId: { type: "string" },
    operatingSystem: { type: "string" },
    operatingSystemVersion: { type: "string" },
    model: { type: "string" },
    manufacturer: { type: "string" },
  },
} as const;

const tags = ["admin: groups"];

export const createGroupSchema = {
  tags,
  summary: "Create an assigned group, or a dynamic device group with a membershipRule",
  security: adminSecurity,
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { 201: groupSchema, ...errors(400, 401, 413, 415) },
};

export const listGroupsSchema = {
  tags,
  summary: "List groups",
  security: adminSecurity,
  querystring: filterQuerystring,
  response: { 200: listOf(groupSchema), ...errors(400, 401) },
};

export const getGroupSchema = {
  tags,
  summary: "Get a group",
  security: adminSecurity,
  params: idParams,
  response: { 200: groupSchema, ...errors(401, 404) },
};

export const patchGroupSchema = {
  tags,
  summary: "Update a group (a new rule is evaluated over every device)",
  security: adminSecurity,
  params: idParams,
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { 204: { type: "null" }, ...errors(400, 401, 404) },
};

export const deleteGroupSchema = {
  tags,
  summary: "Delete a group",
  security: adminSecurity,
  params: idParams,
  response: { ...noContent, ...errors(401, 404) },
};

export const listMembersSchema = {
  tags,
  summary: "Members of a group (devices and users)",
  security: adminSecurity,
  params: idParams,
  response: { 200: listOf(memberSchema), ...errors(401, 404) },
};

export const addMemberSchema = {
  tags,
  summary: "Add a user or device to an assigned group",
  security: adminSecurity,
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
};

export const removeMemberSchema = {
  tags,
  summary: "Remove a member from an assigned group",
  security: adminSecurity,
  params: {
    type: "object",
    required: ["id", "memberId"],
    properties: { id: { type: "string", maxLength: 200 }, memberId: { type: "string", maxLength: 200 } },
  },
  response: { ...noContent, ...errors(400, 401, 404) },
};
