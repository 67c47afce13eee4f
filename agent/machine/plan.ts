/**
 * ProvisioningParams (what the payload parser gives) to ProvisioningPlan (what the machine
 * keeps): the same facts in JSON-safe form. Checksums become URL-safe base64 of the bytes the
 * device actually decoded, which is what verification compares against.
 */
import { toBase64Url } from "../payload/android-base64.js";
import type { ProvisioningParams } from "../payload/params.js";
import type { ProvisioningPlan } from "./types.js";

function base64Url(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : toBase64Url(bytes);
}

export function planFromParams(params: ProvisioningParams): ProvisioningPlan {
  const { download, wifi } = params;
  return {
    adminComponent: { packageName: params.adminComponent.packageName, className: params.adminComponent.className },
    download: download === null ? null : {
      location: download.location,
      cookieHeader: download.cookieHeader,
      packageChecksum: base64Url(download.packageChecksum),
      signatureChecksum: base64Url(download.signatureChecksum),
      minimumVersionCode: download.minimumVersionCode,
    },
    wifi: wifi === null ? null : {
      ssid: wifi.ssid,
      hidden: wifi.hidden,
      securityType: wifi.securityType,
      securityTypeAsWritten: wifi.securityTypeAsWritten,
      password: wifi.password,
      eapMethod: wifi.eapMethod,
      proxy: wifi.proxy === null ? null : { host: wifi.proxy.host, port: wifi.proxy.port, bypass: wifi.proxy.bypass },
      pacUrl: wifi.pacUrl,
    },
    adminExtras: structuredClone(params.adminExtras),
    useMobileData: params.useMobileData,
    localTime: params.localTime,
    organizationName: params.organizationName,
  };
}

/** A string admin extra, or null when absent, empty or not a string. */
export function stringExtra(plan: ProvisioningPlan | null, key: string): string | null {
  const value = plan?.adminExtras[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
