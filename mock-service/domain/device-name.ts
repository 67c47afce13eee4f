/**
 * Device names from a profile's deviceNameTemplate. Macros, as Intune offers them for
 * corporate-owned Android: {{SERIAL}}, {{SERIALLAST4DIGITS}}, {{DEVICETYPE}},
 * {{ENROLLMENTDATETIME}}, {{UPNPREFIX}}, {{USERNAME}} and {{RAND:x}} (x random digits, 1..9).
 * The user macros are empty until the user signs in; the device is renamed then.
 * With no template, devices are named AOSP_<serial>.
 */
import { createHash } from "node:crypto";
import { badRequest } from "../http/errors.js";

export const DEFAULT_DEVICE_NAME_TEMPLATE = "AOSP_{{SERIAL}}";
export const DEVICE_NAME_MACROS = [
  "{{SERIAL}}",
  "{{SERIALLAST4DIGITS}}",
  "{{DEVICETYPE}}",
  "{{ENROLLMENTDATETIME}}",
  "{{UPNPREFIX}}",
  "{{USERNAME}}",
  "{{RAND:x}}",
] as const;

const MACRO = /\{\{([^{}]*)\}\}/g;

/**
 * The longest template Graph takes: "The maximum length allowed for this property is 63
 * characters" (androidDeviceOwnerEnrollmentProfile's property table); the profile routes' schema
 * refuses a longer one.
 */
export const MAX_DEVICE_NAME_TEMPLATE_LENGTH = 63;

/** Throws a 400 naming the first macro the template cannot expand. */
export function checkDeviceNameTemplate(template: string): void {
  for (const match of template.matchAll(MACRO)) {
    const body = match[1]!.toUpperCase();
    const rand = /^RAND:(\d+)$/.exec(body);
    if (rand) {
      const digits = Number(rand[1]);
      if (digits < 1 || digits > 9) {
        throw badRequest(`deviceNameTemplate: {{RAND:${rand[1]}}} must ask for 1 to 9 digits`);
      }
      continue;
    }
    if (!(DEVICE_NAME_MACROS as readonly string[]).includes(`{{${body}}}`)) {
      throw badRequest(
        `deviceNameTemplate: unknown macro ${match[0]}; use ${DEVICE_NAME_MACROS.join(", ")}`,
      );
    }
  }
  const unclosed = template.replace(MACRO, "");
  if (unclosed.includes("{{") || unclosed.includes("}}")) {
    throw badRequest("deviceNameTemplate: a macro is not closed; write macros as {{SERIAL}}");
  }
}

export interface NamingFacts {
  deviceId: string;
  serialNumber: string;
  enrolled: number;
  user: { userPrincipalName: string; mailNickname: string } | null;
}

/** Renders the name. {{RAND:x}} is derived from the device id, so a rename keeps the same digits. */
export function renderDeviceName(template: string, facts: NamingFacts): string {
  const source = template.trim() === "" ? DEFAULT_DEVICE_NAME_TEMPLATE : template;
  return source.replace(MACRO, (_whole, macro: string) => {
    const body = macro.toUpperCase();
    const rand = /^RAND:(\d+)$/.exec(body);
    if (rand) return randomDigits(facts.deviceId, Number(rand[1]));
    switch (body) {
      case "SERIAL":
        return facts.serialNumber;
      case "SERIALLAST4DIGITS":
        return facts.serialNumber.slice(-4);
      case "DEVICETYPE":
        return "AOSP";
      case "ENROLLMENTDATETIME":
        return compactDateTime(facts.enrolled);
      case "UPNPREFIX":
        return facts.user?.userPrincipalName.split("@")[0] ?? "";
      case "USERNAME":
        return facts.user?.mailNickname ?? "";
      default:
        return "";
    }
  });
}

export function usesUserMacros(template: string): boolean {
  return /\{\{(UPNPREFIX|USERNAME)\}\}/i.test(template);
}

function randomDigits(seed: string, count: number): string {
  const digest = createHash("sha256").update(`device-name:${seed}`).digest();
  let out = "";
  for (let i = 0; i < count; i++) out += String(digest[i]! % 10);
  return out;
}

/** yyyyMMddHHmm in UTC. */
function compactDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, "");
}
