/**
 * javaBase64Problem against what OpenJDK 17's java.util.Base64.getDecoder() did with each text
 * (run on the machine that wrote this test; the decoder Android's libcore carries).
 */
import { describe, expect, it } from "vitest";
import { javaBase64Problem } from "../../agent/payload/java-base64.js";

describe("javaBase64Problem", () => {
  it.each(["aGVsbG8gd29ybGQ", "aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybA", "aGVsbG8gd29ybA==", "YQ", "YR==", ""])("decodes %j, as Java does", (text) => {
    expect(javaBase64Problem(text)).toBeNull();
  });

  it.each([
    ["aGVsbG8gd29ybGQ==", /2 "=" where 1 completes the last group/],
    ["aGVsbG8gd29ybA=", /1 "=" where 2 complete the last group/],
    ["aGVsbG8gd29yb", /leave 1 over/],
    ["aGVs bG8=", /a space at character 5/],
    ["MIIB\nAwIB", /a line break at character 5/],
    ["aGVs=bG8", /data after the "=" padding at character 5/],
    ["aGVsbG8-", /"-" \(URL-safe base64, not standard\) at character 8/],
    ["aGVsbG8=x", /data after the "=" padding/],
    ["YWJj=", /"=" padding after a complete group of 4/],
  ])("refuses %j, as Java does", (text, why) => {
    expect(javaBase64Problem(text)).toMatch(why);
  });
});
