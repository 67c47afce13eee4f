/**
 * Assignments of policies and terms to targets (Graph's deviceAndAppManagementAssignmentTarget):
 * a group (included or excluded), all devices, or all licensed users. One table for every kind of
 * owner; deleting an owner deletes its assignments (the owner's store does it in its transaction).
 */
import type { Db } from "./database.js";

export type AssignmentOwnerKind = "configuration" | "compliance" | "terms";

/** The Graph @odata.type of a target, without the "#microsoft.graph." prefix. */
export const TARGET_TYPES = [
  "groupAssignmentTarget",
  "exclusionGroupAssignmentTarget",
  "allDevicesAssignmentTarget",
  "allLicensedUsersAssignmentTarget",
] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface AssignmentRecord {
  id: string;
  ownerKind: AssignmentOwnerKind;
  ownerId: string;
  targetType: TargetType;
  /** For the two group targets; null otherwise. */
  groupId: string | null;
  created: number;
}

interface AssignmentRow {
  id: string;
  owner_kind: AssignmentOwnerKind;
  owner_id: string;
  target_type: TargetType;
  group_id: string | null;
  created: number;
}

export class AssignmentStore {
  private readonly insertStmt;
  private readonly ofOwner;
  private readonly ofKind;
  private readonly deleteOfOwner;
  private readonly deleteOne;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO assignments (id, owner_kind, owner_id, target_type, group_id, created)
       VALUES (@id, @ownerKind, @ownerId, @targetType, @groupId, @created)`,
    );
    this.ofOwner = db.prepare<[string], AssignmentRow>("SELECT * FROM assignments WHERE owner_id = ? ORDER BY created, rowid");
    this.ofKind = db.prepare<[string], AssignmentRow>("SELECT * FROM assignments WHERE owner_kind = ? ORDER BY created, rowid");
    this.deleteOfOwner = db.prepare("DELETE FROM assignments WHERE owner_id = ?");
    this.deleteOne = db.prepare("DELETE FROM assignments WHERE owner_id = ? AND id = ?");
  }

  insert(assignment: AssignmentRecord): void {
    this.insertStmt.run(assignment);
  }

  of(ownerId: string): AssignmentRecord[] {
    return this.ofOwner.all(ownerId).map(fromRow);
  }

  /** Every assignment of one kind of owner, for working out what applies to a device or user. */
  ofKindAll(kind: AssignmentOwnerKind): AssignmentRecord[] {
    return this.ofKind.all(kind).map(fromRow);
  }

  deleteAllOf(ownerId: string): void {
    this.deleteOfOwner.run(ownerId);
  }

  delete(ownerId: string, id: string): boolean {
    return this.deleteOne.run(ownerId, id).changes > 0;
  }
}

function fromRow(row: AssignmentRow): AssignmentRecord {
  return {
    id: row.id,
    ownerKind: row.owner_kind,
    ownerId: row.owner_id,
    targetType: row.target_type,
    groupId: row.group_id,
    created: row.created,
  };
}
