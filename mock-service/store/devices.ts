/** Enrolled devices, the apps they report and the remote actions queued for them. */
import type { Statement } from "better-sqlite3";
import type { Db, Transaction } from "./database.js";
import { cursorOf, type Cursor, type KeyColumns, type Keyed } from "./keyset.js";
import type { EnrollmentMode } from "./profiles.js";

/**
 * managed: enrolled and syncing. wipePending: a wipe was requested; the device is listed until it
 * acknowledges its factory reset. deletePending: deleted by the admin (no longer listed); the
 * device is told to reset at its next check-in. removed: gone; its credential now answers
 * deviceNotFound.
 */
export type ManagementState = "managed" | "wipePending" | "deletePending" | "removed";

/** Managed or waiting for its wipe: the admin API lists it and its credential works. */
export function isEnrolled(device: { managementState: ManagementState }): boolean {
  return device.managementState === "managed" || device.managementState === "wipePending";
}

/**
 * A device's verdict from its last compliance report: unknown (not evaluated yet), compliant, or
 * noncompliant (the admin reads inGracePeriod until `graceEnds`); noPolicy when it checked in
 * with no compliance policy assigned (the tenant's secureByDefault says which that reads as).
 */
export interface DeviceCompliance {
  state: "unknown" | "noPolicy" | "compliant" | "noncompliant";
  /** Noncompliant: when the grace period of the block action ends (null: none, noncompliant at once). */
  graceEnds: number | null;
}

export interface DeviceRecord {
  id: string;
  azureADDeviceId: string;
  /**
   * The object id of the device's directory object (Entra ID's `device`): its own id, neither the
   * managed device's id nor `azureADDeviceId` (the directory object's `deviceId`).
   */
  directoryId: string;
  credentialHash: string;
  profileId: string;
  enrollmentProfileName: string;
  enrollmentMode: EnrollmentMode;
  deviceNameTemplate: string;
  deviceName: string;
  serialNumber: string;
  model: string;
  manufacturer: string;
  osVersion: string;
  agentVersion: string;
  userId: string | null;
  managementState: ManagementState;
  enrolled: number;
  lastSync: number;
  removed: number | null;
  /** Absent on a device being enrolled: it starts unknown. */
  compliance?: DeviceCompliance;
}

/** A device with its user's name, as the admin API shows it. */
export interface DeviceView extends DeviceRecord {
  userPrincipalName: string | null;
  userDisplayName: string | null;
}

export interface AppRecord {
  packageName: string;
  versionName: string;
  versionCode: number;
}

/**
 * The remote actions a device takes: wipe and delete (the seed's), rebootNow, resetPasscode and
 * remoteLock (Intune's Restart, Reset passcode and Remote lock pages list Android (AOSP) among
 * their platforms).
 */
export type ActionType = "wipe" | "delete" | "rebootNow" | "resetPasscode" | "remoteLock";
/** canceled: never carried out, a delete delivered first (Microsoft: wipe, retire and delete take precedence over every other pending action). */
export type ActionStatus = "pending" | "started" | "completed" | "failed" | "canceled";

export interface ActionRecord {
  id: string;
  deviceId: string;
  type: ActionType;
  status: ActionStatus;
  message: string | null;
  requested: number;
  updated: number;
  /** The new passcode of a resetPasscode action (null for the others). */
  passcode: string | null;
}

interface DeviceRow {
  id: string;
  azure_ad_device_id: string;
  directory_id: string;
  credential_hash: string;
  profile_id: string;
  enrollment_profile_name: string;
  enrollment_mode: EnrollmentMode;
  device_name_template: string;
  device_name: string;
  serial_number: string;
  model: string;
  manufacturer: string;
  os_version: string;
  agent_version: string;
  user_id: string | null;
  management_state: ManagementState;
  enrolled: number;
  last_sync: number;
  removed: number | null;
  compliance_state: DeviceCompliance["state"];
  compliance_grace_ends: number | null;
  user_principal_name?: string | null;
  user_display_name?: string | null;
}

