/**
 * The text itself, before any key is read: encodings, byte-order marks, JSON that is not a
 * payload, hostile shapes. None of these may throw, hang or overflow the stack.
 */
import { describe, expect, it } from "vitest";
import { checkPayloadBytes, checkPayloadText } from "../../agent/payload/index.js";
import { basePayload, check, KEYS, payloadWith, rulesOf } from "./support/payloads.js";
import { formatFindings, summaryLine } from "../../agent/cli/validate.js";
import type { Styles } from "../../agent/cli/output.js";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const baseBytes = (): Buffer => Buffer.from(JSON.stringify(basePayload()), "utf8");

describe("text that is not a payload", () => {
  it.each([
    ["plain text", "hello", "json-syntax"],
    ["a Wi-Fi QR text", "WIFI:S:Net;T:WPA;P:pw;;", "json-syntax"],
    ["an empty string", "", "json-syntax"],
    ["whitespace", " \n\t ", "json-syntax"],
    ["truncated JSON", "{\"a\": ", "json-syntax"],
    ["an array", "[1, 2]", "json-not-object"],
    ["a string", "\"payload\"", "json-not-object"],
    ["a number", "42", "json-not-object"],
    ["null", "null", "json-not-object"],
  ])("reports %s as a finding the device would fail on", (_what, text, rule) => {
    const result = checkPayloadText(text);
    expect(result.findings.map((f) => f.rule)).toEqual([rule]);
    expect(result.valid).toBe(false);
    expect(result.params).toBeNull();
  });

  it("says where JSON breaks, by line and column", () => {
    const result = checkPayloadText("{\n  \"a\": 1,\n}");
    expect(result.findings[0]!.message).toMatch(/line 3 column 1/);
  });
});

describe("hostile shapes", () => {
  it("refuses JSON nested 100,000 levels deep without overflowing the stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const result = checkPayloadText(deep);
    expect(result.findings.map((f) => f.rule).sort()).toEqual(["json-too-deep", "payload-too-large"]);
    expect(result.json).toBeNull();
  });

  it("refuses an admin extras bundle nested deeper than 32 levels but accepts a reasonably nested one", () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    expect(rulesOf(payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: nest(40) }))).toContain("json-too-deep");
    expect(rulesOf(payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: nest(10) }))).toEqual([]);
  });

  it("checks a multi-megabyte payload quickly and calls it too large", () => {
    const big = JSON.stringify(payloadWith({ [KEYS.ORGANIZATION_NAME]: "x".repeat(3_000_000) }));
    const result = checkPayloadText(big);
    expect(result.findings.map((f) => f.rule)).toEqual(["payload-too-large"]);
  });

  it("reports a key given twice, with its pointer", () => {
    const text = JSON.stringify(basePayload()).replace(/}$/, `,"${KEYS.WIFI_SSID}":"Other"}`);
    const result = checkPayloadText(text);
    expect(result.findings.map((f) => [f.rule, f.path])).toEqual([["duplicate-key", `/${KEYS.WIFI_SSID}`]]);
    expect(result.params?.wifi?.ssid).toBe("Other"); // the last one wins, as in Android's org.json
  });

  it("finds duplicate keys inside nested objects and escapes the pointer", () => {
    const text = `{"${KEYS.DEVICE_ADMIN_COMPONENT_NAME}":"a.b/.C","${KEYS.ADMIN_EXTRAS_BUNDLE}":{"x/y":1,"x/y":2}}`;
    const dup = check(text).findings.find((f) => f.rule === "duplicate-key");
    expect(dup?.path).toBe(`/${KEYS.ADMIN_EXTRAS_BUNDLE}/x~1y`);
  });
});

