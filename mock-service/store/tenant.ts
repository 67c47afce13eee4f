/** The one tenant the service plays, and the incidents its devices report. */
import type { Db } from "./database.js";

/** Graph's mdmAuthority. */
export type MdmAuthority = "unknown" | "intune" | "sccm" | "office365";

/** Where the tenant lives: the global cloud, or Microsoft Azure operated by 21Vianet. */
export type TenantCloud = "global" | "21vianet";

export interface TenantRecord {
  tenantId: string;
  displayName: string;
  /** "intune": the MDM authority is Intune (what AOSP enrollment needs); "unknown": not set yet. */
  mdmAuthority: MdmAuthority;
  cloud: TenantCloud;
  created: number;
}

interface TenantRow {
  tenant_id: string;
  display_name: string;
  mdm_authority: MdmAuthority;
  cloud: TenantCloud;
  created: number;
}

/**
 * The tenant's compliance policy settings, Intune's *Compliance policy settings* (Graph's
 * deviceManagementSettings): `secureByDefault` marks a device with no compliance policy assigned
 * noncompliant (off: compliant), and a device that has not checked in for more than
 * `checkinThresholdDays` days is noncompliant (*Compliance status validity period (days)*).
 */
export interface ComplianceSettings {
  secureByDefault: boolean;
  checkinThresholdDays: number;
}

export interface IncidentRecord {
  id: string;
  deviceId: string;
  created: number;
  logs: string;
}

export class TenantStore {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly setAuthorityStmt;
  private readonly complianceSettingsStmt;
  private readonly setComplianceSettingsStmt;
  private readonly insertIncident;
  private readonly incidentById;

  constructor(db: Db) {
    this.getStmt = db.prepare<[], TenantRow>("SELECT * FROM tenant WHERE singleton = 1");
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO tenant (singleton, tenant_id, display_name, mdm_authority, cloud, created)
       VALUES (1, @tenantId, @displayName, @mdmAuthority, @cloud, @created)`,
    );
    this.setAuthorityStmt = db.prepare("UPDATE tenant SET mdm_authority = ? WHERE singleton = 1");
    this.complianceSettingsStmt = db.prepare<[], { secure_by_default: number; compliance_checkin_threshold_days: number }>(
      "SELECT secure_by_default, compliance_checkin_threshold_days FROM tenant WHERE singleton = 1",
    );
    this.setComplianceSettingsStmt = db.prepare(
      "UPDATE tenant SET secure_by_default = @secureByDefault, compliance_checkin_threshold_days = @checkinThresholdDays WHERE singleton = 1",
    );
    this.insertIncident = db.prepare(
      "INSERT INTO incidents (id, device_id, created, logs) VALUES (@id, @deviceId, @created, @logs)",
    );
    this.incidentById = db.prepare<[string], { id: string; device_id: string; created: number; logs: string }>(
      "SELECT * FROM incidents WHERE id = ?",
    );
  }

  /** The tenant, created on first use. */
  ensure(create: () => TenantRecord): TenantRecord {
    if (!this.getStmt.get()) this.insertStmt.run(create());
    return this.get();
  }

  get(): TenantRecord {
    const row = this.getStmt.get();
    if (!row) throw new Error("the tenant has not been created");
    return {
      tenantId: row.tenant_id,
      displayName: row.display_name,
      mdmAuthority: row.mdm_authority,
      cloud: row.cloud,
      created: row.created,
    };
  }

  setMdmAuthority(authority: MdmAuthority): void {
    this.setAuthorityStmt.run(authority);
  }

  /** The tenant's compliance policy settings. */
  complianceSettings(): ComplianceSettings {
    const row = this.complianceSettingsStmt.get();
    if (!row) throw new Error("the tenant has not been created");
    return { secureByDefault: row.secure_by_default === 1, checkinThresholdDays: row.compliance_checkin_threshold_days };
  }

  setComplianceSettings(settings: ComplianceSettings): void {
    this.setComplianceSettingsStmt.run({ secureByDefault: settings.secureByDefault ? 1 : 0, checkinThresholdDays: settings.checkinThresholdDays });
  }

  addIncident(incident: IncidentRecord): void {
    this.insertIncident.run(incident);
  }

  incident(id: string): IncidentRecord | undefined {
    const row = this.incidentById.get(id);
    return row ? { id: row.id, deviceId: row.device_id, created: row.created, logs: row.logs } : undefined;
  }
}
