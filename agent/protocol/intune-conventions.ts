/**
 * The simulator's conventions for the Intune-style AOSP flow (docs/architecture.md,
 * "Contracts"; docs/provisioning-facts.md §3). These package and key names are the simulator's convention,
 * not a claim about the real product. The mock service issues payloads with them, the device
 * reads them, and the `intune-aosp` rule set checks for them.
 */

/** The management agent ("Intune app") that becomes device owner. */
export const AGENT_PACKAGE = "com.microsoft.intune.aospagent";
/** The agent's device-admin receiver class. */
export const AGENT_ADMIN_RECEIVER = "com.microsoft.intune.aospagent.AospDeviceAdminReceiver";
/** `package/class`, as it appears in PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME. */
export const AGENT_ADMIN_COMPONENT = `${AGENT_PACKAGE}/${AGENT_ADMIN_RECEIVER}`;

export const COMPANY_PORTAL_PACKAGE = "com.microsoft.windowsintune.companyportal";
export const AUTHENTICATOR_PACKAGE = "com.azure.authenticator";

/** Apps installed during enrollment, after the agent, in this order. */
export const COMPANION_PACKAGES = [COMPANY_PORTAL_PACKAGE, AUTHENTICATOR_PACKAGE] as const;

/** Keys of PROVISIONING_ADMIN_EXTRAS_BUNDLE that carry what the agent needs to enroll. */
export const EXTRA_ENROLLMENT_TOKEN = "com.microsoft.intune.aosp.enrollmentToken";
export const EXTRA_SERVICE_URL = "com.microsoft.intune.aosp.serviceUrl";

/** Since October 1, 2024 the Intune app must be this version or later to sync. */
export const MIN_SYNC_AGENT_VERSION = "24.7.0";

/** Compares dotted version names numerically ("24.10.0" > "24.7.0"). */
export function compareVersionNames(a: string, b: string): number {
  const pa = a.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(".").map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
