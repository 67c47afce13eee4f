/**
 * Schemas of /beta/deviceManagement/deviceConfigurations and deviceCompliancePolicies (the AOSP
 * types only) and of the per-device states under managedDevices, built from the policy types'
 * settings (domain/aosp-policies.ts).
 */
import { POLICY_TYPES, type PolicyType, type SettingSpec, settingSchema } from "../../domain/aosp-policies.js";
import type { ReadOnlyProperties } from "../../http/odata.js";
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { BOOLEAN_OPS, EXACT_OPS, RANGE_OPS, TEXT_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";
import { assignmentInputSchema, assignmentParams, assignmentSchema, warningsProperty, withContext } from "./assignments.schema.js";
import { TEXT_LIMITS } from "../../services/text-limits.js";

function settingsSchemas(type: PolicyType): Record<string, object> {
  return Object.fromEntries(Object.entries(type.settings).map(([name, spec]) => [name, settingSchema(spec)]));
}

const scheduledActionSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    "@odata.type": { type: "string", maxLength: 200 },
    id: { type: "string", maxLength: 200 },
    ruleName: { type: ["string", "null"], maxLength: 200 },
    scheduledActionConfigurations: {
      type: "array",
      maxItems: 20,
      items: {
        type: "object",
        required: ["actionType"],
        additionalProperties: false,
        properties: {
          "@odata.type": { type: "string", maxLength: 200 },
          id: { type: "string", maxLength: 200 },
          actionType: {
            type: "string",
            enum: ["noAction", "notification", "block", "retire", "wipe", "removeResourceAccessProfiles", "pushNotification", "remoteLock"],
          },
          gracePeriodHours: { type: "integer", minimum: 0, maximum: 8760 },
          notificationTemplateId: { type: ["string", "null"], maxLength: 200 },
          notificationMessageCCList: { type: ["array", "null"], maxItems: 50, items: { type: "string", maxLength: 200 } },
        },
      },
    },
  },
} as const;

const when: PropertyDef = { type: "dateTime", filter: RANGE_OPS, orderBy: true, nullable: false };

function settingProperty(spec: SettingSpec): PropertyDef {
  switch (spec.type) {
    case "boolean":
      return { type: "boolean", filter: BOOLEAN_OPS };
    case "integer":
      return { type: "int", filter: RANGE_OPS };
    case "string":
      // An enum setting is declared with Graph's enum type (passwordRequiredType's).
      return spec.enum && spec.edm ? { type: "enum", edm: spec.edm, members: spec.enum, filter: EXACT_OPS } : { type: "string", filter: EXACT_OPS };
  }
}

/**
 * A policy family as Intune serves it (Intune's page size, as the other deviceManagement
 * collections). The entity set's type is Graph's base type (deviceConfiguration,
 * deviceCompliancePolicy); the service holds only the AOSP type, so the AOSP settings are listed
 * with the base properties: `$select` and `$filter` take them without a type cast.
 */
function policyCollection(type: PolicyType): CollectionDef {
  const base = type.kind === "configuration" ? "deviceConfiguration" : "deviceCompliancePolicy";
  return {
    contextPath: `deviceManagement/${type.entitySet}`,
    entityType: `microsoft.graph.${base}`,
    container: { navigationOf: "microsoft.graph.deviceManagement", name: type.entitySet },
    pageSize: 1000,
    maxTop: 1000,
    createdProperty: "createdDateTime",
    properties: {
      id: { type: "string", filter: EXACT_OPS, orderBy: true },
      displayName: { type: "string", filter: TEXT_OPS, orderBy: true, nullable: false },
      description: { type: "string", filter: TEXT_OPS },
      version: { type: "int", filter: RANGE_OPS, orderBy: true, nullable: false },
      createdDateTime: when,
      lastModifiedDateTime: when,
      roleScopeTagIds: { type: "complex", edm: "Collection(Edm.String)" },
      ...(type.kind === "configuration" ? { supportsScopeTags: { type: "boolean", filter: BOOLEAN_OPS, nullable: false } as PropertyDef } : {}),
      ...Object.fromEntries(Object.entries(type.settings).map(([name, spec]) => [name, settingProperty(spec)])),
    },
  };
}