interface ActionRow {
  id: string;
  device_id: string;
  type: ActionType;
  status: ActionStatus;
  message: string | null;
  requested: number;
  updated: number;
  passcode: string | null;
}

const VIEW = `SELECT d.*, u.user_principal_name AS user_principal_name, u.display_name AS user_display_name
  FROM devices d LEFT JOIN users u ON u.id = d.user_id`;

/** The admin's view with the columns of list order (enrolled, then insertion). */
const KEYED_VIEW = `SELECT d.*, u.user_principal_name AS user_principal_name, u.display_name AS user_display_name,
    d.enrolled AS key_at, d.rowid AS key_row
  FROM devices d LEFT JOIN users u ON u.id = d.user_id`;

/**
 * The condition of a listed device (table alias `d`). The unary + keeps SQLite from reading the
 * state index: list order comes from devices_in_order (or the few rows a look-up found), never
 * from sorting every listed device for each chunk.
 */
export const LISTED = "+d.management_state IN ('managed', 'wipePending')";

/**
 * The rows of `table` whose `column` holds a character besides printable ASCII, which SQLite's
 * NOCASE does not fold as Graph does, read from the partial `index` of just those rows.
 */
const UNFOLDED = (table: string, column: string, index: string, id = "rowid") =>
  `SELECT ${id} FROM ${table} INDEXED BY ${index} WHERE ${column} GLOB '*[^ -~]*'`;

/**
 * The properties a listed device can be looked up by through an index, and the rows that may
 * match a set of values (already lower-cased): a superset the caller filters exactly.
 */
const MATCHING: Record<DeviceLookup, (marks: string) => string> = {
  // Ids are the service's own lower-case UUIDs.
  id: (marks) => `SELECT rowid FROM devices WHERE id IN (${marks})`,
  azureADDeviceId: (marks) => `SELECT rowid FROM devices WHERE azure_ad_device_id IN (${marks})`,
  userId: (marks) => `SELECT rowid FROM devices WHERE user_id IN (${marks})`,
  serialNumber: (marks) =>
    `SELECT rowid FROM devices WHERE serial_number COLLATE NOCASE IN (${marks}) UNION ${UNFOLDED("devices", "serial_number", "devices_by_serial_unfolded")}`,
  deviceName: (marks) =>
    `SELECT rowid FROM devices WHERE device_name COLLATE NOCASE IN (${marks}) UNION ${UNFOLDED("devices", "device_name", "devices_by_name_unfolded")}`,
  userPrincipalName: (marks) =>
    `SELECT rowid FROM devices WHERE user_id IN (SELECT id FROM users WHERE user_principal_name IN (${marks}) UNION ${UNFOLDED("users", "user_principal_name", "users_by_upn_unfolded", "id")})`,
};

/**
 * The SQL expression of each field of a listed device, over the admin's view (`d` the device,
 * `u` its user): what a condition or an order given to `visibleWhere` is written with.
 */
export const DEVICE_SQL = {
  id: "d.id",
  azureADDeviceId: "d.azure_ad_device_id",
  enrollmentProfileName: "d.enrollment_profile_name",
  enrollmentMode: "d.enrollment_mode",
  deviceName: "d.device_name",
  serialNumber: "d.serial_number",
  model: "d.model",
  manufacturer: "d.manufacturer",
  osVersion: "d.os_version",
  userId: "d.user_id",
  managementState: "d.management_state",
  enrolled: "d.enrolled",
  lastSync: "d.last_sync",
  userPrincipalName: "u.user_principal_name",
  userDisplayName: "u.display_name",
} as const satisfies Partial<Record<keyof DeviceView, string>>;

/** A condition on the admin's view of devices and the values of its `?` marks. */
export interface DeviceCondition {
  sql: string;
  params: (string | number | null)[];
}

/** The fields kept case-blind in an index, with the partial index of their values NOCASE does not fold. */
const UNFOLDED_INDEX = {
  serialNumber: UNFOLDED("devices", "serial_number", "devices_by_serial_unfolded"),
  deviceName: UNFOLDED("devices", "device_name", "devices_by_name_unfolded"),
} as const;

