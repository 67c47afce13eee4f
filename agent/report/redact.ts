/**
 * Transcripts safe to attach to a ticket: the secrets a run handles (the enrollment token, the
 * download cookie, the Wi-Fi key, the device's bearer credential, the sign-in password) are
 * replaced by stable placeholders wherever they appear (payload text, headers, bodies, step
 * outputs), and so is the network's key a `wrong-wifi-key=KEY` fault gives (in the start record's
 * faults, the one place it stands). The same secret is always the same placeholder, and a payload keeps its shape (a
 * redacted Wi-Fi key is still a valid key), so `aosp-sim replay` can run the transcript against
 * a fresh embedded service: it gives that service's token and cookie in place of the placeholders.
 *
 * How secrets are found: from the payload the device scanned (read by the device's own payload
 * reader, so short key aliases count too), from the device API's requests and answers (the
 * enrollment request's token, the credential the service issues, Authorization headers, the
 * sign-in request's password). Each value found is then replaced in every string of every
 * record that follows, so a secret repeated in an error message or a URL does not leak either.
 */
import { planFromParams } from "../machine/plan.js";
import { checkPayloadText } from "../payload/index.js";
import { EXTRA_ENROLLMENT_TOKEN } from "../protocol/intune-conventions.js";
import type { WifiSecurityType } from "../payload/params.js";
import { isRawWpaKey, isUsableWepKey, wpaPassphraseProblems } from "../payload/wifi-key-format.js";
import type { TranscriptRecord } from "./transcript.js";

export type SecretKind = "enrollment-token" | "download-cookie" | "wifi-key" | "device-credential" | "password";

/** Placeholders start with this; `replay` recognises a redacted transcript by it. */
export const REDACTED = "REDACTED";

/**
 * The placeholder of the n-th distinct secret of a kind (n from 1). A Wi-Fi key's stands in for it
 * in the payload a replay scans, so it is a key of the same use: `wifiSecurity` is the payload's.
 */
export function placeholder(kind: SecretKind, n: number, original: string, wifiSecurity: WifiSecurityType | null = null): string {
  const suffix = n === 1 ? "" : `-${n}`;
  if (kind === "download-cookie") {
    // Keep the cookie's name: "aospsim_download=REDACTED-DOWNLOAD-COOKIE".
    const eq = original.indexOf("=");
    return `${eq > 0 ? original.slice(0, eq + 1) : ""}${REDACTED}-DOWNLOAD-COOKIE${suffix}`;
  }
  if (kind === "wifi-key") {
    // A WEP key of any usable length becomes one 13-character key, so its length is not given away.
    if (wifiSecurity === "WEP") return isUsableWepKey(original) ? WEP_PLACEHOLDER : "0".repeat(original.length);
    // A key the device cannot use stays unusable (its length is in the device's own failure message).
    return wpaPassphraseProblems(original).length > 0 && !isRawWpaKey(original) ? "0".repeat(original.length) : `${REDACTED}-WIFI-KEY${suffix}`;
  }
  return `${REDACTED}-${kind.toUpperCase()}${suffix}`;
}

/** A redacted WEP key: 13 printable characters, a 104-bit WEP key. */
const WEP_PLACEHOLDER = `${REDACTED}-WIFI`;

/**
 * The KEY of a `wrong-wifi-key=KEY` fault in a start record, redacted: unlike every placeholder of
 * the payload's key, so the network a replay builds still has a key that is not the payload's.
 */
export const WRONG_WIFI_KEY_PLACEHOLDER = `${REDACTED}-WRONG-WIFI-KEY`;

const WRONG_WIFI_KEY_FAULT = "wrong-wifi-key=";

/**
 * A start record's fault with a Wi-Fi key in it (`wrong-wifi-key=KEY`: the network's real key)
 * with the key replaced. Only there: the device never sees the network's key, so it appears in no
 * other record (nor does its length: agent/device/virtual/wifi.ts words a KEY no network can have
 * without it), and a key may be any text (`wrong-wifi-key=1`), which replaced wherever it stood
 * would alter unrelated strings (times, ids).
 */
function redactedFault(fault: string): string {
  // Whatever the KEY holds (a KEY that begins with the placeholder's word too): one placeholder.
  return fault.startsWith(WRONG_WIFI_KEY_FAULT) ? WRONG_WIFI_KEY_FAULT + WRONG_WIFI_KEY_PLACEHOLDER : fault;
}

