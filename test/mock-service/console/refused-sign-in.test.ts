/**
 * A device whose user's sign-in was refused, as the admin finds it in the console. The seed:
 * "Assign valid licenses to all specialized device users"; a user without one is refused at
 * sign-in (userNotLicensed), after the device enrolled with the profile's token. Before, the
 * device's page said its primary user was "—" with no reason, and its recent events read "User
 * signed in: Refused (HTTP 403)", a sign-in that did not happen, without why. Now the event is
 * *Sign-in*, refused with the service's code, and *Primary user* says the sign-in was refused and
 * how to put it right.
 */
import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../agent/device/clock.js";
import { createDevice } from "../../../agent/device/create-device.js";
import { signedInService } from "./support.js";

const signedIn = signedInService();

/** The page's text, tags aside, on one line. */
const textOf = async (path: string) =>
  (await (await fetch(`${signedIn.service.url}${path}`, { headers: { cookie: signedIn.session.cookie } })).text())
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ");

/** A new user (licensed or not) and a profile named after them, and one device that enrolls with it and signs in as them. */
async function enrollAs(name: string, { licensed, seed }: { licensed: boolean; seed: number }) {
  const user = { userPrincipalName: `${name}@contoso.example`, password: "Corr3ct-Horse" };
  const admin = signedIn.service.admin;
  await (licensed ? admin.createLicensedUser({ displayName: name, ...user }) : admin.createUser({ displayName: name, ...user }));
  const profile = await admin.createProfile({ displayName: `${name}'s devices`, enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, user, seed, clock: new SimulatedClock() });
  try {
    return await device.enroll();
  } finally {
    device.dispose();
  }
}

describe("a device whose user was refused at sign-in", () => {
  it("shows the refused sign-in with its code, and why it has no primary user", async () => {
    const report = await enrollAs("ann", { licensed: false, seed: 5 });
    expect(report.finalState).toBe("signInFailed");
    const page = await textOf(`/devices/${report.deviceId}`);
    expect(page).toContain("Sign-in Refused: userNotLicensed (HTTP 403)");
    expect(page).not.toContain("User signed in");
    expect(page).toContain(
      "Primary user None: the last sign-in on the device was refused (userNotLicensed). Assign the user a licence that includes Intune in Users , then sign in again on the device.",
    );
  });

  it("a device with its user shows the user, and the sign-in as OK", async () => {
    const report = await enrollAs("bob", { licensed: true, seed: 6 });
    expect(report.finalState).toBe("enrolled");
    const page = await textOf(`/devices/${report.deviceId}`);
    expect(page).toContain("Primary user bob@contoso.example");
    expect(page).toContain("Sign-in OK");
  });
});
