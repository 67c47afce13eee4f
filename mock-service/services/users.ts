/** The tenant's users: creation with Entra's password rules, licences, sign-in checks. */
import { randomUUID } from "node:crypto";
import type { ServiceContext } from "../context.js";
import { mailNicknameProblem } from "../domain/mail-nickname.js";
import { changedProfile, type ProfileChanges } from "../domain/user-profile.js";
import { findSku, hasIntuneLicence, INTUNE_PLAN, SKUS } from "../domain/licences.js";
import { hashPassword, verifyPassword } from "../domain/secrets.js";
import { DEFAULT_LOCKOUT_POLICY, SignInLockout, type LockoutPolicy } from "../domain/sign-in-lockout.js";
import { badRequest, deviceError, itemNotFound } from "../http/errors.js";
import type { PasswordChangeFlag, UserRecord } from "../store/users.js";
import { refuseLongText, TEXT_LIMITS } from "./text-limits.js";

/** What creating a user takes: Graph's *Create user* requires every one of these (README cites it). */
export interface NewUser extends ProfileChanges {
  accountEnabled: boolean;
  displayName: string;
  userPrincipalName: string;
  mailNickname: string;
  passwordProfile: PasswordProfile;
}

export interface UserPatch extends ProfileChanges {
  accountEnabled?: boolean;
  displayName?: string;
  mailNickname?: string;
  passwordProfile?: PasswordProfile;
}

/** Graph's passwordProfile; a flag left out is taken as false. */
export interface PasswordProfile {
  password: string;
  forceChangePasswordNextSignIn?: boolean;
  forceChangePasswordNextSignInWithMfa?: boolean;
}