/** What listed devices can be looked up by without reading every row. */
export type DeviceLookup = "id" | "azureADDeviceId" | "userId" | "serialNumber" | "deviceName" | "userPrincipalName";

export class DeviceStore {
  private readonly insertDevice;
  private readonly byId;
  private readonly viewById;
  private readonly idByDirectoryId;
  private readonly byCredential;
  private readonly visible;
  private readonly visibleAtOffset;
  private readonly visibleCount;
  private readonly listedAt;
  private readonly listedFrom;
  private readonly placeStmt;
  private readonly matching = new Map<string, Statement<string[], DeviceRow>>();
  /** Statements of conditions and orders given by the caller, by their SQL (a few shapes: a cap keeps the map small). */
  private readonly conditioned = new Map<string, Statement<unknown[], DeviceRow & { n: number }>>();
  private readonly setState;
  private readonly setUserStmt;
  private readonly syncStmt;
  private readonly agentVersionStmt;
  private readonly complianceStmt;
  private readonly appsOf;
  private readonly deleteApps;
  private readonly insertApp;
  private readonly insertAction;
  private readonly openActions;
  private readonly allActions;
  private readonly actionsOfMany;
  private readonly actionById;
  private readonly updateActionStmt;

  constructor(
    private readonly db: Db,
    private readonly transaction: Transaction,
  ) {
    this.insertDevice = db.prepare(
      `INSERT INTO devices (id, azure_ad_device_id, directory_id, credential_hash, profile_id, enrollment_profile_name, enrollment_mode,
         device_name_template, device_name, serial_number, model, manufacturer, os_version, agent_version, user_id,
         management_state, enrolled, last_sync, removed)
       VALUES (@id, @azureADDeviceId, @directoryId, @credentialHash, @profileId, @enrollmentProfileName, @enrollmentMode,
         @deviceNameTemplate, @deviceName, @serialNumber, @model, @manufacturer, @osVersion, @agentVersion, @userId,
         @managementState, @enrolled, @lastSync, @removed)`,
    );
    this.byId = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE id = ?");
    this.viewById = db.prepare<[string], DeviceRow>(`${VIEW} WHERE d.id = ?`);
    this.idByDirectoryId = db.prepare<[string], { id: string }>("SELECT id FROM devices WHERE directory_id = ?");
    this.byCredential = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE credential_hash = ?");
    this.visible = db.prepare<[], DeviceRow>(
      `${VIEW} WHERE d.management_state IN ('managed', 'wipePending') ORDER BY d.enrolled, d.rowid`,
    );
    // A numbered page (the console's list): SQLite skips the rows before it without handing them over.
    this.visibleAtOffset = db.prepare<[number, number], DeviceRow>(
      `${VIEW} WHERE ${LISTED} ORDER BY d.enrolled, d.rowid LIMIT ? OFFSET ?`,
    );
    this.visibleCount = db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM devices WHERE management_state IN ('managed', 'wipePending')",
    );
    this.listedAt = db.prepare<[string], DeviceRow & KeyColumns>(`${KEYED_VIEW} WHERE d.id = ? AND ${LISTED}`);
    this.placeStmt = db.prepare<[string], KeyColumns>("SELECT enrolled AS key_at, rowid AS key_row FROM devices WHERE id = ?");
    this.listedFrom = db.prepare<[number, number, number], DeviceRow & KeyColumns>(
      `${KEYED_VIEW} WHERE ${LISTED} AND (d.enrolled, d.rowid) > (?, ?) ORDER BY d.enrolled, d.rowid LIMIT ?`,
    );
    this.setState = db.prepare("UPDATE devices SET management_state = ?, removed = ? WHERE id = ?");
    this.setUserStmt = db.prepare("UPDATE devices SET user_id = ?, device_name = ? WHERE id = ?");
    this.syncStmt = db.prepare("UPDATE devices SET agent_version = ?, last_sync = ? WHERE id = ?");
    this.agentVersionStmt = db.prepare("UPDATE devices SET agent_version = ? WHERE id = ?");
    this.complianceStmt = db.prepare("UPDATE devices SET compliance_state = ?, compliance_grace_ends = ? WHERE id = ?");
    this.appsOf = db.prepare<[string], { package_name: string; version_name: string; version_code: number }>(
      "SELECT package_name, version_name, version_code FROM device_apps WHERE device_id = ? ORDER BY package_name",
    );
    this.deleteApps = db.prepare("DELETE FROM device_apps WHERE device_id = ?");
    this.insertApp = db.prepare(
      "INSERT OR REPLACE INTO device_apps (device_id, package_name, version_name, version_code) VALUES (?, ?, ?, ?)",
    );
    this.insertAction = db.prepare(
      `INSERT INTO actions (id, device_id, type, status, message, requested, updated, passcode)
       VALUES (@id, @deviceId, @type, @status, @message, @requested, @updated, @passcode)`,
    );
    this.openActions = db.prepare<[string], ActionRow>(
      // A failed wipe is offered again; a restart, passcode reset or lock the device reported failed is over.
      "SELECT * FROM actions WHERE device_id = ? AND status NOT IN ('completed', 'canceled') AND NOT (status = 'failed' AND type IN ('rebootNow', 'resetPasscode', 'remoteLock')) ORDER BY requested, rowid",
    );
    this.allActions = db.prepare<[string], ActionRow>("SELECT * FROM actions WHERE device_id = ? ORDER BY requested, rowid");
    // The ids come as one JSON array: one statement whatever the page's size, read through actions_by_device.
    this.actionsOfMany = db.prepare<[string], ActionRow>(
      "SELECT * FROM actions WHERE device_id IN (SELECT value FROM json_each(?)) ORDER BY requested, rowid",
    );
    this.actionById = db.prepare<[string], ActionRow>("SELECT * FROM actions WHERE id = ?");
    this.updateActionStmt = db.prepare("UPDATE actions SET status = ?, message = ?, updated = ? WHERE id = ?");
  }

  insert(device: DeviceRecord): void {
    const { compliance: _starts, ...columns } = device;
    this.insertDevice.run(columns);
  }

  get(id: string): DeviceRecord | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** The admin's view of a device, whatever its state. */
  view(id: string): DeviceView | undefined {
    const row = this.viewById.get(id);
    return row ? viewFromRow(row) : undefined;
  }

  /** The id of the device whose directory object has this object id, whatever its state. */
  idOfDirectoryObject(directoryId: string): string | undefined {
    return this.idByDirectoryId.get(directoryId)?.id;
  }

  getByCredentialHash(hash: string): DeviceRecord | undefined {
    const row = this.byCredential.get(hash);
    return row ? fromRow(row) : undefined;
  }

  /** Devices the admin API lists: managed or waiting for their wipe. */
  listVisible(): DeviceView[] {
    return this.visible.all().map(viewFromRow);
  }

  /** A listed device with its place in list order (undefined when it is not listed). */
  visibleAt(id: string): Keyed<DeviceView> | undefined {
    const row = this.listedAt.get(id);
    return row && { record: viewFromRow(row), cursor: cursorOf(row) };
  }

  /** Where a device stands in list order, listed or not (removed devices keep their row). */
  placeOf(id: string): Cursor | undefined {
    const row = this.placeStmt.get(id);
    return row && cursorOf(row);
  }

  /** Up to `limit` listed devices in list order after `cursor`; those `where` keeps, when given (SQL over DEVICE_SQL's expressions). */
  visibleFrom(cursor: Cursor, limit: number, where?: DeviceCondition): Keyed<DeviceView>[] {
    const rows = where
      ? this.conditionedStatement(`${KEYED_VIEW} WHERE ${LISTED} AND (${where.sql}) AND (d.enrolled, d.rowid) > (?, ?) ORDER BY d.enrolled, d.rowid LIMIT ?`).all(
          ...where.params,
          cursor.at,
          cursor.row,
          limit,
        )
      : this.listedFrom.all(cursor.at, cursor.row, limit);
    return rows.map((row) => ({ record: viewFromRow(row), cursor: cursorOf(row as KeyColumns) }));
  }

  /**
   * The listed devices, in list order, whose `property` may equal one of `values` (lower-cased):
   * found through an index, a superset of the matches that the caller filters exactly.
   */
  visibleMatching(property: DeviceLookup, values: readonly string[]): DeviceView[] {
    const key = `${property}/${values.length}`;
    let statement = this.matching.get(key);
    if (!statement) {
      statement = this.db.prepare<string[], DeviceRow>(
        `${VIEW} WHERE ${LISTED} AND d.rowid IN (${MATCHING[property](values.map(() => "?").join(", "))}) ORDER BY d.enrolled, d.rowid`,
      );
      // The statements of few shapes are kept: an `in` list of any length would otherwise grow the map without end.
      if (values.length <= 4) this.matching.set(key, statement);
    }
    return statement.all(...values).map(viewFromRow);
  }

  /**
   * Up to `limit` listed devices `where` keeps, in the order `orderBy` (SQL over DEVICE_SQL's
   * expressions): SQLite reads them through an index on the order where one fits.
   */
  visibleWhere(where: DeviceCondition, orderBy: string, limit: number): DeviceView[] {
    return this.conditionedStatement(`${VIEW} WHERE ${LISTED} AND (${where.sql}) ORDER BY ${orderBy} LIMIT ?`)
      .all(...where.params, limit)
      .map(viewFromRow);
  }

  /**
   * The number of listed devices `where` keeps among the rows `rows` (rowids, both ends included),
   * counted by SQLite: a count of many rows is made a span at a time.
   */
  countVisibleWhere(where: DeviceCondition, rows: { from: number; to: number }): number {
    const sql = `SELECT count(*) AS n FROM devices d LEFT JOIN users u ON u.id = d.user_id
      WHERE d.rowid BETWEEN ? AND ? AND ${LISTED} AND (${where.sql})`;
    return this.conditionedStatement(sql).get(rows.from, rows.to, ...where.params)?.n ?? 0;
  }

  /** The largest rowid of a device (0 without devices): where a count by spans of rows ends. */
  lastRow(): number {
    return this.conditionedStatement("SELECT coalesce(max(rowid), 0) AS n FROM devices").get()?.n ?? 0;
  }

  /**
   * Whether a listed device's serial number or name holds a character besides printable ASCII
   * (read from the partial index of just those): until one does, SQLite's NOCASE sorts the field
   * as Graph does.
   */
  hasUnfolded(field: keyof typeof UNFOLDED_INDEX): boolean {
    const statement = this.conditionedStatement(`SELECT count(*) AS n FROM devices d WHERE ${LISTED} AND d.rowid IN (${UNFOLDED_INDEX[field]})`);
    return (statement.get()?.n ?? 0) > 0;
  }

  private conditionedStatement(sql: string): Statement<unknown[], DeviceRow & { n: number }> {
    let statement = this.conditioned.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], DeviceRow & { n: number }>(sql);
      if (this.conditioned.size >= 64) this.conditioned.clear();
      this.conditioned.set(sql, statement);
    }
    return statement;
  }

  /** Up to `limit` listed devices in list order, from the `offset`-th (0 is the first). */
  listVisibleAt(offset: number, limit: number): DeviceView[] {
    return this.visibleAtOffset.all(limit, offset).map(viewFromRow);
  }

  countVisible(): number {
    return this.visibleCount.get()?.n ?? 0;
  }

  setManagementState(id: string, state: ManagementState, removed: number | null = null): void {
    this.setState.run(state, removed, id);
  }

  setUser(id: string, userId: string, deviceName: string): void {
    this.setUserStmt.run(userId, deviceName, id);
  }

  /**
   * A successful sync: the agent's version, the sync time and the apps it reported, together.
   * Most check-ins report the apps the last one did; those rewrite only the device's row.
   */
  recordSync(id: string, agentVersion: string, apps: readonly AppRecord[], now: number): void {
    this.transaction(() => {
      this.syncStmt.run(agentVersion, now, id);
      if (sameApps(this.apps(id), apps)) return;
      this.deleteApps.run(id);
      for (const app of apps) this.insertApp.run(id, app.packageName, app.versionName, app.versionCode);
    });
  }

  setCompliance(id: string, compliance: DeviceCompliance): void {
    this.complianceStmt.run(compliance.state, compliance.graceEnds, id);
  }

  recordAgentVersion(id: string, agentVersion: string): void {
    this.agentVersionStmt.run(agentVersion, id);
  }

  apps(id: string): AppRecord[] {
    return this.appsOf.all(id).map((r) => ({
      packageName: r.package_name,
      versionName: r.version_name,
      versionCode: r.version_code,
    }));
  }

  /** Marks the device removed and forgets its apps; its row stays so its credential is recognised. */
  remove(id: string, now: number): void {
    this.transaction(() => {
      this.setState.run("removed", now, id);
      this.deleteApps.run(id);
    });
  }

  addAction(action: ActionRecord): void {
    this.insertAction.run(action);
  }

  /** Actions neither completed nor canceled (a failed wipe is offered again), oldest first. */
  openActionsOf(deviceId: string): ActionRecord[] {
    return this.openActions.all(deviceId).map(actionFromRow);
  }

  /** Every action asked of the device, done ones included, oldest first (Graph's deviceActionResults). */
  actionsOf(deviceId: string): ActionRecord[] {
    return this.allActions.all(deviceId).map(actionFromRow);
  }

  /**
   * What `actionsOf` gives for each of the devices, read in one query (a list page's devices):
   * every id is a key, with its actions oldest first.
   */
  actionsOfDevices(deviceIds: readonly string[]): Map<string, ActionRecord[]> {
    const found = new Map<string, ActionRecord[]>(deviceIds.map((id) => [id, []]));
    if (deviceIds.length === 0) return found;
    for (const row of this.actionsOfMany.all(JSON.stringify(deviceIds))) found.get(row.device_id)?.push(actionFromRow(row));
    return found;
  }

  getAction(id: string): ActionRecord | undefined {
    const row = this.actionById.get(id);
    return row ? actionFromRow(row) : undefined;
  }

  updateAction(id: string, status: ActionStatus, message: string | null, now: number): void {
    this.updateActionStmt.run(status, message, now, id);
  }
}

