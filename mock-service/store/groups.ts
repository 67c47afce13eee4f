/** Groups (assigned and dynamic) and their members. */
import type { Db, Transaction } from "./database.js";
import { cursorOf, type Cursor, type KeyColumns, type Keyed } from "./keyset.js";

/** A group's member: a user, an enrolled device, or a group nested in it. */
export type MemberType = "user" | "device" | "group";

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  /** "On" or "Paused" for dynamic groups; null for assigned groups. */
  membershipRuleProcessingState: string | null;
  created: number;
}

export interface MemberRecord {
  memberId: string;
  memberType: MemberType;
  added: number;
}

interface GroupRow {
  id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  mail_enabled: number;
  security_enabled: number;
  group_types: string;
  membership_rule: string | null;
  processing_state: string | null;
  created: number;
}

interface MemberRow {
  member_id: string;
  member_type: MemberType;
  added: number;
}

export class GroupStore {
  private readonly insertGroup;
  private readonly updateGroup;
  private readonly deleteGroup;
  private readonly byId;
  private readonly all;
  private readonly dynamic;
  private readonly membersOf;
  private readonly isMemberStmt;
  private readonly addMemberStmt;
  private readonly removeMemberStmt;
  private readonly removeEverywhere;
  private readonly clearMembers;
  private readonly groupAt;
  private readonly groupsFrom;
  private readonly groupCount;
  private readonly memberAtStmt;
  private readonly membersFromStmt;
  private readonly memberCount;
  private readonly transitiveStmt;
  private readonly groupsOfStmt;
  private readonly transitiveGroupsOfStmt;
  private readonly transitiveMembersStmt;
  private readonly addOwnerStmt;
  private readonly ownersStmt;
  private readonly isOwnerStmt;