/** The flag of a passwordProfile that makes the user change the password at the next sign-in. */
function passwordChangeFlag(profile: PasswordProfile): PasswordChangeFlag | null {
  if (profile.forceChangePasswordNextSignInWithMfa === true) return "forceChangePasswordNextSignInWithMfa";
  if (profile.forceChangePasswordNextSignIn === true) return "forceChangePasswordNextSignIn";
  return null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A hash to check against when the user does not exist, so an unknown user and a wrong password
// take the same time. Made on first use: scrypt is too slow to run at every import.
let dummyHash: Promise<string> | undefined;
const DUMMY_HASH = () => (dummyHash ??= hashPassword("not-a-real-password"));

export class UserService {
  private readonly lockout: SignInLockout;

  constructor(
    private readonly ctx: ServiceContext,
    lockoutPolicy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
  ) {
    this.lockout = new SignInLockout(lockoutPolicy, () => ctx.now());
  }

  async create(input: NewUser): Promise<UserRecord> {
    // The admin API's schema refuses these before the service sees them; the console's New user
    // form calls the service directly, and must not make a user the API would refuse.
    if (input.displayName === "") throw badRequest('"displayName" must not be empty');
    refuseLongText({ displayName: input.displayName }, TEXT_LIMITS.user);
    const upn = input.userPrincipalName.trim();
    checkUserPrincipalName(upn);
    const mailNickname = input.mailNickname.trim();
    if (mailNickname === "") throw badRequest("Property mailNickname value is required but is empty or missing.", { details: [{ code: "PropertyRequired", target: "mailNickname" }] });
    checkMailNickname(mailNickname);
    this.refuseTakenName(upn);
    checkPassword(input.passwordProfile.password);
    const passwordHash = await hashPassword(input.passwordProfile.password, this.ctx.passwordHashCost);
    // Checked again after the hash: another request may have taken the name meanwhile.
    this.refuseTakenName(upn);
    const user: UserRecord = {
      id: randomUUID(),
      userPrincipalName: upn,
      displayName: input.displayName,
      mailNickname,
      accountEnabled: input.accountEnabled,
      passwordHash,
      created: this.ctx.now(),
      licenses: [],
      passwordChangeRequired: passwordChangeFlag(input.passwordProfile),
      profile: changedProfile({}, input),
    };
    this.ctx.store.users.insert(user);
    return user;
  }

  /** Entra ID's refusal of a userPrincipalName another user holds (names compare ignoring case). */
  private refuseTakenName(upn: string): void {
    if (this.ctx.store.users.getByUpn(upn)) {
      throw badRequest("Another object with the same value for property userPrincipalName already exists.", {
        details: [{ code: "ObjectConflict", target: "userPrincipalName", message: `${upn} is taken: choose another userPrincipalName` }],
      });
    }
  }

  get(idOrUpn: string): UserRecord {
    const user = this.ctx.store.users.find(idOrUpn);
    if (!user) throw itemNotFound("user", idOrUpn);
    return user;
  }

  /**
   * Graph's *Delete a user*. The mock keeps no deleted items (Entra ID keeps a deleted user 30
   * days, restorable): the user is gone at once. Its enrolled devices stay managed with no primary
   * user (userId and userPrincipalName empty), and a sign-in as it fails as for any unknown user.
   */
  delete(idOrUpn: string): void {
    const user = this.get(idOrUpn);
    this.ctx.store.users.delete(user.id);
  }

  list(): UserRecord[] {
    return this.ctx.store.users.list();
  }

  async update(idOrUpn: string, patch: UserPatch): Promise<UserRecord> {
    this.get(idOrUpn);
    const mailNickname = patch.mailNickname?.trim();
    if (mailNickname !== undefined) {
      // Graph's Update user takes a new alias; an empty one is refused as on a create.
      if (mailNickname === "") throw badRequest("Invalid value specified for property 'mailNickname' of resource 'User': it is empty; give the mail alias.", { details: [{ code: "InvalidValue", target: "mailNickname" }] });
      checkMailNickname(mailNickname);
    }
    if (patch.passwordProfile) checkPassword(patch.passwordProfile.password);
    const newHash = patch.passwordProfile ? await hashPassword(patch.passwordProfile.password, this.ctx.passwordHashCost) : undefined;
    // Read after the hash so a change made meanwhile (a licence, a rename) is not overwritten.
    const user = this.get(idOrUpn);
    const updated: UserRecord = {
      ...user,
      displayName: patch.displayName ?? user.displayName,
      mailNickname: mailNickname ?? user.mailNickname,
      accountEnabled: patch.accountEnabled ?? user.accountEnabled,
      passwordHash: newHash ?? user.passwordHash,
      // A new password is set with its flags: without them, the user need not change it.
      passwordChangeRequired: patch.passwordProfile ? passwordChangeFlag(patch.passwordProfile) : user.passwordChangeRequired,
      profile: changedProfile(user.profile, patch),
    };
    this.ctx.store.users.save(updated);
    return updated;
  }

  /**
   * Graph assignLicense: every skuId must be one of the tenant's subscriptions, and every disabled
   * plan a GUID of one of that SKU's service plans. A licence added again takes its new disabledPlans.
   */
  assignLicense(idOrUpn: string, add: { skuId: string; disabledPlans?: string[] }[], remove: string[]): UserRecord {
    const user = this.get(idOrUpn);
    const sku = (skuId: string) => {
      const found = findSku(skuId);
      if (!found) {
        throw badRequest(
          `License ${skuId} does not correspond to a valid company License; the tenant has ${SKUS.map((s) => `${s.skuPartNumber} (${s.skuId})`).join(", ")}`,
        );
      }
      return found;
    };
    const added = add.map((licence, i) => {
      const { skuId, skuPartNumber, servicePlans } = sku(licence.skuId);
      const disabledPlans = (licence.disabledPlans ?? []).map((plan) => {
        const where = `addLicenses[${i}].disabledPlans`;
        if (!GUID.test(plan)) throw badRequest(`Invalid value specified for property 'disabledPlans' of resource 'AssignedLicense' (${where}): '${plan}' is not a GUID`);
        const found = servicePlans.find((p) => p.servicePlanId === plan.toLowerCase());
        if (!found) {
          throw badRequest(
            `${where}: ${plan} is not a service plan of ${skuPartNumber}; its plans are ${servicePlans.map((p) => `${p.servicePlanName} (${p.servicePlanId})`).join(", ")}`,
          );
        }
        return found.servicePlanId;
      });
      return { skuId, disabledPlans: [...new Set(disabledPlans)] };
    });
    this.ctx.store.users.changeLicenses(user.id, added, remove.map((skuId) => sku(skuId).skuId));
    return this.get(user.id);
  }

  /**
   * The checks a device sign-in makes, in order; throws the device API error for each refusal.
   * `newPassword`: the user's answer to a required password change (used only when one is required).
   */
  async authenticate(userPrincipalName: string, password: string, newPassword?: string): Promise<{ user: UserRecord; passwordChanged: boolean }> {
    const refusal = await this.lockout.begin(userPrincipalName);
    if (refusal) {
      const seconds = Math.ceil(refusal.waitMs / 1000);
      const wait = `${seconds} more second${seconds === 1 ? "" : "s"}`;
      throw deviceError(
        "accountLocked",
        refusal.why === "locked"
          ? `too many failed sign-ins for this account; it is locked for ${wait}, try again then`
          : `too many sign-ins for this account are waiting to be checked; try again in ${wait}`,
        {},
        { "Retry-After": String(seconds) },
      );
    }
    let user: UserRecord | undefined;
    try {
      const found = this.ctx.store.users.getByUpn(userPrincipalName.trim());
      const passwordOk = await verifyPassword(password, found?.passwordHash ?? (await DUMMY_HASH()));
      // Read again after the hash: the account may have been disabled or deleted meanwhile.
      user = passwordOk && found ? this.ctx.store.users.find(found.id) : undefined;
    } finally {
      this.lockout.finish(userPrincipalName, user !== undefined);
    }
    if (!user) {
      throw deviceError("invalidCredentials", "the user name or password is incorrect");
    }
    if (!user.accountEnabled) {
      throw deviceError("accountDisabled", `the account ${user.userPrincipalName} is disabled; an admin must enable it`);
    }
    const passwordChanged = user.passwordChangeRequired !== null;
    if (passwordChanged) user = await this.changePassword(user, password, newPassword);
    if (!hasIntuneLicence(user.licenses)) {
      const disabled = user.licenses.some((licence) => licence.disabledPlans.includes(INTUNE_PLAN.servicePlanId));
      throw deviceError(
        "userNotLicensed",
        disabled
          ? `${user.userPrincipalName}'s licences that include Intune have its plan (INTUNE_A) disabled; assign the licence again without it in disabledPlans`
          : `${user.userPrincipalName} has no licence that includes Intune; assign one (e.g. INTUNE_A) with assignLicense`,
      );
    }
    return { user, passwordChanged };
  }

  /**
   * Entra ID's "Update your password" page, for a user whose passwordProfile asks for a change at
   * this sign-in (Entra docs, "Reset a user's password": "The user will be required to change the
   * password during the next sign-in process"): the sign-in goes on with a new password that meets
   * the password policy and is not the current one ("The last password can't be used again when the
   * user changes a password", concept-sspr-policy), and the flag is cleared (Graph passwordProfile:
   * "After a password change, this property will be automatically reset to false"). Without a new
   * password the device is shown the page: 403 passwordChangeRequired.
   */
  private async changePassword(user: UserRecord, password: string, newPassword: string | undefined): Promise<UserRecord> {
    const flag = user.passwordChangeRequired;
    const setByAdmin =
      'or have an admin set a password without the flag: PATCH /beta/users/{id} {"passwordProfile": {"password": "...", "forceChangePasswordNextSignIn": false}}';
    if (flag === "forceChangePasswordNextSignInWithMfa") {
      // Entra asks for multifactor authentication before the new password; the simulated user has no second factor.
      throw deviceError(
        "passwordChangeRequired",
        `${user.userPrincipalName} must pass multifactor authentication and then change the password at this sign-in (passwordProfile.${flag} is true); ` +
          `the simulated device has no second factor: set passwordProfile.forceChangePasswordNextSignIn instead to let it choose a new password, ${setByAdmin}`,
      );
    }
    if (newPassword === undefined) {
      throw deviceError(
        "passwordChangeRequired",
        `${user.userPrincipalName} must change the password at this sign-in (passwordProfile.${flag} is true): sign in again with the current password and a newPassword ` +
          `(aosp-sim enroll --new-password, createDevice's user.newPassword), ${setByAdmin}`,
      );
    }
    if (newPassword === password) {
      throw deviceError("newPasswordRefused", "the new password is the current one; the last password can't be used again when the user changes a password: choose another");
    }
    const problem = passwordProblem(newPassword);
    if (problem !== null) throw deviceError("newPasswordRefused", `the new password does not comply with password complexity requirements:${problem}`);
    const passwordHash = await hashPassword(newPassword, this.ctx.passwordHashCost);
    // Read after the hash, as update() does, so a change made meanwhile is not overwritten.
    const current = this.ctx.store.users.find(user.id);
    if (!current) throw deviceError("invalidCredentials", "the user name or password is incorrect");
    const changed: UserRecord = { ...current, passwordHash, passwordChangeRequired: null };
    this.ctx.store.users.save(changed);
    return changed;
  }
}

/**
 * Entra ID's password policy: 8 to 256 characters of A-Z, a-z, 0-9, the ASCII symbols and the
 * space (no other Unicode character), with three of lowercase, uppercase, digits and symbols.
 * The problem with `password` in those terms, or null when it complies.
 */
function passwordProblem(password: string): string | null {
  const outside = [...password].find((char) => !/^[\x20-\x7e]$/.test(char));
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length >= 8 && password.length <= 256 && kinds >= 3 && outside === undefined) return null;
  const character = outside === undefined ? "" : ` ${JSON.stringify(outside)} is not one of the characters a password may hold (A-Z, a-z, 0-9, ASCII symbols and the space);`;
  return `${character} use 8 to 256 characters with three of lowercase letters, uppercase letters, digits and symbols.`;
}

