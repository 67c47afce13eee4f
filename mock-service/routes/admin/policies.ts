/**
 * /beta/deviceManagement/deviceConfigurations and /beta/deviceManagement/deviceCompliancePolicies
 * (the AOSP types), their assign action and assignments, and what an admin reads per device:
 * managedDevices/{id}/deviceConfigurationStates and deviceCompliancePolicyStates.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { isConfiguredSetting } from "../../../agent/protocol/aosp-policy.js";
import { iso } from "../../context.js";
import { policyStateOf, POLICY_TYPES, type PolicyType } from "../../domain/aosp-policies.js";
import { entityEnvelope, listEnvelope, refuseReadOnlyChanges } from "../../http/odata.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { graphTarget } from "../../services/assignments.js";
import type { Services } from "../../services/index.js";
import type { PolicyInput, PolicyStateView } from "../../services/policies.js";
import type { AssignmentInput } from "../../services/assignments.js";
import type { AssignmentRecord } from "../../store/assignments.js";
import type { DeviceView } from "../../store/devices.js";
import type { PolicyRecord } from "../../store/policies.js";
import { WARNINGS_ANNOTATION } from "./assignments.schema.js";
import {
  DEVICE_COMPLIANCE_POLICIES,
  DEVICE_CONFIGURATIONS,
  deviceCompliancePolicyStatesSchema,
  deviceConfigurationStatesSchema,
  POLICY_READ_ONLY,
  policySchemas,
} from "./policies.schema.js";
import { addWarningHeaders } from "./warning-header.js";

type IdParams = { Params: { id: string } };
type AssignmentParams = { Params: { id: string; assignmentId: string } };

/** Graph's shape of a policy: its common properties, then every setting of its type (null when not set). */
function graphPolicy(type: PolicyType, policy: PolicyRecord): Record<string, unknown> {
  return {
    "@odata.type": type.odataType,
    id: policy.id,
    displayName: policy.displayName,
    description: policy.description,
    version: policy.version,
    createdDateTime: iso(policy.created),
    lastModifiedDateTime: iso(policy.modified),
    roleScopeTagIds: policy.roleScopeTagIds,
    ...(type.kind === "configuration" ? { supportsScopeTags: true } : {}),
    ...Object.fromEntries(Object.keys(type.settings).map((name) => [name, policy.settings[name] ?? null])),
  };
}

function graphAssignment(type: PolicyType, a: AssignmentRecord): Record<string, unknown> {
  const configuration = type.kind === "configuration";
  return {
    "@odata.type": `#microsoft.graph.${type.assignmentType}`,
    id: a.id,
    ...(configuration ? { intent: "apply" } : {}),
    source: "direct",
    sourceId: a.ownerId,
    target: graphTarget(a),
  };
}

/** Warnings go into the body (an instance annotation) and into Warning headers, where HTTP tools show them. */
function withWarnings<T extends object>(reply: FastifyReply, body: T, warnings: string[]): T {
  if (warnings.length === 0) return body;
  addWarningHeaders(reply, warnings);
  return { ...body, [WARNINGS_ANNOTATION]: warnings };
}

function policyFamily(services: Services, type: PolicyType): FastifyPluginAsync {
  const { policies, ctx } = services;
  const path = `/beta/deviceManagement/${type.entitySet}`;
  const collection = type.kind === "configuration" ? DEVICE_CONFIGURATIONS : DEVICE_COMPLIANCE_POLICIES;
  const entitySet = collection.contextPath;
  const schemas = policySchemas(type);
  const entity = (policy: PolicyRecord) => entityEnvelope(ctx.baseUrl(), entitySet, graphPolicy(type, policy));

  return async (app) => {
    app.post<{ Body: PolicyInput }>(path, { schema: schemas.create }, async (request, reply) => {
      const policy = policies.create(type.kind, request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}${path}/${policy.id}`);
      return entity(policy);
    });

    app.get(path, { schema: schemas.list }, async (request) =>
      odataList(collection, request, ctx.baseUrl(), () => policies.list(type.kind).map((p) => graphPolicy(type, p))),
    );

    app.get<IdParams>(`${path}/:id`, { schema: schemas.get }, async (request) =>
      odataEntity(collection, request, ctx.baseUrl(), graphPolicy(type, policies.get(type.kind, request.params.id))),
    );

    app.patch<IdParams & { Body: PolicyInput }>(`${path}/:id`, { schema: schemas.patch }, async (request, reply) => {
      const current = graphPolicy(type, policies.get(type.kind, request.params.id));
      const ignored = refuseReadOnlyChanges(request.body, current, POLICY_READ_ONLY);
      const policy = policies.update(type.kind, request.params.id, request.body);
      // What was ignored first, then what AOSP will not honour (those also in the body).
      addWarningHeaders(reply, ignored);
      return withWarnings(reply, entity(policy), policies.warningsFor(policy));
    });

    app.delete<IdParams>(`${path}/:id`, { schema: schemas.delete }, async (request, reply) => {
      policies.delete(type.kind, request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: { assignments: AssignmentInput[] } }>(
      `${path}/:id/assign`,
      { schema: schemas.assign },
      async (request, reply) => {
        const { assignments, warnings } = policies.assign(type.kind, request.params.id, request.body.assignments);
        const body = listEnvelope(ctx.baseUrl(), `Collection(microsoft.graph.${type.assignmentType})`, assignments.map((a) => graphAssignment(type, a)));
        return withWarnings(reply, body, warnings);
      },
    );

    app.get<IdParams>(`${path}/:id/assignments`, { schema: schemas.assignments }, async (request) =>
      listEnvelope(
        ctx.baseUrl(),
        `${entitySet}('${request.params.id}')/assignments`,
        policies.assignmentsOf(type.kind, request.params.id).map((a) => graphAssignment(type, a)),
      ),
    );

    // Graph's Create and Get deviceConfigurationAssignment (and deviceCompliancePolicyAssignment);
    // before, the POST was 405 and the GET 400 "Resource not found for the segment".
    const assignmentsPath = (id: string) => `${entitySet}('${id}')/assignments`;
    app.post<IdParams & { Body: AssignmentInput }>(`${path}/:id/assignments`, { schema: schemas.createAssignment }, async (request, reply) => {
      const { assignment, warnings } = policies.addAssignment(type.kind, request.params.id, request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}${path}/${assignment.ownerId}/assignments/${assignment.id}`);
      return withWarnings(reply, entityEnvelope(ctx.baseUrl(), assignmentsPath(assignment.ownerId), graphAssignment(type, assignment)), warnings);
    });

    app.get<AssignmentParams>(`${path}/:id/assignments/:assignmentId`, { schema: schemas.getAssignment }, async (request) => {
      const assignment = policies.assignment(type.kind, request.params.id, request.params.assignmentId);
      return entityEnvelope(ctx.baseUrl(), assignmentsPath(assignment.ownerId), graphAssignment(type, assignment));
    });

    app.delete<AssignmentParams>(`${path}/:id/assignments/:assignmentId`, { schema: schemas.deleteAssignment }, async (request, reply) => {
      policies.removeAssignment(type.kind, request.params.id, request.params.assignmentId);
      return reply.code(204).send();
    });

    if (schemas.scheduleActions) {
      app.post<IdParams & { Body: { deviceComplianceScheduledActionForRules: unknown[] } }>(
        `${path}/:id/scheduleActionsForRules`,
        { schema: schemas.scheduleActions },
        async (request, reply) => {
          const policy = policies.scheduleActions(request.params.id, request.body.deviceComplianceScheduledActionForRules);
          // No body to annotate: what AOSP or the mock will not do goes in Warning headers only.
          addWarningHeaders(reply, policies.warningsFor(policy));
          return reply.code(204).send();
        },
      );
    }

    if (schemas.scheduledActions) {
      app.get<IdParams>(`${path}/:id/scheduledActionsForRule`, { schema: schemas.scheduledActions }, async (request) =>
        listEnvelope(
          ctx.baseUrl(),
          `${entitySet}('${request.params.id}')/scheduledActionsForRule`,
          policies.get(type.kind, request.params.id).scheduledActions ?? [],
        ),
      );
    }
  };
}

