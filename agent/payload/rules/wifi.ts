/**
 * Wi-Fi: the network the device joins before it downloads the admin app.
 *
 * Behaviour modelled on ManagedProvisioning's WifiConfigurationProvider: the security type is
 * switched on exactly "WPA", "WEP" or "EAP" and anything else (absent, "WPA2", "wpa") configures
 * an open network; WEP keys of 10, 26 or 58 hex digits are used raw, anything else as ASCII (and
 * the Wi-Fi service adds only 5- or 13-byte WEP keys); EAP
 * settings are applied only with a known method and phase-2 value; a proxy host wins over a PAC
 * URL.
 */
import { isIPv6 } from "node:net";
import { show } from "../findings.js";
import type { EapMethod, WifiSecurityType } from "../params.js";
import type { KeyName } from "../keys.js";
import type { ResolvedValue } from "../extras.js";
import {
  isRawWpaKey, PROVISIONED_HEX_WPA_KEY_PROBLEM, USABLE_WEP_KEYS, wepKeyProblem, wpaPassphraseProblems,
} from "../wifi-key-format.js";
import { javaBase64Problem } from "../java-base64.js";
import { caCertificateProblem, userKeyStoreLacksKey, userKeyStoreProblem } from "../wifi-certificate.js";
import { keyLabel, type Rule, type RuleContext } from "./context.js";

export const SECURITY_TYPES: readonly WifiSecurityType[] = ["NONE", "WPA", "WEP", "EAP"];
export const EAP_METHODS: readonly EapMethod[] = ["PEAP", "TLS", "TTLS", "PWD", "SIM", "AKA", "AKA_PRIME"];
/** WifiConfigurationProvider's PHASE2_AUTH map ("" and absent mean NONE). */
export const PHASE2_METHODS: readonly string[] = ["", "NONE", "PAP", "MSCHAP", "MSCHAPV2", "GTC", "SIM", "AKA", "AKA_PRIME"];
export const MAX_SSID_BYTES = 32;

const EAP_ONLY_KEYS: KeyName[] = [
  "WIFI_EAP_METHOD", "WIFI_PHASE2_AUTH", "WIFI_CA_CERTIFICATE", "WIFI_USER_CERTIFICATE",
  "WIFI_IDENTITY", "WIFI_ANONYMOUS_IDENTITY", "WIFI_DOMAIN",
];
const WIFI_KEYS_NEEDING_SSID: KeyName[] = [
  "WIFI_HIDDEN", "WIFI_SECURITY_TYPE", "WIFI_PASSWORD", ...EAP_ONLY_KEYS,
  "WIFI_PROXY_HOST", "WIFI_PROXY_PORT", "WIFI_PROXY_BYPASS", "WIFI_PAC_URL",
];

/** The security type the device applies: exactly one of the four, anything else is NONE. */
export function effectiveSecurityType(written: string | null): WifiSecurityType {
  return SECURITY_TYPES.find((t) => t === written) ?? "NONE";
}

