/** The service's domain services, wired once and handed to the route plugins. */
import type { ServiceContext } from "../context.js";
import type { LockoutPolicy } from "../domain/sign-in-lockout.js";
import { AssignmentService } from "./assignments.js";
import { DeviceService } from "./devices.js";
import { GroupService } from "./groups.js";
import { PackageService } from "./packages.js";
import { PolicyService } from "./policies.js";
import { ProfileService } from "./profiles.js";
import { TenantService } from "./tenant.js";
import { TermsService } from "./terms.js";
import { UserService } from "./users.js";

export interface Services {
  ctx: ServiceContext;
  packages: PackageService;
  users: UserService;
  profiles: ProfileService;
  groups: GroupService;
  devices: DeviceService;
  tenant: TenantService;
  policies: PolicyService;
  terms: TermsService;
}

export function createServices(ctx: ServiceContext, options: { lockout?: LockoutPolicy } = {}): Services {
  const packages = new PackageService(ctx);
  packages.seed();
  const users = new UserService(ctx, options.lockout);
  const tenant = new TenantService(ctx);
  const profiles = new ProfileService(ctx, packages, tenant);
  const groups = new GroupService(ctx);
  const assignments = new AssignmentService(ctx);
  const policies = new PolicyService(ctx, assignments);
  const terms = new TermsService(ctx, assignments);
  const devices = new DeviceService(ctx, packages, users, groups, policies, terms);
  return { ctx, packages, users, profiles, groups, devices, tenant, policies, terms };
}
