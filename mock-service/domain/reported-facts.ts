/**
 * What a device's compliance reports say about the device itself, as Graph's managedDevice shows
 * it: its security patch level, whether its storage is encrypted and whether it is rooted. A
 * device reports these only in the settings of an assigned compliance policy that checks them
 * (minAndroidSecurityPatchLevel; storageRequireEncryption or passwordRequired, since on AOSP
 * storage is encrypted once the device has a password, docs/provisioning-facts.md §4;
 * securityBlockJailbrokenDevices), so what no report says is unknown.
 */
import type { SettingStateReport } from "../../agent/protocol/device-api.js";

/** One policy's report, as the store keeps it. */
export interface ReportedSettings {
  reported: number;
  settings: readonly SettingStateReport[];
}

/** The device facts managedDevice shows, in Graph's types. */
export interface ReportedFacts {
  /** YYYY-MM-DD; null when no report gave it. */
  androidSecurityPatchLevel: string | null;
  /** false when no report said so (Graph's property is not nullable). */
  isEncrypted: boolean;
  /** Graph's words: "True", "False" or "Unknown". */
  jailBroken: "True" | "False" | "Unknown";
}

/** A setting's state in the newest report that evaluated it (compliant or nonCompliant). */
function newest(reports: readonly ReportedSettings[], names: readonly string[]): SettingStateReport | undefined {
  let found: { at: number; state: SettingStateReport } | undefined;
  for (const report of reports) {
    for (const state of report.settings) {
      if (!names.includes(state.setting) || (state.state !== "compliant" && state.state !== "nonCompliant")) continue;
      if (found === undefined || report.reported > found.at) found = { at: report.reported, state };
    }
  }
  return found?.state;
}

/** The facts the device's newest reports give. */
export function reportedFacts(reports: readonly ReportedSettings[]): ReportedFacts {
  const patch = newest(reports, ["minAndroidSecurityPatchLevel"])?.currentValue;
  const rooted = newest(reports, ["securityBlockJailbrokenDevices"]);
  return {
    // The device reports its level as the value it compared (YYYY-MM-DD).
    androidSecurityPatchLevel: patch !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(patch) ? patch : null,
    isEncrypted: newest(reports, ["storageRequireEncryption", "passwordRequired"])?.state === "compliant",
    jailBroken: rooted === undefined ? "Unknown" : rooted.state === "compliant" ? "False" : "True",
  };
}
