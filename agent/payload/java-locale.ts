/**
 * LOCALE as Android reads it: ManagedProvisioning (StoreUtils.stringToLocale) replaces "_" with
 * "-" and calls `new Locale.Builder().setLanguageTag(tag)`, which Android's libcore takes from
 * OpenJDK: sun.util.locale.LanguageTag.parse, throwing IllformedLocaleException on a parse error
 * (docs/provisioning-facts.md §1). This is that parser's grammar, not Intl's: Unicode locale ids
 * (Intl) refuse extlang subtags ("en-USA" is language "en" with extlang "usa"), grandfathered
 * tags ("i-klingon") and private-use-only tags ("x-private"), all of which Java accepts. Checked
 * tag by tag against OpenJDK 17's Locale.Builder.
 */

/** RFC 5646 grandfathered tags and the preferred value Java's parser reads instead (LanguageTag.GRANDFATHERED). */
const GRANDFATHERED: Readonly<Record<string, string>> = {
  "art-lojban": "jbo", "cel-gaulish": "xtg-x-cel-gaulish", "en-gb-oed": "en-GB-x-oed", "i-ami": "ami", "i-bnn": "bnn",
  "i-default": "en-x-i-default", "i-enochian": "und-x-i-enochian", "i-hak": "hak", "i-klingon": "tlh", "i-lux": "lb",
  "i-mingo": "see-x-i-mingo", "i-navajo": "nv", "i-pwn": "pwn", "i-tao": "tao", "i-tay": "tay", "i-tsu": "tsu",
  "no-bok": "nb", "no-nyn": "nn", "sgn-be-fr": "sfb", "sgn-be-nl": "vgt", "sgn-ch-de": "sgg", "zh-guoyu": "cmn",
  "zh-hakka": "hak", "zh-min": "nan-x-zh-min", "zh-min-nan": "nan", "zh-xiang": "hsn",
};

const alpha = (s: string, min: number, max: number) => s.length >= min && s.length <= max && /^[A-Za-z]+$/.test(s);
const alnum = (s: string, min: number, max: number) => s.length >= min && s.length <= max && /^[A-Za-z0-9]+$/.test(s);

const isLanguage = (s: string) => alpha(s, 2, 8);
const isExtlang = (s: string) => alpha(s, 3, 3);
const isScript = (s: string) => alpha(s, 4, 4);
const isRegion = (s: string) => alpha(s, 2, 2) || /^[0-9]{3}$/.test(s);
const isVariant = (s: string) => alnum(s, 5, 8) || (s.length === 4 && /^[0-9][A-Za-z0-9]{3}$/.test(s));
const isSingleton = (s: string) => alnum(s, 1, 1) && s.toLowerCase() !== "x";
const isExtensionSubtag = (s: string) => alnum(s, 2, 8);
const isPrivateuseSubtag = (s: string) => alnum(s, 1, 8);

export type JavaLocale =
  | { ok: true; language: string; tag: string }
  | { ok: false; problem: string };

/**
 * Parses a language tag as Locale.Builder.setLanguageTag does. On success, `language` is the
 * locale's language (an extlang replaces it, as Java's builder does) and `tag` its
 * toLanguageTag() form; on failure, Java's own error message ("Empty subtag", "Invalid subtag:
 * x", ...) with the character index it reports.
 */
export function parseJavaLanguageTag(text: string): JavaLocale {
  const source = GRANDFATHERED[text.replace(/[A-Z]/g, (c) => c.toLowerCase())] ?? text;
  const subtags = source.split("-");
  const starts: number[] = [];
  let at = 0;
  for (const s of subtags) {
    starts.push(at);
    at += s.length + 1;
  }
  let i = 0;
  const error = (message: string, index: number): JavaLocale => ({ ok: false, problem: `${message} [at index ${index}]` });
  let language = "";
  const extlangs: string[] = [];
  let script = "";
  let region = "";
  const variants: string[] = [];
  const extensions: string[] = [];
  let privateuse = "";
  if (isLanguage(subtags[0]!)) {
    language = subtags[i++]!;
    while (i < subtags.length && extlangs.length < 3 && isExtlang(subtags[i]!)) extlangs.push(subtags[i++]!);
    if (i < subtags.length && isScript(subtags[i]!)) script = subtags[i++]!;
    if (i < subtags.length && isRegion(subtags[i]!)) region = subtags[i++]!;
    while (i < subtags.length && isVariant(subtags[i]!)) variants.push(subtags[i++]!);
    while (i < subtags.length && isSingleton(subtags[i]!)) {
      const start = i;
      const parts = [subtags[i++]!];
      while (i < subtags.length && isExtensionSubtag(subtags[i]!)) parts.push(subtags[i++]!);
      if (parts.length === 1) return error(`Incomplete extension '${parts[0]}'`, starts[start]!);
      extensions.push(parts.join("-").toLowerCase());
    }
  }
  if (i < subtags.length && subtags[i]!.toLowerCase() === "x") {
    const start = i;
    const parts = [subtags[i++]!];
    while (i < subtags.length && isPrivateuseSubtag(subtags[i]!)) parts.push(subtags[i++]!);
    if (parts.length === 1) return error("Incomplete privateuse", starts[start]!);
    privateuse = parts.join("-").toLowerCase();
  }
  if (i < subtags.length) {
    const s = subtags[i]!;
    return error(s === "" ? "Empty subtag" : `Invalid subtag: ${s}`, starts[i]!);
  }
  // Java's builder takes the first extlang as the language, and keeps the first of repeated extensions.
  const named = (extlangs[0] ?? language).toLowerCase();
  // "und" (undetermined) is no language to Java's builder.
  const effective = named === "und" ? "" : named;
  const seen = new Set<string>();
  const kept = extensions.filter((e) => !seen.has(e[0]!) && seen.add(e[0]!));
  const parts = [
    effective === "" && privateuse !== "" ? "" : effective || "und",
    script === "" ? "" : script[0]!.toUpperCase() + script.slice(1).toLowerCase(),
    region.toUpperCase(),
    ...variants,
    ...kept,
    privateuse,
  ].filter((p) => p !== "");
  return { ok: true, language: effective, tag: parts.join("-") };
}
