/** The service's store: one SQLite database, one class per family of tables. */
import { AssignmentStore } from "./assignments.js";
import { ConsoleLists } from "./console-lists.js";
import { openDatabase, transactionRunner, type Transaction } from "./database.js";
import { DeviceStore } from "./devices.js";
import { GroupStore } from "./groups.js";
import { PackageStore } from "./packages.js";
import { PolicyStore } from "./policies.js";
import { ProfileStore } from "./profiles.js";
import { TenantStore } from "./tenant.js";
import { TermsStore } from "./terms.js";
import { UserStore } from "./users.js";

export interface Store {
  /** For changes to several tables that must land together. */
  transaction: Transaction;
  tenant: TenantStore;
  users: UserStore;
  profiles: ProfileStore;
  devices: DeviceStore;
  groups: GroupStore;
  packages: PackageStore;
  policies: PolicyStore;
  assignments: AssignmentStore;
  terms: TermsStore;
  /** The console's numbered pages of long lists. */
  consoleLists: ConsoleLists;
  /** How the service's starter named the database file (`--db`, or a library's `dbFile`): its log lines say it as they did. */
  fileOption: string;
  close(): void;
}

/** Opens the store on `file` (in memory by default); `option` is how its refusals name the file (`--db`, or a library's `dbFile`). */
export function openStore(file?: string, option = "--db"): Store {
  const db = openDatabase(file, option);
  const transaction = transactionRunner(db);
  return {
    transaction,
    tenant: new TenantStore(db),
    users: new UserStore(db, transaction),
    profiles: new ProfileStore(db, transaction),
    devices: new DeviceStore(db, transaction),
    groups: new GroupStore(db, transaction),
    packages: new PackageStore(db),
    policies: new PolicyStore(db, transaction),
    assignments: new AssignmentStore(db),
    terms: new TermsStore(db),
    consoleLists: new ConsoleLists(db),
    fileOption: option,
    close: () => {
      if (db.open) db.close();
    },
  };
}