/** True when `reported` lists exactly the stored apps, each once, in any order. */
function sameApps(stored: readonly AppRecord[], reported: readonly AppRecord[]): boolean {
  if (stored.length !== reported.length) return false;
  const byName = new Map(stored.map((app) => [app.packageName, app]));
  return reported.every((app) => {
    const known = byName.get(app.packageName);
    byName.delete(app.packageName);
    return known?.versionName === app.versionName && known.versionCode === app.versionCode;
  });
}

function fromRow(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    azureADDeviceId: row.azure_ad_device_id,
    directoryId: row.directory_id,
    credentialHash: row.credential_hash,
    profileId: row.profile_id,
    enrollmentProfileName: row.enrollment_profile_name,
    enrollmentMode: row.enrollment_mode,
    deviceNameTemplate: row.device_name_template,
    deviceName: row.device_name,
    serialNumber: row.serial_number,
    model: row.model,
    manufacturer: row.manufacturer,
    osVersion: row.os_version,
    agentVersion: row.agent_version,
    userId: row.user_id,
    managementState: row.management_state,
    enrolled: row.enrolled,
    lastSync: row.last_sync,
    removed: row.removed,
    compliance: { state: row.compliance_state, graceEnds: row.compliance_grace_ends },
  };
}

function viewFromRow(row: DeviceRow): DeviceView {
  return {
    ...fromRow(row),
    userPrincipalName: row.user_principal_name ?? null,
    userDisplayName: row.user_display_name ?? null,
  };
}

function actionFromRow(row: ActionRow): ActionRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    type: row.type,
    status: row.status,
    message: row.message,
    requested: row.requested,
    updated: row.updated,
    passcode: row.passcode ?? null,
  };
}