/** Finds secrets in records and replaces them; one per transcript. */
export class SecretRedactor {
  /** secret value -> placeholder */
  private readonly secrets = new Map<string, string>();
  /**
   * The secrets as JSON text writes them (`quote\"key`, `a\/b`), -> placeholder: a payload is JSON
   * text, where a key with `"` or `\` stands escaped and the value itself is not found.
   */
  private readonly escaped = new Map<string, string>();
  private readonly counts = new Map<SecretKind, number>();

  /** The record with every known secret replaced (learning the secrets it carries first). */
  redact(record: TranscriptRecord): TranscriptRecord {
    this.learn(record);
    const redacted = this.replaceIn(record) as TranscriptRecord;
    return redacted.type === "start" && Array.isArray(redacted.faults) ? { ...redacted, faults: redacted.faults.map(redactedFault) } : redacted;
  }

  /** The secrets found so far, by placeholder (for tests and `replay`). */
  placeholders(): Map<string, string> {
    return new Map([...this.secrets].map(([value, name]) => [name, value]));
  }

  private add(kind: SecretKind, value: unknown, wifiSecurity: WifiSecurityType | null = null): void {
    if (typeof value !== "string" || value.length === 0 || this.secrets.has(value) || value.startsWith(REDACTED)) return;
    if (/^0+$/.test(value) && kind === "wifi-key") return;
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const name = placeholder(kind, n, value, wifiSecurity);
    this.secrets.set(value, name);
    const inJson = JSON.stringify(value).slice(1, -1);
    for (const form of [inJson, inJson.replaceAll("/", "\\/")]) if (form !== value) this.escaped.set(form, name);
  }

  private learn(record: TranscriptRecord): void {
    if (record.type === "start" && record.payloadText) this.learnPayload(record.payloadText);
    if (record.type === "scan") this.learnPayload(record.text);
    if (record.type === "http") {
      const auth = record.request.headers["authorization"];
      if (auth?.startsWith("Bearer ")) this.add("device-credential", auth.slice("Bearer ".length));
      this.add("download-cookie", record.request.headers["cookie"]);
      this.learnBody(record.request.body);
      this.learnBody(record.response?.body);
    }
    if (record.type === "state") this.learnBody(record.output);
  }

  private learnPayload(text: string): void {
    const params = checkPayloadText(text, { rules: "android" }).params;
    if (!params) return;
    const plan = planFromParams(params);
    this.add("enrollment-token", plan.adminExtras[EXTRA_ENROLLMENT_TOKEN]);
    this.add("download-cookie", params.download?.cookieHeader);
    this.add("wifi-key", params.wifi?.password, params.wifi?.securityType ?? null);
  }

  /** Device-API bodies: the enrollment request's token, the issued credential, a sign-in password. */
  private learnBody(body: unknown): void {
    if (typeof body !== "object" || body === null) return;
    const fields = body as Record<string, unknown>;
    this.add("enrollment-token", fields["enrollmentToken"]);
    this.add("device-credential", fields["deviceCredential"]);
    this.add("password", fields["password"]);
    this.add("password", fields["newPassword"]);
  }

  private replaceInJsonStrings(text: string): string {
    return text.replace(/"(?:[^"\\]|\\.)*"/g, (token) => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(token);
      } catch {
        return token;
      }
      if (typeof decoded !== "string") return token;
      let replaced = decoded;
      for (const [secret, name] of this.secrets) if (replaced.includes(secret)) replaced = replaced.replaceAll(secret, name);
      return replaced === decoded ? token : JSON.stringify(replaced);
    });
  }

  private replaceIn(value: unknown): unknown {
    if (typeof value === "string") {
      let text = value;
      for (const [secret, name] of this.secrets) if (text.includes(secret)) text = text.replaceAll(secret, name);
      for (const [secret, name] of this.escaped) if (text.includes(secret)) text = text.replaceAll(secret, name);
      // Any other escaping (\u0071 for q): each JSON string in the text read, and one holding a
      // secret written again with the placeholder, the rest of the text as it was.
      return text.includes("\\u") ? this.replaceInJsonStrings(text) : text;
    }
    if (Array.isArray(value)) return value.map((v) => this.replaceIn(v));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.replaceIn(v)]));
    }
    return value;
  }
}
