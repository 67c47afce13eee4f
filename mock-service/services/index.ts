/** The service's domain services, wired once and handed to the route plugins. */
import type { ServiceContext } from "../context.js";
import { DeviceService } from "./devices.js";
import { GroupService } from "./groups.js";
import { PackageService } from "./packages.js";
import { ProfileService } from "./profiles.js";
import { UserService } from "./users.js";

export interface Services {
  ctx: ServiceContext;
  packages: PackageService;
  users: UserService;
  profiles: ProfileService;
  groups: GroupService;
  devices: DeviceService;
}

export function createServices(ctx: ServiceContext): Services {
  const packages = new PackageService(ctx);
  packages.seed();
  const users = new UserService(ctx);
  const profiles = new ProfileService(ctx, packages);
  const groups = new GroupService(ctx);
  const devices = new DeviceService(ctx, packages, users, groups);
  return { ctx, packages, users, profiles, groups, devices };
}
