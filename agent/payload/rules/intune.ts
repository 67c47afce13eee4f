/**
 * The simulator's Intune AOSP conventions (docs/architecture.md, "Contracts"):
 * the agent is the admin component and is downloaded, the admin extras bundle carries the
 * enrollment token and the service URL, and Wi-Fi is one of the profile's types (none, WEP,
 * WPA). These names are the simulator's convention, not a claim about the real product.
 */
import { distance } from "fastest-levenshtein";
import { parseHttpUrl } from "../../protocol/http-url.js";
import { flattenComponent, unflattenComponent } from "../component.js";
import { jsonPointer, show } from "../findings.js";
import { describeJsonType } from "../json-text.js";
import {
  AGENT_ADMIN_COMPONENT,
  AGENT_ADMIN_RECEIVER,
  AGENT_PACKAGE,
  EXTRA_ENROLLMENT_TOKEN,
  EXTRA_SERVICE_URL,
} from "../../protocol/intune-conventions.js";
import { KEYS } from "../keys.js";
import { effectiveSecurityType } from "./wifi.js";
import type { Rule, RuleContext } from "./context.js";

const EXTRAS_NAMESPACE = "com.microsoft.intune.aosp.";
const KNOWN_EXTRAS = [EXTRA_ENROLLMENT_TOKEN, EXTRA_SERVICE_URL];

const adminComponent: Rule = (ctx) => {
  const text = ctx.extras.string("DEVICE_ADMIN_COMPONENT_NAME");
  if (text === null) return; // admin-component-missing / -format already say it
  const component = unflattenComponent(text);
  if (component !== null && component.packageName === AGENT_PACKAGE && component.className === AGENT_ADMIN_RECEIVER) return;
  ctx.emit("intune-admin-component", ctx.pathOf(ctx.extras.resolve("DEVICE_ADMIN_COMPONENT_NAME")),
    `The admin component is ${show(component === null ? text : flattenComponent(component), 120)}, but the Intune AOSP ` +
      `flow makes the agent device owner: ${AGENT_ADMIN_COMPONENT}.`,
    `use "${AGENT_ADMIN_COMPONENT}"`);
};

const downloadLocation: Rule = (ctx) => {
  if (ctx.extras.resolve("DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION").typed) return;
  ctx.emit("intune-download-location", jsonPointer(KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION),
    "There is no download location: AOSP devices do not come with the Intune agent, so the device must download it " +
      "and provisioning fails without it.",
    `add "${KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION}" with the service's agent download URL`);
};

/** The extras bundle the admin app will receive, with where it lives in the payload. */
function adminExtras(ctx: RuleContext): { bundle: Record<string, unknown> | null; path: string } {
  const resolved = ctx.extras.resolve("ADMIN_EXTRAS_BUNDLE");
  return { bundle: ctx.extras.bundle("ADMIN_EXTRAS_BUNDLE"), path: ctx.pathOf(resolved) };
}

/** Why an extra is unusable as a non-empty string, or null when it is one. */
function extraProblem(ctx: RuleContext, bundle: Record<string, unknown> | null, key: string): string | null {
  if (bundle === null) {
    return ctx.extras.present("ADMIN_EXTRAS_BUNDLE")
      ? "the admin extras bundle is not a JSON object, so the agent receives no extras"
      : "there is no admin extras bundle";
  }
  if (!Object.hasOwn(bundle, key)) return "the admin extras bundle does not contain it";
  const value = bundle[key];
  if (typeof value !== "string") return `it is ${show(value)} (${describeJsonType(value)}), not a string`;
  if (value.trim() === "") return "it is empty";
  return null;
}

function movedHint(ctx: RuleContext, key: string, otherwise: string): string {
  return Object.hasOwn(ctx.json, key)
    ? `move "${key}" from the top level into "${KEYS.ADMIN_EXTRAS_BUNDLE}"`
    : otherwise;
}

const enrollmentToken: Rule = (ctx) => {
  const { bundle, path } = adminExtras(ctx);
  const problem = extraProblem(ctx, bundle, EXTRA_ENROLLMENT_TOKEN);
  if (problem === null) return;
  ctx.emit("intune-enrollment-token", bundle === null ? path : `${path}${jsonPointer(EXTRA_ENROLLMENT_TOKEN)}`,
    `The agent needs the enrollment token in ${EXTRA_ENROLLMENT_TOKEN}, but ${problem}: it cannot enroll the device.`,
    movedHint(ctx, EXTRA_ENROLLMENT_TOKEN,
      `put the profile's token in "${KEYS.ADMIN_EXTRAS_BUNDLE}": {"${EXTRA_ENROLLMENT_TOKEN}": "<token>"}`));
};

const serviceUrl: Rule = (ctx) => {
  const { bundle, path } = adminExtras(ctx);
  const pointer = bundle === null ? path : `${path}${jsonPointer(EXTRA_SERVICE_URL)}`;
  let problem = extraProblem(ctx, bundle, EXTRA_SERVICE_URL);
  if (problem === null) {
    const parsed = parseHttpUrl(bundle![EXTRA_SERVICE_URL] as string);
    if ("problem" in parsed) problem = `${show(bundle![EXTRA_SERVICE_URL])} is not an http or https URL (${parsed.problem})`;
  }
  if (problem === null) return;
  ctx.emit("intune-service-url", pointer,
    `The agent needs the service URL in ${EXTRA_SERVICE_URL}, but ${problem}: it does not know where to enroll.`,
    movedHint(ctx, EXTRA_SERVICE_URL, `set "${EXTRA_SERVICE_URL}" to the service's base URL, e.g. "https://enroll.example.com"`));
};

const wifiSecurity: Rule = (ctx) => {
  if (!ctx.extras.resolve("WIFI_SSID").typed) return;
  const security = ctx.extras.resolve("WIFI_SECURITY_TYPE");
  const written = security.typed ? (security.raw as string) : null;
  if (written === null || written === "" || written === "NONE" || written === "WPA" || written === "WEP") return;
  ctx.emit("intune-wifi-security", ctx.pathOf(security),
    `${security.spec.name} is ${show(written)}: the Intune AOSP profile offers only none, WEP pre-shared key and WPA ` +
      `pre-shared key, and the device applies ${effectiveSecurityType(written)} here.`,
    "use NONE, WEP or WPA");
};

const unknownExtras: Rule = (ctx) => {
  const { bundle, path } = adminExtras(ctx);
  if (bundle === null) return;
  for (const key of Object.keys(bundle)) {
    if (!key.startsWith(EXTRAS_NAMESPACE) || KNOWN_EXTRAS.includes(key)) continue;
    // One distance per known key (they are few), not one per comparison of a sort.
    const closest = KNOWN_EXTRAS.map((k) => ({ k, d: distance(key, k) })).reduce((a, b) => (b.d < a.d ? b : a)).k;
    ctx.emit("intune-extras-unknown", `${path}${jsonPointer(key)}`,
      `The admin extras key ${show(key)} is not one the agent reads (${KNOWN_EXTRAS.join(", ")}): it is ignored.`,
      `did you mean "${closest}"?`);
  }
};

export const intuneRules: Rule[] = [adminComponent, downloadLocation, enrollmentToken, serviceUrl, wifiSecurity, unknownExtras];
