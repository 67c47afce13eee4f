/** Terms and conditions, and which version of them each user accepted. */
import type { Db } from "./database.js";

export interface TermsRecord {
  id: string;
  displayName: string;
  description: string | null;
  title: string;
  bodyText: string;
  acceptanceStatement: string;
  /** Raised by the admin to make users accept the terms again. */
  version: number;
  roleScopeTagIds: string[];
  created: number;
  modified: number;
}

export interface AcceptanceRecord {
  termsId: string;
  userId: string;
  acceptedVersion: number;
  accepted: number;
}

interface TermsRow {
  id: string;
  display_name: string;
  description: string | null;
  title: string;
  body_text: string;
  acceptance_statement: string;
  version: number;
  role_scope_tag_ids: string;
  created: number;
  modified: number;
}

export class TermsStore {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly byId;
  private readonly all;
  private readonly acceptStmt;
  private readonly acceptancesOf;
  private readonly acceptanceOf;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO terms (id, display_name, description, title, body_text, acceptance_statement, version, role_scope_tag_ids, created, modified)
       VALUES (@id, @displayName, @description, @title, @bodyText, @acceptanceStatement, @version, @roleScopeTagIds, @created, @modified)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE terms SET display_name = @displayName, description = @description, title = @title, body_text = @bodyText,
         acceptance_statement = @acceptanceStatement, version = @version, role_scope_tag_ids = @roleScopeTagIds,
         modified = @modified WHERE id = @id`,
    );
    this.deleteStmt = db.prepare("DELETE FROM terms WHERE id = ?");
    this.byId = db.prepare<[string], TermsRow>("SELECT * FROM terms WHERE id = ?");
    this.all = db.prepare<[], TermsRow>("SELECT * FROM terms ORDER BY created, rowid");
    this.acceptStmt = db.prepare(
      "INSERT OR REPLACE INTO terms_acceptances (terms_id, user_id, accepted_version, accepted) VALUES (?, ?, ?, ?)",
    );
    this.acceptancesOf = db.prepare<[string], { terms_id: string; user_id: string; accepted_version: number; accepted: number }>(
      "SELECT * FROM terms_acceptances WHERE terms_id = ? ORDER BY accepted, rowid",
    );
    this.acceptanceOf = db.prepare<[string, string], { accepted_version: number }>(
      "SELECT accepted_version FROM terms_acceptances WHERE terms_id = ? AND user_id = ?",
    );
  }

  insert(terms: TermsRecord): void {
    this.insertStmt.run({ ...terms, roleScopeTagIds: JSON.stringify(terms.roleScopeTagIds) });
  }

  save(terms: TermsRecord): void {
    this.updateStmt.run({ ...terms, roleScopeTagIds: JSON.stringify(terms.roleScopeTagIds) });
  }

  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  get(id: string): TermsRecord | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  list(): TermsRecord[] {
    return this.all.all().map(fromRow);
  }

  accept(acceptance: AcceptanceRecord): void {
    this.acceptStmt.run(acceptance.termsId, acceptance.userId, acceptance.acceptedVersion, acceptance.accepted);
  }

  acceptances(termsId: string): AcceptanceRecord[] {
    return this.acceptancesOf.all(termsId).map((r) => ({
      termsId: r.terms_id,
      userId: r.user_id,
      acceptedVersion: r.accepted_version,
      accepted: r.accepted,
    }));
  }

  /** The version the user last accepted, if any. */
  acceptedVersion(termsId: string, userId: string): number | undefined {
    return this.acceptanceOf.get(termsId, userId)?.accepted_version;
  }
}

function fromRow(row: TermsRow): TermsRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    title: row.title,
    bodyText: row.body_text,
    acceptanceStatement: row.acceptance_statement,
    version: row.version,
    roleScopeTagIds: JSON.parse(row.role_scope_tag_ids) as string[],
    created: row.created,
    modified: row.modified,
  };
}