  constructor(
    db: Db,
    private readonly transaction: Transaction,
  ) {
    this.insertGroup = db.prepare(
      `INSERT INTO groups (id, display_name, description, mail_nickname, mail_enabled, security_enabled, group_types,
         membership_rule, processing_state, created)
       VALUES (@id, @displayName, @description, @mailNickname, @mailEnabled, @securityEnabled, @groupTypes,
         @membershipRule, @membershipRuleProcessingState, @created)`,
    );
    this.updateGroup = db.prepare(
      `UPDATE groups SET display_name = @displayName, description = @description, mail_nickname = @mailNickname,
         membership_rule = @membershipRule, processing_state = @membershipRuleProcessingState WHERE id = @id`,
    );
    this.deleteGroup = db.prepare("DELETE FROM groups WHERE id = ?");
    this.byId = db.prepare<[string], GroupRow>("SELECT * FROM groups WHERE id = ?");
    this.all = db.prepare<[], GroupRow>("SELECT * FROM groups ORDER BY created, rowid");
    this.dynamic = db.prepare<[], GroupRow>(
      "SELECT * FROM groups WHERE membership_rule IS NOT NULL ORDER BY created, rowid",
    );
    this.membersOf = db.prepare<[string], MemberRow>(
      "SELECT member_id, member_type, added FROM group_members WHERE group_id = ? ORDER BY added, rowid",
    );
    this.isMemberStmt = db.prepare<[string, string], { n: number }>(
      "SELECT 1 AS n FROM group_members WHERE group_id = ? AND member_id = ?",
    );
    this.addMemberStmt = db.prepare(
      "INSERT OR IGNORE INTO group_members (group_id, member_id, member_type, added) VALUES (?, ?, ?, ?)",
    );
    this.removeMemberStmt = db.prepare("DELETE FROM group_members WHERE group_id = ? AND member_id = ?");
    this.removeEverywhere = db.prepare("DELETE FROM group_members WHERE member_id = ?");
    this.clearMembers = db.prepare("DELETE FROM group_members WHERE group_id = ?");
    this.groupAt = db.prepare<[string], GroupRow & KeyColumns>("SELECT *, created AS key_at, rowid AS key_row FROM groups WHERE id = ?");
    this.groupsFrom = db.prepare<[number, number, number], GroupRow & KeyColumns>(
      "SELECT *, created AS key_at, rowid AS key_row FROM groups WHERE (created, rowid) > (?, ?) ORDER BY created, rowid LIMIT ?",
    );
    this.groupCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM groups");
    this.memberAtStmt = db.prepare<[string, string], MemberRow & KeyColumns>(
      "SELECT member_id, member_type, added, added AS key_at, rowid AS key_row FROM group_members WHERE group_id = ? AND member_id = ?",
    );
    this.membersFromStmt = db.prepare<[string, number, number, number], MemberRow & KeyColumns>(
      `SELECT member_id, member_type, added, added AS key_at, rowid AS key_row FROM group_members
       WHERE group_id = ? AND (added, rowid) > (?, ?) ORDER BY added, rowid LIMIT ?`,
    );
    // Members whose user or device is gone are not listed, so they are not counted either.
    this.memberCount = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM group_members m WHERE m.group_id = ? AND CASE m.member_type
         WHEN 'user' THEN EXISTS (SELECT 1 FROM users WHERE id = m.member_id)
         WHEN 'group' THEN EXISTS (SELECT 1 FROM groups WHERE id = m.member_id)
         ELSE EXISTS (SELECT 1 FROM devices WHERE id = m.member_id) END`,
    );
    // The group and every group nested in it, at any depth. UNION (not UNION ALL) keeps each group
    // once, so a cycle of nested groups (Entra ID allows them) ends the walk instead of looping.
    this.transitiveStmt = db.prepare<[string, string], { n: number }>(
      `WITH RECURSIVE nested(id) AS (
         SELECT ? UNION SELECT m.member_id FROM group_members m JOIN nested ON m.group_id = nested.id WHERE m.member_type = 'group'
       )
       SELECT 1 AS n FROM group_members m JOIN nested ON m.group_id = nested.id WHERE m.member_id = ? LIMIT 1`,
    );
    // The groups an object is a direct member of, in the order it joined them.
    this.groupsOfStmt = db.prepare<[string], GroupRow>(
      "SELECT g.* FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = ? ORDER BY m.added, m.rowid",
    );
    // The groups an object is a member of directly or through nested groups, each once (UNION ends
    // a cycle), in list order of the groups.
    this.transitiveGroupsOfStmt = db.prepare<[string], GroupRow>(
      `WITH RECURSIVE outer_groups(id) AS (
         SELECT group_id FROM group_members WHERE member_id = ?
         UNION SELECT m.group_id FROM group_members m JOIN outer_groups ON m.member_id = outer_groups.id AND m.member_type = 'group'
       )
       SELECT g.* FROM groups g JOIN outer_groups ON g.id = outer_groups.id ORDER BY g.created, g.rowid`,
    );
    // The members of a group and of every group nested in it, each once, at its first joining;
    // the group itself is not its own member even when a cycle leads back to it.
    this.transitiveMembersStmt = db.prepare<[string, string], MemberRow>(
      `WITH RECURSIVE nested(id) AS (
         SELECT ? UNION SELECT m.member_id FROM group_members m JOIN nested ON m.group_id = nested.id WHERE m.member_type = 'group'
       )
       SELECT m.member_id, m.member_type, min(m.added) AS added FROM group_members m JOIN nested ON m.group_id = nested.id
       WHERE m.member_id <> ? GROUP BY m.member_id, m.member_type ORDER BY min(m.added), min(m.rowid)`,
    );
    this.addOwnerStmt = db.prepare("INSERT OR IGNORE INTO group_owners (group_id, owner_id, added) VALUES (?, ?, ?)");
    this.ownersStmt = db.prepare<[string], { owner_id: string }>("SELECT owner_id FROM group_owners WHERE group_id = ? ORDER BY added, rowid");
    this.isOwnerStmt = db.prepare<[string, string], { n: number }>("SELECT 1 AS n FROM group_owners WHERE group_id = ? AND owner_id = ?");
  }

  /** A group's owners (users), kept as Graph's owners@odata.bind and owners/$ref set them. */
  addOwner(groupId: string, ownerId: string, now: number): void {
    this.addOwnerStmt.run(groupId, ownerId, now);
  }

  /** The group's owners' user ids, in the order they were added. */
  owners(groupId: string): string[] {
    return this.ownersStmt.all(groupId).map((row) => row.owner_id);
  }

  isOwner(groupId: string, ownerId: string): boolean {
    return this.isOwnerStmt.get(groupId, ownerId) !== undefined;
  }

  insert(group: GroupRecord): void {
    this.insertGroup.run(toRow(group));
  }

  save(group: GroupRecord): void {
    this.updateGroup.run(toRow(group));
  }

  delete(id: string): boolean {
    return this.deleteGroup.run(id).changes > 0;
  }

  get(id: string): GroupRecord | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  list(): GroupRecord[] {
    return this.all.all().map(fromRow);
  }

  listDynamic(): GroupRecord[] {
    return this.dynamic.all().map(fromRow);
  }

  members(groupId: string): MemberRecord[] {
    return this.membersOf.all(groupId).map(memberFromRow);
  }

  /** A group with its place in list order. */
  at(id: string): Keyed<GroupRecord> | undefined {
    const row = this.groupAt.get(id);
    return row && { record: fromRow(row), cursor: cursorOf(row) };
  }

  /** Up to `limit` groups in list order after `cursor`. */
  from(cursor: Cursor, limit: number): Keyed<GroupRecord>[] {
    return this.groupsFrom.all(cursor.at, cursor.row, limit).map((row) => ({ record: fromRow(row), cursor: cursorOf(row) }));
  }

  count(): number {
    return this.groupCount.get()?.n ?? 0;
  }

  /** A member of the group with its place in the group's member order (undefined: not a member). */
  memberAt(groupId: string, memberId: string): Keyed<MemberRecord> | undefined {
    const row = this.memberAtStmt.get(groupId, memberId);
    return row && { record: memberFromRow(row), cursor: cursorOf(row) };
  }

  /** Up to `limit` members of the group in member order (added, then insertion) after `cursor`. */
  membersFrom(groupId: string, cursor: Cursor, limit: number): Keyed<MemberRecord>[] {
    return this.membersFromStmt.all(groupId, cursor.at, cursor.row, limit).map((row) => ({ record: memberFromRow(row), cursor: cursorOf(row) }));
  }

  /** The group's members whose user or device still exists. */
  countMembers(groupId: string): number {
    return this.memberCount.get(groupId)?.n ?? 0;
  }

  isMember(groupId: string, memberId: string): boolean {
    return this.isMemberStmt.get(groupId, memberId) !== undefined;
  }

  /** True when the member is in the group or in a group nested in it, at any depth. */
  isTransitiveMember(groupId: string, memberId: string): boolean {
    return this.transitiveStmt.get(groupId, memberId) !== undefined;
  }

  /** The groups the object (a user, a group, a managed device by its id) is a direct member of. */
  groupsOf(memberId: string): GroupRecord[] {
    return this.groupsOfStmt.all(memberId).map(fromRow);
  }

  /** The groups the object is a member of, directly or through groups nested in them. */
  transitiveGroupsOf(memberId: string): GroupRecord[] {
    return this.transitiveGroupsOfStmt.all(memberId).map(fromRow);
  }

  /** The members of the group and of the groups nested in it, at any depth, each once. */
  transitiveMembers(groupId: string): MemberRecord[] {
    return this.transitiveMembersStmt.all(groupId, groupId).map(memberFromRow);
  }

  addMember(groupId: string, memberId: string, type: MemberType, now: number): void {
    this.addMemberStmt.run(groupId, memberId, type, now);
  }

  removeMember(groupId: string, memberId: string): boolean {
    return this.removeMemberStmt.run(groupId, memberId).changes > 0;
  }

  /** A device, user or group leaves: it leaves every group. */
  removeFromAll(memberId: string): void {
    this.removeEverywhere.run(memberId);
  }

  /** Replaces a dynamic group's members in one transaction. */
  replaceMembers(groupId: string, members: { id: string; type: MemberType }[], now: number): void {
    this.transaction(() => {
      this.clearMembers.run(groupId);
      for (const m of members) this.addMemberStmt.run(groupId, m.id, m.type, now);
    });
  }
}

function memberFromRow(row: MemberRow): MemberRecord {
  return { memberId: row.member_id, memberType: row.member_type, added: row.added };
}

function toRow(g: GroupRecord): Record<string, unknown> {
  return {
    ...g,
    mailEnabled: g.mailEnabled ? 1 : 0,
    securityEnabled: g.securityEnabled ? 1 : 0,
    groupTypes: JSON.stringify(g.groupTypes),
  };
}

function fromRow(row: GroupRow): GroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    mailNickname: row.mail_nickname,
    mailEnabled: row.mail_enabled === 1,
    securityEnabled: row.security_enabled === 1,
    groupTypes: JSON.parse(row.group_types) as string[],
    membershipRule: row.membership_rule,
    membershipRuleProcessingState: row.processing_state,
    created: row.created,
  };
}
