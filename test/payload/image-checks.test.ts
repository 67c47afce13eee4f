/**
 * What `validate` says about a real image beyond its payload: a light-on-dark or mirrored
 * code, a quiet zone under 4 modules, an animated GIF's frames. Images are drawn in memory
 * (test/helpers/qr-images.ts) and checked through validateInput, as the CLI does.
 */
import { describe, expect, it } from "vitest";
import { validateInput } from "../../agent/cli/validate.js";
import { qrPng } from "../helpers/qr-images.js";

const PAYLOAD = JSON.stringify({
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "https://mdm.example.com/dpc.apk",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM": "wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro",
  "android.app.extra.PROVISIONING_USE_MOBILE_DATA": true,
});

async function validateImage(bytes: Uint8Array, options: { strict?: boolean } = {}) {
  return validateInput({ file: "code.png", bytes, kind: "image" }, options);
}

const rulesOf = (report: Awaited<ReturnType<typeof validateImage>>) => report.findings.map((f) => [f.severity, f.rule]);

describe("validate: how the code is printed", () => {
  it("has nothing to say about a dark-on-light code the right way round", async () => {
    const report = await validateImage(await qrPng(PAYLOAD, { scale: 4 }));
    expect(rulesOf(report)).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it("warns about a light-on-dark code, which some scanners cannot read, and fails it under --strict", async () => {
    const bytes = await qrPng(PAYLOAD, { scale: 4, invert: true });
    const report = await validateImage(bytes);
    expect(rulesOf(report)).toEqual([["warning", "qr-inverted"]]);
    expect(report.findings[0]!.message).toContain("light on dark");
    expect(report.findings[0]!.hint).toContain("dark on light");
    expect((await validateImage(bytes, { strict: true })).valid).toBe(false);
  });

  it("notes a mirrored code", async () => {
    const report = await validateImage(await qrPng(PAYLOAD, { scale: 4, mirror: true }));
    expect(rulesOf(report)).toEqual([["info", "qr-mirrored"]]);
    expect(report.findings[0]!.hint).toContain("right way round");
  });
});
