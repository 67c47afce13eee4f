/** Schemas of /beta/directoryObjects: the directory's users, groups and devices in one set. */
import { adminSecurity, errors, idParams, listOf, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import type { CollectionDef } from "../../odata/model.js";
import { GROUP_MEMBERS } from "./groups.schema.js";

/**
 * The directoryObjects entity set, as Entra ID serves it (pages of 100, `$top` up to 999, advanced
 * queries as for users): each item a user, group or device told apart by @odata.type. Queries
 * take the properties a group's member list takes (users' and devices'); an item has all its
 * type's properties.
 */
export const DIRECTORY_OBJECTS: CollectionDef = {
  ...GROUP_MEMBERS,
  contextPath: "directoryObjects",
  container: { entitySet: "directoryObjects" },
};

const directoryObjectSchema = { type: "object", additionalProperties: true, properties: { "@odata.type": { type: "string" }, id: { type: "string" } } } as const;

const route = routeFamily("admin: directory objects", adminSecurity);

export const listDirectoryObjectsSchema = route({
  summary: "The directory's users, groups and devices, in pages of 100 (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(DIRECTORY_OBJECTS),
  response: { 200: listOf(directoryObjectSchema), ...errors(400, 401) },
});

export const getDirectoryObjectSchema = route({
  summary: "A user, group or device by its id, with its @odata.type ($select)",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: { ...directoryObjectSchema, properties: { "@odata.context": { type: "string" }, ...directoryObjectSchema.properties } }, ...errors(400, 401, 404) },
});