function graphSettingState(
  type: PolicyType,
  policy: PolicyRecord,
  device: DeviceView,
  setting: string,
  state: string,
  currentValue: string | null,
  errorDescription: string | null,
): Record<string, unknown> {
  return {
    setting,
    settingName: type.settings[setting]?.label ?? setting,
    instanceDisplayName: null,
    state,
    currentValue,
    errorCode: 0,
    errorDescription,
    userId: device.userId,
    userPrincipalName: device.userPrincipalName,
    sources: [{ id: policy.id, displayName: policy.displayName, sourceType: type.kind === "configuration" ? "deviceConfiguration" : "deviceIntent" }],
  };
}

function graphPolicyState(type: PolicyType, view: PolicyStateView, device: DeviceView): Record<string, unknown> {
  const { policy, state } = view;
  // The settings the policy holds: a Not configured one (null, or a restriction set to false) is
  // none, and the device never reports it, so the count agrees with a complete settingStates.
  const settingCount = Object.values(policy.settings).filter(isConfiguredSetting).length;
  let overall: string;
  let settingStates: Record<string, unknown>[];
  if (state === undefined) {
    // Assigned, not yet received: the device applies (or evaluates) it at its next check-in.
    overall = "unknown";
    settingStates = [];
  } else {
    // A compliance policy with no setting configured has nothing the device could fail.
    overall = type.kind === "compliance" && state.settings.length === 0 ? "compliant" : policyStateOf(state.settings);
    settingStates = state.settings.map((s) =>
      graphSettingState(type, policy, device, s.setting, s.state, s.currentValue ?? null, s.reason ?? null),
    );
  }
  return {
    "@odata.type": type.kind === "configuration" ? "#microsoft.graph.deviceConfigurationState" : "#microsoft.graph.deviceCompliancePolicyState",
    id: policy.id,
    displayName: policy.displayName,
    version: state?.version ?? policy.version,
    platformType: "androidAOSP",
    state: overall,
    settingCount,
    settingStates,
    userId: device.userId,
    userPrincipalName: device.userPrincipalName,
  };
}

export function policyRoutes(services: Services): FastifyPluginAsync {
  const { devices, policies, ctx } = services;
  const devicesPath = "/beta/deviceManagement/managedDevices";
  return async (app) => {
    await app.register(policyFamily(services, POLICY_TYPES.configuration));
    await app.register(policyFamily(services, POLICY_TYPES.compliance));

    for (const [segment, type, schema] of [
      ["deviceConfigurationStates", POLICY_TYPES.configuration, deviceConfigurationStatesSchema],
      ["deviceCompliancePolicyStates", POLICY_TYPES.compliance, deviceCompliancePolicyStatesSchema],
    ] as const) {
      app.get<IdParams>(`${devicesPath}/:id/${segment}`, { schema }, async (request) => {
        const device = devices.visible(request.params.id);
        const states = policies.statesOf(type.kind, device).map((view) => graphPolicyState(type, view, device));
        return listEnvelope(ctx.baseUrl(), `deviceManagement/managedDevices('${device.id}')/${segment}`, states);
      });
    }
  };
}
