/** Schemas of assignments and their targets, shared by policies and terms and conditions (Graph beta names). */
import { TARGET_TYPES } from "../../store/assignments.js";

export const targetSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    groupId: { type: "string" },
    deviceAndAppManagementAssignmentFilterId: { type: ["string", "null"] },
    deviceAndAppManagementAssignmentFilterType: { type: "string" },
  },
} as const;

/** What an admin sends as one assignment: a target (the assignment's own id and type are ignored). */
export const assignmentInputSchema = {
  type: "object",
  required: ["target"],
  properties: {
    "@odata.type": { type: "string", maxLength: 200 },
    id: { type: "string", maxLength: 200 },
    intent: { type: "string", enum: ["apply", "remove"] },
    source: { type: "string", maxLength: 40 },
    sourceId: { type: ["string", "null"], maxLength: 200 },
    target: {
      type: "object",
      required: ["@odata.type"],
      additionalProperties: false,
      properties: {
        "@odata.type": {
          type: "string",
          maxLength: 200,
          description: `One of ${TARGET_TYPES.map((t) => `#microsoft.graph.${t}`).join(", ")}`,
        },
        groupId: { type: ["string", "null"], maxLength: 200 },
        deviceAndAppManagementAssignmentFilterId: { type: ["string", "null"], maxLength: 200 },
        deviceAndAppManagementAssignmentFilterType: { type: "string", enum: ["none", "include", "exclude"] },
      },
    },
  },
  additionalProperties: false,
} as const;

export const assignmentSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    id: { type: "string" },
    intent: { type: "string" },
    source: { type: "string" },
    sourceId: { type: "string" },
    target: targetSchema,
  },
} as const;

/** One assignment as its create and its GET answer it: its schema with the answer's context. */
export function withContext<T extends { properties: object }>(schema: T) {
  return { ...schema, properties: { "@odata.context": { type: "string" }, ...schema.properties } } as const;
}

/** The path parameters of one assignment: its owner's id and its own. */
export const assignmentParams = {
  type: "object",
  required: ["id", "assignmentId"],
  properties: { id: { type: "string", maxLength: 200 }, assignmentId: { type: "string", maxLength: 500 } },
} as const;

/** The simulator's warnings on a Graph answer (an OData instance annotation). */
export const WARNINGS_ANNOTATION = "@aospSim.warnings";
export const warningsProperty = {
  [WARNINGS_ANNOTATION]: {
    type: "array",
    items: { type: "string" },
    description: "Settings Android (AOSP) devices will not honour, and why (also sent as Warning headers)",
  },
} as const;
