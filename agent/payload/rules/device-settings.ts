/**
 * Settings the device applies around provisioning: locale, time zone, clock, supported modes,
 * education screens.
 */
import { show } from "../findings.js";
import { parseJavaLanguageTag } from "../java-locale.js";
import { keyLabel, type Rule } from "./context.js";

/**
 * Whether Android accepts a locale: ManagedProvisioning replaces "_" with "-" and builds a
 * java.util.Locale from the result as a BCP 47 language tag, refusing the payload when Java's
 * parser finds it ill-formed (java-locale.ts; Intl's parser refuses tags Java takes, such as
 * "en-USA" or "i-klingon"). An empty tag is ill-formed too: Locale.Builder's Javadoc says ""
 * resets the builder, but its code parses it and throws "Empty subtag"
 * (docs/provisioning-facts.md §1).
 */
export function isWellFormedLocale(text: string): boolean {
  return parseJavaLanguageTag(text.replace(/_/g, "-")).ok;
}

/**
 * language_COUNTRY / language-COUNTRY (or a UN M.49 region such as 419), the xx_YY shape the
 * provisioning docs give. A language alone ("en") is well-formed, and Android takes it, but is
 * not that shape (before, it passed without a word while "english" got this info).
 */
const USUAL_LOCALE = /^[a-z]{2,3}[_-]([a-z]{2}|\d{3})$/i;

const locale: Rule = (ctx) => {
  const value = ctx.extras.resolve("LOCALE");
  if (!value.typed) return;
  const text = value.raw as string;
  const path = ctx.pathOf(value);
  const parsed = parseJavaLanguageTag(text.replace(/_/g, "-"));
  const firstSubtag = text.split(/[-_]/)[0]!.toLowerCase();
  if (parsed.ok && parsed.language !== firstSubtag && parsed.language !== "") {
    // An extlang ("en-USA": "usa") or a grandfathered tag ("i-klingon": "tlh") replaces the language.
    ctx.emit("locale-shape", path,
      `${keyLabel(value)} ${show(text)} is a well-formed language tag, but Java reads it as the locale "${parsed.tag}", ` +
        `language "${parsed.language}": the device accepts it and sets that locale, which is likely not the one meant.`,
      "write a language and country such as \"en_US\" or \"de-DE\" (a country is 2 letters)");
    return;
  }
  if (!isWellFormedLocale(text)) {
    ctx.refuse();
    ctx.emit("locale-format", path,
      (text === ""
        ? `${keyLabel(value)} is empty, which is not a locale (Android parses "" as a language tag and finds an empty subtag)`
        : `${keyLabel(value)} ${show(text)} is not a well-formed locale`) +
        ": Android refuses the payload (\"Invalid locale format!\") and shows \"Can't set up device\".",
      text === ""
        ? "remove the key to keep the device's locale, or write a language and country such as \"en_US\" or \"de-DE\""
        : "write a language and country such as \"en_US\" or \"de-DE\"");
  } else if (!USUAL_LOCALE.test(text)) {
    ctx.emit("locale-shape", path,
      `${keyLabel(value)} ${show(text)} is a well-formed language tag, but not the usual language_COUNTRY shape; ` +
        "the device accepts it, but the setup wizard may not offer that exact locale.",
      "write a language and country such as \"en_US\" or \"de-DE\"");
  }
};

let canonicalZones: Set<string> | undefined;

/**
 * Why a time zone id is not one Android knows, or null when it is an IANA id. Accepts the
 * canonical ids and the backward-compatible aliases (UTC, US/Eastern, Asia/Calcutta, ...) that
 * both Android's tzdata and ICU carry; ids are case-sensitive on the device.
 */
/**
 * Java's legacy three-letter ids (java.time.ZoneId.SHORT_IDS, minus EST, MST and HST, which tzdata
 * has) with the zone Java reads each as. ICU resolves them too, but Android's tzdata (ZoneInfoDb)
 * has none of them, and AlarmManager.setTimeZone throws "Timezone: PST is not an Olson ID" for an
 * id ZoneInfoDb lacks (frameworks/base core/java/android/app/AlarmManager.java;
 * docs/provisioning-facts.md §1). Several are ambiguous to people: `alsoMeant` names the zones
 * authors often mean instead.
 */
