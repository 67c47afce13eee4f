/**
 * What ManagedProvisioning makes of an EAP network's certificates once java.util.Base64 has
 * decoded them (docs/provisioning-facts.md §1, "EAP certificates"):
 * - WIFI_CA_CERTIFICATE goes to CertificateFactory.getInstance("X.509").generateCertificate
 *   (WifiConfigurationProvider.buildCACertificate): an X.509 certificate, DER or PEM;
 * - WIFI_USER_CERTIFICATE goes to KeyStore.getInstance("PKCS12").load(bytes, empty password)
 *   (loadKeystoreFromCertificate): a PKCS#12 key store.
 * Bytes they cannot parse throw a CertificateException or an IOException, which
 * maybeUpdateForEAPConfiguration catches and only logs, after the network was set to EAP and
 * before its EAP settings were attached: the network is added with none of them and never joins.
 *
 * A store that loads is then asked for its one alias (findAliasFromKeystore): more than one
 * throws a CertificateException ("Configuration must contain only one certificate"), caught the
 * same way; none, or one that is not a key entry, leaves the network without a client key.
 *
 * The CA certificate is parsed here as Android does (node:crypto's X509Certificate takes DER and
 * PEM). A PKCS#12 store is checked for its shape (a DER SEQUENCE holding version 3), for a MAC
 * that verifies with the empty password Android gives it, and for its entries, read with that
 * password as Android's BouncyCastle lists them (pkcs12.ts, pkcs12-aliases.ts); Node has no
 * PKCS#12 reader of its own.
 */
import { X509Certificate } from "node:crypto";
import { javaBase64Problem } from "./java-base64.js";
import { looksLikePkcs12, readPkcs12 } from "./pkcs12.js";

/** The bytes java.util.Base64's basic decoder gives for a text it accepts (javaBase64Problem is null). */
export function javaBase64Bytes(text: string): Buffer {
  return Buffer.from(text, "base64");
}

function isX509(bytes: Buffer): boolean {
  try {
    new X509Certificate(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What the decoded bytes look like, for a message ("12 bytes of text", "a PKCS#12 key store"). */
function describeBytes(bytes: Buffer): string {
  if (looksLikePkcs12(bytes)) return "a PKCS#12 key store";
  if (isX509(bytes)) return "an X.509 certificate";
  const text = bytes.toString("latin1");
  if (/^[\x20-\x7e\r\n\t]*$/.test(text)) return `${bytes.length} bytes of plain text (${JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}...` : text)})`;
  return `${bytes.length} bytes that are neither DER nor PEM`;
}

/** Why CertificateFactory("X.509") refuses the decoded CA certificate, or null when it parses. */
export function caCertificateProblem(text: string): string | null {
  const bytes = javaBase64Bytes(text);
  if (isX509(bytes)) return null;
  const what = describeBytes(bytes);
  return what === "a PKCS#12 key store"
    ? "it decodes to a PKCS#12 key store, not an X.509 certificate (the user certificate's format)"
    : `it decodes to ${what}, not an X.509 certificate`;
}

/** Why KeyStore("PKCS12").load refuses the decoded user certificate, or null when its shape is right. */
export function userKeyStoreProblem(text: string): string | null {
  const bytes = javaBase64Bytes(text);
  if (looksLikePkcs12(bytes)) {
    const store = readPkcs12(bytes);
    if (store.emptyPasswordOpens === false) {
      return "it is a PKCS#12 key store protected by a password, and Android opens it with the empty password (its MAC does not verify with it: \"PKCS12 key store mac invalid - wrong password\")";
    }
    if (store.entries !== null && store.entries.length > 1) {
      const names = store.entries.map((e) => `${JSON.stringify(e.alias)} (${e.key ? "a private key" : "a certificate"})`);
      return `it is a PKCS#12 key store of ${store.entries.length} entries, ${names.join(", ")}, and Android takes a store of ` +
        "exactly one (findAliasFromKeystore throws \"Configuration must contain only one certificate\"); a certificate " +
        "becomes an entry of its own when it has a friendly name";
    }
    return null;
  }
  const what = describeBytes(bytes);
  return what === "an X.509 certificate"
    ? "it decodes to an X.509 certificate alone, not a PKCS#12 key store holding the certificate and its private key"
    : `it decodes to ${what}, not a PKCS#12 key store`;
}

/**
 * True when the user certificate is a key store Android loads whose one entry (or none) holds no
 * private key: maybeUpdateClientKeyForEAPConfiguration then sets no client key and the network is
 * added without one. False when it holds one, or when that could not be told.
 */
export function userKeyStoreLacksKey(text: string): boolean {
  if (javaBase64Problem(text) !== null) return false;
  const bytes = javaBase64Bytes(text);
  if (!looksLikePkcs12(bytes)) return false;
  const entries = readPkcs12(bytes).entries;
  return entries !== null && entries.length <= 1 && !entries.some((e) => e.key);
}

/**
 * The first EAP certificate ManagedProvisioning cannot parse, said with its key, or null. The CA
 * certificate is read first (updateWifiEnterpriseConfigFromWifiInfo), then the user's key store.
 */
export function unreadableCertificate(
  caCertificate: string | null,
  userCertificate: string | null,
): { name: "WIFI_CA_CERTIFICATE" | "WIFI_USER_CERTIFICATE"; problem: string } | null {
  if (caCertificate !== null && caCertificate !== "") {
    const problem = caCertificateProblem(caCertificate);
    if (problem !== null) return { name: "WIFI_CA_CERTIFICATE", problem };
  }
  if (userCertificate !== null && userCertificate !== "") {
    const problem = userKeyStoreProblem(userCertificate);
    if (problem !== null) return { name: "WIFI_USER_CERTIFICATE", problem };
  }
  return null;
}
