/**
 * `aosp-sim qr` as a user runs it: renders a payload, reports the symbol it used, refuses broken
 * payloads unless forced, and what it renders decodes back to the same payload.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeQrImage } from "../../agent/qr/index.js";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { basePayload, HELLO_SHA256, KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-qr-");
const file = temp.file;

async function writeJson(name: string, value: unknown, indent = 2): Promise<string> {
  await writeFile(file(name), JSON.stringify(value, null, indent));
  return file(name);
}

const exists = (path: string) => stat(path).then(() => true, () => false);

describe("aosp-sim qr", () => {
  it("renders a payload as compact JSON in one byte-mode segment and says which symbol it used", async () => {
    const payload = payloadWith({ [KEYS.WIFI_SSID]: "Café Gäste 東京" });
    const out = file("basic.png");
    const result = await runCli(["qr", await writeJson("basic.json", payload), "-o", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote .*basic\.png: QR version \d+, level M, \d+x\d+ modules, \d+ bytes \(byte mode, UTF-8, no ECI\)/);
    const decoded = await decodeQrImage(await readFile(out), out);
    expect(decoded.codes).toHaveLength(1);
    expect(decoded.codes[0]!.text).toBe(JSON.stringify(payload));
    expect(decoded.codes[0]).toMatchObject({ ecLevel: "M", mode: "byte", eci: null });
  });

  it("uses the requested error-correction level and reports it in --json", async () => {
    const out = file("h.png");
    const result = await runCli(["qr", await writeJson("h.json", basePayload()), "-o", out, "--ec", "H", "--json", "--scale", "5"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { rendered: boolean; qr: { version: number; ecLevel: string; moduleCount: number; payloadBytes: number; sizePixels: number } };
    expect(doc.rendered).toBe(true);
    expect(doc.qr.ecLevel).toBe("H");
    expect(doc.qr.moduleCount).toBe(17 + 4 * doc.qr.version);
    expect(doc.qr.payloadBytes).toBe(Buffer.byteLength(JSON.stringify(basePayload())));
    expect(doc.qr.sizePixels).toBe((doc.qr.moduleCount + 8) * 5);
    const decoded = await decodeQrImage(await readFile(out), out);
    expect(decoded.codes[0]).toMatchObject({ version: doc.qr.version, ecLevel: "H" });
  });

  it("refuses a payload with errors (exit 1, findings printed, no file) unless --force", async () => {
    const path = await writeJson("bad.json", payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") }));
    const out = file("bad.png");
    const refused = await runCli(["qr", path, "-o", out]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("checksum-encoding");
    expect(refused.stderr).toMatch(/not rendering a payload with 1 error.*--force/);
    expect(await exists(out)).toBe(false);
    const forced = await runCli(["qr", path, "-o", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(await exists(out)).toBe(true);
  });

  it("renders a payload with only warnings, showing them", async () => {
    const out = file("warn.png");
    const result = await runCli(["qr", await writeJson("warn.json", payloadWith({ [KEYS.WIFI_HIDDEN]: "true" })), "-o", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("wrong-type");
    expect(await exists(out)).toBe(true);
  });

  it("says when a payload is too large for the level, and which level would hold it", async () => {
    const payload = payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(2000) } });
    const result = await runCli(["qr", await writeJson("large.json", payload), "-o", file("large.png"), "--ec", "H"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/more than a level-H QR code holds \(1273 bytes\); it fits at level L \(--ec L\)/);
  });

  it("refuses an image as input, a bad level and a missing -o as usage errors (exit 2)", async () => {
    const image = await runCli(["qr", "fixtures/images/android-valid-minimal.png", "-o", file("x.png")]);
    expect(image.code).toBe(2);
    expect(image.stderr).toMatch(/is an image; qr renders a payload JSON file/);
    const level = await runCli(["qr", await writeJson("lvl.json", basePayload()), "-o", file("y.png"), "--ec", "X"]);
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/--ec: unknown error-correction level "X"/);
    expect((await runCli(["qr", await writeJson("noout.json", basePayload())])).code).toBe(2);
  });

  it("reports an unwritable output path as exit 2", async () => {
    const result = await runCli(["qr", await writeJson("unw.json", basePayload()), "-o", join(temp.dir(), "no", "such", "dir", "x.png")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write the PNG/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("renders the same PNG for the same payload every time", async () => {
    const path = await writeJson("same.json", basePayload(), 0);
    await runCli(["qr", path, "-o", file("a.png")]);
    await runCli(["qr", path, "-o", file("b.png")]);
    expect((await readFile(file("a.png"))).equals(await readFile(file("b.png")))).toBe(true);
  });
});
