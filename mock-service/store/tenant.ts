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
  private readonly insertIncident;
  private readonly incidentById;

  constructor(db: Db) {
    this.getStmt = db.prepare<[], TenantRow>("SELECT * FROM tenant WHERE singleton = 1");
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO tenant (singleton, tenant_id, display_name, mdm_authority, cloud, created)
       VALUES (1, @tenantId, @displayName, @mdmAuthority, @cloud, @created)`,
    );
    this.setAuthorityStmt = db.prepare("UPDATE tenant SET mdm_authority = ? WHERE singleton = 1");
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

  addIncident(incident: IncidentRecord): void {
    this.insertIncident.run(incident);
  }

  incident(id: string): IncidentRecord | undefined {
    const row = this.incidentById.get(id);
    return row ? { id: row.id, deviceId: row.device_id, created: row.created, logs: row.logs } : undefined;
  }
}
