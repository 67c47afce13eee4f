/**
 * `aosp-sim validate` as a user runs it: the built CLI, real files, stdin, exit codes, the
 * --json contract, colours, and every class of bad input.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import QRCode from "qrcode";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runCli, type CliResult, useTempDir } from "../payload/support/cli.js";
import { basePayload, HELLO_SHA256, KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-validate-");
const file = temp.file;

async function writePayload(name: string, content: string | Buffer | object): Promise<string> {
  const path = file(name);
  await writeFile(path, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
  return path;
}

/** An unreadable-input failure: exit 2, one clear line (plus an optional fix line), no stack trace. */
function expectInputError(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
}

function json(result: CliResult): { valid: boolean; source: Record<string, unknown>; qr: Record<string, unknown> | null;
  payload: Record<string, unknown> | null; findings: { severity: string; rule: string; path: string; message: string; hint: string }[] } {
  return JSON.parse(result.stdout);
}

describe("validate a payload file", () => {
  it("exits 0 for a valid payload and says so", async () => {
    const result = await runCli(["validate", await writePayload("valid.json", basePayload())]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid \(android rules\): 0 errors, 0 warnings, 0 info/);
    expect(result.stdout).toMatch(/owner: +com\.example\.dpc\/com\.example\.dpc\.AdminReceiver/);
  });

  it("exits 1 for a hex checksum and prints the finding in the device's terms with the re-encoded fix", async () => {
    const path = await writePayload("hex.json", payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") }));
    const result = await runCli(["validate", path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^error +\/android\.app\.extra\.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM +checksum-encoding$/m);
    expect(result.stdout).toMatch(/checksum error/);
    expect(result.stdout).toContain("fix: use \"wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro\"");
    expect(result.stdout).toMatch(/invalid \(android rules\): 1 error/);
  });

  it("prints one JSON document with the contract's shape under --json, and nothing else", async () => {
    const path = await writePayload("json.json", payloadWith({ [KEYS.WIFI_HIDDEN]: "true" }));
    const result = await runCli(["validate", path, "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const doc = json(result);
    expect(Object.keys(doc).sort()).toEqual(["findings", "payload", "qr", "source", "valid"]);
    expect(doc.valid).toBe(true);
    expect(doc.qr).toBeNull();
    expect(doc.source).toMatchObject({ kind: "json", file: path });
    expect(doc.findings).toEqual([expect.objectContaining({ severity: "warning", rule: "wrong-type", path: `/${KEYS.WIFI_HIDDEN}` })]);
    for (const f of doc.findings) expect(Object.keys(f).sort()).toEqual(["hint", "message", "path", "rule", "severity"]);
    expect((doc.payload as { params: { wifi: { hidden: boolean } } }).params.wifi.hidden).toBe(false);
  });

  it("fails on warnings under --strict", async () => {
    const path = await writePayload("strict.json", payloadWith({ [KEYS.WIFI_SECURITY_TYPE]: "WPA2", [KEYS.WIFI_PASSWORD]: "correct horse" }));
    expect((await runCli(["validate", path])).code).toBe(0);
    const strict = await runCli(["validate", path, "--strict", "--json"]);
    expect(strict.code).toBe(1);
    expect(json(strict).valid).toBe(false);
  });

  it("checks the simulator's Intune conventions with --rules intune-aosp", async () => {
    const path = await writePayload("generic.json", basePayload());
    expect((await runCli(["validate", path, "--rules", "android"])).code).toBe(0);
    const intune = await runCli(["validate", path, "--rules", "intune-aosp", "--json"]);
    expect(intune.code).toBe(1);
    expect(json(intune).findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(["intune-admin-component", "intune-enrollment-token", "intune-service-url"]));
  });

  it("validates the README's first command: the committed Intune fixture", async () => {
    const result = await runCli(["validate", "fixtures/payloads/intune-valid.json", "--rules", "intune-aosp"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid \(intune-aosp rules\)/);
  });

  it("reads a payload from stdin with -", async () => {
    const result = await runCli(["validate", "-", "--json"], { stdin: JSON.stringify(basePayload()) });
    expect(result.code).toBe(0);
    expect(json(result).source).toMatchObject({ kind: "json", file: "-" });
  });
});

describe("validate a QR image", () => {
  it("reports the code's version, level, modules, module size and payload bytes", async () => {
    const result = await runCli(["validate", "fixtures/images/intune-valid.png", "--rules", "intune-aosp", "--json"]);
    expect(result.code).toBe(0);
    const doc = json(result);
    expect(doc.source).toMatchObject({ kind: "image" });
    expect(doc.qr).toMatchObject({ version: 25, ecLevel: "M", moduleCount: 117, modulePixels: 6, mode: "byte", eci: null, decoders: ["zxing"], unusedErrorCorrection: 1, symbolContrast: 1 });
    const fixture = JSON.parse(await readFile("fixtures/payloads/intune-valid.json", "utf8"));
    expect(doc.qr!["payloadBytes"]).toBe(Buffer.byteLength(JSON.stringify(fixture)));
    expect(doc.payload!["json"]).toEqual(fixture);
  });

  it("prints the QR metadata in the human report", async () => {
    const result = await runCli(["validate", "fixtures/images/non-ascii-ssid.png"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/QR: +version \d+, level M, \d+x\d+ modules, 6 px per module, \d+ bytes \(byte mode, no ECI\), read by zxing\n/);
    expect(result.stdout).toContain("print:   100 % of its error correction unused, contrast 100 %");
    expect(result.stdout).toContain("Wi-Fi:     join \"Café Gäste 東京\"");
  });

  it("exits 1 with a finding for an image that holds no QR code", async () => {
    const result = await runCli(["validate", "fixtures/images/no-code.png", "--json"]);
    expect(result.code).toBe(1);
    expect(json(result)).toMatchObject({ valid: false, qr: null, payload: null, findings: [expect.objectContaining({ rule: "qr-no-code" })] });
  });

  it("warns about a fragile print, with its measured quality in the report", async () => {
    const result = await runCli(["validate", "fixtures/images/low-contrast.png", "--json"]);
    expect(result.code).toBe(0);
    expect(json(result).findings.map((f) => f.rule)).toEqual(["qr-fragile"]);
    expect(json(result).qr).toMatchObject({ unusedErrorCorrection: 1, symbolContrast: 0.11 });
  });

  it("calls Latin-1 bytes an encoding error in a code mixing segment modes too, as in a byte-only code", async () => {
    // zxing-cpp and other generators mix numeric and byte segments; the check must not depend on it.
    const text = JSON.stringify(payloadWith({ [KEYS.WIFI_SSID]: "Café", [KEYS.LOCAL_TIME]: 1700000000000 }));
    const cut = text.indexOf("1700000000000");
    const mixed = await QRCode.toBuffer([
      { data: Buffer.from(text.slice(0, cut), "latin1"), mode: "byte" },
      { data: "1700000000000", mode: "numeric" },
      { data: Buffer.from(text.slice(cut + 13), "latin1"), mode: "byte" },
    ], { type: "png", scale: 4 });
    const result = await runCli(["validate", await writePayload("mixed-latin1.png", mixed), "--json"]);
    const doc = json(result);
    expect(doc.qr).toMatchObject({ mode: "mixed", eci: null });
    expect(doc.findings.map((f) => f.rule)).toContain("text-encoding");
    expect(result.code).toBe(1);
  });

  it("checks every code in an image: a broken second code fails it, and the findings say which code", async () => {
    // Two codes rendered by `aosp-sim qr`, side by side; a device's camera reads whichever it finds first.
    const render = async (name: string, payload: object): Promise<Buffer> => {
      const out = file(`${name}.png`);
      expect((await runCli(["qr", await writePayload(`${name}.json`, payload), "-o", out, "--force"])).code).toBe(0);
      return readFile(out);
    };
    const good = await render("code-good", basePayload());
    const bad = await render("code-hex", payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM]: HELLO_SHA256.toString("hex") }));
    const sideBySide = async (left: Buffer, right: Buffer): Promise<Buffer> => {
      const [l, r] = [await sharp(left).metadata(), await sharp(right).metadata()];
      return sharp({ create: { width: l.width! + r.width!, height: Math.max(l.height!, r.height!), channels: 3, background: "#ffffff" } })
        .composite([{ input: left, left: 0, top: 0 }, { input: right, left: l.width!, top: 0 }]).png().toBuffer();
    };
    for (const [name, image, which] of [["good-hex.png", await sideBySide(good, bad), 2], ["hex-good.png", await sideBySide(bad, good), 1]] as const) {
      const path = await writePayload(name, image);
      const result = await runCli(["validate", path, "--json"]);
      expect(result.code).toBe(1);
      const doc = json(result);
      expect(doc.valid).toBe(false);
      expect(doc.qr).toMatchObject({ codes: 2 });
      const encoding = doc.findings.find((f) => f.rule === "checksum-encoding");
      expect(encoding).toMatchObject({ severity: "error", path: `/${KEYS.DEVICE_ADMIN_PACKAGE_CHECKSUM}` });
      expect(encoding!.message).toMatch(new RegExp(`^Code ${which} of 2: `));
      const human = await runCli(["validate", path]);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain(`Code ${which} of 2: DEVICE_ADMIN_PACKAGE_CHECKSUM is 64 hex digits`);
      expect(human.stdout).toMatch(/every code is checked/);
    }
  });

  it("reads an image from stdin", async () => {
    const png = await readFile("fixtures/images/android-valid-minimal.png");
    const result = await runCli(["validate", "-", "--json"], { stdin: png });
    expect(result.code).toBe(0);
    expect(json(result).source).toMatchObject({ kind: "image", file: "-" });
  });
});

describe("colours", () => {
  it("uses no escape codes when NO_COLOR is set, even if colour is forced", async () => {
    const path = await writePayload("colour.json", payloadWith({ [KEYS.WIFI_SSID]: "" }));
    const plain = await runCli(["validate", path], { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    expect(plain.stdout).not.toContain("\u001b[");
    const coloured = await runCli(["validate", path], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(coloured.stdout).toContain("\u001b[31m");
  });
});

describe("bad input", () => {
  it("missing file: exit 2, one line", async () => {
    expectInputError(await runCli(["validate", file("nope.json")]), /nope\.json: no such file/);
  });

  it("a directory with nothing to check: exit 2", async () => {
    // A folder is a batch of inputs (validate-batch.test.ts); one holding no image or payload
    // file is unusable input, as a directory was before folders were accepted.
    const empty = file("empty-dir");
    await mkdir(empty, { recursive: true });
    expectInputError(await runCli(["validate", empty]), /holds no image \(PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF\) or payload/);
  });

  it("an empty file and empty stdin: exit 2", async () => {
    expectInputError(await runCli(["validate", await writePayload("empty.json", "")]), /is empty \(0 bytes\)/);
    expectInputError(await runCli(["validate", "-"], { stdin: "" }), /<stdin>: is empty/);
  });

  it("--format json prints the same error document as --json for input it cannot read, and for no inputs", async () => {
    const empty = await writePayload("empty-format.json", "");
    for (const args of [[file("nope.json")], [empty], []]) {
      const asJson = await runCli(["validate", ...args, "--json"]);
      expect(asJson.code).toBe(2);
      const doc = JSON.parse(asJson.stdout) as { error: { kind: string; message: string; fix: string | null } };
      expect(doc.error.fix).toEqual(expect.any(String));
      for (const format of [["--format", "json"], ["--format=json"]]) {
        const result = await runCli(["validate", ...args, ...format]);
        expect(result.code).toBe(2);
        expect(JSON.parse(result.stdout)).toEqual(doc);
        expect(result.stderr).toBe(asJson.stderr);
      }
    }
  });

  it("whitespace only: exit 2", async () => {
    expectInputError(await runCli(["validate", await writePayload("blank.json", " \n\n\t")]), /only whitespace/);
  });

  it("binary bytes that are no image: exit 2", async () => {
    const bytes = Buffer.concat([Buffer.from([0x00, 0x01, 0x02]), randomBytes(2000)]);
    expectInputError(await runCli(["validate", await writePayload("blob.bin", bytes)]), /neither an image .* nor payload text/);
  });

  it("a UTF-16 payload file (FF FE as PowerShell 5.1 writes it, or FE FF): exit 2, named UTF-16 with how to re-save it", async () => {
    const text = JSON.stringify(basePayload());
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);
    for (const [name, bytes, order] of [["le.json", le, "little-endian"], ["be.json", be, "big-endian"]] as const) {
      const result = await runCli(["validate", await writePayload(name, bytes)]);
      expectInputError(result, new RegExp(`${name.replace(".", "\\.")}: is UTF-16 text \\(${order}`));
      expect(result.stderr).not.toMatch(/binary/);
      expect(result.stderr).toMatch(/fix: re-save it as UTF-8/);
    }
    // Without a byte-order mark too (before, "it is binary data", with no word of re-saving).
    for (const [name, bytes, order] of [["le-nobom.json", le.subarray(2), "little-endian"], ["be-nobom.json", be.subarray(2), "big-endian"]] as const) {
      const result = await runCli(["validate", await writePayload(name, bytes)]);
      expectInputError(result, new RegExp(`${name.replace(".", "\\.")}: is UTF-16 text \\(${order}, without a byte-order mark`));
      expect(result.stderr).toMatch(/fix: re-save it as UTF-8/);
    }
  });

  it("70,000 NUL bytes on stdin: exit 2, binary data, not text over 64 KiB", async () => {
    const result = await runCli(["validate", "-"], { stdin: Buffer.alloc(70_000) });
    expectInputError(result, /<stdin>: is neither an image .* nor payload text \(it is binary data\)/);
    expect(result.stderr).not.toMatch(/64 KiB/);
  });

  it("a truncated PNG: exit 2", async () => {
    const png = await readFile("fixtures/images/intune-valid.png");
    expectInputError(await runCli(["validate", await writePayload("cut.png", png.subarray(0, 200))]), /cut\.png: .*(truncated|corrupt|could not be decoded)/);
  });

  it("a PNG of zero size and one claiming 50000x50000 pixels: exit 2, without allocating it", async () => {
    const png = Buffer.from(await readFile("fixtures/images/android-valid-minimal.png"));
    const zero = Buffer.from(png);
    zero.writeUInt32BE(0, 16);
    expectInputError(await runCli(["validate", await writePayload("zero.png", zero)]), /zero size/);
    const huge = Buffer.from(png);
    huge.writeUInt32BE(50_000, 16);
    huge.writeUInt32BE(50_000, 20);
    expectInputError(await runCli(["validate", await writePayload("huge.png", huge)]), /50000x50000 pixels/);
  });

  it("a multi-megabyte JSON file: exit 2 without reading it all", async () => {
    const big = JSON.stringify(payloadWith({ [KEYS.ORGANIZATION_NAME]: "x".repeat(5_000_000) }));
    expectInputError(await runCli(["validate", await writePayload("big.json", big)]), /more than 64 KiB of text/);
    expectInputError(await runCli(["validate", "-"], { stdin: big }), /<stdin>: is more than 64 KiB/);
  });

  it("JSON nested 100,000 levels: exit 2 (too large); 20,000 levels within the cap: a finding, exit 1", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    expectInputError(await runCli(["validate", await writePayload("deep.json", deep(100_000))]), /more than 64 KiB/);
    const result = await runCli(["validate", await writePayload("deep2.json", deep(20_000)), "--json"]);
    expect(result.code).toBe(1);
    expect(json(result).findings.map((f) => f.rule)).toContain("json-too-deep");
  });

  it.each([
    ["non-JSON text", "this is not json", "json-syntax"],
    ["a JSON array", "[1,2,3]", "json-not-object"],
    ["a JSON scalar", "true", "json-not-object"],
  ])("%s: a finding, exit 1", async (_what, content, rule) => {
    const result = await runCli(["validate", await writePayload(`${rule}.json`, content), "--json"]);
    expect(result.code).toBe(1);
    expect(json(result).findings.map((f) => f.rule)).toEqual([rule]);
    expect(json(result).payload!["params"]).toBeNull();
  });

  it("__proto__ and constructor keys: unknown keys (warnings), no pollution, exit 0", async () => {
    const text = JSON.stringify(basePayload()).replace(/}$/, ",\"__proto__\":{\"isAdmin\":true},\"constructor\":{\"prototype\":{\"x\":1}}}");
    const result = await runCli(["validate", await writePayload("proto.json", text), "--json"]);
    expect(result.code).toBe(0);
    expect(json(result).findings.map((f) => [f.rule, f.path])).toEqual([["unknown-key", "/__proto__"], ["unknown-key", "/constructor"]]);
  });

  it("invalid UTF-8: a text-encoding error, exit 1", async () => {
    const bytes = Buffer.from(JSON.stringify(basePayload()), "utf8");
    bytes[bytes.indexOf("Staging")] = 0xff;
    const result = await runCli(["validate", await writePayload("latin.json", bytes), "--json"]);
    expect(result.code).toBe(1);
    expect(json(result).findings.map((f) => f.rule)).toEqual(["text-encoding"]);
  });

  it("a byte-order mark in a file: an info, exit 0", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(basePayload()))]);
    const result = await runCli(["validate", await writePayload("bom.json", bytes), "--json"]);
    expect(result.code).toBe(0);
    expect(json(result).findings.map((f) => f.rule)).toEqual(["file-byte-order-mark"]);
  });

  it("an unknown rule set or option: usage error, exit 2", async () => {
    const path = await writePayload("usage.json", basePayload());
    expectInputError(await runCli(["validate", path, "--rules", "ios"]), /--rules: unknown rule set "ios"/);
    expect((await runCli(["validate", path, "--bogus"])).code).toBe(2);
    expect((await runCli(["validate"])).code).toBe(2);
  });
});
