/**
 * The forms a provisioning payload comes in out of the admin console or Microsoft Graph, told
 * apart by content:
 * - the payload JSON itself (what the QR code holds; also the console's "Export" of the QR JSON);
 * - a Graph enrollment-profile object (`androidDeviceOwnerEnrollmentProfile`, as
 *   `GET .../androidDeviceOwnerEnrollmentProfiles/{id}` returns it): its `qrCodeContent` is the
 *   payload JSON in standard base64, its `qrCodeImage.value` the QR code as a base64 PNG;
 * - a bare base64 payload (a copied `qrCodeContent`);
 * - a bare base64 image (a copied `qrCodeImage.value`: the QR code as a PNG);
 * - a Graph list of profiles (`{"@odata.context": ..., "value": [...]}`, as
 *   `GET .../androidDeviceOwnerEnrollmentProfiles` returns it): its one profile, read as above;
 *   a list of several (or none) is refused naming what it is, never checked as one big payload.
 * Anything else is left as it is, for the payload rules to judge.
 */
import { InputError } from "../protocol/errors.js";
import { isImageBytes } from "../qr/image-format.js";
import { KEY_PREFIX } from "./keys.js";

export type PayloadSource =
  /** Check the text as it is. */
  | { kind: "json" }
  /** The payload, decoded from base64; `field` is the Graph property it came from, if any. */
  | { kind: "graph-profile" | "base64"; field: "qrCodeContent" | null; text: string }
  /** A Graph profile without qrCodeContent: decode the QR image in `qrCodeImage.value`; or such an image alone, in base64. */
  | { kind: "graph-profile"; field: "qrCodeImage"; image: Uint8Array }
  | { kind: "base64"; field: null; image: Uint8Array }
  /** A Graph profile whose payload cannot be recovered: why, and where; `listOf` the profiles of a list that is not one profile. */
  | { kind: "graph-profile"; field: "qrCodeContent" | "qrCodeImage" | null; problem: string; listOf?: number };

/** The Graph collection a saved list of enrollment profiles comes from, as its `@odata.context` names it. */
const PROFILE_COLLECTION = "androidDeviceOwnerEnrollmentProfiles";

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The bytes base64 text (standard or URL-safe, white space ignored) stands for; null when it is not base64. */
function base64Bytes(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, "");
  if (compact.length < 8 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, compact.includes("-") || compact.includes("_") ? "base64url" : "base64");
}

/** The UTF-8 text base64 (standard or URL-safe) stands for, when it is base64 of a JSON object. */
export function decodeBase64Payload(text: string): string | null {
  const bytes = base64Bytes(text);
  if (bytes === null) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return /^\uFEFF?\s*\{/.test(decoded) ? decoded : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Graph profile: has qrCodeContent or qrCodeImage and no provisioning keys of its own. */
function isGraphProfile(json: Record<string, unknown>): boolean {
  if (!Object.hasOwn(json, "qrCodeContent") && !Object.hasOwn(json, "qrCodeImage")) return false;
  return !Object.keys(json).some((key) => key.startsWith(KEY_PREFIX) || key.startsWith("a.a.e."));
}

function fromGraphProfile(profile: Record<string, unknown>): PayloadSource {
  const content = profile["qrCodeContent"];
  if (typeof content === "string" && content.trim() !== "") {
    const text = decodeBase64Payload(content);
    if (text !== null) return { kind: "graph-profile", field: "qrCodeContent", text };
    return { kind: "graph-profile", field: "qrCodeContent", problem: "qrCodeContent is not base64 of a payload JSON object" };
  }
  const image = profile["qrCodeImage"];
  if (isObject(image) && typeof image["value"] === "string" && image["value"] !== "") {
    const value = image["value"].replace(/\s+/g, "");
    if (BASE64.test(value)) return { kind: "graph-profile", field: "qrCodeImage", image: Buffer.from(value, "base64") };
    return { kind: "graph-profile", field: "qrCodeImage", problem: "qrCodeImage.value is not base64" };
  }
  return {
    kind: "graph-profile",
    field: null,
    problem: "the profile has neither qrCodeContent nor qrCodeImage.value (a list or $select without them?)",
  };
}

/**
 * Whether `json` is a Graph list answer of enrollment profiles: a `value` array, no provisioning
 * keys, and either an `@odata.context` naming the profiles' collection or only profiles in it.
 */
function isGraphProfileList(json: Record<string, unknown>): json is { value: unknown[] } {
  const value = json["value"];
  if (!Array.isArray(value) || Object.keys(json).some((key) => key.startsWith(KEY_PREFIX))) return false;
  const context = json["@odata.context"];
  if (typeof context === "string" && context.includes(PROFILE_COLLECTION)) return true;
  return value.length > 0 && value.every((item) => isObject(item) && isGraphProfile(item));
}

/** A Graph list: its one profile's payload, or why a list of another length is not one profile. */
function fromGraphProfileList(list: { value: unknown[] }): PayloadSource {
  const [only] = list.value;
  if (list.value.length === 1 && isObject(only)) return fromGraphProfile(only);
  return { kind: "graph-profile", field: null, problem: "a list holds no single payload", listOf: list.value.length };
}

/** Which form `text` is in, and the payload it holds. */
export function payloadSource(text: string): PayloadSource {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { kind: "json" }; // the rules say what is wrong with it
    }
    if (!isObject(json)) return { kind: "json" };
    if (isGraphProfileList(json)) return fromGraphProfileList(json);
    return isGraphProfile(json) ? fromGraphProfile(json) : { kind: "json" };
  }
  const decoded = decodeBase64Payload(body);
  if (decoded !== null) return { kind: "base64", field: null, text: decoded };
  const bytes = base64Bytes(body);
  return bytes !== null && isImageBytes(bytes) ? { kind: "base64", field: null, image: bytes } : { kind: "json" };
}

/** A Graph profile whose payload cannot be recovered (payloadSource's `problem`), or a list of several, as the input error it is. */
export function unusableProfile(form: { problem: string; listOf?: number }, where: string): InputError {
  if (form.listOf !== undefined) {
    return new InputError(
      `is a Graph list of ${form.listOf} enrollment profiles (as GET .../${PROFILE_COLLECTION} returns it), not one profile's payload`,
      { where, hint: `save one profile (GET .../${PROFILE_COLLECTION}/{id}) and give that file, or pass its qrCodeContent` },
    );
  }
  return new InputError(`is a Graph enrollment profile, but ${form.problem}`, {
    where,
    hint: "save the profile as GET .../androidDeviceOwnerEnrollmentProfiles/{id} returns it, or pass its qrCodeContent",
  });
}
