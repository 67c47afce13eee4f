/**
 * The provisioning payload: text -> typed params (as the device reads them) + findings.
 *
 *   checkPayloadText(text, { rules: "android" | "intune-aosp", strict })
 *     -> { valid, params, json, findings }
 *
 * The device machine calls checkPayloadText on what its camera read; `aosp-sim validate` calls it
 * on a decoded QR code's text, and (through checkPayloadBytes) on a JSON file.
 */
export type { Finding, Severity } from "./findings.js";
export { countBySeverity, isValid, jsonPointer, sortFindings } from "./findings.js";
export type { DeviceFailureStep, RuleInfo, RuleSetName } from "./rules/catalog.js";
export { RULES, ruleInfo } from "./rules/catalog.js";
export type { BytesCheck, BytesCheckOptions, CheckOptions, PayloadCheck } from "./check.js";
export { checkPayloadBytes, checkPayloadText, utf8Finding } from "./check.js";
export { paramsToJson } from "./device-params.js";
export { imageFindings } from "./qr-findings.js";
/** Why Android's download manager cannot fetch a download location (null when it can). */
export { downloadUrlProblem } from "./rules/download.js";
/** Why a TIME_ZONE is not a time zone id Android knows (null when it is one). */
export { timeZoneProblem } from "./rules/device-settings.js";
export { payloadSchema } from "./schema.js";
export { decodeAndroidBase64UrlSafe, toBase64Url } from "./android-base64.js";
export { KEYS, KEY_PREFIX, KEY_SPECS } from "./keys.js";
export type { KeySpec, KeyType } from "./keys.js";
export type * from "./params.js";
export { buildIntunePayload, payloadText } from "./build.js";
export type { IntunePayloadOptions, ProfileWifiSecurity } from "./build.js";
export { MOCK_SERVICE_CONVENTIONS } from "../protocol/intune-conventions.js";
export type { IntuneConventions } from "../protocol/intune-conventions.js";
