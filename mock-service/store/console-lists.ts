/**
 * The console's numbered pages of long lists (LIMIT/OFFSET, as console/paging.ts shows them): a
 * group's members, and the Add members picker's users and devices, each of the two narrowed to
 * the start of a name through that name's index (a user's principal name or display name). A
 * page reads its own rows, never the whole list; rows carry only what the pages show.
 */
import type { Db } from "./database.js";
import { LISTED } from "./devices.js";
import type { MemberType } from "./groups.js";

/** A member of a group with the name the console shows: a device's name, a user's display name. */
export interface NamedMember {
  memberId: string;
  memberType: MemberType;
  name: string;
}

/** A listed device as the picker shows it. */
export interface DeviceChoice {
  id: string;
  deviceName: string;
}

/** A user as the picker shows it. */
export interface UserChoice {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

/** The rows of a list narrowed to a name's start: how many, and a page of them. */
export interface StartingWith<Row> {
  count(start: string): number;
  at(start: string, offset: number, limit: number): Row[];
}

/**
 * The LIKE pattern of names starting with `start`: `%`, `_` and the escape character itself are
 * escaped, so an admin's `50%_off` is matched as typed rather than as wildcards.
 */
export function startPattern(start: string): string {
  return `${start.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The rowids of `table` whose `column` starts with the bound `@pattern`, ignoring case. LIKE
 * folds ASCII letters only, and it reads the column's NOCASE index (SQLite's LIKE optimization
 * needs the index's collation to be NOCASE, and an ESCAPE character of one byte): a range of the
 * index, not the table. Rows with a character beyond printable ASCII, which NOCASE does not fold
 * as Graph does, come in `@unfolded` (a JSON array), compared in JavaScript.
 */
export const STARTING_ROWS = (table: string, column: string): string => startingRows(table, [column]);

/** STARTING_ROWS of rows where any of `columns` starts with `@pattern`: a range of each column's index. */
function startingRows(table: string, columns: readonly string[]): string {
  const ranges = columns.map((column) => `SELECT rowid FROM ${table} WHERE ${column} LIKE @pattern ESCAPE '\\'`);
  return [...ranges, "SELECT value FROM json_each(@unfolded)"].join(" UNION ");
}

/** Members whose user, device or group still exists, as GroupStore.countMembers counts them, with their name. */
const MEMBERS = `SELECT m.member_id, m.member_type, COALESCE(d.device_name, u.display_name, g.display_name) AS name
  FROM group_members m
  LEFT JOIN devices d ON m.member_type = 'device' AND d.id = m.member_id
  LEFT JOIN users u ON m.member_type = 'user' AND u.id = m.member_id
  LEFT JOIN groups g ON m.member_type = 'group' AND g.id = m.member_id
  WHERE m.group_id = ? AND COALESCE(d.id, u.id, g.id) IS NOT NULL
  ORDER BY m.added, m.rowid LIMIT ? OFFSET ?`;

/** A name a list is searched by: its column and the partial index of its values NOCASE does not fold. */
interface SearchedName {
  column: string;
  unfoldedIndex: string;
}

/**
 * Rows of `table` (named `alias` in `select`, `order` and `where`) narrowed to where one of
 * `names` starts with a text, ignoring case, in list order. `select` is the columns to read,
 * `order` the list order, and `where` any condition besides.
 */
function startingWith<Row>(
  db: Db,
  options: { table: string; alias: string; names: readonly SearchedName[]; select: string; order: string; where?: string },
): StartingWith<Row> {
  const { table, alias, names, select, order } = options;
  const where = `${options.where ? `${options.where} AND ` : ""}${alias}.rowid IN (${startingRows(table, names.map((n) => n.column))})`;
  const unfolded = db.prepare<[], { row: number; name: string }>(
    names
      .map(({ column, unfoldedIndex }) => `SELECT rowid AS row, ${column} AS name FROM ${table} INDEXED BY ${unfoldedIndex} WHERE ${column} GLOB '*[^ -~]*'`)
      .join(" UNION ALL "),
  );
  const counted = db.prepare<[{ pattern: string; unfolded: string }], { n: number }>(`SELECT count(*) AS n FROM ${table} ${alias} WHERE ${where}`);
  const paged = db.prepare<[{ pattern: string; unfolded: string; limit: number; offset: number }], Row>(
    `SELECT ${select} FROM ${table} ${alias} WHERE ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
  );
  const bound = (start: string) => {
    const folded = start.toLowerCase();
    const rows = new Set(unfolded.all().flatMap((r) => (r.name.toLowerCase().startsWith(folded) ? [r.row] : [])));
    return { pattern: startPattern(start), unfolded: JSON.stringify([...rows]) };
  };
  return {
    count: (start) => counted.get(bound(start))?.n ?? 0,
    at: (start, offset, limit) => paged.all({ ...bound(start), limit, offset }),
  };
}

/** The console's numbered pages; see the module's comment. */
export class ConsoleLists {
  private readonly membersAt;
  private readonly usersAt;
  /** Listed devices whose name starts with a text. */
  readonly devicesNamed: StartingWith<DeviceChoice>;
  /** Users whose user principal name or display name starts with a text. */
  readonly usersNamed: StartingWith<UserChoice>;

  constructor(db: Db) {
    this.membersAt = db.prepare<[string, number, number], { member_id: string; member_type: MemberType; name: string }>(MEMBERS);
    this.usersAt = db.prepare<[number, number], UserChoice>(
      "SELECT id, display_name AS displayName, user_principal_name AS userPrincipalName FROM users ORDER BY created, rowid LIMIT ? OFFSET ?",
    );
    this.devicesNamed = startingWith<DeviceChoice>(db, {
      table: "devices",
      alias: "d",
      names: [{ column: "device_name", unfoldedIndex: "devices_by_name_unfolded" }],
      select: "d.id, d.device_name AS deviceName",
      order: "d.enrolled, d.rowid",
      where: LISTED,
    });
    this.usersNamed = startingWith<UserChoice>(db, {
      table: "users",
      alias: "u",
      names: [
        { column: "user_principal_name", unfoldedIndex: "users_by_upn_unfolded" },
        { column: "display_name", unfoldedIndex: "users_by_display_name_unfolded" },
      ],
      select: "u.id, u.display_name AS displayName, u.user_principal_name AS userPrincipalName",
      order: "u.created, u.rowid",
    });
  }

  /** Up to `limit` of the group's members in member order (added, then insertion), from the `offset`-th. */
  members(groupId: string, offset: number, limit: number): NamedMember[] {
    return this.membersAt.all(groupId, limit, offset).map((r) => ({ memberId: r.member_id, memberType: r.member_type, name: r.name }));
  }

  /** Up to `limit` users in list order (created, then insertion), from the `offset`-th. */
  users(offset: number, limit: number): UserChoice[] {
    return this.usersAt.all(limit, offset);
  }
}
