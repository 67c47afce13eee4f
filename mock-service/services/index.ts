/** The service's domain services, wired once and handed to the route plugins. */
import type { ServiceContext } from "../context.js";
import type { LockoutPolicy } from "../domain/sign-in-lockout.js";
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

export function createServices(ctx: ServiceContext, options: { lockout?: LockoutPolicy } = {}): Services {
  const packages = new PackageService(ctx);
  packages.seed();
  const users = new UserService(ctx, options.lockout);
  const profiles = new ProfileService(ctx, packages);
  const groups = new GroupService(ctx);
  const devices = new DeviceService(ctx, packages, users, groups);
  return { ctx, packages, users, profiles, groups, devices };
}
