/**
 * renderQrPng's options, checked as `aosp-sim qr` checks its flags (agent/qr/render-options.ts):
 * before, a library caller's { scale: 0 } rendered a 116x116 PNG reported as 0 pixels wide,
 * { ecLevel: "X" } was "more than a level-X QR code holds (NaN bytes)" and { scale: 1e6 } a
 * RangeError from Buffer.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { checkWholeOption, flagName, renderOptionName } from "../../agent/qr/render-options.js";
import { renderQrPng, type RenderOptions } from "../../agent/qr/render.js";

async function refusal(options: RenderOptions): Promise<InputError> {
  const error: unknown = await renderQrPng("{}", options).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("renderQrPng's options", () => {
  it("refuses what the qr command refuses, naming the option and a good value", async () => {
    const cases: [RenderOptions, string, string, string][] = [
      [{ scale: 0 }, "renderQrPng options.scale", "0 is not a whole number from 1 to 64", "e.g. scale: 8"],
      [{ scale: 2.5 }, "renderQrPng options.scale", "2.5 is not a whole number from 1 to 64", "e.g. scale: 8"],
      [{ scale: 1e6 }, "renderQrPng options.scale", "1000000 is not a whole number from 1 to 64", "e.g. scale: 8"],
      [{ scale: Number.NaN }, "renderQrPng options.scale", "NaN is not a whole number from 1 to 64", "e.g. scale: 8"],
      [{ margin: -1 }, "renderQrPng options.margin", "-1 is not a whole number from 0 to 64", "e.g. margin: 4"],
      [{ ecLevel: "X" as RenderOptions["ecLevel"] }, "renderQrPng options.ecLevel", 'unknown error-correction level "X"', "use L, M, Q or H"],
      // Before, taken as true.
      [{ eci: "yes" as unknown as boolean }, "renderQrPng options.eci", '"yes" is not true or false', "e.g. eci: true"],
    ];
    for (const [options, where, message, hint] of cases) {
      const error = await refusal(options);
      expect(error.where).toBe(where);
      expect(error.message).toContain(message);
      expect(error.hint).toContain(hint);
    }
  });

  it("says what the qr command says for the same value (one check serves both)", () => {
    const library = () => checkWholeOption("scale", 2.5, renderOptionName("scale"));
    const cli = () => checkWholeOption("scale", "2.5", flagName("--scale"));
    expect(library).toThrow("2.5 is not a whole number from 1 to 64");
    expect(cli).toThrow('"2.5" is not a whole number from 1 to 64');
  });

  it("renders within the ranges, and describes the PNG it made", async () => {
    const rendered = await renderQrPng("{}", { scale: 1, margin: 0, ecLevel: "H" });
    expect(rendered.sizePixels).toBe(rendered.moduleCount);
    expect(rendered.png.readUInt32BE(16)).toBe(rendered.sizePixels);
  });
});

// Before: Node's ERR_INVALID_ARG_TYPE from Buffer.from ("The first argument must be of type string
// or an instance of Buffer ..."), naming neither renderQrPng nor its payload.
describe("renderQrPng's payload", () => {
  it("is refused as a TypeError naming the call when it is neither text nor bytes", async () => {
    const refused = async (payload: unknown) => renderQrPng(payload as string).then(() => null, (e: unknown) => e as Error);
    const object = await refused({ "android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED": true });
    expect(object).toBeInstanceOf(TypeError);
    expect(object?.message).toMatch(/^renderQrPng: payload must be the payload's text as a string \(JSON\.stringify an object first\) or its bytes as a Uint8Array \(got an object \{/);
    expect((await refused(5))?.message).toMatch(/^renderQrPng: payload must be .*\(got 5\)$/);
    expect((await refused(undefined))?.message).toMatch(/^renderQrPng: payload must be /);
    expect((await renderQrPng(new TextEncoder().encode("{}"))).png.length).toBeGreaterThan(0);
  });
});