describe("encodings", () => {
  // Before, the finding said "Android's JSON parser does not skip it", the opposite of libcore's
  // JSONTokener, which drops one leading U+FEFF (docs/provisioning-facts.md §1).
  it("calls a byte-order mark in the QR text an error, saying Android's org.json skips one and the wizard's parser is not known", () => {
    const result = checkPayloadText(`\uFEFF${JSON.stringify(basePayload())}`);
    expect(result.findings.map((f) => f.rule)).toEqual(["byte-order-mark"]);
    const message = result.findings[0]!.message;
    expect(message).not.toMatch(/does not skip/);
    expect(message).toMatch(/Android's own JSON parser \(libcore's org\.json JSONTokener\) skips one, but the setup wizard .* is not open source, so whether a device accepts the payload is not known/);
    expect(result.params).toBeNull();
  });

  it("drops a file's byte-order mark with an info, and still checks the payload", () => {
    const result = checkPayloadBytes(Buffer.concat([BOM, baseBytes()]), { source: "file" });
    expect(result.findings.map((f) => f.rule)).toEqual(["file-byte-order-mark"]);
    expect(result.valid).toBe(true);
    expect(result.params).not.toBeNull();
  });

  it("keeps a byte-order mark in QR bytes, where the device sees it", () => {
    expect(checkPayloadBytes(Buffer.concat([BOM, baseBytes()])).findings.map((f) => f.rule)).toEqual(["byte-order-mark"]);
  });

  it("reports invalid UTF-8 with the offset of the first bad byte", () => {
    const bytes = Buffer.from(JSON.stringify(basePayload()).replace("Staging", "Caf\u0000"), "utf8");
    bytes[bytes.indexOf(0)] = 0xe9;
    const result = checkPayloadBytes(bytes);
    const finding = result.findings.find((f) => f.rule === "text-encoding");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain(`offset ${bytes.indexOf(0xe9)}`);
  });

  it("keeps a non-ASCII SSID intact", () => {
    const result = checkPayloadBytes(Buffer.from(JSON.stringify(payloadWith({ [KEYS.WIFI_SSID]: "Café Gäste 東京" })), "utf8"));
    expect(result.valid).toBe(true);
    expect(result.params?.wifi?.ssid).toBe("Café Gäste 東京");
  });
});

describe("size", () => {
  it("measures a pretty-printed file by its compact form, which is what gets encoded", () => {
    const payload = payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(700) } });
    const pretty = Buffer.from(JSON.stringify(payload, null, 2).replace(/,\n/g, `,\n${" ".repeat(300)}`), "utf8");
    expect(pretty.length).toBeGreaterThan(1800);
    expect(checkPayloadBytes(pretty, { source: "file" }).findings).toEqual([]);
    expect(checkPayloadBytes(pretty).findings.map((f) => f.rule)).toEqual(["qr-high-version"]);
    // Its version is the one at level L already: no lower level to advise (before, "use ... L or M").
    expect(checkPayloadBytes(pretty).findings[0]!.hint).not.toMatch(/error-correction level/);
  });

  it("counts bytes, not characters: 2953 bytes fit, 2954 do not", () => {
    const fill = (n: number): string => {
      const shell = JSON.stringify(payloadWith({ [KEYS.ORGANIZATION_NAME]: "" }));
      return JSON.stringify(payloadWith({ [KEYS.ORGANIZATION_NAME]: "é".repeat(Math.floor((n - Buffer.byteLength(shell)) / 2)) + "x".repeat((n - Buffer.byteLength(shell)) % 2) }));
    };
    expect(Buffer.byteLength(fill(2953))).toBe(2953);
    expect(rulesOf(fill(2953))).not.toContain("payload-too-large");
    expect(rulesOf(fill(2954))).toContain("payload-too-large");
  });
});

describe("many findings", () => {
  it("keeps every finding of one rule, so counts, --json and SARIF hold them all", () => {
    const keys = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 0]));
    const findings = check(payloadWith(keys)).findings.filter((f) => f.rule === "unknown-key");
    expect(findings).toHaveLength(300);
    expect(findings.map((f) => f.path)).toContain("/k299");
  });

  it("folds findings of one rule past 50 in the human report only, saying how many", () => {
    const keys = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i]));
    const findings = check(payloadWith(keys)).findings;
    expect(findings.filter((f) => f.rule === "unknown-key")).toHaveLength(150);
    const plain = { red: String, yellow: String, cyan: String, dim: String, green: String, bold: String } as unknown as Styles;
    const blocks = formatFindings(findings, plain);
    expect(blocks.filter((b) => b.includes("unknown-key"))).toHaveLength(51);
    expect(blocks.at(-1)).toBe("... and 100 more unknown-key findings (150 in all) not listed here; --json and --format sarif list every one.");
    const warnings = findings.filter((f) => f.severity === "warning").length;
    expect(warnings).toBeGreaterThanOrEqual(150);
    expect(summaryLine(false, findings, "android", false, plain)).toContain(`${warnings} warnings`);
  });
});
