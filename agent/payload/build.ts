/**
 * Builds the provisioning payload (the QR code's JSON) that the enrollment service issues for an
 * enrollment profile (docs/architecture.md, "Contracts"). The mock service, the
 * fixtures script and tests all build payloads here, so they agree on every key.
 */
import {
  AGENT_ADMIN_COMPONENT,
  EXTRA_ENROLLMENT_TOKEN,
  EXTRA_SERVICE_URL,
} from "../protocol/intune-conventions.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import { KEYS } from "./keys.js";

/** Wi-Fi security as the Intune profile offers it (Graph `wifiSecurityType`). */
export type ProfileWifiSecurity = "none" | "wpa" | "wep";

export interface IntunePayloadOptions {
  /** The service's base URL, e.g. "http://127.0.0.1:8080". */
  serviceUrl: string;
  enrollmentToken: string;
  /** Absolute URL of the agent archive. */
  agentDownloadUrl: string;
  /** SHA-256 of the agent archive, URL-safe base64 (PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM). */
  agentPackageChecksum?: string;
  /** SHA-256 of the agent's signing certificate (PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM). */
  agentSignatureChecksum?: string;
  /** Sent as the Cookie header of the agent download. */
  downloadCookieHeader?: string;
  wifi?: {
    ssid: string;
    hidden?: boolean;
    security: ProfileWifiSecurity;
    password?: string;
  };
  /** Extra top-level keys (full provisioning key names), merged last. */
  extra?: Record<string, unknown>;
}

/** Every option buildIntunePayload takes: a misspelled `agentPackageCheckSum` would leave the checksum out. */
const PAYLOAD_OPTIONS = optionNames<IntunePayloadOptions>({
  serviceUrl: true, enrollmentToken: true, agentDownloadUrl: true, agentPackageChecksum: true,
  agentSignatureChecksum: true, downloadCookieHeader: true, wifi: true, extra: true,
});

/** The provisioning JSON object, keys in the order a reader expects them. */
export function buildIntunePayload(options: IntunePayloadOptions): Record<string, unknown> {
  checkOptions("buildIntunePayload", options, PAYLOAD_OPTIONS, "at least { serviceUrl, enrollmentToken, agentDownloadUrl }");
  const payload: Record<string, unknown> = {
    [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: AGENT_ADMIN_COMPONENT,
    [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: options.agentDownloadUrl,
  };
  if (options.agentPackageChecksum !== undefined) {
    payload[KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM] = options.agentPackageChecksum;
  }
  if (options.agentSignatureChecksum !== undefined) {
    payload[KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM] = options.agentSignatureChecksum;
  }
  if (options.downloadCookieHeader !== undefined) {
    payload[KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER] = options.downloadCookieHeader;
  }
  payload[KEYS.SKIP_ENCRYPTION] = false;
  payload[KEYS.LEAVE_ALL_SYSTEM_APPS_ENABLED] = false;
  if (options.wifi) {
    payload[KEYS.WIFI_SSID] = options.wifi.ssid;
    payload[KEYS.WIFI_HIDDEN] = options.wifi.hidden ?? false;
    payload[KEYS.WIFI_SECURITY_TYPE] = options.wifi.security.toUpperCase();
    if (options.wifi.security !== "none" && options.wifi.password !== undefined) {
      payload[KEYS.WIFI_PASSWORD] = options.wifi.password;
    }
  }
  payload[KEYS.ADMIN_EXTRAS_BUNDLE] = {
    [EXTRA_ENROLLMENT_TOKEN]: options.enrollmentToken,
    [EXTRA_SERVICE_URL]: options.serviceUrl,
  };
  return { ...payload, ...options.extra };
}

/** The payload as QR text: compact JSON, UTF-8. */
export function payloadText(payload: Record<string, unknown>): string {
  return JSON.stringify(payload);
}
