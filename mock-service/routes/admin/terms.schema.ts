/** Schemas of /beta/deviceManagement/termsAndConditions (Graph beta names). */
import type { ReadOnlyProperties } from "../../http/odata.js";
import { adminSecurity, dateTime, errors, idParams, listOf, noContent, odataTypeProperty, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, listQuerystring } from "../../odata/collection.js";
import { EXACT_OPS, RANGE_OPS, TEXT_OPS, type CollectionDef, type PropertyDef } from "../../odata/model.js";
import { assignmentInputSchema, assignmentParams, targetSchema, withContext } from "./assignments.schema.js";
import { TEXT_LIMITS } from "../../services/text-limits.js";

// Never null (refused in a write, as a required text); description is the one nullable text.
const when: PropertyDef = { type: "dateTime", filter: RANGE_OPS, orderBy: true, nullable: false };
const text: PropertyDef = { type: "string", filter: TEXT_OPS, orderBy: true, nullable: false };

/** Terms and conditions as Intune serves them (Intune's page size, as the other deviceManagement collections). */
export const TERMS_AND_CONDITIONS: CollectionDef = {
  contextPath: "deviceManagement/termsAndConditions",
  entityType: "microsoft.graph.termsAndConditions",
  container: { navigationOf: "microsoft.graph.deviceManagement", name: "termsAndConditions" },
  pageSize: 1000,
  maxTop: 1000,
  createdProperty: "createdDateTime",
  properties: {
    id: { type: "string", filter: EXACT_OPS, orderBy: true },
    displayName: text,
    description: { type: "string", filter: TEXT_OPS },
    title: text,
    bodyText: { type: "string", filter: TEXT_OPS, nullable: false },
    acceptanceStatement: { type: "string", filter: TEXT_OPS, nullable: false },
    version: { type: "int", filter: RANGE_OPS, orderBy: true, nullable: false },
    roleScopeTagIds: { type: "complex", edm: "Collection(Edm.String)" },
    createdDateTime: when,
    lastModifiedDateTime: when,
    modifiedDateTime: when,
  },
};

export const termsSchema = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    "@odata.type": { type: "string" },
    id: { type: "string" },
    displayName: { type: "string" },
    description: { type: ["string", "null"] },
    title: { type: "string" },
    bodyText: { type: "string" },
    acceptanceStatement: { type: "string" },
    version: { type: "integer" },
    roleScopeTagIds: { type: "array", items: { type: "string" } },
    createdDateTime: dateTime,
    lastModifiedDateTime: dateTime,
    modifiedDateTime: dateTime,
  },
} as const;

const writable = {
  ...odataTypeProperty,
  displayName: { type: "string", maxLength: TEXT_LIMITS.terms.displayName },
  description: { type: ["string", "null"], maxLength: TEXT_LIMITS.terms.description },
  title: { type: "string", maxLength: TEXT_LIMITS.terms.title },
  bodyText: { type: "string", maxLength: TEXT_LIMITS.terms.bodyText },
  acceptanceStatement: { type: "string", maxLength: TEXT_LIMITS.terms.acceptanceStatement },
  version: { type: "integer", minimum: 1, maximum: 2_147_483_647, description: "Raise it to have each user accept again at their next enrollment (terms are offered only at sign-in on the device while it enrolls)" },
  roleScopeTagIds: { type: ["array", "null"], maxItems: 50, items: { type: "string", maxLength: 40 } },
  // TERMS_READ_ONLY and the context, which a GET-modify-PATCH round trip sends back (before, the
  // context was refused as an unknown property).
  "@odata.context": { type: "string", maxLength: 2000 },
  id: { type: "string", maxLength: 200 },
  // Dates as a GET answers them: text that is no date is a mistake, not an earlier read.
  createdDateTime: dateTime,
  lastModifiedDateTime: dateTime,
  modifiedDateTime: dateTime,
} as const;

/**
 * Read-only properties in a PATCH: the id and creation time never change (a change is refused);
 * the modification times every change moves are ignored, named in a Warning header when the value
 * sent is an earlier read's.
 */
export const TERMS_READ_ONLY: ReadOnlyProperties = {
  fixed: ["id", "createdDateTime"],
  serviceSet: {
    lastModifiedDateTime: "the terms were changed after the body was read",
    modifiedDateTime: "the terms were changed after the body was read",
  },
};

const assignmentSchema = {
  type: "object",
  properties: { "@odata.type": { type: "string" }, id: { type: "string" }, target: targetSchema },
} as const;

const acceptanceSchema = {
  type: "object",
  properties: {
    "@odata.type": { type: "string" },
    id: { type: "string" },
    userDisplayName: { type: ["string", "null"] },
    userPrincipalName: { type: ["string", "null"] },
    acceptedVersion: { type: "integer" },
    acceptedDateTime: dateTime,
  },
} as const;

const route = routeFamily("admin: terms and conditions", adminSecurity);

export const createTermsSchema = route({
  summary: "Create terms and conditions (displayName, title, bodyText, acceptanceStatement)",
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { 201: termsSchema, ...errors(400, 401, 413, 415) },
});

export const listTermsSchema = route({
  summary: "List terms and conditions",
  querystring: listQuerystring(TERMS_AND_CONDITIONS),
  response: { 200: listOf(termsSchema), ...errors(400, 401) },
});

export const getTermsSchema = route({
  summary: "Get terms and conditions",
  params: idParams,
  querystring: entityQuerystring,
  response: { 200: termsSchema, ...errors(400, 401, 404) },
});

export const patchTermsSchema = route({
  summary: "Update terms and conditions (a raised version is offered to each user at their next enrollment)",
  params: idParams,
  body: { type: "object", additionalProperties: false, properties: writable },
  response: { 200: termsSchema, ...errors(400, 401, 404) },
});

export const deleteTermsSchema = route({ summary: "Delete terms and conditions", params: idParams, response: { ...noContent, ...errors(401, 404) } });

export const createTermsAssignmentSchema = route({
  summary: "Assign the terms to a user group or all licensed users",
  params: idParams,
  body: assignmentInputSchema,
  // The one assignment made, with its context (before, the schema dropped it: the only answer without one).
  response: { 201: withContext(assignmentSchema), ...errors(400, 401, 404) },
});

export const listTermsAssignmentsSchema = route({
  summary: "The terms' assignments",
  params: idParams,
  response: { 200: listOf(assignmentSchema), ...errors(401, 404) },
});

export const getTermsAssignmentSchema = route({
  summary: "One of the terms' assignments",
  params: assignmentParams,
  response: { 200: withContext(assignmentSchema), ...errors(401, 404) },
});

export const deleteTermsAssignmentSchema = route({
  summary: "Remove an assignment",
  params: assignmentParams,
  response: { ...noContent, ...errors(401, 404) },
});

export const acceptanceStatusesSchema = route({
  summary: "Who accepted which version of the terms, and when",
  params: idParams,
  response: { 200: listOf(acceptanceSchema), ...errors(401, 404) },
});