export const DEVICE_CONFIGURATIONS = policyCollection(POLICY_TYPES.configuration);
export const DEVICE_COMPLIANCE_POLICIES = policyCollection(POLICY_TYPES.compliance);

/**
 * Read-only properties a GET-modify-PATCH round trip sends back: those that never change are
 * refused when changed; version and lastModifiedDateTime, which every change moves, are ignored
 * (named in a Warning header when the value sent is an earlier read's).
 */
export const POLICY_READ_ONLY: ReadOnlyProperties = {
  fixed: ["id", "createdDateTime", "supportsScopeTags"],
  serviceSet: {
    version: "the policy's settings were changed after the body was read",
    lastModifiedDateTime: "the policy was changed after the body was read",
  },
};

/** The schemas of one policy family. */
export function policySchemas(type: PolicyType) {
  const tag = type.kind === "configuration" ? "admin: device configurations" : "admin: compliance policies";
  const route = routeFamily(tag, adminSecurity);
  const settings = settingsSchemas(type);
  const collection = type.kind === "configuration" ? DEVICE_CONFIGURATIONS : DEVICE_COMPLIANCE_POLICIES;
  const entity = {
    type: "object",
    properties: {
      "@odata.context": { type: "string" },
      "@odata.type": { type: "string" },
      id: { type: "string" },
      displayName: { type: "string" },
      description: { type: ["string", "null"] },
      version: { type: "integer" },
      createdDateTime: dateTime,
      lastModifiedDateTime: dateTime,
      roleScopeTagIds: { type: "array", items: { type: "string" } },
      ...(type.kind === "configuration" ? { supportsScopeTags: { type: "boolean" } } : {}),
      ...settings,
      ...warningsProperty,
    },
  } as const;
  const common = {
    // A GET's answer sent back (the SDK's read-modify-write) carries its context: accepted, ignored.
    "@odata.context": { type: "string", maxLength: 2000 },
    "@odata.type": { type: "string", maxLength: 200, description: `${type.odataType} (required on create)` },
    displayName: { type: "string", maxLength: TEXT_LIMITS.policy.displayName },
    description: { type: ["string", "null"], maxLength: TEXT_LIMITS.policy.description },
    roleScopeTagIds: { type: ["array", "null"], maxItems: 50, items: { type: "string", maxLength: 40 } },
    // POLICY_READ_ONLY, accepted in a round trip.
    id: { type: "string", maxLength: 200 },
    version: { type: "integer" },
    // Dates as a GET answers them: text that is no date is a mistake, not an earlier read.
    createdDateTime: dateTime,
    lastModifiedDateTime: dateTime,
    supportsScopeTags: { type: "boolean" },
    ...settings,
  };
  const body = {
    type: "object",
    additionalProperties: false,
    properties: {
      ...common,
      ...(type.kind === "compliance" ? { scheduledActionsForRule: { type: "array", maxItems: 20, items: scheduledActionSchema } } : {}),
    },
  };
  return {
    create: route({
      summary: `Create a ${type.odataType.replace("#microsoft.graph.", "")}${type.kind === "compliance" ? " (scheduledActionsForRule required)" : ""}`,
      body,
      response: { 201: entity, ...errors(400, 401, 413, 415) },
    }),
    list: route({
      summary: `List ${type.entitySet}`,
      querystring: listQuerystring(collection),
      response: { 200: listOf(entity), ...errors(400, 401) },
    }),
    get: route({
      summary: `Get one of ${type.entitySet}`,
      params: idParams,
      querystring: entityQuerystring,
      response: { 200: entity, ...errors(400, 401, 404) },
    }),
    patch: route({
      summary: "Update settings (the version goes up; devices apply it at their next check-in)",
      params: idParams,
      body,
      response: { 200: entity, ...errors(400, 401, 404) },
    }),
    delete: route({ summary: `Delete one of ${type.entitySet}`, params: idParams, response: { ...noContent, ...errors(401, 404) } }),
    assign: route({
      summary: "Assign to groups, all devices or all licensed users (replaces the assignments)",
      params: idParams,
      body: {
        type: "object",
        required: ["assignments"],
        additionalProperties: false,
        properties: { assignments: { type: "array", maxItems: 100, items: assignmentInputSchema } },
      },
      response: {
        200: { type: "object", properties: { "@odata.context": { type: "string" }, value: { type: "array", items: assignmentSchema }, ...warningsProperty } },
        ...errors(400, 401, 404),
      },
    }),
    assignments: route({
      summary: "The policy's assignments",
      params: idParams,
      response: { 200: listOf(assignmentSchema), ...errors(401, 404) },
    }),
    createAssignment: route({
      summary: "Add one assignment (201, Location of the new assignment); a target already assigned is refused",
      params: idParams,
      body: assignmentInputSchema,
      response: { 201: withContext({ ...assignmentSchema, properties: { ...assignmentSchema.properties, ...warningsProperty } }), ...errors(400, 401, 404) },
    }),
    getAssignment: route({
      summary: "One of the policy's assignments",
      params: assignmentParams,
      response: { 200: withContext(assignmentSchema), ...errors(401, 404) },
    }),
    deleteAssignment: route({
      summary: "Remove one of the policy's assignments (204); devices it reached no longer get the policy at their next check-in",
      params: assignmentParams,
      response: { ...noContent, ...errors(401, 404) },
    }),
    ...(type.kind === "compliance"
      ? {
          scheduledActions: route({
            summary: "The policy's scheduled actions per rule",
            params: idParams,
            response: { 200: listOf(scheduledActionSchema), ...errors(401, 404) },
          }),
          scheduleActions: route({
            summary:
              "Replace the policy's actions for noncompliance (204); the version goes up, and devices measure the block action's gracePeriodHours anew at their next check-in",
            params: idParams,
            body: {
              type: "object",
              required: ["deviceComplianceScheduledActionForRules"],
              additionalProperties: false,
              properties: { deviceComplianceScheduledActionForRules: { type: "array", maxItems: 20, items: scheduledActionSchema } },
            },
            response: { ...noContent, ...errors(400, 401, 404) },
          }),
        }
      : {}),
  };
}

