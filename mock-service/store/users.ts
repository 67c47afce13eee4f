/** Users of the tenant and their licences. */
import type { AssignedLicence } from "../domain/licences.js";
import type { UserProfile } from "../domain/user-profile.js";
import type { Db, Transaction } from "./database.js";
import { cursorOf, type Cursor, type KeyColumns, type Keyed } from "./keyset.js";

/** The passwordProfile flag that makes a user change the password at the next sign-in. */
export type PasswordChangeFlag = "forceChangePasswordNextSignIn" | "forceChangePasswordNextSignInWithMfa";

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mailNickname: string;
  accountEnabled: boolean;
  passwordHash: string;
  created: number;
  licenses: AssignedLicence[];
  /** Set: a device's sign-in is refused until an admin sets a password without the flag. */
  passwordChangeRequired: PasswordChangeFlag | null;
  /** The profile properties set (jobTitle, businessPhones, ...). */
  profile: UserProfile;
}

interface UserRow {
  id: string;
  user_principal_name: string;
  display_name: string;
  mail_nickname: string;
  account_enabled: number;
  password_hash: string;
  created: number;
  password_change_required: PasswordChangeFlag | null;
  profile: string;
}

export class UserStore {
  private readonly insertUser;
  private readonly byId;
  private readonly byUpn;
  private readonly all;
  private readonly licensesOf;
  private readonly addLicense;
  private readonly removeLicense;
  private readonly update;
  private readonly userAt;
  private readonly usersFrom;
  private readonly userCount;
  private readonly deleteStmts;

  constructor(
    db: Db,
    private readonly transaction: Transaction,
  ) {
    this.insertUser = db.prepare(
      `INSERT INTO users (id, user_principal_name, display_name, mail_nickname, account_enabled, password_hash, created, password_change_required, profile)
       VALUES (@id, @userPrincipalName, @displayName, @mailNickname, @accountEnabled, @passwordHash, @created, @passwordChangeRequired, @profile)`,
    );
    this.byId = db.prepare<[string], UserRow>("SELECT * FROM users WHERE id = ?");
    this.byUpn = db.prepare<[string], UserRow>("SELECT * FROM users WHERE user_principal_name = ?");
    this.all = db.prepare<[], UserRow>("SELECT * FROM users ORDER BY created, rowid");
    this.userAt = db.prepare<[string], UserRow & KeyColumns>("SELECT *, created AS key_at, rowid AS key_row FROM users WHERE id = ?");
    this.usersFrom = db.prepare<[number, number, number], UserRow & KeyColumns>(
      "SELECT *, created AS key_at, rowid AS key_row FROM users WHERE (created, rowid) > (?, ?) ORDER BY created, rowid LIMIT ?",
    );
    this.userCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users");
    this.licensesOf = db.prepare<[string], { sku_id: string; disabled_plans: string }>(
      "SELECT sku_id, disabled_plans FROM user_licenses WHERE user_id = ? ORDER BY sku_id",
    );
    // Adding a licence the user holds sets its disabled plans anew, as Graph's assignLicense does.
    this.addLicense = db.prepare(
      `INSERT INTO user_licenses (user_id, sku_id, disabled_plans) VALUES (?, ?, ?)
       ON CONFLICT (user_id, sku_id) DO UPDATE SET disabled_plans = excluded.disabled_plans`,
    );
    this.removeLicense = db.prepare("DELETE FROM user_licenses WHERE user_id = ? AND sku_id = ?");
    this.update = db.prepare(
      `UPDATE users SET display_name = @displayName, mail_nickname = @mailNickname, account_enabled = @accountEnabled,
       password_hash = @passwordHash, password_change_required = @passwordChangeRequired, profile = @profile WHERE id = @id`,
    );
    // What a user's deletion takes with it, in one transaction: its devices lose their primary
    // user (they stay enrolled), it leaves every group, its terms acceptances go; its licences
    // go with the row (ON DELETE CASCADE).
    this.deleteStmts = [
      db.prepare("UPDATE devices SET user_id = NULL WHERE user_id = ?"),
      db.prepare("DELETE FROM group_members WHERE member_id = ? AND member_type = 'user'"),
      db.prepare("DELETE FROM terms_acceptances WHERE user_id = ?"),
      db.prepare("DELETE FROM group_owners WHERE owner_id = ?"),
      db.prepare("DELETE FROM users WHERE id = ?"),
    ];
  }

  /** Deletes a user and what hangs on it (above); false when no user has the id. */
  delete(id: string): boolean {
    return this.transaction(() => {
      let changes = 0;
      for (const stmt of this.deleteStmts) changes = stmt.run(id).changes;
      return changes > 0;
    });
  }

  insert(user: Omit<UserRecord, "licenses">): void {
    this.insertUser.run({ ...user, accountEnabled: user.accountEnabled ? 1 : 0, profile: JSON.stringify(user.profile) });
  }

  get(id: string): UserRecord | undefined {
    return this.hydrate(this.byId.get(id));
  }

  /** User principal names compare case-insensitively, as in Entra. */
  getByUpn(upn: string): UserRecord | undefined {
    return this.hydrate(this.byUpn.get(upn));
  }

  /** By object id, or by userPrincipalName as Graph's /users/{id | userPrincipalName} allows. */
  find(idOrUpn: string): UserRecord | undefined {
    return this.get(idOrUpn) ?? this.getByUpn(idOrUpn);
  }

  list(): UserRecord[] {
    return this.all.all().map((row) => this.hydrate(row)!);
  }

  /** A user with its place in list order. */
  at(id: string): Keyed<UserRecord> | undefined {
    const row = this.userAt.get(id);
    return row && { record: this.hydrate(row)!, cursor: cursorOf(row) };
  }

  /** Up to `limit` users in list order after `cursor`. */
  from(cursor: Cursor, limit: number): Keyed<UserRecord>[] {
    return this.usersFrom.all(cursor.at, cursor.row, limit).map((row) => ({ record: this.hydrate(row)!, cursor: cursorOf(row) }));
  }

  count(): number {
    return this.userCount.get()?.n ?? 0;
  }

  save(user: UserRecord): void {
    this.update.run({ ...user, accountEnabled: user.accountEnabled ? 1 : 0, profile: JSON.stringify(user.profile) });
  }

  changeLicenses(userId: string, add: AssignedLicence[], remove: string[]): void {
    this.transaction(() => {
      for (const sku of remove) this.removeLicense.run(userId, sku);
      for (const licence of add) this.addLicense.run(userId, licence.skuId, JSON.stringify(licence.disabledPlans));
    });
  }

  private hydrate(row: UserRow | undefined): UserRecord | undefined {
    if (!row) return undefined;
    return {
      id: row.id,
      userPrincipalName: row.user_principal_name,
      displayName: row.display_name,
      mailNickname: row.mail_nickname,
      accountEnabled: row.account_enabled === 1,
      passwordHash: row.password_hash,
      created: row.created,
      passwordChangeRequired: row.password_change_required,
      profile: JSON.parse(row.profile) as UserProfile,
      licenses: this.licensesOf.all(row.id).map((l) => ({ skuId: l.sku_id, disabledPlans: JSON.parse(l.disabled_plans) as string[] })),
    };
  }
}
