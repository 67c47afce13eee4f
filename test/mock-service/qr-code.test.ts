/**
 * The QR code a profile issues, read back the way a device vendor checks it: the PNG decodes to
 * exactly the provisioning JSON, and `aosp-sim validate --rules intune-aosp` passes it.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeQrImage } from "../../agent/qr/index.js";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { createProfile, useService } from "./support/service.js";

const temp = useTempDir("aosp-service-qr-");
const service = useService();

describe("the profile's QR code", () => {
  it("decodes to exactly the provisioning JSON in qrCodeContent: byte mode, error correction M", async () => {
    const t = service();
    const profile = await createProfile(t, { wifiSsid: "Café staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" });
    const decoded = await decodeQrImage(Buffer.from(profile.qrCodeImage.value, "base64"), "qr.png");
    expect(decoded.codes).toHaveLength(1);
    const code = decoded.codes[0]!;
    expect(code.text).toBe(Buffer.from(profile.qrCodeContent, "base64").toString("utf8"));
    expect(code).toMatchObject({ ecLevel: "M", mode: "byte", disagreement: null });
  });

  it.each([
    ["WPA Wi-Fi", { wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" }],
    ["hidden WEP Wi-Fi", { wifiSsid: "Legacy", wifiHidden: true, wifiSecurityType: "wep", wifiPassword: "0123456789" }],
    ["no Wi-Fi", {}],
    ["a userless profile", { enrollmentMode: "corporateOwnedAOSPUserlessDevice" }],
  ] as const)("passes aosp-sim validate --rules intune-aosp --strict with %s", async (name, props) => {
    const t = service();
    const profile = await createProfile(t, { displayName: name, ...props });
    const file = temp.file(`${name.replace(/\W+/g, "-")}.png`);
    await writeFile(file, Buffer.from(profile.qrCodeImage.value, "base64"));
    const result = await runCli(["validate", "--rules", "intune-aosp", "--strict", "--json", file], { timeoutMs: 30_000 });
    const report = JSON.parse(result.stdout) as { valid: boolean; findings: { severity: string; rule: string }[] };
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(report.valid).toBe(true);
    expect(result.code).toBe(0);
  });

  it("is the same PNG from the QR file route, which validate also passes", async () => {
    const t = service();
    const profile = await createProfile(t);
    const response = await fetch(`${t.url}/sim/v1/enrollmentProfiles/${profile.id}/qrCode.png`, {
      headers: { authorization: `Bearer ${t.service.adminToken}` },
    });
    const file = temp.file("route.png");
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const result = await runCli(["validate", "--rules", "intune-aosp", file], { timeoutMs: 30_000 });
    expect(result.stdout).toMatch(/valid \(intune-aosp rules\): 0 errors, 0 warnings/);
    expect(result.code).toBe(0);
  });
});
