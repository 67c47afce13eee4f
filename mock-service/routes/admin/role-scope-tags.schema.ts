/** Schemas of /beta/deviceManagement/roleScopeTags (Graph beta's roleScopeTag). */
import { adminSecurity, errors, idParams, listOf, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { BOOLEAN_OPS, EXACT_OPS, TEXT_OPS, type CollectionDef } from "../../odata/model.js";

/**
 * Intune's scope tags: the mock has the built-in Default tag only (id "0"), the one every
 * profile, policy and terms the mock makes carries in roleScopeTagIds unless given others.
 */
export const ROLE_SCOPE_TAGS: CollectionDef = {
  contextPath: "deviceManagement/roleScopeTags",
  entityType: "microsoft.graph.roleScopeTag",
  container: { navigationOf: "microsoft.graph.deviceManagement", name: "roleScopeTags" },
  pageSize: 1000,
  maxTop: 1000,
  properties: {
    id: { type: "string", filter: EXACT_OPS, orderBy: true },
    displayName: { type: "string", filter: TEXT_OPS, orderBy: true },
    description: { type: "string", filter: TEXT_OPS },
    isBuiltIn: { type: "boolean", filter: BOOLEAN_OPS, nullable: false },
  },
};

const roleScopeTag = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    "@odata.type": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    description: { type: "string" },
    isBuiltIn: { type: "boolean" },
  },
} as const;

const route = routeFamily("admin: role scope tags", adminSecurity);

export const listRoleScopeTagsSchema = route({
  summary: "List the scope tags: the built-in Default tag (id \"0\"), the one roleScopeTagIds names by default (OData options)",
  querystring: listQuerystring(ROLE_SCOPE_TAGS),
  response: { 200: listOf(roleScopeTag), ...errors(400, 401) },
});

export const getRoleScopeTagSchema = route({
  summary: "Get a scope tag ($select)",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: roleScopeTag, ...errors(400, 401, 404) },
});
