/** Schemas of /beta/devices: the directory's device objects, one per enrolled device. */
import { adminSecurity, errors, idParams, listOf, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import type { CollectionDef } from "../../odata/model.js";

/**
 * The devices entity set, as Entra ID serves it (pages of 100, `$top` up to 999, advanced queries
 * as for users), with the `$filter` operators Graph's device resource lists for the properties
 * the mock fills (https://learn.microsoft.com/graph/api/resources/device?view=graph-rest-beta):
 * `model` and `manufacturer` take none there. The type is ADMIN_MODEL's `device`.
 */
export const DIRECTORY_DEVICES: CollectionDef = {
  contextPath: "devices",
  entityType: "microsoft.graph.device",
  container: { entitySet: "devices" },
  declaresType: false,
  directory: true,
  pageSize: 100,
  maxTop: 999,
  properties: {
    id: { type: "string", filter: ["eq", "ne", "in"] },
    deviceId: { type: "string", filter: ["eq", "ne", "startswith"] },
    // Entra ID sorts devices by displayName only in an advanced query (docs/graph-directory-facts.md).
    displayName: { type: "string", filter: ["eq", "ne", "ge", "le", "in", "startswith"], orderBy: "advanced" },
    operatingSystem: { type: "string", filter: ["eq", "ne", "ge", "le", "startswith"] },
    operatingSystemVersion: { type: "string", filter: ["eq", "ne", "ge", "le", "startswith"] },
    model: { type: "string" },
    manufacturer: { type: "string" },
  },
};

const deviceProperties = {
  id: { type: "string" },
  deviceId: { type: "string" },
  displayName: { type: "string" },
  operatingSystem: { type: "string" },
  operatingSystemVersion: { type: "string" },
  model: { type: "string" },
  manufacturer: { type: "string" },
} as const;

const deviceSchema = { type: "object", properties: { "@odata.type": { type: "string" }, ...deviceProperties } } as const;

const route = routeFamily("admin: devices", adminSecurity);

export const listDirectoryDevicesSchema = route({
  summary: "The directory's device objects, one per enrolled device, in pages of 100 (OData $filter, $select, $orderby, $top, $count)",
  querystring: listQuerystring(DIRECTORY_DEVICES),
  response: { 200: listOf(deviceSchema), ...errors(400, 401) },
});

export const getDirectoryDeviceSchema = route({
  summary: "A device object by its object id (not the managed device's id), or as devices(deviceId='{deviceId}') by its deviceId ($select)",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: { ...deviceSchema, properties: { "@odata.context": { type: "string" }, ...deviceSchema.properties } }, ...errors(400, 401, 404) },
});
