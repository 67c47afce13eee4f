/**
 * The provisioning keys a QR payload may carry, as Android reads them.
 *
 * Source: AOSP ManagedProvisioning, ExtrasProvisioningDataParser (the short aliases, and which
 * getter reads each key) and DevicePolicyManager (the key names and their types). One table drives
 * the key names (KEYS), the reader (extras.ts, device-params.ts), the ajv schema (schema.ts), the
 * unknown-key suggestions and the payload builder (build.ts), so they cannot drift apart.
 */

/** Every long key starts with this. */
export const KEY_PREFIX = "android.app.extra.PROVISIONING_";

/**
 * How the device reads a key:
 * - `string`: getStringExtra; a value of another type reads as absent.
 * - `component`: a "package/class" string the setup wizard turns into a ComponentName.
 * - `boolean`, `int` (32-bit), `long`: a value of another type silently reads as the default.
 * - `bundle`: a JSON object, passed on as a PersistableBundle.
 */
export type KeyType = "string" | "component" | "boolean" | "int" | "long" | "bundle";

/**
 * What QR provisioning (ACTION_PROVISION_MANAGED_DEVICE_FROM_TRUSTED_SOURCE, started from the
 * setup wizard) does with the key:
 * - `applied`: read and used;
 * - `ignored`: a real provisioning extra, but the QR flow never reads it (other flows do).
 */
export type QrUse = "applied" | "ignored";

export interface KeySpec {
  /** The name after the prefix, e.g. "WIFI_SSID". */
  name: string;
  /** The full key, e.g. "android.app.extra.PROVISIONING_WIFI_SSID". */
  key: string;
  /** The Android 10+ short alias ("a.a.e.PWS"), if ManagedProvisioning defines one. */
  alias: string | null;
  type: KeyType;
  qr: QrUse;
  /** What the device uses when the key is absent or has the wrong type, in the device's words. */
  deviceDefault: string;
  /** Why an `ignored` key is ignored, for the finding's message. */
  ignoredBecause?: string;
}

type Row = readonly [name: string, alias: string | null, type: KeyType, deviceDefault: string, ignoredBecause?: string];

// [name, short alias (a.a.e.*), type, what the device uses when absent or mistyped, why ignored for QR]
const APPLIED = [
  ["DEVICE_ADMIN_COMPONENT_NAME", "PDACN", "component", "none (provisioning cannot start)"],
  ["DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", "PDAPDL", "string", "no download (the admin app must already be installed)"],
  ["DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER", "PDAPDCH", "string", "no Cookie header"],
  ["DEVICE_ADMIN_PACKAGE_CHECKSUM", "PDAPC", "string", "no package checksum"],
  ["DEVICE_ADMIN_SIGNATURE_CHECKSUM", "PDASC", "string", "no signature checksum"],
  ["DEVICE_ADMIN_MINIMUM_VERSION_CODE", "PDAMVC", "int", "Integer.MAX_VALUE (always download)"],
  ["ADMIN_EXTRAS_BUNDLE", "PAEB", "bundle", "no extras for the admin app"],
  ["SKIP_ENCRYPTION", "PSE", "boolean", "false"],
  ["LEAVE_ALL_SYSTEM_APPS_ENABLED", "PLASAE", "boolean", "false"],
  ["SKIP_EDUCATION_SCREENS", "PSES", "boolean", "false"],
  ["USE_MOBILE_DATA", "PUMD", "boolean", "false"],
  ["SENSORS_PERMISSION_GRANT_OPT_OUT", "PPSGOO", "boolean", "false"],
  ["SUPPORTED_MODES", null, "int", "1 (organization-owned, as if the key were absent)"],
  ["SKIP_OWNERSHIP_DISCLAIMER", null, "boolean", "false"],
  ["RETURN_BEFORE_POLICY_COMPLIANCE", null, "boolean", "true"],
  ["KEEP_SCREEN_ON", null, "boolean", "false"],
  ["ALLOW_OFFLINE", null, "boolean", "false"],
  ["TIME_ZONE", "PTZ", "string", "the device's time zone"],
  ["LOCAL_TIME", "PLT", "long", "the device's clock (not set)"],
  ["LOCALE", "PL", "string", "the device's locale"],
  ["ORGANIZATION_NAME", "PON", "string", "no organization name"],
  ["SUPPORT_URL", "PSU", "string", "no support URL"],
  ["WIFI_SSID", "PWS", "string", "no Wi-Fi step (the device uses the network it already has)"],
  ["WIFI_HIDDEN", "PWH", "boolean", "false"],
  ["WIFI_SECURITY_TYPE", "PWST", "string", "NONE (an open network)"],
  ["WIFI_PASSWORD", "PWP", "string", "no password"],
  ["WIFI_EAP_METHOD", "PWEM", "string", "no EAP method"],
  ["WIFI_PHASE2_AUTH", "PWPA", "string", "NONE"],
  ["WIFI_CA_CERTIFICATE", "PWCC", "string", "no CA certificate"],
  ["WIFI_USER_CERTIFICATE", "PWUC", "string", "no user certificate"],
  ["WIFI_IDENTITY", "PWI", "string", "no identity"],
  ["WIFI_ANONYMOUS_IDENTITY", "PWAI", "string", "no anonymous identity"],
  ["WIFI_DOMAIN", "PWD", "string", "no domain"],
  ["WIFI_PROXY_HOST", "PWPH", "string", "no proxy"],
  ["WIFI_PROXY_PORT", "PWPRP", "int", "0"],
  ["WIFI_PROXY_BYPASS", "PWPB", "string", "no bypass list"],
  ["WIFI_PAC_URL", "PWPU", "string", "no PAC file"],
  // Android 13+: the device policy management role holder's download, read for the QR flow
  // (ExtrasProvisioningDataParser.parseRoleHolderDownloadInfoFromExtras); DevicePolicyManager
  // system API extras without short aliases.
  ["ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION", null, "string", "no role holder download"],
  ["ROLE_HOLDER_SIGNATURE_CHECKSUM", null, "string", "no role holder download"],
  ["ROLE_HOLDER_PACKAGE_DOWNLOAD_COOKIE_HEADER", null, "string", "no Cookie header"],
] as const satisfies readonly Row[];

