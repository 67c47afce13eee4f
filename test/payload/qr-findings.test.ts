/**
 * Findings about the QR image itself, from what the decoders returned: fragile prints,
 * disagreements, high versions, missing ECI, no code at all, several codes.
 */
import { describe, expect, it } from "vitest";
import { imageFindings } from "../../agent/payload/index.js";
import { modulePixels } from "../../agent/qr/index.js";
import type { DecodeImageResult, DecodedCode } from "../../agent/qr/types.js";

function code(over: Partial<DecodedCode> = {}): DecodedCode {
  return {
    text: "{}", bytes: new Uint8Array([0x7b, 0x7d]), decoder: "zxing", decoders: ["zxing"],
    unusedErrorCorrection: 1, symbolContrast: 0.9,
    version: 5, ecLevel: "M", mode: "byte", eci: null, moduleCount: 37,
    corners: [{ x: 24, y: 24 }, { x: 172, y: 24 }, { x: 172, y: 172 }, { x: 24, y: 172 }],
    disagreement: null, ...over,
  };
}

function image(codes: DecodedCode[]): DecodeImageResult {
  return { file: "x.png", width: 200, height: 200, codes };
}

const rules = (codes: DecodedCode[]) => imageFindings(image(codes)).map((f) => f.rule);

describe("QR image findings", () => {
  it("has nothing to say about a clean code both decoders read", () => {
    expect(rules([code()])).toEqual([]);
  });

  it("calls an image without a code an error", () => {
    const findings = imageFindings(image([]));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["qr-no-code", "error"]]);
  });

  it("calls a print fragile when reading it took more than half its error correction", () => {
    const findings = imageFindings(image([code({ unusedErrorCorrection: 0.37 })]));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["qr-fragile", "warning"]]);
    expect(findings[0]!.message).toContain("used 63 % of its error correction (37 % left");
    expect(rules([code({ unusedErrorCorrection: 0.5 })])).toEqual([]);
  });

  it("calls a print fragile when its contrast fails, with advice about ink and light", () => {
    const findings = imageFindings(image([code({ symbolContrast: 0.11 })]));
    expect(findings.map((f) => f.rule)).toEqual(["qr-fragile"]);
    expect(findings[0]!.message).toContain("symbol contrast is 11 %");
    expect(findings[0]!.hint).toContain("black on white");
    expect(rules([code({ symbolContrast: 0.2 })])).toEqual([]);
  });

  it("calls a code only the fallback decoder reads fragile", () => {
    const findings = imageFindings(image([code({ decoder: "jsqr", decoders: ["jsqr"], unusedErrorCorrection: null })]));
    expect(findings.map((f) => f.rule)).toEqual(["qr-fragile"]);
    expect(findings[0]!.message).toContain("Only jsQR");
  });

  it("calls decoders that read different texts an error, naming them", () => {
    const findings = imageFindings(image([code({
      disagreement: [{ decoder: "zxing", text: "{}" }, { decoder: "jsqr", text: "{ }" }],
    })]));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["qr-decoder-disagreement", "error"]]);
    expect(findings[0]!.message).toContain("zxing vs jsqr");
  });

  it("warns about several codes and checks each one, saying which code a finding is about", () => {
    const findings = imageFindings(image([code(), code({ unusedErrorCorrection: 0.1 })]));
    expect(findings.map((f) => f.rule)).toEqual(["qr-multiple-codes", "qr-fragile"]);
    expect(findings[1]!.message).toMatch(/^Code 2 of 2: Reading this code used 90 %/);
  });

  it("lists a finding several codes share once, naming them all, with the findings the caller adds per code", () => {
    const extra = (c: DecodedCode) => [{ severity: "error" as const, rule: "json-syntax", path: "", message: `bad ${c.text}`, hint: "fix it" }];
    const findings = imageFindings(image([code({ version: 31 }), code({ text: "x" }), code({ version: 31 })]), extra);
    expect(findings.map((f) => [f.rule, f.message.replace(/: .*/, "")])).toEqual([
      ["qr-multiple-codes", "The image holds 3 QR codes; a device's camera reads whichever it finds first, so every one is checked and any code that fails makes the image invalid."],
      ["qr-high-version", "Codes 1 and 3 of 3"],
      ["json-syntax", "Codes 1 and 3 of 3"],
      ["json-syntax", "Code 2 of 3"],
    ]);
  });

  it("warns above version 30, not at 30", () => {
    expect(rules([code({ version: 31, moduleCount: 141 })])).toEqual(["qr-high-version"]);
    expect(rules([code({ version: 30, moduleCount: 137 })])).toEqual([]);
  });

  it("advises a lower error-correction level only to a code above L and M (before, also to one at L)", () => {
    const hint = (ecLevel: "L" | "M" | "Q" | "H") => imageFindings(image([code({ version: 35, moduleCount: 157, ecLevel })]))[0]!.hint;
    expect(hint("H")).toMatch(/use error-correction level L or M$/);
    expect(hint("Q")).toMatch(/use error-correction level L or M$/);
    expect(hint("L")).not.toMatch(/error-correction level/);
    expect(hint("M")).not.toMatch(/error-correction level/);
  });

  it("notes non-ASCII text without an ECI marker, and not with one", () => {
    expect(rules([code({ text: "{\"s\":\"Café\"}" })])).toEqual(["qr-no-eci"]);
    expect(rules([code({ text: "{\"s\":\"Café\"}", eci: 26 })])).toEqual([]);
  });

  it("does not promise that Android reads non-UTF-8 bytes correctly", () => {
    const latin1 = Buffer.from("{\"s\":\"Café\"}", "latin1");
    const findings = imageFindings(image([code({ text: "{\"s\":\"Café\"}", bytes: latin1 })]));
    expect(findings.map((f) => f.rule)).toEqual(["qr-no-eci"]);
    expect(findings[0]!.message).not.toMatch(/reads it correctly/);
    expect(findings[0]!.message).toMatch(/not UTF-8/);
  });

  it("estimates the module size from the corners", () => {
    expect(modulePixels(code())).toBe(4);
    expect(modulePixels(code({ corners: null }))).toBeNull();
  });
});
