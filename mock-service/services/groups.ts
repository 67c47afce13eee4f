/**
 * Groups: assigned groups (members added with members/$ref) and dynamic device groups whose
 * membership rule is evaluated when a device enrolls, changes (sign-in renames it) or leaves, and
 * over every device when the rule itself is created or changed.
 */
import { randomUUID } from "node:crypto";
import type { ServiceContext } from "../context.js";
import { badRequest, itemNotFound } from "../http/errors.js";
import {
  deviceFacts,
  evaluateRule,
  MembershipRuleError,
  parseMembershipRule,
  type RuleNode,
} from "../membership-rule/index.js";
import { isEnrolled, type DeviceRecord } from "../store/devices.js";
import { refuseLongText, TEXT_LIMITS } from "./text-limits.js";
import type { GroupRecord, MemberType } from "../store/groups.js";

export const DYNAMIC = "DynamicMembership";
/** A Microsoft 365 group's groupTypes value. */
export const UNIFIED = "Unified";

export interface GroupInput {
  displayName?: string;
  description?: string | null;
  mailEnabled?: boolean;
  mailNickname?: string;
  securityEnabled?: boolean;
  groupTypes?: string[];
  membershipRule?: string | null;
  membershipRuleProcessingState?: "On" | "Paused" | null;
}

export class GroupService {
  /** Parsed rules by group id, so enrollments and sign-ins do not re-parse them. */
  private readonly rules = new Map<string, { text: string; tree: RuleNode }>();

  constructor(private readonly ctx: ServiceContext) {}

  /** A new group; `memberIds` (stored member ids, from members@odata.bind) join it at once. */
  create(input: GroupInput, memberIds: readonly string[] = []): GroupRecord {
    const displayName = (input.displayName ?? "").trim();
    if (displayName === "") throw badRequest('"displayName" is required');
    refuseLongText({ displayName, description: input.description }, TEXT_LIMITS.group);
    const groupTypes = input.groupTypes ?? [];
    const dynamic = groupTypes.includes(DYNAMIC);
    const rule = input.membershipRule ?? null;
    if (dynamic && (rule === null || rule.trim() === "")) {
      throw badRequest(`a group with groupTypes ["${DYNAMIC}"] needs a membershipRule`);
    }
    if (!dynamic && rule !== null) {
      throw badRequest(`membershipRule needs groupTypes to include "${DYNAMIC}"`);
    }
    if (rule !== null) this.parse(rule);
    const group: GroupRecord = {
      id: randomUUID(),
      displayName,
      description: input.description ?? null,
      mailNickname: input.mailNickname ?? (displayName.replace(/[^A-Za-z0-9]/g, "").slice(0, 64) || "group"),
      mailEnabled: input.mailEnabled ?? false,
      securityEnabled: input.securityEnabled ?? true,
      groupTypes,
      membershipRule: rule,
      membershipRuleProcessingState: dynamic ? (input.membershipRuleProcessingState ?? "On") : null,
      created: this.ctx.now(),
    };
    // Every member is checked before the group exists: a refused one leaves no group behind.
    const members = this.checkNewMembers(group, memberIds);
    this.ctx.store.groups.insert(group);
    if (dynamic) this.recompute(group);
    this.insertMembers(group.id, members);
    return group;
  }

  get(id: string): GroupRecord {
    const group = this.ctx.store.groups.get(id);
    if (!group) throw itemNotFound("group", id);
    return group;
  }

  list(): GroupRecord[] {
    return this.ctx.store.groups.list();
  }

