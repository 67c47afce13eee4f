/**
 * /beta/deviceManagement/termsAndConditions: terms users accept on their device after signing
 * in, before the apps install; their assignments (user groups, all licensed users) and
 * acceptanceStatuses (who accepted which version).
 */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { entityEnvelope, listEnvelope, refuseReadOnlyChanges } from "../../http/odata.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { type AssignmentInput, graphTarget } from "../../services/assignments.js";
import type { Services } from "../../services/index.js";
import { refuseOtherODataType, refuseTypeChange } from "../../services/odata-type.js";
import type { TermsInput } from "../../services/terms.js";
import type { AssignmentRecord } from "../../store/assignments.js";
import type { TermsRecord } from "../../store/terms.js";
import {
  acceptanceStatusesSchema,
  createTermsAssignmentSchema,
  createTermsSchema,
  deleteTermsAssignmentSchema,
  deleteTermsSchema,
  getTermsAssignmentSchema,
  getTermsSchema,
  listTermsAssignmentsSchema,
  listTermsSchema,
  patchTermsSchema,
  TERMS_AND_CONDITIONS,
  TERMS_READ_ONLY,
} from "./terms.schema.js";
import { addWarningHeaders } from "./warning-header.js";

const PATH = "/beta/deviceManagement/termsAndConditions";
const ENTITY_SET = TERMS_AND_CONDITIONS.contextPath;

type IdParams = { Params: { id: string } };
type AssignmentParams = { Params: { id: string; assignmentId: string } };

/** The entity set's type: the only one a create or a PATCH may name. */
const TERMS_ODATA_TYPE = "#microsoft.graph.termsAndConditions";

function graphTerms(terms: TermsRecord): Record<string, unknown> {
  return {
    "@odata.type": TERMS_ODATA_TYPE,
    id: terms.id,
    displayName: terms.displayName,
    description: terms.description,
    title: terms.title,
    bodyText: terms.bodyText,
    acceptanceStatement: terms.acceptanceStatement,
    version: terms.version,
    roleScopeTagIds: terms.roleScopeTagIds,
    createdDateTime: iso(terms.created),
    lastModifiedDateTime: iso(terms.modified),
    modifiedDateTime: iso(terms.modified),
  };
}

function graphAssignment(a: AssignmentRecord): Record<string, unknown> {
  return { "@odata.type": "#microsoft.graph.termsAndConditionsAssignment", id: a.id, target: graphTarget(a) };
}

export function termsRoutes(services: Services): FastifyPluginAsync {
  const { terms, ctx } = services;
  const entity = (t: TermsRecord) => entityEnvelope(ctx.baseUrl(), ENTITY_SET, graphTerms(t));
  const assignmentsPath = (id: string) => `${ENTITY_SET}('${id}')/assignments`;

  return async (app) => {
    app.post<{ Body: TermsInput }>(PATH, { schema: createTermsSchema }, async (request, reply) => {
      refuseOtherODataType(request.body, TERMS_ODATA_TYPE, "terms of termsAndConditions");
      const created = terms.create(request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}${PATH}/${created.id}`);
      return entity(created);
    });

    app.get(PATH, { schema: listTermsSchema }, async (request) =>
      odataList(TERMS_AND_CONDITIONS, request, ctx.baseUrl(), () => terms.list().map(graphTerms)),
    );

    app.get<IdParams>(`${PATH}/:id`, { schema: getTermsSchema }, async (request) =>
      odataEntity(TERMS_AND_CONDITIONS, request, ctx.baseUrl(), graphTerms(terms.get(request.params.id))),
    );

    app.patch<IdParams & { Body: TermsInput }>(`${PATH}/:id`, { schema: patchTermsSchema }, async (request, reply) => {
      // Before, every read-only property was accepted and dropped, whatever its value.
      const ignored = refuseReadOnlyChanges(request.body, graphTerms(terms.get(request.params.id)), TERMS_READ_ONLY);
      refuseTypeChange(request.body, TERMS_ODATA_TYPE, "these terms");
      const updated = terms.update(request.params.id, request.body);
      addWarningHeaders(reply, ignored);
      return entity(updated);
    });

    app.delete<IdParams>(`${PATH}/:id`, { schema: deleteTermsSchema }, async (request, reply) => {
      terms.delete(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: AssignmentInput }>(
      `${PATH}/:id/assignments`,
      { schema: createTermsAssignmentSchema },
      async (request, reply) => {
        const assignment = terms.addAssignment(request.params.id, request.body);
        // Where the new assignment is read (before, the one create answered without a Location).
        reply.code(201).header("Location", `${ctx.baseUrl()}${PATH}/${assignment.ownerId}/assignments/${assignment.id}`);
        return entityEnvelope(ctx.baseUrl(), assignmentsPath(assignment.ownerId), graphAssignment(assignment));
      },
    );

    app.get<IdParams>(`${PATH}/:id/assignments`, { schema: listTermsAssignmentsSchema }, async (request) =>
      listEnvelope(ctx.baseUrl(), assignmentsPath(request.params.id), terms.assignmentsOf(request.params.id).map(graphAssignment)),
    );

    // Graph's GET of one termsAndConditionsAssignment (before, 405: the path took only DELETE).
    app.get<AssignmentParams>(`${PATH}/:id/assignments/:assignmentId`, { schema: getTermsAssignmentSchema }, async (request) => {
      const assignment = terms.assignment(request.params.id, request.params.assignmentId);
      return entityEnvelope(ctx.baseUrl(), assignmentsPath(assignment.ownerId), graphAssignment(assignment));
    });

    app.delete<AssignmentParams>(
      `${PATH}/:id/assignments/:assignmentId`,
      { schema: deleteTermsAssignmentSchema },
      async (request, reply) => {
        terms.removeAssignment(request.params.id, request.params.assignmentId);
        return reply.code(204).send();
      },
    );

    app.get<IdParams>(`${PATH}/:id/acceptanceStatuses`, { schema: acceptanceStatusesSchema }, async (request) => {
      const statuses = terms.acceptanceStatuses(request.params.id).map((a) => {
        const user = ctx.store.users.get(a.userId);
        return {
          "@odata.type": "#microsoft.graph.termsAndConditionsAcceptanceStatus",
          id: `${a.termsId}_${a.userId}`,
          userDisplayName: user?.displayName ?? null,
          userPrincipalName: user?.userPrincipalName ?? null,
          acceptedVersion: a.acceptedVersion,
          acceptedDateTime: iso(a.accepted),
        };
      });
      return listEnvelope(ctx.baseUrl(), `${ENTITY_SET}('${request.params.id}')/acceptanceStatuses`, statuses);
    });
  };
}
