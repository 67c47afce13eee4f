/**
 * The account a scenario's device signs in as, on the service the run uses. A run marks the
 * accounts it creates (their mail nickname), so that on a running service shared by teams it
 * reuses only its own: an account of the same name that no run made is refused, never licensed
 * or changed, as the fleet refuses one (agent/sim/fleet/tenant.ts). Before, such an account was
 * given an Intune licence unsaid, and the device then failed to sign in with a password that was
 * not its own, which read as the scenario failing.
 */
import type { AdminClient, GraphUser } from "../../mock-service/admin-client.js";
import { mailNicknameOf } from "../../mock-service/domain/mail-nickname.js";
import { InputError } from "../protocol/errors.js";

/** What a scenario says of its user (its defaults filled in). */
export interface ScenarioUser {
  userPrincipalName: string;
  password: string;
  displayName: string;
  licensed: boolean;
}

/** The mail nickname a run gives the accounts it creates: the name's alias, marked as a run's. */
export function runMailNickname(userPrincipalName: string): string {
  return `aosp-sim-run-${mailNicknameOf(userPrincipalName)}`;
}

/**
 * Creates the scenario's user (licensed when it says so), or reuses the one an earlier run made
 * on this service, its password set to the scenario's so the device can sign in. A user of that
 * name that no run made is an InputError naming the service and the fix.
 */
export async function setUpScenarioUser(admin: AdminClient, user: ScenarioUser): Promise<GraphUser> {
  const mark = runMailNickname(user.userPrincipalName);
  const existing = await admin.getUser(user.userPrincipalName).catch(() => null);
  if (existing === null) {
    const created = await admin.createUser({ displayName: user.displayName, userPrincipalName: user.userPrincipalName, password: user.password, mailNickname: mark });
    return user.licensed ? admin.assignLicense(created.id) : created;
  }
  if (existing.mailNickname !== mark) {
    throw new InputError(
      `already has a user ${user.userPrincipalName} that no run created (its mail nickname is ${JSON.stringify(existing.mailNickname ?? null)}, not "${mark}"): the run signs its device in as that name and will not license it or change its password`,
      {
        where: admin.baseUrl,
        hint: `give the scenario's "user" another userPrincipalName (the run then creates its own), or rename or delete that user if it is not needed`,
      },
    );
  }
  await admin.updateUser(existing.id, { password: user.password });
  return user.licensed && existing.assignedLicenses.length === 0 ? admin.assignLicense(existing.id) : existing;
}
