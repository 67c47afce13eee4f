/** The service's store: one SQLite database, one class per family of tables. */
import { openDatabase, type Db } from "./database.js";
import { DeviceStore } from "./devices.js";
import { GroupStore } from "./groups.js";
import { PackageStore } from "./packages.js";
import { ProfileStore } from "./profiles.js";
import { TenantStore } from "./tenant.js";
import { UserStore } from "./users.js";

export interface Store {
  db: Db;
  tenant: TenantStore;
  users: UserStore;
  profiles: ProfileStore;
  devices: DeviceStore;
  groups: GroupStore;
  packages: PackageStore;
  close(): void;
}

export function openStore(file?: string): Store {
  const db = openDatabase(file);
  return {
    db,
    tenant: new TenantStore(db),
    users: new UserStore(db),
    profiles: new ProfileStore(db),
    devices: new DeviceStore(db),
    groups: new GroupStore(db),
    packages: new PackageStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
