/**
 * The tenant a fleet enrolls into: one licensed user every device signs in as, and one
 * enrollment profile (with Wi-Fi) per shard, named for the fleet's seed, whose QR code every
 * device of the shard scans.
 */
import { AdminAnswerError, type AdminClient } from "../../../mock-service/admin-client.js";

const PROFILES_PATH = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";

export const FLEET_USER = { userPrincipalName: "fleet@contoso.example", password: "Fleet-Enroll-2025!", displayName: "Fleet runner" };
/** The network every fleet profile provisions (a wrong-wifi-key fault's KEY must not be its key: fault-rates.ts). */
export const FLEET_WIFI = { ssid: "Contoso-Fleet", securityType: "WPA", password: "fleet-passphrase" } as const;

/**
 * Creates the user (once: a running service may have it from an earlier shard) and this shard's
 * profile; resolves with the profile's QR code as a PNG.
 */
export async function setUpTenant(admin: AdminClient, seed: number): Promise<Buffer> {
  const user = `/beta/users/${encodeURIComponent(FLEET_USER.userPrincipalName)}`;
  const existing = await admin.request("GET", user).catch(() => null);
  if (existing) {
    // Its password set again, so the service hashes it at its cost now: a user made by an earlier
    // run keeps the cost the service had then (`serve --password-hash-cost 8` restarted on a --db
    // that made it at the default 2^14 still checked every sign-in at 2^14), or a password changed since.
    await admin.request("PATCH", user, { passwordProfile: { password: FLEET_USER.password, forceChangePasswordNextSignIn: false } });
  } else {
    await admin.createLicensedUser(FLEET_USER).catch(async (error: unknown) => {
      // Another shard created it between our look-up and our create: use theirs.
      const again = await admin.request("GET", `/beta/users/${encodeURIComponent(FLEET_USER.userPrincipalName)}`).catch(() => null);
      if (!again) throw error;
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