const IGNORED = [
  ["DEVICE_ADMIN_PACKAGE_NAME", "PDAPN", "string", "unused",
    "Android reads the package name only for managed-profile provisioning; a QR code must name the admin component"],
  ["DEVICE_ADMIN_PACKAGE_LABEL", "PDAPL", "string", "unused", "current Android versions no longer read it"],
  ["DEVICE_ADMIN_PACKAGE_ICON_URI", "PDAPIU", "string", "unused",
    "current Android versions no longer read it, and a QR code cannot carry a content URI the device can open"],
  ["LOGO_URI", "PLU", "string", "unused", "Android does not read the logo for provisioning started from a QR code"],
  ["MAIN_COLOR", "PMC", "int", "unused", "Android no longer reads it (deprecated)"],
  ["DISCLAIMERS", "PD", "string", "unused", "disclaimers need content URIs that a QR code cannot provide"],
  ["DISCLAIMER_HEADER", "PDH", "string", "unused", "it is only read inside DISCLAIMERS entries"],
  ["DISCLAIMER_CONTENT", "PDC", "string", "unused", "it is only read inside DISCLAIMERS entries"],
  ["SKIP_USER_SETUP", "PSUS", "boolean", "unused", "Android ignores it for provisioning started from a trusted source"],
  ["SKIP_USER_CONSENT", "PSUC", "boolean", "unused", "it only applies to managed-profile provisioning (and is deprecated)"],
  ["KEEP_ACCOUNT_ON_MIGRATION", "PKAOM", "boolean", "unused", "it only applies to managed-profile provisioning"],
  ["ACCOUNT_TO_MIGRATE", "PATM", "string", "unused", "it only applies to managed-profile provisioning"],
  ["EMAIL_ADDRESS", null, "string", "unused", "it was removed from Android (deprecated since Android 7)"],
  // DevicePolicyManager since API 33 (Android 13), per the DevicePolicyManager reference [DPM].
  ["SHOULD_LAUNCH_RESULT_INTENT", null, "boolean", "unused",
    "it only says who launches an intent the device policy management role holder returns (Android 13+), which does not change what the QR code sets up"],
] as const satisfies readonly Row[];

function spec(row: Row, qr: QrUse): KeySpec {
  const [name, alias, type, deviceDefault, ignoredBecause] = row;
  return {
    name,
    key: `${KEY_PREFIX}${name}`,
    alias: alias === null ? null : `a.a.e.${alias}`,
    type,
    qr,
    deviceDefault,
    ...(ignoredBecause === undefined ? {} : { ignoredBecause }),
  };
}

export const KEY_SPECS: readonly KeySpec[] = [
  ...APPLIED.map((row) => spec(row, "applied")),
  ...IGNORED.map((row) => spec(row, "ignored")),
];

/** A key's name after the prefix, e.g. "WIFI_SSID". */
export type KeyName = (typeof APPLIED)[number][0] | (typeof IGNORED)[number][0];

/** Full key names by short name: `KEYS.WIFI_SSID === "android.app.extra.PROVISIONING_WIFI_SSID"`. */
export const KEYS = Object.freeze(Object.fromEntries(KEY_SPECS.map((s) => [s.name, s.key]))) as {
  readonly [N in KeyName]: `${typeof KEY_PREFIX}${N}`;
};

const byKey = new Map<string, KeySpec>();
const byAlias = new Map<string, KeySpec>();
for (const s of KEY_SPECS) {
  byKey.set(s.key, s);
  if (s.alias !== null) byAlias.set(s.alias, s);
}

/** The spec of a long key, if Android knows it. */
export function specOfKey(key: string): KeySpec | undefined {
  return byKey.get(key);
}

/** The spec a short alias stands for, if any. */
export function specOfAlias(alias: string): KeySpec | undefined {
  return byAlias.get(alias);
}

/** The spec by short name ("WIFI_SSID"); every KeyName comes from the table. */
export function specOf(name: KeyName): KeySpec {
  return byKey.get(KEYS[name])!;
}

/** Every key and alias Android recognises, for "did you mean" suggestions. */
export function allKnownNames(): string[] {
  return [...byKey.keys(), ...byAlias.keys()];
}
