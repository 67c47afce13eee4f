/**
 * `aosp-sim qr` as a user runs it: renders a payload, reports the symbol it used, refuses broken
 * payloads unless forced, and what it renders decodes back to the same payload.
 */
import { spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerQr } from "../../agent/cli/qr.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { runCommand } from "../helpers/in-process-cli.js";
import { CLI, runCli, useTempDir } from "../payload/support/cli.js";
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

  it("says when a payload is too large for the level, and which level would hold it, in the human and --json output alike", async () => {
    const payload = payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(2000) } });
    const path = await writeJson("large.json", payload);
    const result = await runCli(["qr", path, "-o", file("large.png"), "--ec", "H"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/more than a level-H QR code holds \(1273 bytes\)\n +fix: use a lower error-correction level: it fits at level L \(--ec L\)/);
    const asJson = await runCli(["qr", path, "-o", file("large.png"), "--ec", "H", "--json"]);
    expect(asJson.code).toBe(1);
    const doc = JSON.parse(asJson.stdout) as { rendered: boolean; valid: boolean; error: { kind: string; message: string; where: string; fix: string } };
    expect(doc.rendered).toBe(false);
    // The payload has no error: only the level chosen does not hold it (before, "valid": false).
    expect(doc.valid).toBe(true);
    expect(doc.error).toMatchObject({ kind: "input", where: path, fix: "use a lower error-correction level: it fits at level L (--ec L)" });
    expect(result.stderr).toContain(`${doc.error.message}\n  fix: ${doc.error.fix}`);
  });

  // Before, "it fits at level L": more error correction given up than the payload needs.
  it("names the strongest lower level that holds a payload too large for its level", async () => {
    const result = await runCli(["qr", await writeJson("q-size.json", payloadOfBytes(1600)), "-o", file("q.png"), "--ec", "H"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fix: use a lower error-correction level: it fits at level Q \(--ec Q\)/);
  });

  it("says when no QR code holds a payload, and how to shrink it", async () => {
    const path = await writeJson("huge.json", payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(3300) } }));
    const bytes = Buffer.byteLength(JSON.stringify(JSON.parse(await readFile(path, "utf8"))));
    const result = await runCli(["qr", path, "-o", file("huge.png"), "--force"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the payload is ${bytes} bytes, more than any QR code holds (2953 bytes, version 40 at level L)`);
    expect(result.stderr).toMatch(new RegExp(`\\n +fix: remove ${bytes - 2953} bytes or more: drop optional keys, shorten URLs, tokens and names`));
    const asJson = JSON.parse((await runCli(["qr", path, "-o", file("huge.png"), "--force", "--json"])).stdout) as { error: { message: string; fix: string } };
    expect(asJson.error.message).toContain("more than any QR code holds");
    expect(asJson.error.fix).toMatch(/^remove \d+ bytes or more: drop optional keys/);
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
    // Said in words: before, "cannot write the PNG (ENOENT)".
    expect(result.stderr).toMatch(/cannot write the PNG: its folder \S+dir does not exist/);
    const folder = temp.dir();
    const intoFolder = await runCli(["qr", await writeJson("unw2.json", basePayload()), "-o", folder]);
    expect(intoFolder.code).toBe(2);
    // Before: "cannot write the PNG (EISDIR)" and "check that the directory exists".
    expect(intoFolder.stderr).toContain(`${folder}: cannot write the PNG: this is a folder`);
    expect(intoFolder.stderr).toContain(`fix: name a file in it, e.g. ${folder}/qr.png`);
  });

  // Before: "cannot write the PNG (ENOSPC)" and "check that the directory exists and is writable",
  // of a folder that exists and is writable; /dev/full answers every write as a full disk does.
  it("says a full disk is full, with the fix to free space (exit 2)", async () => {
    const result = await runCli(["qr", await writeJson("full.json", basePayload()), "-o", "/dev/full"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("aosp-sim: /dev/full: cannot write the PNG: ENOSPC: no space left on device, write\n  fix: free some space on that disk, or give a path on another\n");
  });

  it("gives every bad --scale and --margin a fix, in the human and --json output alike", async () => {
    const input = await writeJson("options.json", basePayload());
    for (const [flag, value] of [["--scale", "0"], ["--scale", "100"], ["--scale", "2.5"], ["--margin", "-1"], ["--margin", ""]] as const) {
      const human = await runCli(["qr", input, "-o", file("options.png"), `${flag}=${value}`]);
      expect(human.code).toBe(2);
      expect(human.stderr).toMatch(new RegExp(`${flag}: "${value.replace(".", "\\.")}" is not a whole number from \\d+ to 64\\n +fix: give .* as a whole number from \\d+ to 64, e\\.g\\. ${flag} \\d+\\n$`));
      const asJson = await runCli(["qr", input, "-o", file("options.png"), `${flag}=${value}`, "--json"]);
      expect(asJson.code).toBe(2);
      const { error } = JSON.parse(asJson.stdout) as { error: { where: string; fix: string | null } };
      expect(error.where).toBe(flag);
      expect(error.fix).toEqual(expect.stringContaining(`e.g. ${flag} `));
      expect(human.stderr).toContain(`fix: ${error.fix}`);
    }
    expect(await exists(file("options.png"))).toBe(false);
  });

  it("warns on stderr and in --json when the quiet zone is under the 4 modules ISO/IEC 18004 requires", async () => {
    const input = await writeJson("margin.json", basePayload());
    for (const margin of ["0", "3"]) {
      const human = await runCli(["qr", input, "-o", file("margin.png"), "--margin", margin]);
      expect(human.code).toBe(0);
      expect(human.stderr).toMatch(new RegExp(`^aosp-sim: warning: --margin: a quiet zone of ${margin} modules is less than the 4 ISO/IEC 18004 requires.*\\n +fix: use --margin 4 \\(the default\\) or more\\n$`));
      const asJson = await runCli(["qr", input, "-o", file("margin.png"), "--margin", margin, "--json"]);
      expect(asJson.code).toBe(0);
      expect(JSON.parse(asJson.stdout).warnings).toEqual([
        { where: "--margin", message: expect.stringContaining(`quiet zone of ${margin} modules`), fix: "use --margin 4 (the default) or more" },
      ]);
      expect(asJson.stderr).toBe(human.stderr);
    }
    const fine = await runCli(["qr", input, "-o", file("margin.png"), "--margin", "4", "--json"]);
    expect(fine.stderr).toBe("");
    expect(JSON.parse(fine.stdout).warnings).toEqual([]);
  });

  it("renders the same PNG for the same payload every time", async () => {
    const path = await writeJson("same.json", basePayload(), 0);
    await runCli(["qr", path, "-o", file("a.png")]);
    await runCli(["qr", path, "-o", file("b.png")]);
    expect((await readFile(file("a.png"))).equals(await readFile(file("b.png")))).toBe(true);
  });
});

describe("aosp-sim qr -o ''", () => {
  it("is a usage error naming -o and the empty name (it said no file can be created in the folder)", async () => {
    const result = await runCommand(registerQr, ["qr", "payload.json", "-o", ""]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("aosp-sim: -o: the file name is empty\n  fix: name the PNG file to write (e.g. -o qr.png), or - for stdout\n");
  });
});

describe("aosp-sim qr for print runs", () => {
  it("adds a UTF-8 ECI marker with --eci, and validate then has nothing to say about the character set", async () => {
    const payload = payloadWith({ [KEYS.WIFI_SSID]: "Café Gäste 東京" });
    const out = file("eci.png");
    const result = await runCli(["qr", await writeJson("eci.json", payload), "-o", out, "--eci"], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/byte mode, UTF-8, ECI 26\)/);
    const decoded = await decodeQrImage(await readFile(out), out);
    expect(decoded.codes[0]).toMatchObject({ text: JSON.stringify(payload), eci: 26 });
    const plain = await runCli(["validate", await renderWithout(payload), "--json"], { timeoutMs: 60_000 });
    expect(JSON.parse(plain.stdout).findings.map((f: { rule: string }) => f.rule)).toContain("qr-no-eci");
    const checked = await runCli(["validate", out, "--json"], { timeoutMs: 60_000 });
    expect(JSON.parse(checked.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain("qr-no-eci");
  }, 120_000);

  // Before, "wrote a" and "b.png: QR version ..." on two lines, and an escape sequence in a name
  // recoloured the terminal: the name is written with its control characters escaped.
  it("names an output file holding a newline or an escape sequence on one line, the file written as named", async () => {
    const name = join(temp.dir(), "a\nb\u001b[31m.png");
    const result = await runCli(["qr", await writeJson("newline.json", basePayload()), "-o", name]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^wrote \S+a\\x0ab\\x1b\[31m\.png: QR version \d+/);
    expect((await stat(name)).isFile()).toBe(true);
  });

  it("writes the PNG to stdout with -o -, the summary to stderr, and no file named -", async () => {
    const input = await writeJson("stdout.json", basePayload());
    const child = spawn(process.execPath, [CLI, "qr", input, "-o", "-"], { cwd: temp.dir(), env: { ...process.env, NO_COLOR: "1" } });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const png = Buffer.concat(chunks);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await decodeQrImage(png, "stdout")).codes[0]!.text).toBe(JSON.stringify(basePayload()));
    expect(stderr).toMatch(/wrote the PNG to stdout: QR version/);
    expect(await exists(join(temp.dir(), "-"))).toBe(false);
    const both = await runCli(["qr", input, "-o", "-", "--json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/fix: drop --json, or write the PNG to a file/);
  }, 120_000);

  it("says how large to print the code for a phone at 25-30 cm, and whether a given width is enough", async () => {
    const input = await writeJson("print.json", basePayload());
    const advice = await runCli(["qr", input, "-o", file("print.png")]);
    expect(advice.stdout).toMatch(/print: +for a phone camera at 25-30 cm, print it at least \d+ mm wide \(modules of 0\.\d\d mm or more\)/);
    const small = await runCli(["qr", input, "-o", file("print.png"), "--print-width", "15", "--json"]);
    const doc = JSON.parse(small.stdout) as { qr: { moduleCount: number }; print: { moduleMm: number; readableAt30cm: boolean; minWidthMm: number } };
    expect(doc.print.moduleMm).toBeCloseTo(15 / (doc.qr.moduleCount + 8), 2);
    expect(doc.print.readableAt30cm).toBe(false);
    const large = await runCli(["qr", input, "-o", file("print.png"), "--print-width", String(doc.print.minWidthMm), "--json"]);
    expect(JSON.parse(large.stdout).print.readableAt30cm).toBe(true);
    const bad = await runCli(["qr", input, "-o", file("print.png"), "--print-width", "wide"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--print-width: "wide" is not a print width in millimetres\n +fix: /);
  }, 120_000);
});

/** A valid payload whose compact JSON is exactly `bytes` bytes (padded in the admin extras bundle). */
function payloadOfBytes(bytes: number): object {
  const payload = payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "" } });
  const pad = bytes - Buffer.byteLength(JSON.stringify(payload));
  return payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.example.pad": "x".repeat(pad) } });
}

describe("aosp-sim qr --eci at full capacity", () => {
  it("counts the ECI header exactly: 2952 bytes with --ec L --eci fill version 40-L and render", async () => {
    const payload = payloadOfBytes(2952);
    const out = file("eci-full.png");
    const result = await runCli(["qr", await writeJson("eci-full.json", payload), "-o", out, "--ec", "L", "--eci", "--scale", "4"], { timeoutMs: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/QR version 40, level L, 177x177 modules, 2952 bytes \(byte mode, UTF-8, ECI 26\)/);
    const decoded = await decodeQrImage(await readFile(out), out);
    expect(decoded.codes[0]).toMatchObject({ text: JSON.stringify(payload), version: 40, ecLevel: "L", eci: 26 });
  }, 120_000);

  it("says when --eci tips a payload over, and never suggests the level already chosen", async () => {
    const atL = await runCli(["qr", await writeJson("eci-2953.json", payloadOfBytes(2953)), "-o", file("x.png"), "--ec", "L", "--eci"]);
    expect(atL.code).toBe(1);
    expect(atL.stderr).toContain("more than any QR code holds after an ECI marker (2952 bytes at level L); the marker's 12 bits (--eci) tip it over");
    expect(atL.stderr).toMatch(/fix: drop --eci: without the marker it fits at level L; or remove 1 byte or more/);
    expect(atL.stderr).not.toContain("--ec L");
    const atM = await runCli(["qr", await writeJson("eci-2331.json", payloadOfBytes(2331)), "-o", file("x.png"), "--ec", "M", "--eci"]);
    expect(atM.code).toBe(1);
    expect(atM.stderr).toContain("more than a level-M QR code holds after its ECI marker (2330 bytes); the marker's 12 bits (--eci) tip it over");
    expect(atM.stderr).toMatch(/fix: use a lower error-correction level: it fits at level L \(--ec L\), or drop --eci/);
    expect(atM.stderr).not.toContain("--ec M");
    expect((await runCli(["qr", file("eci-2331.json"), "-o", file("x.png"), "--ec", "M"])).code).toBe(0);
  }, 120_000);
});

/** The same payload rendered without ECI, as `qr` does by default. */
async function renderWithout(payload: object): Promise<string> {
  const out = file("no-eci.png");
  await runCli(["qr", await writeJson("no-eci.json", payload), "-o", out]);
  return out;
}
