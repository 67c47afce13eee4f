/**
 * The typed ProvisioningParams the device holds after parsing: aliases resolved, wrong-typed
 * values replaced by their defaults, unknown keys dropped, checksums decoded the device's way.
 */
import { decodeAndroidBase64UrlSafe, toBase64Url } from "./android-base64.js";
import { unflattenComponent } from "./component.js";
import type { Extras } from "./extras.js";
import { ALWAYS_DOWNLOAD, type AdminPackageDownload, type EapMethod, type ProvisioningParams, type WifiParams } from "./params.js";
import { EAP_METHODS, effectiveSecurityType } from "./rules/wifi.js";

/** Decoded checksum bytes, or null when absent, empty or undecodable. */
function checksumBytes(text: string | null): Uint8Array | null {
  if (text === null) return null;
  const decoded = decodeAndroidBase64UrlSafe(text);
  return decoded.ok && decoded.bytes.length > 0 ? decoded.bytes : null;
}

function download(extras: Extras): AdminPackageDownload | null {
  const location = extras.string("DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION");
  if (location === null || location === "") return null;
  return {
    location,
    cookieHeader: extras.string("DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER"),
    packageChecksum: checksumBytes(extras.string("DEVICE_ADMIN_PACKAGE_CHECKSUM")),
    signatureChecksum: checksumBytes(extras.string("DEVICE_ADMIN_SIGNATURE_CHECKSUM")),
    minimumVersionCode: extras.number("DEVICE_ADMIN_MINIMUM_VERSION_CODE") ?? ALWAYS_DOWNLOAD,
  };
}

function wifi(extras: Extras): WifiParams | null {
  const ssid = extras.string("WIFI_SSID");
  if (ssid === null) return null;
  const written = extras.string("WIFI_SECURITY_TYPE");
  const securityType = effectiveSecurityType(written);
  const eapMethod = extras.string("WIFI_EAP_METHOD");
  const proxyHost = extras.string("WIFI_PROXY_HOST");
  const hasProxy = proxyHost !== null && proxyHost !== "";
  const pacUrl = extras.string("WIFI_PAC_URL");
  return {
    ssid,
    hidden: extras.boolean("WIFI_HIDDEN") ?? false,
    securityType,
    securityTypeAsWritten: written !== null && written !== securityType ? written : null,
    password: extras.string("WIFI_PASSWORD"),
    eapMethod: (EAP_METHODS as readonly string[]).includes(eapMethod ?? "") ? (eapMethod as EapMethod) : null,
    phase2Auth: extras.string("WIFI_PHASE2_AUTH"),
    identity: extras.string("WIFI_IDENTITY"),
    anonymousIdentity: extras.string("WIFI_ANONYMOUS_IDENTITY"),
    domain: extras.string("WIFI_DOMAIN"),
    caCertificate: extras.string("WIFI_CA_CERTIFICATE"),
    userCertificate: extras.string("WIFI_USER_CERTIFICATE"),
    proxy: hasProxy
      ? { host: proxyHost, port: extras.number("WIFI_PROXY_PORT") ?? 0, bypass: extras.string("WIFI_PROXY_BYPASS") }
      : null,
    // The proxy host wins: the device ignores the PAC URL when both are given.
    pacUrl: hasProxy || pacUrl === "" ? null : pacUrl,
  };
}

/**
 * The params a device would start provisioning with, or null when it has no usable admin
 * component. (Other reasons the device refuses a payload are known from the findings.)
 */
export function deviceParams(extras: Extras): ProvisioningParams | null {
  const componentText = extras.string("DEVICE_ADMIN_COMPONENT_NAME");
  const adminComponent = componentText === null ? null : unflattenComponent(componentText);
  if (adminComponent === null || adminComponent.packageName === "") return null;
  return {
    adminComponent,
    download: download(extras),
    wifi: wifi(extras),
    adminExtras: extras.bundle("ADMIN_EXTRAS_BUNDLE") ?? {},
    locale: extras.string("LOCALE"),
    timeZone: extras.string("TIME_ZONE"),
    localTime: extras.number("LOCAL_TIME"),
    skipEncryption: extras.boolean("SKIP_ENCRYPTION") ?? false,
    leaveAllSystemAppsEnabled: extras.boolean("LEAVE_ALL_SYSTEM_APPS_ENABLED") ?? false,
    useMobileData: extras.boolean("USE_MOBILE_DATA") ?? false,
    // Android ignores SKIP_EDUCATION_SCREENS when provisioning starts from a QR code.
    skipEducationScreens: false,
    sensorsPermissionGrantOptOut: extras.boolean("SENSORS_PERMISSION_GRANT_OPT_OUT") ?? false,
    // The QR flow reads it with FLAG_SUPPORTED_MODES_ORGANIZATION_OWNED (1) as the default
    // (ExtrasProvisioningDataParser.getInitiatorRequestedProvisioningModes; docs/provisioning-facts.md §1).
    supportedModes: extras.number("SUPPORTED_MODES") ?? 1,
    organizationName: extras.string("ORGANIZATION_NAME"),
    supportUrl: extras.string("SUPPORT_URL"),
    adminPackageLabel: null, // current Android versions no longer read DEVICE_ADMIN_PACKAGE_LABEL
  };
}

/** ProvisioningParams as plain JSON (checksums as URL-safe base64), for reports and --json. */
export function paramsToJson(params: ProvisioningParams): Record<string, unknown> {
  return {
    ...params,
    download: params.download === null
      ? null
      : {
          ...params.download,
          packageChecksum: params.download.packageChecksum === null ? null : toBase64Url(params.download.packageChecksum),
          signatureChecksum: params.download.signatureChecksum === null ? null : toBase64Url(params.download.signatureChecksum),
        },
  };
}
