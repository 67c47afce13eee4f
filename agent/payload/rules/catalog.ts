/**
 * Every rule the validator knows: its stable id, its severity and what it catches. Rules emit
 * findings by id, and the severity always comes from here, so this table *is* the documentation
 * (the README's rule table is printed from it by `RULES`).
 */
import type { Finding, Severity } from "../findings.js";

export type RuleSetName = "android" | "intune-aosp";

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** `android` rules run in both sets; `intune-aosp` rules only in that set. */
  set: RuleSetName;
  /** Whether the rule looks at the QR image rather than the payload text. */
  image?: true;
  /**
   * For errors Android does not catch while parsing the payload: the step where the device fails
   * instead (docs/provisioning-facts.md §1: a hex checksum "fails later as a checksum mismatch"; another scheme
   * "fails at download"; ManagedProvisioning builds the Wi-Fi configuration unchecked and
   * WifiManager refuses it when it is added: "Couldn't connect to Wi-Fi"). Other errors stop the
   * device at "Can't set up device", and so does any error when the payload does not parse at all.
   */
  deviceFailsAt?: DeviceFailureStep;
  summary: string;
}

export type DeviceFailureStep = "wifi" | "download" | "verification";

const rule = (id: string, severity: Severity, summary: string, set: RuleSetName = "android"): RuleInfo => ({
  id,
  severity,
  set,
  summary,
});
const imageRule = (id: string, severity: Severity, summary: string): RuleInfo => ({ ...rule(id, severity, summary), image: true });
const failsAt = (step: DeviceFailureStep, info: RuleInfo): RuleInfo => ({ ...info, deviceFailsAt: step });

