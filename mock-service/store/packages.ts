/** Package versions the service serves (seeded and published), archives included. */
import type { Db } from "./database.js";
import type { ManagedPackage, Signer } from "../packages/catalog.js";

export interface PackageRecord {
  packageName: ManagedPackage;
  versionCode: number;
  versionName: string;
  label: string;
  signedBy: Signer;
  packageChecksum: string;
  signatureChecksum: string;
  size: number;
  published: number;
}

interface PackageRow {
  package_name: ManagedPackage;
  version_code: number;
  version_name: string;
  label: string;
  signed_by: Signer;
  package_checksum: string;
  signature_checksum: string;
  size: number;
  published: number;
}

export class PackageStore {
  private readonly insertStmt;
  private readonly all;
  private readonly archiveOf;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO packages (package_name, version_code, version_name, label, signed_by, archive,
         package_checksum, signature_checksum, published)
       VALUES (@packageName, @versionCode, @versionName, @label, @signedBy, @archive, @packageChecksum,
         @signatureChecksum, @published)`,
    );
    this.all = db.prepare<[], PackageRow>(
      `SELECT package_name, version_code, version_name, label, signed_by, package_checksum, signature_checksum,
         length(archive) AS size, published
       FROM packages ORDER BY package_name, version_code`,
    );
    this.archiveOf = db.prepare<[string, number], { archive: Buffer }>(
      "SELECT archive FROM packages WHERE package_name = ? AND version_code = ?",
    );
  }

  /** Inserts a version unless that (package, versionCode) exists; true when inserted. */
  insert(record: Omit<PackageRecord, "size"> & { archive: Buffer }): boolean {
    return this.insertStmt.run(record).changes > 0;
  }

  list(): PackageRecord[] {
    return this.all.all().map((r) => ({
      packageName: r.package_name,
      versionCode: r.version_code,
      versionName: r.version_name,
      label: r.label,
      signedBy: r.signed_by,
      packageChecksum: r.package_checksum,
      signatureChecksum: r.signature_checksum,
      size: r.size,
      published: r.published,
    }));
  }

  archive(packageName: string, versionCode: number): Buffer | undefined {
    return this.archiveOf.get(packageName, versionCode)?.archive;
  }
}
