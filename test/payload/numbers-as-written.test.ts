/**
 * Whole-number keys are judged by the digits the author wrote, not by the JavaScript number they
 * parse to: 2^53+1 is a valid Java long although JSON.parse makes it ...992, and 1e400 is a
 * whole number far too large for a long, not Infinity or null.
 */
import { describe, expect, it } from "vitest";
import { judgeWholeNumber, topLevelNumberTexts } from "../../agent/payload/number-text.js";
import { basePayload, check, findingOf, KEYS, rulesOf } from "./support/payloads.js";

/** The base payload's text with one more key whose value is written exactly as `numberText`. */
function withNumber(key: string, numberText: string): string {
  return JSON.stringify(basePayload()).replace(/}$/, `,"${key}":${numberText}}`);
}

describe("whole-number keys judged as written", () => {
  it("accepts 2^53+1 and 2^63-1 as LOCAL_TIME (Java longs), and refuses 2^63", () => {
    expect(rulesOf(withNumber(KEYS.LOCAL_TIME, "9007199254740993"))).not.toContain("wrong-type");
    expect(rulesOf(withNumber(KEYS.LOCAL_TIME, "9223372036854775807"))).not.toContain("wrong-type");
    expect(findingOf(withNumber(KEYS.LOCAL_TIME, "9223372036854775808"), "wrong-type").message)
      .toMatch(/too large for a whole number \(milliseconds\)/);
    expect(findingOf(withNumber(KEYS.LOCAL_TIME, "-9223372036854775809"), "wrong-type").message).toMatch(/below zero/);
  });

  // Before, "LOCAL_TIME is 9223372036854776000 (a number)": the parsed number, which nobody wrote.
  it("quotes a mistyped number's digits as written, not as JavaScript rounds them", () => {
    const big = findingOf(withNumber(KEYS.LOCAL_TIME, "9223372036854775808"), "wrong-type").message;
    expect(big).toContain("LOCAL_TIME is 9223372036854775808 (a number)");
    expect(big).not.toContain("9223372036854776000");
    expect(findingOf(withNumber(KEYS.DEVICE_ADMIN_MINIMUM_VERSION_CODE, "2147483647.00000000000000001"), "wrong-type").message)
      .toContain("is 2147483647.00000000000000001 (a number)");
  });

  it("calls 1e400 too large for a long, and 1e-400 not whole", () => {
    expect(findingOf(withNumber(KEYS.LOCAL_TIME, "1e400"), "wrong-type").message).toMatch(/too large for a whole number/);
    expect(findingOf(withNumber(KEYS.LOCAL_TIME, "1e-400"), "wrong-type").message).toMatch(/not a whole number/);
  });

  it("judges an int by its digits: 2147483647.00000000000000001 is not whole, 2.147483647e9 is", () => {
    const key = KEYS.DEVICE_ADMIN_MINIMUM_VERSION_CODE;
    expect(findingOf(withNumber(key, "2147483647.00000000000000001"), "wrong-type").message).toMatch(/not a whole number/);
    expect(rulesOf(withNumber(key, "2.147483647e9"))).not.toContain("wrong-type");
  });

  it("sets the device's clock from an in-range long that JavaScript rounds (to the nearest double)", () => {
    expect(check(withNumber(KEYS.LOCAL_TIME, "9007199254740993")).params?.localTime).toBe(2 ** 53);
  });

  it("never expands a huge exponent", () => {
    expect(judgeWholeNumber("1e999999999999", "long")).toBe("too-large");
    expect(judgeWholeNumber("-0.0e5", "int")).toBe("ok");
    expect(judgeWholeNumber("100e-2", "int")).toBe("ok");
  });

  it("reads top-level number texts only, the last one for a key given twice", () => {
    expect([...topLevelNumberTexts('{"a":1,"b":{"c":2},"d":[3],"a":4.50e1 ,"e":"5"}')]).toEqual([["a", "4.50e1"]]);
  });

});
