/**
 * Entra dynamic membership rules for device groups: the parser (operators, precedence, quoting,
 * null, case) and its errors on malformed rules, which say where the rule is wrong and what was
 * expected there.
 */
import { describe, expect, it } from "vitest";
import {
  deviceFacts,
  evaluateRule,
  MembershipRuleError,
  parseMembershipRule,
} from "../../mock-service/membership-rule/index.js";

const pixel = deviceFacts({
  id: "5f8e0a44-0000-4000-8000-000000000001",
  azureADDeviceId: "d4fe7726-5966-431c-b3b8-cddc8fdb717d",
  deviceName: "AOSP_R58N123",
  osVersion: "14",
  model: "Pixel 8",
  manufacturer: "Google",
  enrollmentProfileName: "Factory 1 devices",
});

function matches(rule: string): boolean {
  return evaluateRule(parseMembershipRule(rule), pixel);
}

function parseError(rule: string): MembershipRuleError {
  try {
    parseMembershipRule(rule);
  } catch (error) {
    if (error instanceof MembershipRuleError) return error;
    throw error;
  }
  throw new Error(`expected "${rule}" to be refused`);
}

describe("membership rules: what matches", () => {
  it("matches the documented enrollment-profile rule", () => {
    expect(matches('(device.enrollmentProfileName -eq "Factory 1 devices")')).toBe(true);
    expect(matches('(device.enrollmentProfileName -eq "Factory 2 devices")')).toBe(false);
  });

  it("compares strings ignoring case, and property and operator names too", () => {
    expect(matches('device.deviceModel -eq "PIXEL 8"')).toBe(true);
    expect(matches('DEVICE.DEVICEMODEL -EQ "pixel 8"')).toBe(true);
    expect(matches('device.deviceManufacturer -startsWith "goo"')).toBe(true);
  });

  it.each([
    ['device.deviceModel -ne "Pixel 7"', true],
    ['device.deviceModel -startsWith "Pix"', true],
    ['device.deviceModel -notStartsWith "Pix"', false],
    ['device.deviceModel -endsWith " 8"', true],
    ['device.deviceModel -notEndsWith " 8"', false],
    ['device.deviceModel -contains "xel"', true],
    ['device.deviceModel -notContains "xel"', false],
    ['device.deviceModel -match "^pix.l [0-9]$"', true],
    ['device.deviceModel -notMatch "^Galaxy"', true],
    ['device.deviceModel -in ["Pixel 7", "pixel 8"]', true],
    ['device.deviceModel -notIn ["Pixel 7", "Pixel 8"]', false],
    ['device.deviceOSVersion -eq "14"', true],
    ['device.deviceOSType -eq "AndroidAOSP"', true],
    ['device.deviceOwnership -eq "Company"', true],
    ['device.managementType -eq "MDM"', true],
    ['device.displayName -eq "aosp_r58n123"', true],
    ['device.deviceId -eq "d4fe7726-5966-431c-b3b8-cddc8fdb717d"', true],
    ["device.objectId -ne null", true],
    ["device.accountEnabled -eq true", true],
    ["device.isRooted -eq true", false],
  ])("%s is %s for the test device", (rule, expected) => {
    expect(matches(rule)).toBe(expected);
  });

  it.each([
    ["^(a|aa)+$", false],
    ["(a|a)*$", true],
    ["(a|aa)*$", true],
    ["a*a*a*a*a*a*a*b", true],
    ["^(a+)+$", false],
  ])("answers -match %s on a long value at once (RE2, linear time) and -notMatch the opposite", (pattern, expected) => {
    const long = { ...pixel, deviceModel: `${"a".repeat(10_000)}b` };
    expect(evaluateRule(parseMembershipRule(`device.deviceModel -match "${pattern}"`), long)).toBe(expected);
    expect(evaluateRule(parseMembershipRule(`device.deviceModel -notMatch "${pattern}"`), long)).toBe(!expected);
    // The same pattern on a short value still works.
    expect(evaluateRule(parseMembershipRule(`device.deviceModel -match "${pattern}"`), { ...pixel, deviceModel: "aaa" })).toBe(!pattern.endsWith("b"));
  });

  it("treats -match as a search anywhere in the value", () => {
    expect(matches('device.deviceModel -match "xel"')).toBe(true);
  });

  it("compares null unquoted, and only equals null when the property is empty", () => {
    expect(matches("device.deviceCategory -eq null")).toBe(true);
    expect(matches("device.deviceCategory -ne null")).toBe(false);
    expect(matches("device.deviceModel -eq null")).toBe(false);
    expect(matches("device.deviceCategory -eq $null")).toBe(true);
    // Quoted, "null" is just a string.
    expect(matches('device.deviceCategory -eq "null"')).toBe(false);
  });

  it("gives an empty property no match for positive operators and a match for negated ones", () => {
    expect(matches('device.deviceCategory -contains "a"')).toBe(false);
    expect(matches('device.deviceCategory -notContains "a"')).toBe(true);
    expect(matches('device.deviceCategory -in ["a"]')).toBe(false);
    expect(matches('device.deviceCategory -notIn ["a"]')).toBe(true);
  });

  it("binds -and tighter than -or, and -not tighter than -and", () => {
    // false -or (true -and true)
    expect(matches('device.deviceModel -eq "x" -or device.deviceModel -eq "Pixel 8" -and device.deviceOSVersion -eq "14"')).toBe(true);
    // (true -or false) -and false, written with parentheses, differs from the default grouping
    expect(matches('(device.deviceModel -eq "Pixel 8" -or device.deviceModel -eq "x") -and device.deviceOSVersion -eq "13"')).toBe(false);
    expect(matches('device.deviceModel -eq "Pixel 8" -or device.deviceModel -eq "x" -and device.deviceOSVersion -eq "13"')).toBe(true);
    // -not applies to the comparison, not to the whole -and
    expect(matches('-not device.deviceModel -eq "x" -and device.deviceOSVersion -eq "14"')).toBe(true);
    expect(matches('-not (device.deviceModel -eq "Pixel 8" -and device.deviceOSVersion -eq "14")')).toBe(false);
  });

  it("accepts operators without their hyphen and with the en dash Entra's documentation prints", () => {
    expect(matches('device.deviceModel eq "Pixel 8" and not device.deviceOSVersion eq "13"')).toBe(true);
    expect(matches('device.deviceModel \u2013eq "Pixel 8" \u2013and device.deviceOSVersion \u2013eq "14"')).toBe(true);
  });

  it("reads escaped quotes in double- and single-quoted strings", () => {
    const quoted = deviceFacts({
      id: "x",
      azureADDeviceId: "y",
      deviceName: 'Ann\'s "lab" phone',
      osVersion: "14",
      model: "m",
      manufacturer: "g",
      enrollmentProfileName: "p",
    });
    expect(evaluateRule(parseMembershipRule('device.displayName -eq "Ann\'s `"lab`" phone"'), quoted)).toBe(true);
    expect(evaluateRule(parseMembershipRule("device.displayName -eq 'Ann''s \"lab\" phone'"), quoted)).toBe(true);
  });

  it("reads nested parentheses and multi-line rules", () => {
    expect(matches('((device.deviceModel -eq "Pixel 8")\n  -and ((device.deviceManufacturer -eq "Google")))')).toBe(true);
  });
});

