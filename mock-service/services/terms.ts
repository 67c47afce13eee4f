/**
 * Terms and conditions (Graph termsAndConditions): the admin writes them and assigns them to
 * user groups or all licensed users; a user they reach sees them on the device after signing in
 * during enrollment, before the apps install, and the acceptance is recorded per version
 * (acceptanceStatuses). Only the sign-in answer carries terms, never a check-in: a raised
 * `version`, or terms a user was given after enrolling, reach that user at their next enrollment.
 */
import { randomUUID } from "node:crypto";
import type { TermsToAccept } from "../../agent/protocol/device-api.js";
import type { ServiceContext } from "../context.js";
import { badRequest, deviceError, itemNotFound } from "../http/errors.js";
import type { AssignmentRecord, TargetType } from "../store/assignments.js";
import type { AcceptanceRecord, TermsRecord } from "../store/terms.js";
import type { AssignmentInput, AssignmentService } from "./assignments.js";
import { DYNAMIC } from "./groups.js";
import { refuseLongText, TEXT_LIMITS } from "./text-limits.js";
import { changesNothing, DEFAULT_SCOPE_TAGS } from "./writes.js";

export interface TermsInput {
  "@odata.type"?: string;
  displayName?: string;
  description?: string | null;
  title?: string;
  bodyText?: string;
  acceptanceStatement?: string;
  version?: number;
  /** null: the scope tags terms created without them have (the default, "0"). */
  roleScopeTagIds?: string[] | null;
}

/** Terms reach users: through groups they belong to, or as licensed users. */
const TERMS_TARGETS: readonly TargetType[] = ["groupAssignmentTarget", "exclusionGroupAssignmentTarget", "allLicensedUsersAssignmentTarget"];