const JAVA_ONLY_IDS: Record<string, { java: string; alsoMeant?: string[] }> = {
  ACT: { java: "Australia/Darwin" }, AET: { java: "Australia/Sydney" },
  AGT: { java: "America/Argentina/Buenos_Aires" }, ART: { java: "Africa/Cairo" },
  AST: { java: "America/Anchorage", alsoMeant: ["America/Halifax"] }, BET: { java: "America/Sao_Paulo" },
  BST: { java: "Asia/Dhaka", alsoMeant: ["Europe/London"] }, CAT: { java: "Africa/Harare" },
  CNT: { java: "America/St_Johns" }, CST: { java: "America/Chicago", alsoMeant: ["Asia/Shanghai"] },
  CTT: { java: "Asia/Shanghai" }, EAT: { java: "Africa/Addis_Ababa" }, ECT: { java: "Europe/Paris" },
  IET: { java: "America/Indiana/Indianapolis" }, IST: { java: "Asia/Kolkata", alsoMeant: ["Europe/Dublin", "Asia/Jerusalem"] },
  JST: { java: "Asia/Tokyo" }, MIT: { java: "Pacific/Apia" }, NET: { java: "Asia/Yerevan" },
  NST: { java: "Pacific/Auckland" }, PLT: { java: "Asia/Karachi" }, PNT: { java: "America/Phoenix" },
  PRT: { java: "America/Puerto_Rico" }, PST: { java: "America/Los_Angeles" },
  SST: { java: "Pacific/Guadalcanal" }, VST: { java: "Asia/Ho_Chi_Minh" },
};

/** The Olson ids to suggest for a legacy three-letter id Android's tzdata lacks, or null. */
export function javaOnlyZoneFix(text: string): string | null {
  const entry = Object.hasOwn(JAVA_ONLY_IDS, text) ? JAVA_ONLY_IDS[text] : undefined;
  if (entry === undefined) return null;
  const ids = [entry.java, ...(entry.alsoMeant ?? [])].map((id) => `"${id}"`);
  return ids.length === 1 ? `use the Olson id ${ids[0]}` : `use the Olson id ${ids.slice(0, -1).join(", ")} or ${ids.at(-1)}, whichever zone is meant`;
}

export function timeZoneProblem(text: string): string | null {
  if (javaOnlyZoneFix(text) !== null) {
    return "it is a legacy abbreviation that Android's time zone data does not hold: AlarmManager.setTimeZone " +
      `refuses it ("Timezone: ${text} is not an Olson ID") and the device keeps its own time zone`;
  }
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalZones.has(text)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return /^(GMT|UTC)?[+-]\d/.test(text)
      ? "an offset is not a time zone id"
      : "it is not an IANA time zone id";
  }
  if (resolved.toLowerCase() === text.toLowerCase() && resolved !== text) return `the id is case-sensitive; it is "${resolved}"`;
  if (!/[A-Z]/.test(text)) return `the id is case-sensitive (did you mean "${resolved}"?)`;
  return null;
}

const timeZone: Rule = (ctx) => {
  const value = ctx.extras.resolve("TIME_ZONE");
  if (!value.typed) return;
  const problem = timeZoneProblem(value.raw as string);
  if (problem === null) return;
  ctx.emit("time-zone", ctx.pathOf(value),
    `${keyLabel(value)} ${show(value.raw)} is not a time zone the device knows (${problem}): it will not set the time zone ` +
      "as intended.",
    javaOnlyZoneFix(value.raw as string) ?? "use an IANA id such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
};

/** 1e11 ms is 1973; a seconds value for any date up to the year 5138 is below it. */
const SECONDS_THRESHOLD = 1e11;

const localTime: Rule = (ctx) => {
  const value = ctx.extras.resolve("LOCAL_TIME");
  if (!value.typed) return;
  const ms = value.raw as number;
  if (ms >= SECONDS_THRESHOLD) return;
  // DeviceOwnerInitializeProvisioningTask sets the clock only for a time above 0 (docs/provisioning-facts.md §1).
  ctx.emit("local-time", ctx.pathOf(value),
    ms <= 0
      ? `${keyLabel(value)} is ${ms < 0 ? "negative" : "0"}: the device sets the clock only to a time above 0, so it ignores it and keeps its clock.`
      : `${keyLabel(value)} ${ms} looks like seconds since the epoch, but Android expects milliseconds: the device would set ` +
        `its clock to ${new Date(ms).toISOString()}.`,
    ms <= 0 ? "remove it, or give milliseconds since the epoch" : `use ${ms * 1000} (milliseconds)`);
};

const SUPPORTED_MODES = [1, 2, 3, 4];

const supportedModes: Rule = (ctx) => {
  const value = ctx.extras.resolve("SUPPORTED_MODES");
  if (!value.typed || SUPPORTED_MODES.includes(value.raw as number)) return;
  ctx.refuse();
  ctx.emit("supported-modes", ctx.pathOf(value),
    `${keyLabel(value)} is ${value.raw as number}, not one of 1 (organization-owned), 2 (personally owned), ` +
      "3 (both) or 4 (device owner only): Android refuses the payload and shows \"Can't set up device\".",
    "use 1 for a corporate-owned device, or remove the key");
};

const skipEducationScreens: Rule = (ctx) => {
  const value = ctx.extras.resolve("SKIP_EDUCATION_SCREENS");
  if (!value.typed || value.raw !== true) return;
  ctx.emit("skip-education-screens-qr", ctx.pathOf(value),
    `${keyLabel(value)} has no effect when provisioning starts from a QR code: Android shows the education screens anyway.`,
    "remove it to keep the QR code small");
};

export const deviceSettingsRules: Rule[] = [locale, timeZone, localTime, supportedModes, skipEducationScreens];
