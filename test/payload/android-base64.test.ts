/**
 * The checksum decoder behaves like android.util.Base64.decode(s, URL_SAFE): it agrees with a
 * standard decoder on clean input, skips what is outside the alphabet, and fails exactly where
 * Android's state machine fails.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeAndroidBase64UrlSafe } from "../../agent/payload/index.js";

function bytesOf(text: string): number[] {
  const result = decodeAndroidBase64UrlSafe(text);
  if (!result.ok) throw new Error(result.reason);
  return [...result.bytes];
}

describe("Android's URL-safe base64 decoder", () => {
  it("decodes clean URL-safe base64 of every length like Node does, padded or not", () => {
    for (let n = 0; n <= 40; n++) {
      const data = randomBytes(n);
      const unpadded = data.toString("base64url");
      const padded = unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, "=");
      expect(bytesOf(unpadded)).toEqual([...data]);
      expect(bytesOf(padded)).toEqual([...data]);
    }
  });

  it("skips characters outside the alphabet: whitespace, '+', '/', ':' and non-ASCII", () => {
    expect(bytesOf("SGVs bG8\n")).toEqual([...Buffer.from("Hello")]);
    const result = decodeAndroidBase64UrlSafe("SG+V/sb:G8é");
    expect(result.ok && [...result.bytes]).toEqual([...Buffer.from("Hello")]);
    expect(result.skipped).toEqual(["+", "/", ":", "é"]);
  });

  it.each([
    ["a lone trailing character", "SGVsb"],
    ["padding where data belongs", "=SGV"],
    ["padding after one character", "S==="],
    ["a single '=' where two are needed", "SG="],
    ["data after the padding", "SGU=x"],
  ])("fails on %s", (_what, text) => {
    expect(decodeAndroidBase64UrlSafe(text).ok).toBe(false);
  });

  // Before, 43 characters and "==" said "data after the padding", though no data follows it.
  it("says one '=' too many, with the length, when the padding runs over", () => {
    const checksum = `${"A".repeat(43)}==`;
    expect(decodeAndroidBase64UrlSafe(checksum)).toMatchObject({
      ok: false,
      reason: 'one "=" too many: after 43 characters, one "=" completes the last group, 44 characters in all',
    });
    expect(decodeAndroidBase64UrlSafe("SG===")).toMatchObject({
      ok: false,
      reason: 'one "=" too many: after 2 characters, "==" completes the last group, 4 characters in all',
    });
    expect(decodeAndroidBase64UrlSafe("SGU=x")).toMatchObject({ ok: false, reason: "data after the padding" });
  });

  it("reads an empty string as no bytes", () => {
    expect(bytesOf("")).toEqual([]);
  });
});
