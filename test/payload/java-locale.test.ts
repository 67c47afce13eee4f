/**
 * parseJavaLanguageTag against what OpenJDK 17's `new Locale.Builder().setLanguageTag(tag)` did
 * with each tag (run on the machine that wrote this test: the parser Android's libcore carries).
 */
import { describe, expect, it } from "vitest";
import { parseJavaLanguageTag } from "../../agent/payload/java-locale.js";
import { check, KEYS, payloadWith, rulesOf } from "./support/payloads.js";

describe("parseJavaLanguageTag", () => {
  it.each([
    ["en-USA", "usa", "usa"], ["i-klingon", "tlh", "tlh"], ["en-GB-oed", "en-GB-x-oed", "en"], ["i-default", "en-x-i-default", "en"],
    ["sgn-BE-FR", "sfb", "sfb"], ["zh-min-nan", "nan", "nan"], ["x-private", "x-private", ""], ["root", "root", "root"],
    ["de-DE-1901-1901", "de-DE-1901-1901", "de"], ["en-a-bb-a-cc", "en-a-bb", "en"], ["english", "english", "english"],
    ["EN-us", "en-US", "en"], ["es-419", "es-419", "es"], ["en-US-1abc", "en-US-1abc", "en"], ["art-lojban", "jbo", "jbo"],
    ["en-abc-def-ghi", "abc", "abc"], ["EN-LATN-us", "en-Latn-US", "en"], ["I-KLINGON", "tlh", "tlh"],
  ])("takes %j, as Java does (%s)", (tag, javaTag, language) => {
    expect(parseJavaLanguageTag(tag)).toEqual({ ok: true, tag: javaTag, language });
  });

  it.each([
    ["", "Empty subtag [at index 0]"], ["en--US", "Empty subtag [at index 3]"], ["en-", "Empty subtag [at index 3]"],
    ["a", "Invalid subtag: a [at index 0]"], ["abcdefghi", "Invalid subtag: abcdefghi [at index 0]"],
    ["de\u2011DE", "Invalid subtag: de\u2011DE [at index 0]"], ["en-u", "Incomplete extension 'u' [at index 3]"],
    ["en-x", "Incomplete privateuse [at index 3]"], ["en-US-abc", "Invalid subtag: abc [at index 6]"],
    ["i-bogus", "Invalid subtag: i [at index 0]"], ["en-a-x", "Incomplete extension 'a' [at index 3]"],
    ["en-abc-def-ghi-jkl", "Invalid subtag: jkl [at index 15]"], ["en-12", "Invalid subtag: 12 [at index 3]"],
    ["en-US-123456789", "Invalid subtag: 123456789 [at index 6]"],
  ])("refuses %j with Java's message", (tag, message) => {
    expect(parseJavaLanguageTag(tag)).toEqual({ ok: false, problem: message });
  });
});

describe("LOCALE by Java's rules", () => {
  // Before, Intl's parser called these ill-formed and "Android refuses the payload"; Java takes them.
  it.each(["en-USA", "i-klingon", "x-private", "en-GB-oed"])("%s is not a locale-format error", (tag) => {
    const payload = payloadWith({ [KEYS.LOCALE]: tag });
    expect(rulesOf(payload)).not.toContain("locale-format");
    expect(check(payload).valid).toBe(true);
  });

  it("says which language Java reads from en-USA", () => {
    const finding = check(payloadWith({ [KEYS.LOCALE]: "en-USA" })).findings.find((f) => f.rule === "locale-shape");
    expect(finding?.message).toContain('Java reads it as the locale "usa", language "usa"');
  });
});