/** Graph's refusal of a password (create and PATCH) that breaks the policy, saying why. */
function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) throw badRequest(`The specified password does not comply with password complexity requirements:${problem}`);
}

/**
 * Entra ID's username policy: alias@domain, the alias (1 to 64 characters) of A-Z, a-z, 0-9 and
 * ' . - _ ! # ^ ~, not ending with a period; the domain (up to 48 characters) of labels of
 * letters, digits and hyphens. The mock models no domains, so any such domain is taken as verified.
 */
/** Entra ID's refusal of a mail nickname its rule does not allow (domain/mail-nickname.ts), saying why. */
function checkMailNickname(nickname: string): void {
  const problem = mailNicknameProblem(nickname);
  if (problem !== undefined) {
    throw badRequest(`Invalid value specified for property 'mailNickname' of resource 'User' ('${nickname}'): ${problem}.`, {
      details: [{ code: "InvalidValue", target: "mailNickname" }],
    });
  }
}

function checkUserPrincipalName(upn: string): void {
  const [alias, domain, ...more] = upn.split("@");
  const problem =
    domain === undefined || more.length > 0
      ? "write alias@domain with one @, e.g. alex@contoso.example"
      : !/^[A-Za-z0-9'._!#^~-]{1,64}$/.test(alias!)
        ? `the alias '${alias}' must be 1 to 64 of A-Z, a-z, 0-9 and ' . - _ ! # ^ ~`
        : alias!.endsWith(".")
          ? "the alias must not end with a period"
          : !/^(?=.{1,48}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain)
            ? `the domain '${domain}' must be a domain name of up to 48 characters, e.g. contoso.example`
            : undefined;
  if (problem !== undefined) {
    throw badRequest(`Invalid value specified for property 'userPrincipalName' of resource 'User' ('${upn}'): ${problem}.`, {
      details: [{ code: "InvalidValue", target: "userPrincipalName" }],
    });
  }
}
