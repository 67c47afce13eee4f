/**
 * `aosp-sim qr` in a vendor's pipeline (check with validate, render with qr, validate the PNG):
 * qr takes the same --conventions and the same input forms as validate, renders the payload's
 * bytes as they are, and writes no image larger than decode and validate read.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeQrImage } from "../../agent/qr/index.js";
import { renderQrPng } from "../../agent/qr/render.js";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { basePayload, HELLO_CHECKSUM, KEYS } from "../payload/support/payloads.js";

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

describe("aosp-sim qr input forms", () => {
  const payloadText = JSON.stringify(basePayload());
  const base64 = Buffer.from(payloadText).toString("base64");

  it("renders a Graph enrollment profile's qrCodeContent, not the profile, and says so", async () => {
    const profile = { "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile", id: "x", displayName: "p", qrCodeContent: base64 };
    await writeFile(file("profile.json"), JSON.stringify(profile, null, 2));
    const result = await runCli(["qr", file("profile.json"), "-o", file("profile.png")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`read ${file("profile.json")}: Graph enrollment profile (payload from qrCodeContent)`);
    const decoded = await decodeQrImage(await readFile(file("profile.png")), "profile.png");
    expect(decoded.codes[0]!.text).toBe(payloadText);
  });

  it("renders a bare base64 payload, and --json names the form", async () => {
    await writeFile(file("payload.b64"), `${base64}\n`);
    const result = await runCli(["qr", file("payload.b64"), "-o", file("b64.png"), "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { rendered: boolean; source: unknown };
    expect(doc.rendered).toBe(true);
    expect(doc.source).toEqual({ kind: "base64", file: file("payload.b64"), bytes: base64.length + 1, field: null });
    const decoded = await decodeQrImage(await readFile(file("b64.png")), "b64.png");
    expect(decoded.codes[0]!.text).toBe(payloadText);
  });

  it("refuses a Graph profile whose payload is only its QR image, naming the field (exit 2)", async () => {
    const png = (await renderQrPng(payloadText)).png.toString("base64");
    await writeFile(file("image-profile.json"), JSON.stringify({ id: "x", qrCodeImage: { type: "image/png", value: png } }));
    const result = await runCli(["qr", file("image-profile.json"), "-o", file("image-profile.png")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is a Graph enrollment profile whose payload is only in its QR image (qrCodeImage.value), not payload text");
    expect(result.stderr).toMatch(/fix: pass the payload JSON \(a Graph profile's qrCodeContent holds it\)/);
    expect(await exists(file("image-profile.png"))).toBe(false);
  });
});

describe("aosp-sim qr --force on invalid UTF-8", () => {
  it("renders the file's bytes as they are (it put U+FFFD in their place, and the PNG then validated clean)", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{\n  "${KEYS.DEVICE_ADMIN_COMPONENT_NAME}": "com.example.dpc/.AdminReceiver",\n  "${KEYS.WIFI_SSID}": "Caf`),
      Buffer.from([0xe9]),
      Buffer.from('"\n}\n'),
    ]);
    await writeFile(file("latin1.json"), bytes);
    const refused = await runCli(["qr", file("latin1.json"), "-o", file("latin1.png")]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("text-encoding");
    const forced = await runCli(["qr", file("latin1.json"), "-o", file("latin1.png"), "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/, 145 bytes \(byte mode, not valid UTF-8, no ECI\)/);
    const decoded = await decodeQrImage(await readFile(file("latin1.png")), "latin1.png");
    // The compact form of the file, byte for byte: whitespace between tokens gone, 0xE9 kept.
    const compact = Buffer.from(
      `{"${KEYS.DEVICE_ADMIN_COMPONENT_NAME}":"com.example.dpc/.AdminReceiver","${KEYS.WIFI_SSID}":"Caf\u00e9"}`, "latin1");
    expect(Buffer.from(decoded.codes[0]!.bytes).equals(compact)).toBe(true);
    const checked = await runCli(["validate", file("latin1.png")]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain("text-encoding");
  });
});

describe("aosp-sim qr image size", () => {
  it("refuses a --scale whose image decode and validate would refuse (over 25 MP), naming the largest that fits (exit 2, no file)", async () => {
    const payload = file("large.json");
    await writeFile(payload, JSON.stringify({ ...basePayload(), [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(900) } }));
    const probe = JSON.parse((await runCli(["qr", payload, "-o", file("probe.png"), "--json"])).stdout) as { qr: { moduleCount: number } };
    const modules = probe.qr.moduleCount + 8;
    const largest = Math.floor(5000 / modules);
    const tooLarge = await runCli(["qr", payload, "-o", file("over.png"), "--scale", String(largest + 1), "--print-width", "100"]);
    expect(tooLarge.code).toBe(2);
    const side = modules * (largest + 1);
    expect(tooLarge.stderr).toContain(
      `aosp-sim: --scale: at ${largest + 1} px per module, the code (${probe.qr.moduleCount}x${probe.qr.moduleCount} modules and a quiet zone of 4 modules) ` +
        `is a ${side}x${side} pixel image (${(side * side).toLocaleString("en-US")} pixels), more than the 25,000,000 (25 MP) that decode and validate read\n` +
        `  fix: use --scale ${largest} or less (the largest scale that fits at this margin)\n`);
    expect(await exists(file("over.png"))).toBe(false);
    const asJson = JSON.parse((await runCli(["qr", payload, "-o", file("over.png"), "--scale", String(largest + 1), "--json"])).stdout) as { error: { where: string; fix: string } };
    expect(asJson.error).toMatchObject({ where: "--scale", fix: `use --scale ${largest} or less (the largest scale that fits at this margin)` });
  });

  it("refuses the same in the library, worded for its options", async () => {
    await expect(renderQrPng("x", { scale: 34, margin: 64 })).rejects.toMatchObject({
      where: "renderQrPng options.scale",
      hint: "use scale: 33 or less (the largest scale that fits at this margin)",
    });
  });
});
