/**
 * How Android turns a provisioning payload's Wi-Fi settings into key material (AOSP
 * ManagedProvisioning, WifiConfigurationProvider; docs/provisioning-facts.md §1):
 *   - NONE: an open network; any password is ignored.
 *   - WEP: a key of 10, 26 or 58 hex digits is used raw; anything else is used as text, its UTF-8
 *     bytes. The Wi-Fi service adds only 5- or 13-byte keys (40 or 104 bits), so any other key, a
 *     raw 58-digit one included, cannot be added at all.
 *   - WPA: the password is the passphrase (8..63 printable ASCII), from which the pre-shared key
 *     is derived (PBKDF2-HMAC-SHA1 over the SSID, 4096 rounds, 32 bytes, as IEEE 802.11i
 *     specifies). A network's own key may also be 64 hex digits, the pre-shared key itself; a
 *     payload's may not: ManagedProvisioning quotes it as a passphrase, too long for the Wi-Fi
 *     service to add (PROVISIONED_HEX_WPA_KEY_PROBLEM).
 *   - An unrecognised WIFI_SECURITY_TYPE has already become NONE in the parsed params, so the
 *     device tries an open network and never joins a secured one: it times out.
 * The virtual radio compares the key derived here with the one its network derives from its own
 * password, so a network keyed by the hex PSK of the payload's passphrase is joined.
 */
import { pbkdf2Sync } from "node:crypto";
import type { WifiSecurityType } from "../payload/params.js";
import {
  isRawWpaKey, PROVISIONED_HEX_WPA_KEY_PROBLEM, USABLE_WEP_KEYS, wepKeyBytes, wepKeyProblem, wpaPassphraseProblems,
} from "../payload/wifi-key-format.js";

export type WifiKey =
  | { kind: "open" }
  | { kind: "wep"; key: Uint8Array }
  | { kind: "psk"; psk: Uint8Array }
  | { kind: "eap"; method: string | null };

export type WifiKeyResult = { ok: true; key: WifiKey } | { ok: false; problem: string };

/**
 * Whose key it is: a network's own (an access point may be keyed by 64 hex digits), or one a
 * provisioning payload gives the device, which ManagedProvisioning always passes as a passphrase.
 */
export type KeyHolder = "network" | "payload";

/** The key material a device configures for this network, or why the network cannot be added. */
export function deriveWifiKey(
  ssid: string,
  securityType: WifiSecurityType,
  password: string | null,
  eapMethod: string | null = null,
  holder: KeyHolder = "network",
): WifiKeyResult {
  switch (securityType) {
    case "NONE":
      return { ok: true, key: { kind: "open" } };
    case "EAP":
      return { ok: true, key: { kind: "eap", method: eapMethod } };
    case "WEP":
      return wepKey(password ?? "");
    case "WPA":
      return wpaKey(ssid, password ?? "", holder);
  }
}

function wepKey(password: string): WifiKeyResult {
  const problem = wepKeyProblem(password);
  if (problem !== null) return { ok: false, problem: `the WEP key is ${problem}; Android adds a WEP key of ${USABLE_WEP_KEYS} only` };
  return { ok: true, key: { kind: "wep", key: wepKeyBytes(password) } };
}

function wpaKey(ssid: string, password: string, holder: KeyHolder): WifiKeyResult {
  if (isRawWpaKey(password)) {
    if (holder === "payload") return { ok: false, problem: `the WPA key is ${PROVISIONED_HEX_WPA_KEY_PROBLEM}` };
    return { ok: true, key: { kind: "psk", psk: new Uint8Array(Buffer.from(password, "hex")) } };
  }
  const problems = wpaPassphraseProblems(password);
  if (problems.length > 0) {
    return { ok: false, problem: `not a WPA passphrase (8 to 63 printable ASCII characters, or 64 hex digits): ${problems.join(" and ")}` };
  }
  return { ok: true, key: { kind: "psk", psk: wpaPsk(ssid, password) } };
}

/**
 * Derived keys by SSID and passphrase: 4096 rounds of PBKDF2 cost a few milliseconds, and a fleet
 * of devices joins the same network thousands of times. Bounded: the oldest entry goes first.
 */
const derivedKeys = new Map<string, Uint8Array>();
const DERIVED_KEYS_KEPT = 64;

/** IEEE 802.11i: PSK = PBKDF2(HMAC-SHA1, passphrase, ssid, 4096, 256 bits). */
export function wpaPsk(ssid: string, passphrase: string): Uint8Array {
  const cacheKey = `${ssid}\u0000${passphrase}`;
  let psk = derivedKeys.get(cacheKey);
  if (!psk) {
    psk = new Uint8Array(pbkdf2Sync(Buffer.from(passphrase, "utf8"), Buffer.from(ssid, "utf8"), 4096, 32, "sha1"));
    derivedKeys.set(cacheKey, psk);
    if (derivedKeys.size > DERIVED_KEYS_KEPT) derivedKeys.delete(derivedKeys.keys().next().value!);
  }
  // A copy: callers own what they are given.
  return psk.slice();
}

/** True when a device configured with `configured` can authenticate to a network keyed `network`. */
export function keysMatch(configured: WifiKey, network: WifiKey): boolean {
  if (configured.kind !== network.kind) return false;
  switch (configured.kind) {
    case "open":
      return true;
    case "eap":
      return network.kind === "eap" && configured.method !== null && configured.method === network.method;
    case "wep":
      return network.kind === "wep" && Buffer.from(configured.key).equals(Buffer.from(network.key));
    case "psk":
      return network.kind === "psk" && Buffer.from(configured.psk).equals(Buffer.from(network.psk));
  }
}
