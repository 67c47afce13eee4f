/**
 * The exported JSON Schema describes the payload's structure for other tools, and the QR sizing
 * agrees with the standard's capacity table.
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { payloadSchema } from "../../agent/payload/index.js";
import { byteCapacities, MAX_QR_BYTES, minimumVersion, moduleCountOf } from "../../agent/qr/render.js";
import { basePayload, KEYS, payloadWith } from "./support/payloads.js";

describe("the payload schema", () => {
  const validate = new Ajv({ strict: false }).compile(payloadSchema);

  it("accepts a valid payload and unknown keys", () => {
    expect(validate(basePayload())).toBe(true);
    expect(validate(payloadWith({ "com.example.other": [1, 2] }))).toBe(true);
  });

  it("rejects wrong JSON types for known keys and their aliases", () => {
    expect(validate(payloadWith({ [KEYS.WIFI_HIDDEN]: "true" }))).toBe(false);
    expect(validate(payloadWith({ "a.a.e.PWPRP": 99999999999 }))).toBe(false);
    expect(validate(payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: [] }))).toBe(false);
    expect(validate([basePayload()])).toBe(false);
  });
});

describe("QR sizing", () => {
  it("matches ISO/IEC 18004 byte-mode capacities at the corners of the table", () => {
    expect(byteCapacities("L")[0]).toBe(17);
    expect(byteCapacities("H")[0]).toBe(7);
    expect(byteCapacities("L")[39]).toBe(MAX_QR_BYTES);
    expect(byteCapacities("M")[39]).toBe(2331);
    expect(byteCapacities("H")[39]).toBe(1273);
  });

  it("counts a UTF-8 ECI header's 12 bits exactly, not as two whole bytes", () => {
    // Version 40-L: 2956 data codewords = 23,648 bits = 12 (ECI) + 20 (byte header) + 2952 * 8.
    expect(byteCapacities("L", true)[39]).toBe(2952);
    expect(minimumVersion(2952, "L", true)).toBe(40);
    expect(minimumVersion(2953, "L", true)).toBeNull();
    // Version 1-L: 152 bits; without ECI 17 bytes leave 4 spare bits, so with it 16 fit.
    expect(byteCapacities("L", true)[0]).toBe(16);
  });

  it("picks the smallest version that holds the bytes", () => {
    expect(minimumVersion(17, "L")).toBe(1);
    expect(minimumVersion(18, "L")).toBe(2);
    expect(minimumVersion(2954, "L")).toBeNull();
    expect(moduleCountOf(40)).toBe(177);
  });
});
