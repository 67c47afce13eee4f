/**
 * Assignments (Graph's deviceAndAppManagementAssignmentTarget) shared by configuration
 * policies, compliance policies and terms and conditions: checking what an admin sends, and
 * working out whether an assignment reaches a device or a user. A group target reaches the
 * group's devices and the devices of its users, and those of the groups nested in it at any
 * depth (Intune evaluates nested membership); an exclusion group wins over any inclusion.
 */
import type { ServiceContext } from "../context.js";
import { badRequest } from "../http/errors.js";
import { canonicalIds } from "../http/ids.js";
import { refuseOtherODataType } from "./odata-type.js";
import { TARGET_TYPES, type AssignmentOwnerKind, type AssignmentRecord, type TargetType } from "../store/assignments.js";

const GRAPH_PREFIX = "#microsoft.graph.";

/** The @odata.type of an assignment, by its owner's kind: the only one an admin may send for it. */
const ASSIGNMENT_TYPES: Readonly<Record<AssignmentOwnerKind, string>> = {
  configuration: `${GRAPH_PREFIX}deviceConfigurationAssignment`,
  compliance: `${GRAPH_PREFIX}deviceCompliancePolicyAssignment`,
  terms: `${GRAPH_PREFIX}termsAndConditionsAssignment`,
};

/**
 * An assignment as an admin sends it: only `target` matters; the rest is accepted and ignored,
 * but for an `@odata.type` that is not the owner's assignment type.
 */
export interface AssignmentInput {
  "@odata.type"?: string;
  id?: string;
  target: {
    "@odata.type": string;
    groupId?: string | null;
    deviceAndAppManagementAssignmentFilterId?: string | null;
    deviceAndAppManagementAssignmentFilterType?: string;
  };
  [other: string]: unknown;
}

/** Who an assignment could reach: a device (with its user, once signed in) or a user. */
export interface Audience {
  deviceId?: string;
  userId: string | null;
}

export class AssignmentService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Checks targets and builds the records (ids are owner_target, as Graph's are). */
  build(ownerKind: AssignmentOwnerKind, ownerId: string, inputs: AssignmentInput[], allowed: readonly TargetType[]): AssignmentRecord[] {
    const now = this.ctx.now();
    const seen = new Set<string>();
    return inputs.map((input, i) => {
      // Another type is another kind of assignment (before, accepted and ignored).
      refuseOtherODataType(input, ASSIGNMENT_TYPES[ownerKind], ownerKind === "terms" ? "an assignment of terms and conditions" : `assignments[${i}]`);
      const where = `assignments[${i}].target`;
      const raw = input.target["@odata.type"];
      const name = raw.startsWith(GRAPH_PREFIX) ? raw.slice(GRAPH_PREFIX.length) : raw.replace(/^#?microsoft\.graph\./, "");
      const targetType = TARGET_TYPES.find((t) => t === name);
      if (!targetType || !allowed.includes(targetType)) {
        throw badRequest(`${where}: @odata.type "${raw}" is not a target here; use one of ${allowed.map((t) => `#microsoft.graph.${t}`).join(", ")}`);
      }
      const grouped = targetType === "groupAssignmentTarget" || targetType === "exclusionGroupAssignmentTarget";
      const groupId = grouped ? canonicalIds(input.target.groupId ?? "") : null;
      if (grouped) {
        if (groupId === "") throw badRequest(`${where}.groupId is required for ${targetType}`);
        if (!this.ctx.store.groups.get(groupId!)) throw badRequest(`${where}.groupId: no group has the id '${groupId}'`);
      }
      const id = `${ownerId}_${groupId ?? targetType}`;
      if (seen.has(id)) throw badRequest(`${where}: the same target is given twice`);
      seen.add(id);
      return { id, ownerKind, ownerId, targetType, groupId, created: now };
    });
  }

  /** True when the assignments include the audience and no exclusion group holds it. */
  reaches(assignments: readonly AssignmentRecord[], audience: Audience): boolean {
    const inGroup = (groupId: string | null) =>
      groupId !== null &&
      ((audience.deviceId !== undefined && this.ctx.store.groups.isTransitiveMember(groupId, audience.deviceId)) ||
        (audience.userId !== null && this.ctx.store.groups.isTransitiveMember(groupId, audience.userId)));
    let included = false;
    for (const a of assignments) {
      switch (a.targetType) {
        case "exclusionGroupAssignmentTarget":
          if (inGroup(a.groupId)) return false;
          break;
        case "groupAssignmentTarget":
          included ||= inGroup(a.groupId);
          break;
        case "allDevicesAssignmentTarget":
          included ||= audience.deviceId !== undefined;
          break;
        case "allLicensedUsersAssignmentTarget":
          included ||= audience.userId !== null && (this.ctx.store.users.get(audience.userId)?.licenses.length ?? 0) > 0;
          break;
      }
    }
    return included;
  }

  /** Assignments of one kind of owner, grouped by owner. */
  byOwner(kind: AssignmentOwnerKind): Map<string, AssignmentRecord[]> {
    const map = new Map<string, AssignmentRecord[]>();
    for (const a of this.ctx.store.assignments.ofKindAll(kind)) {
      const list = map.get(a.ownerId) ?? [];
      list.push(a);
      map.set(a.ownerId, list);
    }
    return map;
  }
}

/** The Graph shape of a target. */
export function graphTarget(a: AssignmentRecord): Record<string, unknown> {
  return {
    "@odata.type": `${GRAPH_PREFIX}${a.targetType}`,
    ...(a.groupId === null ? {} : { groupId: a.groupId }),
    deviceAndAppManagementAssignmentFilterId: null,
    deviceAndAppManagementAssignmentFilterType: "none",
  };
}
