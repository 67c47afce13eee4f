/**
 * ProvisioningParams (what the payload parser gives) to ProvisioningPlan (what the machine
 * keeps): the same facts in JSON-safe form. Checksums become URL-safe base64 of the bytes the
 * device actually decoded, which is what verification compares against.
 */
import { networkProxy } from "../android/proxy.js";
import { toBase64Url } from "../payload/android-base64.js";
import type { ProvisioningParams } from "../payload/params.js";
import { javaBase64Problem } from "../payload/java-base64.js";
import { unreadableCertificate } from "../payload/wifi-certificate.js";
import type { ProvisioningPlan } from "./types.js";

/** The first EAP certificate java.util.Base64 cannot decode, said with its key (docs/provisioning-facts.md §1). */
function certificateProblem(wifi: NonNullable<ProvisioningParams["wifi"]>): string | null {
  if (wifi.securityType !== "EAP") return null;
  for (const [name, text] of [["WIFI_CA_CERTIFICATE", wifi.caCertificate], ["WIFI_USER_CERTIFICATE", wifi.userCertificate]] as const) {
    const problem = text === null || text === "" ? null : javaBase64Problem(text);
    if (problem !== null) return `${name} cannot be decoded by java.util.Base64 (${problem})`;
  }
  return null;
}

function withCertificateProblem(problem: string | null): { certificateProblem?: string } {
  return problem === null ? {} : { certificateProblem: problem };
}

/**
 * Why ManagedProvisioning drops the EAP settings after decoding: a certificate it cannot parse
 * (the exception is caught and logged), so the network is added without them and never joins
 * (docs/provisioning-facts.md §1). Only when the certificates decode; otherwise certificateProblem.
 */
function eapSettingsDropped(wifi: NonNullable<ProvisioningParams["wifi"]>): { eapSettingsDropped?: string } {
  if (wifi.securityType !== "EAP" || wifi.eapMethod === null) return {};
  const unreadable = unreadableCertificate(wifi.caCertificate, wifi.userCertificate);
  return unreadable === null ? {} : { eapSettingsDropped: `${unreadable.name} cannot be parsed: ${unreadable.problem}` };
}

function base64Url(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : toBase64Url(bytes);
}

/** An undecodable certificate stops the Wi-Fi step; a decodable one that does not parse drops the EAP settings. */
function certificateFacts(wifi: NonNullable<ProvisioningParams["wifi"]>): { certificateProblem?: string; eapSettingsDropped?: string } {
  const problem = certificateProblem(wifi);
  return problem === null ? eapSettingsDropped(wifi) : withCertificateProblem(problem);
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
      ...certificateFacts(wifi),
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
    locale: params.locale,
    timeZone: params.timeZone,
    localTime: params.localTime,
    organizationName: params.organizationName,
  };
}

/** A string admin extra, or null when absent, empty or not a string. */
export function stringExtra(plan: ProvisioningPlan | null, key: string): string | null {
  const value = plan?.adminExtras[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/**
 * The payload's Wi-Fi proxy ("host:port") that the admin app's download goes through, or null
 * when it goes direct (no proxy, or the exclusion list names the download's host), so the
 * timeline can say a proxy is in the path.
 */
export function downloadProxy(plan: ProvisioningPlan | null): string | null {
  const settings = plan?.wifi?.proxy;
  const location = plan?.download?.location;
  if (!settings || !location) return null;
  const proxy = networkProxy(settings);
  try {
    return proxy.bypasses(new URL(location).hostname) ? null : proxy.label;
  } catch {
    // A location that is no URL fails at the download, which names it; the proxy is still the network's.
    return proxy.label;
  }
}