  /** Changes a group; `memberIds` (stored member ids, from members@odata.bind) join it. */
  update(id: string, patch: GroupInput, memberIds: readonly string[] = []): GroupRecord {
    const group = this.get(id);
    refuseLongText({ displayName: patch.displayName?.trim(), description: patch.description }, TEXT_LIMITS.group);
    const dynamic = group.groupTypes.includes(DYNAMIC);
    if (patch.groupTypes !== undefined && patch.groupTypes.includes(DYNAMIC) !== dynamic) {
      throw badRequest("groupTypes cannot switch between assigned and dynamic membership; create a new group");
    }
    if (!dynamic && patch.membershipRule != null) {
      throw badRequest(`membershipRule needs groupTypes to include "${DYNAMIC}"`);
    }
    if (dynamic && patch.membershipRule !== undefined) {
      if (patch.membershipRule === null || patch.membershipRule.trim() === "") {
        throw badRequest("a dynamic group needs a membershipRule");
      }
      this.parse(patch.membershipRule);
    }
    const updated: GroupRecord = {
      ...group,
      displayName: patch.displayName?.trim() || group.displayName,
      description: patch.description === undefined ? group.description : patch.description,
      mailNickname: patch.mailNickname ?? group.mailNickname,
      membershipRule: patch.membershipRule ?? group.membershipRule,
      // null is the state a new dynamic group starts in.
      membershipRuleProcessingState: dynamic
        ? patch.membershipRuleProcessingState === null
          ? "On"
          : (patch.membershipRuleProcessingState ?? group.membershipRuleProcessingState)
        : null,
    };
    const members = this.checkNewMembers(group, memberIds);
    this.ctx.store.groups.save(updated);
    if (dynamic) this.recompute(updated);
    this.insertMembers(group.id, members);
    return updated;
  }

  delete(id: string): void {
    if (!this.ctx.store.groups.delete(id)) throw itemNotFound("group", id);
    // A nested group that is deleted leaves the groups it was a member of.
    this.ctx.store.groups.removeFromAll(id);
    this.rules.delete(id);
  }

  /**
   * The member a directory object id names, as the group stores it: a user or a group by its id,
   * a device by its directory object's id (stored by the managed device's id); a 404 naming the
   * id when no user, group or device has it. members/$ref names members so; the console names
   * them as stored.
   */
  directoryMember(objectId: string): string {
    if (this.ctx.store.users.get(objectId) || this.ctx.store.groups.get(objectId)) return objectId;
    const deviceId = this.ctx.store.devices.idOfDirectoryObject(objectId);
    const device = deviceId === undefined ? undefined : this.ctx.store.devices.get(deviceId);
    if (!device || !isEnrolled(device)) throw itemNotFound("user, group or device", objectId);
    return device.id;
  }

  /** The stored member id of a directory object id: a device's managed device id, else the id itself. */
  storedMemberId(objectId: string): string {
    return this.ctx.store.devices.idOfDirectoryObject(objectId) ?? objectId;
  }

  /**
   * A user, a managed device or a security group (by the id the group stores) joins an assigned
   * group. A nested group's members are the outer group's too where Intune reads membership
   * (assignments: AssignmentService.reaches).
   */
  addMember(groupId: string, memberId: string): void {
    this.addMembers(groupId, [memberId]);
  }

  /**
   * Members added in one request (members/$ref, or members@odata.bind on a PATCH): each is
   * checked before any joins, so a refusal adds none.
   */
  addMembers(groupId: string, memberIds: readonly string[]): void {
    const group = this.get(groupId);
    this.insertMembers(group.id, this.checkNewMembers(group, memberIds));
  }

  private checkNewMembers(group: GroupRecord, memberIds: readonly string[]): { id: string; type: MemberType }[] {
    if (memberIds.length > 0 && group.groupTypes.includes(DYNAMIC)) {
      throw badRequest("members of a dynamic group come from its membershipRule; they cannot be added by hand");
    }
    const seen = new Set<string>();
    return memberIds.map((memberId) => {
      const type = this.memberType(memberId);
      // Graph answers a reference to no object 404, naming the id referred to.
      if (!type) throw itemNotFound("user, group or device", memberId);
      if (type === "group") this.refuseNesting(group, this.get(memberId));
      // Entra ID's wording for an object named twice in one change.
      if (seen.has(memberId)) throw badRequest(`Object '${memberId}' can only be present once as an add/remove change: it is named twice in members@odata.bind.`);
      seen.add(memberId);
      if (this.ctx.store.groups.isMember(group.id, memberId)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
      }
      return { id: memberId, type };
    });
  }