export class TermsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly assignments: AssignmentService,
  ) {}

  create(input: TermsInput): TermsRecord {
    const required = (name: "displayName" | "title" | "bodyText" | "acceptanceStatement") => {
      const value = (input[name] ?? "").trim();
      // The name is the admin's (the console's lists show it); the other three are what users read.
      const why = name === "displayName" ? "give the terms and conditions a name" : "users see the title, the text and the acceptance statement on their device";
      if (value === "") throw badRequest(`"${name}" is required: ${why}`);
      return value;
    };
    refuseLongText(input, TEXT_LIMITS.terms);
    const now = this.ctx.now();
    const terms: TermsRecord = {
      id: randomUUID(),
      displayName: required("displayName"),
      description: input.description ?? null,
      title: required("title"),
      bodyText: required("bodyText"),
      acceptanceStatement: required("acceptanceStatement"),
      version: input.version ?? 1,
      roleScopeTagIds: input.roleScopeTagIds ?? [...DEFAULT_SCOPE_TAGS],
      created: now,
      modified: now,
    };
    this.ctx.store.terms.insert(terms);
    return terms;
  }

  get(id: string): TermsRecord {
    const terms = this.ctx.store.terms.get(id);
    if (!terms) throw itemNotFound("termsAndConditions", id);
    return terms;
  }

  list(): TermsRecord[] {
    return this.ctx.store.terms.list();
  }

  /** PATCH; one that changes nothing (`{}`, a round trip sent back as read) keeps lastModifiedDateTime too. */
  update(id: string, patch: TermsInput): TermsRecord {
    const current = this.get(id);
    refuseLongText(patch, TEXT_LIMITS.terms);
    const text = (name: "displayName" | "title" | "bodyText" | "acceptanceStatement") => {
      if (patch[name] === undefined) return current[name];
      const value = patch[name]!.trim();
      if (value === "") throw badRequest(`"${name}" must not be empty`);
      return value;
    };
    if (patch.version !== undefined && patch.version < current.version) {
      throw badRequest(`version can only go up (it is ${current.version}); raise it to make users accept the terms again`);
    }
    const changes = {
      displayName: text("displayName"),
      title: text("title"),
      bodyText: text("bodyText"),
      acceptanceStatement: text("acceptanceStatement"),
      description: patch.description === undefined ? current.description : patch.description,
      version: patch.version ?? current.version,
      roleScopeTagIds: patch.roleScopeTagIds === undefined ? current.roleScopeTagIds : (patch.roleScopeTagIds ?? [...DEFAULT_SCOPE_TAGS]),
    };
    if (changesNothing(changes, current)) return current;
    const updated: TermsRecord = { ...current, ...changes, modified: this.ctx.now() };
    this.ctx.store.terms.save(updated);
    return updated;
  }

  delete(id: string): void {
    this.get(id);
    this.ctx.store.transaction(() => {
      this.ctx.store.assignments.deleteAllOf(id);
      this.ctx.store.terms.delete(id);
    });
  }

  /** POST .../assignments: one more target. */
  addAssignment(id: string, input: AssignmentInput): AssignmentRecord {
    this.get(id);
    const [record] = this.assignments.build("terms", id, [input], TERMS_TARGETS);
    // Users accept terms (at sign-in); a device group's members are devices, so it would reach nobody.
    const group = record!.groupId === null ? undefined : this.ctx.store.groups.get(record!.groupId);
    if (group?.groupTypes.includes(DYNAMIC)) {
      throw badRequest(
        `target.groupId: '${group.displayName}' (${group.id}) is a dynamic device group; terms and conditions are accepted by users, not devices: ` +
          "assign a user group, or allLicensedUsersAssignmentTarget",
      );
    }
    if (this.ctx.store.assignments.of(id).some((a) => a.id === record!.id)) {
      throw badRequest("these terms are already assigned to that target");
    }
    this.ctx.store.assignments.insert(record!);
    return record!;
  }

  assignmentsOf(id: string): AssignmentRecord[] {
    this.get(id);
    return this.ctx.store.assignments.of(id);
  }

  /** One assignment of the terms, by its id (ids ignore case, as in a path). */
  assignment(id: string, assignmentId: string): AssignmentRecord {
    const found = this.assignmentsOf(id).find((a) => a.id.toLowerCase() === assignmentId.toLowerCase());
    if (!found) throw itemNotFound("termsAndConditionsAssignment", assignmentId);
    return found;
  }

  removeAssignment(id: string, assignmentId: string): void {
    this.get(id);
    if (!this.ctx.store.assignments.delete(id, assignmentId)) throw itemNotFound("termsAndConditionsAssignment", assignmentId);
  }

  acceptanceStatuses(id: string): AcceptanceRecord[] {
    this.get(id);
    return this.ctx.store.terms.acceptances(id);
  }

  /** The terms a user must still accept (assigned, and not accepted at their current version). */
  pendingFor(userId: string): TermsToAccept[] {
    const byOwner = this.assignments.byOwner("terms");
    if (byOwner.size === 0) return [];
    return this.list()
      .filter((t) => this.assignments.reaches(byOwner.get(t.id) ?? [], { userId }))
      .filter((t) => (this.ctx.store.terms.acceptedVersion(t.id, userId) ?? 0) < t.version)
      .map((t) => ({ id: t.id, title: t.title, bodyText: t.bodyText, acceptanceStatement: t.acceptanceStatement, version: t.version }));
  }

  /** The device's user accepted a version of the terms. */
  accept(userId: string | null, termsId: string, version: number): void {
    const terms = this.ctx.store.terms.get(termsId);
    const assigned = userId !== null && terms !== undefined && this.assignments.reaches(this.ctx.store.assignments.of(termsId), { userId });
    if (!assigned) throw deviceError("termsNotFound", `no terms and conditions '${termsId}' are assigned to this device's user`);
    if (version !== terms!.version) {
      throw deviceError("termsVersionChanged", `the terms are now at version ${terms!.version}, not ${version}; show them again`);
    }
    this.ctx.store.terms.accept({ termsId, userId: userId!, acceptedVersion: version, accepted: this.ctx.now() });
  }
}

