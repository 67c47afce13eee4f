/**
 * Typed provisioning parameters: what the device holds after its setup wizard has turned the QR
 * JSON into extras and ManagedProvisioning has parsed them. Values are what the *device* sees:
 * a wrong-typed value has already become its default, an alias has been resolved, an unknown key
 * has been dropped. The payload parser (agent/payload) produces this; the device machine
 * (agent/machine) consumes it.
 */

/** WIFI_SECURITY_TYPE as the device applies it (anything unrecognised acts as NONE). */
export type WifiSecurityType = "NONE" | "WPA" | "WEP" | "EAP";
export type EapMethod = "PEAP" | "TLS" | "TTLS" | "PWD" | "SIM" | "AKA" | "AKA_PRIME";

export interface AdminComponent {
  packageName: string;
  /** Fully qualified class name (a leading "." in the payload is resolved against the package). */
  className: string;
}

/** Android's PackageDownloadInfo.DEFAULT_MINIMUM_VERSION: "always download packages if no minimum version given". */
export const ALWAYS_DOWNLOAD = 2147483647;

export interface AdminPackageDownload {
  /** http or https URL (other schemes fail at download). */
  location: string;
  /** Sent as the Cookie header of the download request. */
  cookieHeader: string | null;
  /** Raw 32-byte SHA-256 as decoded the device's way (URL-safe base64, invalid characters skipped), or null. */
  packageChecksum: Uint8Array | null;
  signatureChecksum: Uint8Array | null;
  /**
   * DEVICE_ADMIN_MINIMUM_VERSION_CODE. The download is skipped when the admin app is installed at
   * this version code or later. Absent or mistyped, it reads as Android's default,
   * ALWAYS_DOWNLOAD (Integer.MAX_VALUE): always download.
   */
  minimumVersionCode: number;
}

export interface WifiProxy {
  host: string;
  port: number;
  bypass: string | null;
}

export interface WifiParams {
  ssid: string;
  hidden: boolean;
  /** The type the device will use (an unrecognised value in the payload becomes "NONE"). */
  securityType: WifiSecurityType;
  /** The raw WIFI_SECURITY_TYPE string from the payload, when it differs from securityType. */
  securityTypeAsWritten: string | null;
  /** Ignored by the device when securityType is NONE. */
  password: string | null;
  eapMethod: EapMethod | null;
  phase2Auth: string | null;
  identity: string | null;
  anonymousIdentity: string | null;
  domain: string | null;
  caCertificate: string | null;
  userCertificate: string | null;
  /** WIFI_PROXY_HOST wins over WIFI_PAC_URL. */
  proxy: WifiProxy | null;
  pacUrl: string | null;
}

export interface ProvisioningParams {
  adminComponent: AdminComponent;
  /** Null when no (or an empty) download location is given: the admin app must already be installed. */
  download: AdminPackageDownload | null;
  /** Null when WIFI_SSID is absent: the device uses the network it already has. */
  wifi: WifiParams | null;
  /** ADMIN_EXTRAS_BUNDLE, passed unchanged to the admin app ({} when absent). */
  adminExtras: Record<string, unknown>;
  locale: string | null;
  timeZone: string | null;
  /** LOCAL_TIME in ms since the epoch, or null. */
  localTime: number | null;
  skipEncryption: boolean;
  leaveAllSystemAppsEnabled: boolean;
  useMobileData: boolean;
  skipEducationScreens: boolean;
  sensorsPermissionGrantOptOut: boolean;
  /**
   * SUPPORTED_MODES; 1 (FLAG_SUPPORTED_MODES_ORGANIZATION_OWNED, the default the QR flow reads it with) when absent
   * or mistyped. (DEFAULT_EXTRA_PROVISIONING_SUPPORTED_MODES, 0, is for the other provisioning actions only.)
   */
  supportedModes: number;
  organizationName: string | null;
  supportUrl: string | null;
  adminPackageLabel: string | null;
}
