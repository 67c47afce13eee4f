/**
 * The device API's wire records (agent/protocol/device-api.ts) mapped, field by field, to the
 * machine's own (agent/machine/types.ts), which its persisted snapshot keeps. A field the
 * service adds does not reach the stored snapshot until it is mapped here on purpose.
 */
import type * as wire from "../protocol/device-api.js";
import type { DeviceAction, InstalledApp, PackageOffer } from "../machine/types.js";

export function toOffer(offer: wire.PackageOffer): PackageOffer {
  return {
    packageName: offer.packageName,
    versionName: offer.versionName,
    versionCode: offer.versionCode,
    downloadUrl: offer.downloadUrl,
    packageChecksum: offer.packageChecksum,
    signatureChecksum: offer.signatureChecksum,
  };
}

/** A wipe or a delete (the machine takes only those: agent/device/remote-actions.ts carries out the others). */
export function toAction(action: wire.DeviceAction & { type: DeviceAction["type"] }): DeviceAction {
  return { id: action.id, type: action.type, requestedDateTime: action.requestedDateTime };
}

/** The device's installed app, as a check-in reports it. */
export function toApp(app: InstalledApp): wire.InstalledApp {
  return { packageName: app.packageName, versionName: app.versionName, versionCode: app.versionCode };
}