/** What an author most likely meant by an unrecognised security type. */
export function securitySuggestion(written: string): WifiSecurityType | null {
  const upper = written.trim().toUpperCase().replace(/[\s_]/g, "-");
  const exact = SECURITY_TYPES.find((t) => t === upper);
  if (exact) return exact;
  if (/^(WPA\d?|WPA\d?-PSK|WPA\d?-PERSONAL|PSK|SAE|WPA3-SAE|WPA2-WPA3)$/.test(upper)) return "WPA";
  if (/^(OPEN|NO|NOPASS|NOPASSWORD)$/.test(upper)) return "NONE";
  if (/^(WPA\d?-EAP|WPA\d?-ENTERPRISE|802\.1X|8021X|ENTERPRISE)$/.test(upper)) return "EAP";
  return null;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

const wifi: Rule = (ctx) => {
  const ssid = ctx.extras.resolve("WIFI_SSID");
  if (!ssid.typed) {
    // A WIFI_SSID that is there but not a string reads as absent (wrong-type says so): Wi-Fi is off all the same.
    const without = ssid.key === null
      ? "is given without WIFI_SSID"
      : `is given, but ${keyLabel(ssid)} is not a string, which the device reads as no SSID (Wi-Fi off)`;
    for (const value of ctx.given(WIFI_KEYS_NEEDING_SSID)) {
      ctx.emit("wifi-keys-without-ssid", ctx.pathOf(value),
        `${keyLabel(value)} ${without}: the device has no network to apply it to and ignores it.`,
        ssid.key === null
          ? "add WIFI_SSID, or remove the Wi-Fi settings if the device should use the network it already has"
          : `write ${keyLabel(ssid)} as a string in quotes, or remove the Wi-Fi settings if the device should use the network it already has`);
    }
    return;
  }
  checkSsid(ctx);
  const security = checkSecurity(ctx);
  checkPassword(ctx, security);
  if (security === "EAP") checkEap(ctx);
  else ignoreEapKeys(ctx);
  checkProxy(ctx);
};

function checkSsid(ctx: RuleContext): void {
  const ssid = ctx.extras.resolve("WIFI_SSID");
  const text = ssid.raw as string;
  const path = ctx.pathOf(ssid);
  if (text === "") {
    ctx.emit("wifi-ssid-empty", path,
      `${keyLabel(ssid)} is empty: Android refuses the payload while reading it ("Ssid must not be empty!"), so the ` +
        "device shows \"Can't set up device\".",
      "put the network name there, or remove WIFI_SSID if the device should use the network it already has");
  } else if (utf8Length(text) > MAX_SSID_BYTES) {
    ctx.emit("wifi-ssid-too-long", path,
      `${keyLabel(ssid)} ${show(text)} is ${utf8Length(text)} bytes in UTF-8; an SSID is at most ${MAX_SSID_BYTES} bytes, ` +
        "so no network has this name and the join fails.",
      "check the network name (non-ASCII characters take 2 to 4 bytes each)");
  }
}

function checkSecurity(ctx: RuleContext): WifiSecurityType {
  const security = ctx.extras.resolve("WIFI_SECURITY_TYPE");
  const written = security.typed ? (security.raw as string) : null;
  const effective = effectiveSecurityType(written);
  if (written !== null && written !== "" && effective === "NONE" && written !== "NONE") {
    const suggestion = securitySuggestion(written);
    ctx.emit("wifi-security-type", ctx.pathOf(security),
      `${keyLabel(security)} ${show(written)} is not one of NONE, WPA, WEP, EAP (exact, case-sensitive): the device ` +
        (suggestion === "NONE"
          ? "silently configures an open network, which is what this value means, but only because anything unknown reads as NONE."
          : "silently configures an open network, and joining a secured network fails after a timeout."),
      suggestion !== null
        ? `write "${suggestion}"` + (suggestion === "WPA" ? " (it covers WPA and WPA2 personal networks)" : "")
        : "write NONE, WPA, WEP or EAP");
  }
  return effective;
}

function checkPassword(ctx: RuleContext, security: WifiSecurityType): void {
  const password = ctx.extras.resolve("WIFI_PASSWORD");
  const text = password.typed ? (password.raw as string) : null;
  const path = ctx.pathOf(password);
  const securityWritten = ctx.extras.string("WIFI_SECURITY_TYPE");
  if (security === "WPA" || security === "WEP") {
    if (text === null || text === "") {
      ctx.emit("wifi-password-missing", path,
        `WIFI_SECURITY_TYPE is ${security} but WIFI_PASSWORD is ${text === "" ? "empty" : "missing"}: the device cannot ` +
          "join the network (\"Couldn't connect to Wi-Fi\").",
        security === "WPA" ? "add the network's passphrase (8 to 63 characters)" : "add the network's WEP key");
      return;
    }
    if (security === "WPA") checkWpaPassphrase(ctx, text, path);
    else checkWepKey(ctx, text, path);
  } else if (security === "NONE" && text !== null && text !== "") {
    // An unrecognised type is read as NONE too, so its password is ignored as well (PROVISIONING.md §1).
    const unrecognised = securityWritten !== null && securityWritten !== "" && securityWritten !== "NONE";
    const suggestion = unrecognised ? securitySuggestion(securityWritten) : null;
    const as = securityWritten === "NONE"
      ? "NONE"
      : securityWritten === null
        ? "absent (read as NONE)"
        : securityWritten === "" ? "empty (read as NONE)" : `${show(securityWritten)}, which the device does not know and reads as NONE`;
    ctx.emit("wifi-password-ignored", path,
      `WIFI_PASSWORD is given, but WIFI_SECURITY_TYPE is ${as}: the device configures an open network and ignores the password.`,
      suggestion === "WPA" || suggestion === "WEP" || suggestion === "EAP"
        ? `write WIFI_SECURITY_TYPE "${suggestion}" so that the password is used`
        : securityWritten === null || securityWritten === ""
          ? "add WIFI_SECURITY_TYPE (WPA or WEP) for a secured network"
          : "remove the password, or set WIFI_SECURITY_TYPE to WPA or WEP for a secured network");
  }
  if (text !== null && text !== "" && security !== "NONE") {
    ctx.emit("wifi-credentials-in-qr", path,
      "The QR code carries the Wi-Fi password in plain text: anyone who can see or photograph the code can read it.",
      "use a staging network with limited permissions for enrollment, and rotate its password");
  }
}

function checkWpaPassphrase(ctx: RuleContext, text: string, path: string): void {
  if (isRawWpaKey(text)) {
    ctx.emit("wifi-wpa-hex-key", path,
      `WIFI_PASSWORD is ${PROVISIONED_HEX_WPA_KEY_PROBLEM}, so the device can never add the network ("Couldn't connect to Wi-Fi").`,
      "use the network's passphrase (8 to 63 printable ASCII characters) instead of the raw key");
    return;
  }
  const problems = wpaPassphraseProblems(text);
  if (problems.length === 0) return;
  ctx.emit("wifi-wpa-passphrase", path,
    `WIFI_PASSWORD is not a valid WPA passphrase: ${problems.join(" and ")}. The device cannot join the network ` +
      "(\"Couldn't connect to Wi-Fi\").",
    "use the network's passphrase: 8 to 63 printable ASCII characters");
}

function checkWepKey(ctx: RuleContext, text: string, path: string): void {
  const problem = wepKeyProblem(text);
  if (problem === null) return;
  ctx.emit("wifi-wep-key", path,
    `WIFI_PASSWORD is ${problem}. Android adds only 40- and 104-bit WEP keys (5 or 13 bytes), so the device can never ` +
      "add the network (\"Couldn't connect to Wi-Fi\").",
    `use the key exactly as the access point shows it: ${USABLE_WEP_KEYS}`);
}

function checkEap(ctx: RuleContext): void {
  const method = ctx.extras.resolve("WIFI_EAP_METHOD");
  const methodText = method.typed ? (method.raw as string) : null;
  if (methodText === null || !(EAP_METHODS as readonly string[]).includes(methodText)) {
    const upper = methodText?.toUpperCase() ?? null;
    const suggestion = EAP_METHODS.find((m) => m === upper);
    ctx.emit("wifi-eap-method", ctx.pathOf(method),
      (methodText === null
        ? "WIFI_SECURITY_TYPE is EAP but WIFI_EAP_METHOD is missing"
        : `WIFI_EAP_METHOD ${show(methodText)} is not one of ${EAP_METHODS.join(", ")}`) +
        ": the device silently skips the EAP settings and cannot join the network.",
      suggestion ? `write "${suggestion}"` : `set WIFI_EAP_METHOD to one of ${EAP_METHODS.join(", ")}`);
  }
  if (methodText === "TLS") checkTlsClientCertificate(ctx, method);
  const phase2 = ctx.extras.resolve("WIFI_PHASE2_AUTH");
  if (phase2.typed && !PHASE2_METHODS.includes(phase2.raw as string)) {
    const upper = (phase2.raw as string).toUpperCase();
    ctx.emit("wifi-eap-phase2", ctx.pathOf(phase2),
      `WIFI_PHASE2_AUTH ${show(phase2.raw)} is not one of ${PHASE2_METHODS.filter((m) => m !== "").join(", ")}: ` +
        "the device silently skips the EAP settings and cannot join the network.",
      PHASE2_METHODS.includes(upper) ? `write "${upper}"` : "use NONE, PAP, MSCHAP, MSCHAPV2, GTC, SIM, AKA or AKA_PRIME");
  }
  for (const name of ["WIFI_CA_CERTIFICATE", "WIFI_USER_CERTIFICATE"] as const) {
    const cert = ctx.extras.resolve(name);
    if (!cert.typed || cert.raw === "") continue;
    const text = cert.raw as string;
    const problem = javaBase64Problem(text);
    const what = name === "WIFI_CA_CERTIFICATE" ? "the DER X.509 certificate" : "the PKCS#12 key store";
    if (problem === null) {
      checkCertificateContent(ctx, cert, name, text);
      continue;
    }
    ctx.emit("wifi-eap-certificate", ctx.pathOf(cert),
      `${keyLabel(cert)} cannot be decoded by java.util.Base64's basic decoder, which the device uses: ${problem}. ` +
        "The IllegalArgumentException it throws is not one ManagedProvisioning's Wi-Fi step catches, so provisioning " +
        "stops there with an uncaught exception.",
      /^-----BEGIN/.test(text.trim())
        ? `remove the PEM header and footer lines and the line breaks: write ${what} as one line of standard base64`
        : /\s/.test(text)
          ? `remove the line breaks and spaces: write ${what} as one line of standard base64`
          : `write ${what} as standard base64 (A-Z, a-z, 0-9, + and /; the "=" padding may be left out)`);
  }
}

/**
 * EAP-TLS authenticates the device by its certificate (RFC 5216: the server asks for the peer's
 * certificate), and ManagedProvisioning takes that certificate and its private key only from
 * WIFI_USER_CERTIFICATE: without it, `maybeUpdateClientKeyForEAPConfiguration` returns having set
 * no client key (docs/provisioning-facts.md §1), the network is added, and the RADIUS server refuses
 * a device that presents no certificate. A warning: the server, not Android, decides.
 */
function checkTlsClientCertificate(ctx: RuleContext, method: ResolvedValue): void {
  const user = ctx.extras.resolve("WIFI_USER_CERTIFICATE");
  if (user.typed && user.raw !== "") {
    // A store of certificates alone: the one alias is not a key entry, so no client key is set (lines 196-198).
    if (!userKeyStoreLacksKey(user.raw as string)) return;
    ctx.emit("wifi-eap-tls-client-certificate", ctx.pathOf(user),
      `WIFI_EAP_METHOD is TLS but ${keyLabel(user)} holds no private key (a PKCS#12 key store of certificates only): ` +
        "the device sets no client key from it, so it has no certificate to present and the network's RADIUS server " +
        "refuses it (\"Couldn't connect to Wi-Fi\").",
      "export the device's private key together with its certificate (e.g. `openssl pkcs12 -export -inkey device.key " +
        "-in device.pem -passout pass:`, without -nokeys), as one line of standard base64");
    return;
  }
  ctx.emit("wifi-eap-tls-client-certificate", ctx.pathOf(method),
    "WIFI_EAP_METHOD is TLS but WIFI_USER_CERTIFICATE is " + (user.typed ? "empty" : "missing") + ": EAP-TLS authenticates the " +
      "device by its own certificate, and the device then has none to present, so the network's RADIUS server refuses it " +
      "(\"Couldn't connect to Wi-Fi\").",
    "add WIFI_USER_CERTIFICATE: a PKCS#12 file holding the device's private key and certificate, exported with an empty " +
      "password, as one line of standard base64 (e.g. `base64 -w0 device.p12`); or use PEAP or TTLS with an identity and password");
}

/**
 * Base64 that decodes but not to what Android parses: ManagedProvisioning catches the parser's
 * exception, logs it and adds the network without any EAP settings (docs/provisioning-facts.md §1).
 */
function checkCertificateContent(
  ctx: RuleContext,
  cert: ResolvedValue,
  name: "WIFI_CA_CERTIFICATE" | "WIFI_USER_CERTIFICATE",
  text: string,
): void {
  const ca = name === "WIFI_CA_CERTIFICATE";
  const problem = ca ? caCertificateProblem(text) : userKeyStoreProblem(text);
  if (problem === null) return;
  ctx.emit("wifi-eap-certificate-unreadable", ctx.pathOf(cert),
    `${keyLabel(cert)} is valid base64, but ${problem}. ManagedProvisioning ` +
      (ca ? "cannot parse it as a certificate" : "cannot take a key store from it") +
      " (\"Error while reading certificate\" in its log) and adds the network with none of its EAP settings (method, " +
      "identity, password, certificates), so the device never joins it (\"Couldn't connect to Wi-Fi\").",
    ca
      ? "give the CA certificate's DER bytes (a .cer/.der file) as one line of standard base64 (e.g. `base64 -w0 ca.der`)"
      : "give a PKCS#12 file (.p12/.pfx) holding exactly one private key with its certificate chain, exported with an " +
        "empty password, as one line of standard base64 (e.g. `base64 -w0 device.p12`)");
}

function ignoreEapKeys(ctx: RuleContext): void {
  for (const value of ctx.given(EAP_ONLY_KEYS)) {
    ctx.emit("wifi-eap-fields-ignored", ctx.pathOf(value),
      `${keyLabel(value)} is an EAP setting, but WIFI_SECURITY_TYPE is not EAP: the device ignores it.`,
      "set WIFI_SECURITY_TYPE to EAP for an enterprise network, or remove the EAP settings");
  }
}

/**
 * The proxy hosts Android takes: host names and IPv4 addresses, labels of letters, digits and
 * inner hyphens (android.net.Proxy's HOSTNAME_REGEXP). The device's proxy (agent/android/proxy.ts)
 * and the wifi-proxy-host rule both judge by it.
 */
export const PROXY_HOST_NAME = /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*(\.[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)*$/;

function checkProxy(ctx: RuleContext): void {
  const host = ctx.extras.resolve("WIFI_PROXY_HOST");
  const hostText = host.typed ? (host.raw as string) : "";
  const port = ctx.extras.resolve("WIFI_PROXY_PORT");
  const pac = ctx.extras.resolve("WIFI_PAC_URL");
  if (hostText === "") {
    for (const value of ctx.given(["WIFI_PROXY_PORT", "WIFI_PROXY_BYPASS"])) {
      ctx.emit("wifi-proxy-without-host", ctx.pathOf(value),
        `${keyLabel(value)} is given without WIFI_PROXY_HOST: the device sets no proxy and ignores it.`,
        "add WIFI_PROXY_HOST, or remove the proxy settings");
    }
    if (pac.typed && pac.raw !== "") {
      ctx.emit("wifi-pac-not-simulated", ctx.pathOf(pac),
        `${keyLabel(pac)} is set without a proxy host: a device fetches this PAC file and runs it to pick a proxy for each ` +
          "request. The simulator does not run PAC files: its device says so and connects directly, so `enroll` cannot tell whether the PAC file works.",
        "check the PAC file on a real device or an emulator; for the simulator, a fixed WIFI_PROXY_HOST and WIFI_PROXY_PORT are followed");
    }
    return;
  }
  const portValue = port.typed ? (port.raw as number) : 0;
  if (portValue < 1 || portValue > 65535) {
    // A wrong-typed port already has its wrong-type warning; this error says the same and what follows.
    if (port.key !== null && !port.typed) ctx.withdraw("wrong-type", ctx.pathOf(port));
    const numericText = typeof port.raw === "string" && /^\d+$/.test(port.raw.trim());
    ctx.emit("wifi-proxy-port", port.key === null ? ctx.pathOf(host) : ctx.pathOf(port),
      (port.key === null
        ? "WIFI_PROXY_HOST is set but WIFI_PROXY_PORT is missing, which reads as 0"
        : port.typed
          ? `WIFI_PROXY_PORT ${portValue} is outside 1..65535`
          : `WIFI_PROXY_PORT ${show(port.raw)} is ${typeof port.raw === "number" ? "not a whole number in the 32-bit range" : "not a number"}, which reads as 0`) +
        ": the device accepts the payload, but the proxy is unusable and the download through it fails.",
      numericText ? `write ${(port.raw as string).trim()} without quotes` : "set WIFI_PROXY_PORT to the proxy's port, a number without quotes (e.g. 3128)");
  }
  if (!PROXY_HOST_NAME.test(hostText)) {
    // An IPv6 address passed before, while the device (agent/android/proxy.ts) could never use it.
    const ipv6 = isIPv6(hostText.replace(/^\[|\]$/g, ""));
    ctx.emit("wifi-proxy-host", ctx.pathOf(host),
      `WIFI_PROXY_HOST ${show(hostText)} ` +
        (ipv6
          ? "is an IPv6 address, and Android's proxy settings take only a host name or an IPv4 address (android.net.Proxy's host check)"
          : /[:/@\s]/.test(hostText)
            ? "is not a bare host name: the device passes it unchanged as the proxy's host"
            : "is not a host name (letters, digits and inner hyphens, in labels between dots)") +
        ", so the proxy cannot be reached.",
      ipv6 ? "give the proxy's host name, or its IPv4 address" : "write only the host (e.g. proxy.example.com) and put the port in WIFI_PROXY_PORT");
  }
  checkProxyBypass(ctx);
  if (pac.typed && pac.raw !== "") {
    ctx.emit("wifi-proxy-pac-ignored", ctx.pathOf(pac),
      "Both WIFI_PROXY_HOST and WIFI_PAC_URL are given: the device uses the proxy host and ignores the PAC URL.",
      "keep only one of them");
  }
}

/**
 * The exclusion list Android's proxy check takes (ProxyUtils' EXCLLIST_REGEXP, as android.net.Proxy
 * had it): host names whose labels may hold "*", separated by "," alone (exclusionStringAsList
 * splits on ","), or nothing (docs/provisioning-facts.md §1).
 */
const PROXY_EXCLUSION_HOST = "[a-zA-Z0-9*]+(-[a-zA-Z0-9*]+)*(\\.[a-zA-Z0-9*]+(-[a-zA-Z0-9*]+)*)*";
export const PROXY_EXCLUSION_LIST = new RegExp(`^$|^${PROXY_EXCLUSION_HOST}(,${PROXY_EXCLUSION_HOST})*$`);

function checkProxyBypass(ctx: RuleContext): void {
  const bypass = ctx.extras.resolve("WIFI_PROXY_BYPASS");
  if (!bypass.typed || PROXY_EXCLUSION_LIST.test(bypass.raw as string)) return;
  const text = bypass.raw as string;
  const separator = /[;|\s]/.exec(text)?.[0];
  ctx.emit("wifi-proxy-bypass", ctx.pathOf(bypass),
    `${keyLabel(bypass)} ${show(text)} is not a list Android's proxy check takes (host names, "*" allowed, separated by "," ` +
      `alone${separator === undefined ? "" : `; this one holds ${show(separator)}`}): the proxy is invalid to that check, so the ` +
      "bypass entries match nothing, and Wi-Fi modules that validate the proxy refuse to add the network.",
    "write the hosts separated by commas without spaces, e.g. \"*.example.com,localhost\" (no address ranges)");
}

/**
 * A download needs a network: the payload must bring Wi-Fi, allow mobile data, or rely on an
 * existing one. Only info: the payload does not say which device scans it, and a device that went
 * through a setup wizard may be online already; one without (RealWear) never is, which the text says.
 */
const network: Rule = (ctx) => {
  if (!ctx.extras.resolve("DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION").typed) return;
  if (ctx.extras.resolve("WIFI_SSID").typed || ctx.extras.boolean("USE_MOBILE_DATA") === true) return;
  ctx.emit("no-network", "",
    "The admin app must be downloaded, but the payload configures no Wi-Fi and does not allow mobile data: the device " +
      "must already be online (Android 10+ needs Wi-Fi for QR provisioning unless USE_MOBILE_DATA is true). A device " +
      "without a setup wizard, such as RealWear, is on no network when it scans the code, so it stops there.",
    "add WIFI_SSID (and its security settings), or set USE_MOBILE_DATA to true; a RealWear device always needs them");
};

export const wifiRules: Rule[] = [wifi, network];
