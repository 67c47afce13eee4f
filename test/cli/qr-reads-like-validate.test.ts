/**
 * `aosp-sim qr` in a vendor's pipeline (check with validate, render with qr, validate the PNG):
 * qr takes the same --conventions and the same input forms as validate, renders the payload's
 * bytes as they are, and writes no image larger than decode and validate read.
 */
import { stat, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { HELLO_CHECKSUM, KEYS } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-qr-vendor-");
const file = temp.file;
const exists = (path: string) => stat(path).then(() => true, () => false);

/** A payload from a service that issues its own names, and the conventions file naming them. */
const CONTOSO = {
  [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: "com.contoso.agent/com.contoso.agent.AdminReceiver",
  [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "https://e.contoso.example/agent.apk",
  [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_CHECKSUM,
  [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.contoso.agent.enrollmentToken": "abc", "com.contoso.agent.serviceUrl": "https://e.contoso.example" },
};
/** The names CONTOSO uses, as a --conventions file gives them. */
const CONVENTIONS = {
  adminComponent: "com.contoso.agent/com.contoso.agent.AdminReceiver",
  enrollmentTokenExtra: "com.contoso.agent.enrollmentToken",
  serviceUrlExtra: "com.contoso.agent.serviceUrl",
};

describe("aosp-sim qr --conventions FILE", () => {
  it("renders a payload that validate passes with the same conventions (qr had no --conventions, though its findings said to pass it)", async () => {
    await writeFile(file("contoso.json"), JSON.stringify(CONTOSO));
    await writeFile(file("conv.json"), JSON.stringify(CONVENTIONS));
    const rules = ["--rules", "intune-aosp", "--conventions", file("conv.json")];
    expect((await runCli(["validate", file("contoso.json"), ...rules])).code).toBe(0);
    const rendered = await runCli(["qr", file("contoso.json"), "-o", file("contoso.png"), ...rules]);
    expect(rendered.stderr).toBe("");
    expect(rendered.code).toBe(0);
    const checked = await runCli(["validate", file("contoso.png"), ...rules]);
    expect(checked.code).toBe(0);
    // Without --rules intune-aosp nothing would read the file: refused as validate refuses it.
    const alone = await runCli(["qr", file("contoso.json"), "-o", file("alone.png"), "--conventions", file("conv.json")]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--conventions: names what the intune-aosp rules check, and no --rules intune-aosp is given\n  fix: add --rules intune-aosp");
    expect(await exists(file("alone.png"))).toBe(false);
  });
});
