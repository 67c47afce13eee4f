/**
 * Device configuration and compliance policies, and the state each device reported for each
 * configuration it applied.
 */
import type { SettingStateReport } from "../../agent/protocol/device-api.js";
import type { Db, Transaction } from "./database.js";

export type PolicyKind = "configuration" | "compliance";

/** A policy's own settings: Graph property name to value (only the ones the admin set). */
export type PolicySettings = Record<string, boolean | number | string>;

export interface PolicyRecord {
  id: string;
  kind: PolicyKind;
  displayName: string;
  description: string | null;
  settings: PolicySettings;
  /** Compliance policies: Graph's scheduledActionsForRule as given on create or by scheduleActionsForRules. */
  scheduledActions: unknown[] | null;
  roleScopeTagIds: string[];
  version: number;
  created: number;
  modified: number;
}

export interface PolicyStateRecord {
  deviceId: string;
  policyId: string;
  /** The policy version the device applied. */
  version: number;
  settings: SettingStateReport[];
  reported: number;
  /** Compliance policies: since when the device has been noncompliant with it (null: it is not). */
  noncompliantSince?: number | null;
}

interface PolicyRow {
  id: string;
  kind: PolicyKind;
  display_name: string;
  description: string | null;
  settings: string;
  scheduled_actions: string | null;
  role_scope_tag_ids: string;
  version: number;
  created: number;
  modified: number;
}

export class PolicyStore {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly byId;
  private readonly ofKind;
  private readonly upsertState;
  private readonly statesOf;
  private readonly statesOfMany;
  private readonly deleteStatesOfPolicy;

  constructor(
    db: Db,
    private readonly transaction: Transaction,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO policies (id, kind, display_name, description, settings, scheduled_actions, role_scope_tag_ids, version, created, modified)
       VALUES (@id, @kind, @displayName, @description, @settings, @scheduledActions, @roleScopeTagIds, @version, @created, @modified)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE policies SET display_name = @displayName, description = @description, settings = @settings,
         scheduled_actions = @scheduledActions, role_scope_tag_ids = @roleScopeTagIds, version = @version, modified = @modified WHERE id = @id`,
    );
    this.deleteStmt = db.prepare("DELETE FROM policies WHERE id = ?");
    this.byId = db.prepare<[string], PolicyRow>("SELECT * FROM policies WHERE id = ?");
    this.ofKind = db.prepare<[PolicyKind], PolicyRow>("SELECT * FROM policies WHERE kind = ? ORDER BY created, rowid");
    this.upsertState = db.prepare(
      `INSERT OR REPLACE INTO policy_states (device_id, policy_id, version, setting_states, reported, noncompliant_since)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    // A device's states in the primary key's order (by policy id), as the one-device read gives them.
    this.statesOf = db.prepare<[string], StateRow>("SELECT * FROM policy_states WHERE device_id = ? ORDER BY policy_id");
    // The ids come as one JSON array: one statement whatever the page's size, read through the primary key.
    this.statesOfMany = db.prepare<[string], StateRow>(
      "SELECT * FROM policy_states WHERE device_id IN (SELECT value FROM json_each(?)) ORDER BY device_id, policy_id",
    );
    this.deleteStatesOfPolicy = db.prepare("DELETE FROM policy_states WHERE policy_id = ?");
  }

  insert(policy: PolicyRecord): void {
    this.insertStmt.run(toRow(policy));
  }

  save(policy: PolicyRecord): void {
    this.updateStmt.run(toRow(policy));
  }

  /** Deletes the policy and what devices reported for it (its assignments go with it in the caller's transaction). */
  delete(id: string): boolean {
    return this.transaction(() => {
      this.deleteStatesOfPolicy.run(id);
      return this.deleteStmt.run(id).changes > 0;
    });
  }

  get(id: string): PolicyRecord | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  list(kind: PolicyKind): PolicyRecord[] {
    return this.ofKind.all(kind).map(fromRow);
  }

  recordState(state: PolicyStateRecord): void {
    this.upsertState.run(state.deviceId, state.policyId, state.version, JSON.stringify(state.settings), state.reported, state.noncompliantSince ?? null);
  }

  /** What a device reported, by policy id. */
  statesOfDevice(deviceId: string): Map<string, PolicyStateRecord> {
    return new Map(this.statesOf.all(deviceId).map((row) => [row.policy_id, stateFromRow(row)]));
  }

  /**
   * What `statesOfDevice` gives for each of the devices, read in one query (a list page's
   * devices): every id is a key, its states in the same order.
   */
  statesOfDevices(deviceIds: readonly string[]): Map<string, Map<string, PolicyStateRecord>> {
    const found = new Map<string, Map<string, PolicyStateRecord>>(deviceIds.map((id) => [id, new Map()]));
    if (deviceIds.length === 0) return found;
    for (const row of this.statesOfMany.all(JSON.stringify(deviceIds))) found.get(row.device_id)?.set(row.policy_id, stateFromRow(row));
    return found;
  }
}

interface StateRow {
  device_id: string;
  policy_id: string;
  version: number;
  setting_states: string;
  reported: number;
  noncompliant_since: number | null;
}

function stateFromRow(row: StateRow): PolicyStateRecord {
  return {
    deviceId: row.device_id,
    policyId: row.policy_id,
    version: row.version,
    settings: JSON.parse(row.setting_states) as SettingStateReport[],
    reported: row.reported,
    noncompliantSince: row.noncompliant_since,
  };
}

function toRow(p: PolicyRecord): Record<string, unknown> {
  return {
    ...p,
    settings: JSON.stringify(p.settings),
    scheduledActions: p.scheduledActions === null ? null : JSON.stringify(p.scheduledActions),
    roleScopeTagIds: JSON.stringify(p.roleScopeTagIds),
  };
}

function fromRow(row: PolicyRow): PolicyRecord {
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    description: row.description,
    settings: JSON.parse(row.settings) as PolicySettings,
    scheduledActions: row.scheduled_actions === null ? null : (JSON.parse(row.scheduled_actions) as unknown[]),
    roleScopeTagIds: JSON.parse(row.role_scope_tag_ids) as string[],
    version: row.version,
    created: row.created,
    modified: row.modified,
  };
}