export const RULES: readonly RuleInfo[] = [
  // The text itself
  rule("text-encoding", "error", "The payload is not valid UTF-8; the device would read mangled characters."),
  rule("byte-order-mark", "error", "The text starts with a byte-order mark (U+FEFF); Android's org.json skips one, but whether the closed setup wizard accepts it is not known, and the simulated device refuses it."),
  rule("file-byte-order-mark", "info", "The JSON file starts with a byte-order mark; it was ignored, but it must not go into the QR code."),
  rule("json-syntax", "error", "The text is not JSON; the device shows \"Can't set up device\"."),
  rule("json-not-object", "error", "The JSON is an array or a scalar, not an object of provisioning keys."),
  rule("json-too-deep", "error", "The JSON nests deeper than any provisioning payload can (limit 32 levels)."),
  rule("duplicate-key", "warning", "A key appears twice; JSON parsers disagree on which value wins."),
  rule("payload-too-large", "error", "The payload exceeds 2953 UTF-8 bytes, the most any QR code holds (version 40, level L, byte mode)."),
  rule("qr-high-version", "warning", "The payload needs a QR version above 30 (more than 137 modules a side); cameras read such codes less reliably."),
  // Keys
  rule("wrong-type", "warning", "A value of the wrong JSON type (\"true\" for true, \"8080\" for 8080, a number for a string); the device silently uses its default."),
  rule("unknown-key", "warning", "A key Android does not know (a typo is silent); suggests the closest known key."),
  rule("short-alias", "warning", "An Android 10+ short alias (a.a.e.*); not every setup wizard passes them through."),
  rule("alias-shadowed", "warning", "Both a long key and its short alias are given; the long key wins."),
  rule("ignored-for-qr", "info", "A real provisioning extra that QR provisioning never reads."),
  // Admin component
  rule("admin-component-missing", "error", "No PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME; the device cannot start provisioning."),
  // Unreadable ("no /"), the device refuses it; readable with bad names, no receiver matches it.
  failsAt("verification", rule("admin-component-format", "error", "The admin component is not \"package/class\" (or \"package/.Class\") with valid Java names.")),
  rule("admin-package-name-ignored", "info", "DEVICE_ADMIN_PACKAGE_NAME is ignored for QR provisioning."),
  rule("admin-package-name-mismatch", "warning", "DEVICE_ADMIN_PACKAGE_NAME names another package than the admin component; the component wins."),
  // Download and checksums
  rule("download-location-empty", "error", "The download location is an empty string; the device refuses the payload."),
  failsAt("download", rule("download-location-scheme", "error", "The download location is not an http(s) URL; the download fails.")),
  rule("download-cleartext", "info", "The download location uses http (cleartext); allowed, but the package travels unencrypted."),
  rule("download-checksum-missing", "error", "A download location without any checksum; the device refuses the payload."),
  rule("download-keys-without-location", "warning", "Checksums, cookie header or minimum version without a download location are ignored."),
  rule("no-download-location", "info", "No download location: the admin app must already be installed on the device."),
  failsAt("verification", rule("checksum-encoding", "error", "A checksum in hex, standard base64 (+ /) or undecodable base64; the device fails with \"checksum error\" or refuses.")),
  failsAt("verification", rule("checksum-length", "error", "A checksum that decodes to other than 32 bytes (SHA-256); the device fails with \"checksum error\".")),
  rule("checksum-stray-characters", "warning", "A checksum with characters the device skips (spaces, line breaks, ...); it still decodes, other tools may not."),
  rule("checksum-both", "info", "Both checksums are given; the device checks the package checksum and ignores the signature checksum."),
  rule("role-holder-download", "error", "ROLE_HOLDER_PACKAGE_DOWNLOAD_LOCATION and ROLE_HOLDER_SIGNATURE_CHECKSUM with an empty location or a checksum that decodes to nothing; Android 13+ refuses the payload."),
  rule("no-network", "info", "A download is needed but the payload configures no Wi-Fi and no mobile data; the device must already be online, which a device without a setup wizard (RealWear) never is."),
  // Wi-Fi
  rule("wifi-ssid-empty", "error", "WIFI_SSID is empty; Android refuses the payload (\"Can't set up device\")."),
  failsAt("wifi", rule("wifi-ssid-too-long", "error", "WIFI_SSID is over 32 bytes in UTF-8; no network can have that name.")),
  rule("wifi-security-type", "warning", "WIFI_SECURITY_TYPE is not exactly NONE, WPA, WEP or EAP (\"WPA2\", \"wpa\", \"SAE\"); the device silently treats the network as open."),
  failsAt("wifi", rule("wifi-password-missing", "error", "WPA or WEP without WIFI_PASSWORD; the device cannot join the network.")),
  failsAt("wifi", rule("wifi-wpa-passphrase", "error", "A WPA passphrase that is not 8..63 printable ASCII characters.")),
  failsAt("wifi", rule("wifi-wpa-hex-key", "error", "A 64-hex-digit WPA key; ManagedProvisioning passes it quoted, as a passphrase, too long for Android's Wi-Fi service to add.")),
  failsAt("wifi", rule("wifi-wep-key", "error", "A WEP key that is neither 10 or 26 hex digits nor text of 5 or 13 bytes in UTF-8 (5 or 13 ASCII characters); Android adds only 40- and 104-bit WEP keys, so the network is never added.")),
  rule("wifi-password-ignored", "warning", "A password for an open network (NONE, absent or unrecognised security type); the device ignores it."),
  rule("wifi-eap-method", "warning", "EAP without a valid WIFI_EAP_METHOD (PEAP, TLS, TTLS, PWD, SIM, AKA, AKA_PRIME); the EAP settings are silently not applied."),
  rule("wifi-eap-phase2", "warning", "An unknown WIFI_PHASE2_AUTH; the EAP settings are silently not applied."),
  rule("wifi-eap-tls-client-certificate", "warning", "EAP-TLS without WIFI_USER_CERTIFICATE, or with a PKCS#12 store of certificates only (no private key): the device has no certificate to present, and the RADIUS server refuses it."),
  rule("wifi-proxy-bypass", "warning", "WIFI_PROXY_BYPASS is not a comma-separated list of host names (\";\", spaces, address ranges); Android's proxy check finds the proxy invalid."),
  rule("wifi-eap-fields-ignored", "warning", "EAP settings (method, identity, certificates, ...) for a network whose security type is not EAP."),
  failsAt("wifi", rule("wifi-eap-certificate", "error", "A Wi-Fi certificate java.util.Base64 cannot decode (line breaks, spaces, PEM headers, URL-safe characters); provisioning stops with an uncaught exception.")),
  failsAt("wifi", rule("wifi-eap-certificate-unreadable", "error", "A Wi-Fi certificate that decodes but is not what Android parses (the CA one an X.509 certificate, the user one a PKCS#12 key store that opens with the empty password and holds exactly one entry: a CA certificate exported with a friendly name is a second one); the network is added without its EAP settings and never joins.")),
  rule("wifi-keys-without-ssid", "warning", "Wi-Fi settings (hidden, security, password, proxy, ...) without WIFI_SSID, or with one that is not a string, are ignored."),
  rule("wifi-credentials-in-qr", "info", "The QR code holds the Wi-Fi password in plain text; use a staging network with limited permissions."),
  // ExtrasProvisioningDataParser reads the port with getIntExtra (a default of 0) and WifiInfo checks only the SSID.
  failsAt("download", rule("wifi-proxy-port", "error", "A proxy host with a port outside 1..65535 (absent or a string reads as 0); the payload is accepted, and the download through the proxy fails.")),
  rule("wifi-proxy-host", "warning", "WIFI_PROXY_HOST is not a bare host name or IPv4 address (a URL, a port, an IPv6 address): the device cannot reach the proxy."),
  rule("wifi-proxy-pac-ignored", "warning", "Both WIFI_PROXY_HOST and WIFI_PAC_URL; the host wins and the PAC URL is ignored."),
  rule("wifi-proxy-without-host", "warning", "WIFI_PROXY_PORT or WIFI_PROXY_BYPASS without WIFI_PROXY_HOST are ignored."),
  rule("wifi-pac-not-simulated", "info", "WIFI_PAC_URL without a proxy host: the device runs that PAC file; the simulator does not, and its device's traffic goes direct."),
  // Locale, time, modes
  rule("locale-format", "error", "LOCALE is empty or not a language tag Java's Locale.Builder parses (xx_YY or xx-YY); the device refuses the payload."),
  rule("locale-shape", "info", "LOCALE is well-formed but not the usual language_COUNTRY shape, or Java reads another language from it (en-USA is the language usa)."),
  rule("time-zone", "warning", "TIME_ZONE is not an IANA time zone id (e.g. Europe/Berlin, UTC); the device will not apply it."),
  rule("local-time", "warning", "LOCAL_TIME is negative or looks like seconds; Android expects milliseconds since the epoch."),
  rule("supported-modes", "error", "SUPPORTED_MODES is not 1, 2, 3 or 4; the device refuses the payload."),
  rule("skip-education-screens-qr", "info", "SKIP_EDUCATION_SCREENS has no effect for QR provisioning."),
  // The QR image (validate <image> only)
  imageRule("qr-no-code", "error", "The image holds no QR code either decoder can read."),
  imageRule("qr-animated", "warning", "An animated GIF or WebP, or a multi-page TIFF, whose frames or pages do not all show the same code (some show none, or different codes); a camera reads whichever is on screen or printed, so every frame and page is read and every code checked."),
  imageRule("qr-multiple-codes", "warning", "The image holds several QR codes; the device reads whichever its camera finds first, so every code is checked."),
  imageRule("qr-fragile", "warning", "Reading the code used more than half its error correction, its contrast fails, or only the fallback decoder reads it; the print is fragile."),
  imageRule("qr-quiet-zone", "warning", "The light margin around the code is under the 4 modules ISO/IEC 18004 requires; cameras may not find the code."),
  imageRule("qr-inverted", "warning", "The code is light on dark (inverted); ZXing, which many Android scanners build on, reads such codes only when asked to, so a device may not read it."),
  imageRule("qr-mirrored", "info", "The code is mirrored (printed reversed, or seen through the back of a transparency); ZXing retries mirrored readings, other scanners may not."),
  imageRule("qr-decoder-disagreement", "error", "The decoders read different texts from the same code."),
  imageRule("qr-no-eci", "info", "Non-ASCII text without an ECI marker; most Android scanners guess UTF-8, a few read Latin-1."),
  // The simulator's Intune AOSP conventions (--rules intune-aosp)
  rule("intune-admin-component", "error", "The admin component is not the Intune agent's receiver.", "intune-aosp"),
  rule("intune-download-location", "error", "No download location; the Intune agent is not preinstalled and must be downloaded.", "intune-aosp"),
  rule("intune-enrollment-token", "error", "The admin extras bundle lacks the enrollment token (a non-empty string).", "intune-aosp"),
  rule("intune-service-url", "error", "The admin extras bundle lacks the service URL (an http or https URL string).", "intune-aosp"),
  rule("intune-wifi-security", "error", "Wi-Fi security other than NONE, WEP or WPA; the Intune AOSP profile offers only these.", "intune-aosp"),
  rule("intune-extras-unknown", "warning", "An unknown com.microsoft.intune.aosp.* key in the admin extras bundle (a typo?).", "intune-aosp"),
];

const byId = new Map(RULES.map((r) => [r.id, r]));

/** The catalog entry of a rule id; throws for an id missing from the catalog (a programming error). */
export function ruleInfo(id: string): RuleInfo {
  const found = byId.get(id);
  if (!found) throw new Error(`rule "${id}" is not in the catalog`);
  return found;
}

/** A finding of a catalogued rule (its severity comes from the catalog). */
export function finding(id: string, path: string, message: string, hint = ""): Finding {
  return { severity: ruleInfo(id).severity, rule: id, path, message, hint };
}