describe("membership rules: malformed rules say where and what was expected", () => {
  it("points at an unknown operator and suggests the closest one", () => {
    const error = parseError('device.deviceModel -equals "Pixel 8"');
    expect(error.offset).toBe(19);
    expect(error.column).toBe(20);
    expect(error.expected).toBe("an operator");
    expect(error.message).toMatch(/unknown operator "-equals" at column 20; did you mean -eq\?/);
  });

  it("points at an unknown device property", () => {
    const error = parseError('device.colour -eq "red"');
    expect(error.offset).toBe(7);
    expect(error.message).toMatch(/unknown device property "colour" at column 8/);
  });

  it("refuses a rule of user properties alone as a dynamic user group, which the mock does not simulate", () => {
    const error = parseError('(user.department -eq "Sales")');
    expect(error.offset).toBe(1);
    expect(error.message).toBe(
      '"user" at column 2: dynamic user groups are not simulated: the mock serves dynamic device groups (rules of device.* properties) only',
    );
    expect(error.message).not.toMatch(/mix/);
  });

  it("refuses user properties in a device rule as a mix", () => {
    const error = parseError('device.deviceOSType -eq "AndroidAOSP" and user.department -eq "Sales"');
    expect(error.message).toMatch(/dynamic device groups use device properties only; a rule cannot mix users and devices/);
  });

  it("points at the opening quote of a string that is never closed", () => {
    const error = parseError('device.deviceModel -eq "Pixel 8');
    expect(error.offset).toBe(23);
    expect(error.expected).toBe('a closing "');
  });

  it("says which parenthesis is never closed", () => {
    const error = parseError('(device.deviceModel -eq "Pixel 8"');
    expect(error.offset).toBe(33);
    expect(error.message).toMatch(/expected "\)" to close the "\(" at column 1, found the end of the rule at column 34/);
  });

  it("refuses a closing parenthesis with nothing to close", () => {
    const error = parseError('device.deviceModel -eq "Pixel 8")');
    expect(error.offset).toBe(32);
    expect(error.message).toMatch(/unbalanced "\)"/);
  });

  it("asks for quotes around an unquoted string value", () => {
    const error = parseError("device.deviceModel -eq Pixel");
    expect(error.offset).toBe(23);
    expect(error.message).toMatch(/put strings in double quotes \("Pixel"\)/);
  });

  it("refuses two comparisons without -and or -or between them", () => {
    const error = parseError('device.deviceModel -eq "a" device.deviceOSVersion -eq "14"');
    expect(error.offset).toBe(27);
    expect(error.expected).toBe("-and, -or, a closing parenthesis or the end of the rule");
  });

  it("refuses a rule that ends after its operator", () => {
    const error = parseError("device.deviceModel -eq");
    expect(error.offset).toBe(22);
    expect(error.message).toMatch(/found the end of the rule/);
  });

  it("refuses a dangling -and", () => {
    const error = parseError('device.deviceModel -eq "a" -and');
    expect(error.offset).toBe(31);
    expect(error.expected).toBe("a property such as device.deviceModel");
  });

  it("needs a list for -in and refuses a list elsewhere", () => {
    expect(parseError('device.deviceModel -in "Pixel 8"').message).toMatch(/-in needs a list/);
    expect(parseError('device.deviceModel -eq ["a"]').message).toMatch(/needs -in or -notIn/);
    expect(parseError('device.deviceModel -in ["a" "b"]').message).toMatch(/expected "," or "]"/);
    expect(parseError("device.deviceModel -in []").message).toMatch(/is empty/);
  });

  it("compares null only with -eq or -ne", () => {
    expect(parseError("device.deviceModel -contains null").message).toMatch(/null can only be compared with -eq or -ne/);
  });

  it("keeps booleans and strings apart", () => {
    expect(parseError('device.accountEnabled -eq "true"').message).toMatch(/is true or false/);
    expect(parseError("device.deviceModel -eq true").message).toMatch(/is a string/);
    expect(parseError("device.isRooted -contains true").message).toMatch(/compare it with -eq or -ne/);
  });

  it("refuses an invalid regular expression and what RE2 lacks (lookaround, backreferences), and accepts nested quantifiers", () => {
    expect(parseError('device.deviceModel -match "(unclosed"').message).toMatch(/invalid regular expression at column 27/);
    expect(parseError('device.deviceModel -match "(?=pixel)"').message).toMatch(/RE2 syntax: no lookaround, no backreferences/);
    expect(parseMembershipRule('device.deviceModel -match "^(a+)+$"')).toBeTruthy();
  });

  it("explains -any and -all on a single-valued property", () => {
    expect(parseError('device.deviceModel -any "a"').message).toMatch(/multi-valued/);
  });

  it("refuses typographic quotes pasted from a document", () => {
    expect(parseError("device.deviceModel -eq \u201cPixel\u201d").message).toMatch(/straight quotes/);
  });

  it("refuses an empty rule", () => {
    expect(parseError("   ").message).toMatch(/empty/);
  });

  it("reports line and column in a multi-line rule", () => {
    const error = parseError('device.deviceModel -eq "a"\n-and device.nope -eq "b"');
    expect(error.line).toBe(2);
    expect(error.column).toBe(13);
    expect(error.message).toMatch(/line 2, column 13/);
  });

  it("accepts a rule of exactly 3072 characters and refuses one longer", () => {
    const base = 'device.deviceModel -eq ""';
    const exact = `device.deviceModel -eq "${"a".repeat(3072 - base.length)}"`;
    expect(exact.length).toBe(3072);
    expect(() => parseMembershipRule(exact)).not.toThrow();
    const error = parseError(`${exact} `);
    expect(error.offset).toBe(3072);
    expect(error.message).toMatch(/3073 characters long; Entra allows at most 3072/);
  });

  it("never throws anything but a MembershipRuleError on hostile input", () => {
    const hostile = ["((((((((((", ")))", '"', "'", "-", "device.", "device..x", "[", "\u0000", "-not -not", '-and device.deviceModel -eq "a"'];
    for (const rule of hostile) expect(parseError(rule)).toBeInstanceOf(MembershipRuleError);
  });
});