const settingStateSchema = {
  type: "object",
  properties: {
    setting: { type: "string" },
    settingName: { type: "string" },
    instanceDisplayName: { type: ["string", "null"] },
    state: { type: "string" },
    currentValue: { type: ["string", "null"] },
    errorCode: { type: "integer" },
    errorDescription: { type: ["string", "null"] },
    userId: { type: ["string", "null"] },
    userPrincipalName: { type: ["string", "null"] },
    sources: {
      type: "array",
      items: { type: "object", properties: { id: { type: "string" }, displayName: { type: "string" }, sourceType: { type: "string" } } },
    },
  },
} as const;

const policyStateSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    version: { type: "integer" },
    platformType: { type: "string" },
    state: { type: "string" },
    settingCount: { type: "integer" },
    settingStates: { type: "array", items: settingStateSchema },
    userId: { type: ["string", "null"] },
    userPrincipalName: { type: ["string", "null"] },
  },
} as const;

const deviceRoute = routeFamily("admin: managed devices", adminSecurity);

export const deviceConfigurationStatesSchema = deviceRoute({
  summary: "The configurations assigned to a device and each setting's state, as the device reported it",
  params: idParams,
  response: { 200: listOf(policyStateSchema), ...errors(401, 404) },
});

export const deviceCompliancePolicyStatesSchema = deviceRoute({
  summary: "The compliance policies assigned to a device (state unknown: AOSP has no compliance reporting)",
  params: idParams,
  response: { 200: listOf(policyStateSchema), ...errors(401, 404) },
});
