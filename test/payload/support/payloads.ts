/**
 * Payload builders for tests: a valid base payload and small variations of it, so each test
 * names only the keys it is about.
 */
import { createHash } from "node:crypto";
import { checkPayloadText, type CheckOptions, type PayloadCheck } from "../../../agent/payload/index.js";
import { KEYS } from "../../../agent/payload/keys.js";

export { KEYS };

export const HELLO_SHA256 = createHash("sha256").update("Hello world!").digest();
/** SHA-256("Hello world!") as Android wants it: URL-safe base64, unpadded. */
export const HELLO_CHECKSUM = HELLO_SHA256.toString("base64url");

export type Payload = Record<string, unknown>;

/** Valid and finding-free: component, https download, signature checksum, open Wi-Fi. */
export function basePayload(): Payload {
  return {
    [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.example.dpc/.AdminReceiver",
    [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "https://mdm.example.com/dpc.apk",
    [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_CHECKSUM,
    [KEYS.WIFI_SSID]: "Staging",
    [KEYS.WIFI_SECURITY_TYPE]: "NONE",
  };
}

/** The base payload with keys set (undefined removes a key). */
export function payloadWith(changes: Payload, from: Payload = basePayload()): Payload {
  const out: Payload = { ...from };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function check(payload: Payload | string, options?: CheckOptions): PayloadCheck {
  return checkPayloadText(typeof payload === "string" ? payload : JSON.stringify(payload), options);
}

/** The rule ids a payload triggers, sorted and unique. */
export function rulesOf(payload: Payload | string, options?: CheckOptions): string[] {
  return [...new Set(check(payload, options).findings.map((f) => f.rule))].sort();
}

/** The first finding of a rule (throws when there is none, so tests read straight). */
export function findingOf(payload: Payload | string, rule: string, options?: CheckOptions) {
  const found = check(payload, options).findings.find((f) => f.rule === rule);
  if (!found) throw new Error(`expected a ${rule} finding, got ${rulesOf(payload, options).join(", ") || "none"}`);
  return found;
}
