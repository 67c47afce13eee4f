/**
 * The tenant a fleet enrolls into: one licensed user every device signs in as, and one
 * enrollment profile (with Wi-Fi) per shard, named for the fleet's seed, whose QR code every
 * device of the shard scans.
 */
import { createHmac } from "node:crypto";
import { AdminAnswerError, type AdminClient } from "../../../mock-service/admin-client.js";
import { InputError } from "../../protocol/errors.js";

const PROFILES_PATH = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";

/**
 * The account every fleet device signs in as. Its display name marks it as the fleet's own: on a
 * service that outlives the fleet, only an account with this name and display name is reused
 * (its password set again), and any other holder of the name is refused, never changed.
 */
export const FLEET_USER = { userPrincipalName: "aosp-sim-fleet@contoso.example", displayName: "aosp-sim fleet runner" } as const;
/** The network every fleet profile provisions (a wrong-wifi-key fault's KEY must not be its key: fault-rates.ts). */
export const FLEET_WIFI = { ssid: "Contoso-Fleet", securityType: "WPA", password: "fleet-passphrase" } as const;

/**
 * The fleet user's password on the service whose admin token is given: derived from the token,
 * so every shard of a fleet (separate processes, the same token) signs in with the same one
 * without sharing anything, yet it is written nowhere and only the token's holders can know it.
 * "Fleet-" gives it the service's three kinds of characters whatever the digest holds.
 */
export function fleetPassword(adminToken: string): string {
  return `Fleet-${createHmac("sha256", adminToken).update(`aosp-sim fleet user ${FLEET_USER.userPrincipalName}`).digest("base64url")}`;
}

/**
 * Creates the user (once: a running service may have it from an earlier run or shard) and this
 * shard's profile; resolves with the profile's QR code as a PNG. A user of that name that the
 * fleet did not create is refused (InputError), its password left alone.
 */
export async function setUpTenant(admin: AdminClient, seed: number): Promise<Buffer> {
  const password = fleetPassword(admin.adminToken);
  const user = `/beta/users/${encodeURIComponent(FLEET_USER.userPrincipalName)}`;
  const existing = (await admin.request("GET", user).catch(() => null)) as { displayName?: unknown } | null;
  if (existing) {
    refuseForeignUser(existing, admin.baseUrl);
    // Its password set again, so the service hashes it at its cost now: a user made by an earlier
    // run keeps the cost the service had then (`serve --password-hash-cost 8` restarted on a --db
    // that made it at the default 2^14 still checked every sign-in at 2^14), and a service
    // restarted with another admin token gets that token's password.
    await admin.request("PATCH", user, { passwordProfile: { password, forceChangePasswordNextSignIn: false } });
  } else {
    await admin.createLicensedUser({ ...FLEET_USER, password }).catch(async (error: unknown) => {
      // Another shard created it between our look-up and our create: use theirs (if it is the fleet's).
      const again = (await admin.request("GET", user).catch(() => null)) as { displayName?: unknown } | null;
      if (!again) throw error;
      refuseForeignUser(again, admin.baseUrl);
    });
  }
  const profile = await admin.createProfile({
    // The same for every shard: a device re-run alone (`--only`, no --shard) enrolls with a profile
    // of the same name, so its timeline is the one its shard wrote.
    displayName: `Fleet ${seed}`,
    enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
    configureWifi: true,
    wifiSsid: FLEET_WIFI.ssid,
    wifiHidden: false,
    wifiSecurityType: "wpa",
    wifiPassword: FLEET_WIFI.password,
  });
  // Another program answering {} would give devices the QR code of profile "undefined".
  if (typeof profile?.id !== "string" || profile.id === "") throw new AdminAnswerError(`POST ${PROFILES_PATH}`, null, "a profile without an id");
  return admin.profileQrPng(profile.id);
}

/** Refuses an account of the fleet user's name that some other hand made: its password is not the fleet's to change. */
function refuseForeignUser(existing: { displayName?: unknown }, url: string): void {
  if (existing.displayName === FLEET_USER.displayName) return;
  throw new InputError(
    `already has a user ${FLEET_USER.userPrincipalName} that no fleet created (its display name is ${JSON.stringify(existing.displayName ?? null)}, not "${FLEET_USER.displayName}"): the fleet signs its devices in as that name and will not change another account's password`,
    {
      where: url,
      hint: `rename or delete that user if it is not needed (the fleet then creates its own), or run the fleet against another service`,
    },
  );
}

/**
 * What a fleet makes on a running service and leaves there (the run's set-up line says it, before
 * making it): the account, and that its password is nowhere to be read.
 */
export function fleetLeavesBehind(seed: number): string {
  return (
    `fleet: its devices sign in as ${FLEET_USER.userPrincipalName} ("${FLEET_USER.displayName}"), created on the service if missing (a user of that name no fleet made is refused, never changed), ` +
    `its password derived from the admin token and written nowhere; left on the service after the run: that licensed user, the profile "Fleet ${seed}" and the devices enrolled`
  );
}