  private insertMembers(groupId: string, members: readonly { id: string; type: MemberType }[]): void {
    for (const m of members) this.ctx.store.groups.addMember(groupId, m.id, m.type, this.ctx.now());
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.get(groupId);
    if (group.groupTypes.includes(DYNAMIC)) {
      throw badRequest("members of a dynamic group come from its membershipRule; they cannot be removed by hand");
    }
    if (!this.ctx.store.groups.removeMember(groupId, memberId)) throw itemNotFound("member of this group", memberId);
  }

  /** A device enrolled or changed: re-evaluate every active dynamic group for it. */
  deviceChanged(device: DeviceRecord): void {
    const facts = deviceFacts(device);
    for (const group of this.ctx.store.groups.listDynamic()) {
      if (group.membershipRuleProcessingState !== "On" || group.membershipRule === null) continue;
      const matches = evaluateRule(this.tree(group), facts);
      const member = this.ctx.store.groups.isMember(group.id, device.id);
      if (matches && !member) this.ctx.store.groups.addMember(group.id, device.id, "device", this.ctx.now());
      if (!matches && member) this.ctx.store.groups.removeMember(group.id, device.id);
    }
  }

  /** A device left the tenant (wiped, deleted): it leaves every group. */
  deviceLeft(deviceId: string): void {
    this.ctx.store.groups.removeFromAll(deviceId);
  }

  /** Parses a rule; a malformed one is a 400 that says where and what was expected. */
  private parse(rule: string): RuleNode {
    try {
      return parseMembershipRule(rule);
    } catch (error) {
      if (error instanceof MembershipRuleError) {
        throw badRequest(`Invalid membershipRule: ${error.message}`, {
          details: [
            {
              code: "InvalidMembershipRule",
              target: "membershipRule",
              message: error.message,
              position: error.offset,
              line: error.line,
              column: error.column,
              expected: error.expected,
            },
          ],
        });
      }
      throw error;
    }
  }

  private tree(group: GroupRecord): RuleNode {
    const cached = this.rules.get(group.id);
    if (cached && cached.text === group.membershipRule) return cached.tree;
    const tree = parseMembershipRule(group.membershipRule!);
    this.rules.set(group.id, { text: group.membershipRule!, tree });
    return tree;
  }

  /** Evaluates a dynamic group's rule over every enrolled device. Paused groups keep their members. */
  private recompute(group: GroupRecord): void {
    if (group.membershipRuleProcessingState !== "On") return;
    const tree = this.tree(group);
    const members = this.ctx.store.devices
      .listVisible()
      .filter((device) => evaluateRule(tree, deviceFacts(device)))
      .map((device) => ({ id: device.id, type: "device" as MemberType }));
    this.ctx.store.groups.replaceMembers(group.id, members, this.ctx.now());
  }

  /**
   * Graph's *Add members* table: a security group can be a member of a security group; a
   * Microsoft 365 group is a member of no group, and no group is a member of a Microsoft 365
   * group. Cycles are not refused: Entra ID lets groups be members of each other
   * (MicrosoftDocs/azure-docs#43313), and membership is read cycle-safe (GroupStore.isTransitiveMember).
   */
  private refuseNesting(outer: GroupRecord, inner: GroupRecord): void {
    if (inner.groupTypes.includes(UNIFIED)) {
      throw badRequest(`the group '${inner.id}' is a Microsoft 365 group (groupTypes "${UNIFIED}"): such a group cannot be a member of another group; add its members instead`);
    }
    if (outer.groupTypes.includes(UNIFIED)) {
      throw badRequest(`the group '${outer.id}' is a Microsoft 365 group (groupTypes "${UNIFIED}"): its members are users only, not groups`);
    }
    if (!inner.securityEnabled) {
      throw badRequest(`the group '${inner.id}' is not a security group (securityEnabled false): only security groups can be members of a group`);
    }
  }

  private memberType(id: string): MemberType | undefined {
    if (this.ctx.store.users.get(id)) return "user";
    if (this.ctx.store.groups.get(id)) return "group";
    const device = this.ctx.store.devices.get(id);
    if (device && isEnrolled(device)) return "device";
    return undefined;
  }
}
