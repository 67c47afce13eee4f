/**
 * A tenant on the mock service for device tests: the service on a simulated clock (so token
 * expiry and device time agree), a licensed user, an enrollment profile with Wi-Fi, and its QR
 * code. `device()` makes a device that scans that QR code.
 */
import { startMockService, type GraphProfile, type MockService, type ProfileRequest } from "../../mock-service/index.js";
import { SimulatedClock } from "../../agent/device/clock.js";
import { createDevice, type CreateDeviceOptions, type Device } from "../../agent/device/create-device.js";

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const USER = { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" };

export interface Tenant {
  clock: SimulatedClock;
  service: MockService;
  profile: GraphProfile;
  /** The profile's QR code (PNG) as the admin console shows it. */
  qr: Buffer;
  /** The provisioning JSON behind it. */
  payload: Record<string, unknown>;
  device(options?: Partial<CreateDeviceOptions>): Promise<Device>;
  /** A fresh profile (and its QR code and payload). */
  newProfile(request?: ProfileRequest): Promise<{ profile: GraphProfile; qr: Buffer; payload: Record<string, unknown> }>;
}

/** The tenant's first profile: a WPA staging network the virtual device finds in range. */
export const PROFILE: ProfileRequest = {
  displayName: "Factory 1 devices",
  enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
  configureWifi: true,
  wifiSsid: "Contoso-Staging",
  wifiSecurityType: "wpa",
  wifiPassword: "staging-passphrase",
};

let current: { tenant: Tenant; devices: Device[] } | null = null;

/** Creates the tenant (once per test file). */
export async function setUpTenant(clock = new SimulatedClock(T0)): Promise<Tenant> {
  const service = await startMockService({ now: () => new Date(clock.now()) });
  const admin = service.admin;
  const user = await admin.createLicensedUser({ displayName: "Alex Wilber", ...USER });
  void user;
  const devices: Device[] = [];
  const newProfile = async (request: ProfileRequest = PROFILE) => {
    const profile = await admin.createProfile(request);
    return { profile, qr: Buffer.from(profile.qrCodeImage.value, "base64"), payload: await admin.exportProfile(profile.id) };
  };
  const first = await newProfile();
  const tenant: Tenant = {
    clock,
    service,
    ...first,
    newProfile,
    async device(options = {}) {
      const device = await createDevice({ qr: { image: first.qr, label: "profile.png" }, clock, seed: 7, user: USER, ...options });
      devices.push(device);
      return device;
    },
  };
  current = { tenant, devices };
  return tenant;
}

/** Stops the tenant's devices and service. */
export async function tearDownTenant(): Promise<void> {
  if (!current) return;
  for (const d of current.devices) d.dispose();
  await current.tenant.service.close();
  current = null;
}
