/**
 * `aosp-sim decode` as a user runs it (the built CLI, spawned): exact text on stdout, one JSON
 * document with --json, headers for several codes, exit 0/1/2, one clear line per bad input.
 * Needs `npm run build` first (npm test does it).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disagreementWarning } from "../../agent/cli/decode.js";
import type { DecodedCode } from "../../agent/qr/types.js";
import { blank, drawQr, encode, place, pngWithDeclaredSize, qrPng, truncate } from "../helpers/qr-images.js";
import { assertBuilt, runCli } from "../payload/support/cli.js";

const PAYLOAD = JSON.stringify({
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
  "android.app.extra.PROVISIONING_WIFI_SSID": "Café-Staging 会議室 📶",
});

let dir = "";
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), "aosp-decode-"));
  const two = blank(520, 260);
  place(two, drawQr("left code", { scale: 5 }), 10, 10);
  place(two, drawQr("right code", { scale: 5 }), 270, 10);
  await Promise.all([
    writeFile(file("payload.png"), await qrPng(PAYLOAD)),
    writeFile(file("two.png"), await encode(two)),
    writeFile(file("blank.png"), await encode(blank(120, 80))),
    writeFile(file("huge.png"), pngWithDeclaredSize(50_000, 50_000)),
    writeFile(file("truncated.png"), truncate(await qrPng("cut"), 0.5)),
    writeFile(file("empty.png"), ""),
    writeFile(file("notes.txt"), "not an image\n"),
    mkdir(file("folder")),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

// Each test spawns its own CLI process and asserts no snapshots, so they can run side by side.
describe.concurrent("aosp-sim decode", () => {
  it("prints the payload byte for byte, so stdout can be saved as the payload file", async () => {
    const result = await runCli(["decode", file("payload.png")]);
    expect(result).toEqual({ code: 0, stdout: PAYLOAD, stderr: "" });
  });

  it("reads the image from stdin with -", async () => {
    const result = await runCli(["decode", "-"], { stdin: await readFile(file("payload.png")) });
    expect(result).toMatchObject({ code: 0, stdout: PAYLOAD });
  });

  it("prints one JSON array with --json, one element per code, and nothing else on stdout", async () => {
    const result = await runCli(["decode", "--json", file("payload.png"), file("two.png")]);
    expect(result.code).toBe(0);
    const codes = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(codes.map((c) => [c["file"], c["text"]])).toEqual([
      [file("payload.png"), PAYLOAD],
      [file("two.png"), "left code"],
      [file("two.png"), "right code"],
    ]);
    expect(codes[0]).toMatchObject({
      decoder: "zxing", ecLevel: "M", mode: "byte", eci: null, disagreement: null, unusedErrorCorrection: 1, symbolContrast: 1,
    });
    for (const code of codes) {
      // The contract's fields (DESIGN.md), first and in its order; the rest follow.
      expect(Object.keys(code).slice(0, 7)).toEqual(["file", "text", "decoder", "version", "ecLevel", "mode", "eci"]);
      expect(code["moduleCount"]).toBe(17 + 4 * (code["version"] as number));
    }
  });

  it("puts a header before each code when there are several", async () => {
    const result = await runCli(["decode", file("two.png"), file("payload.png")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `==> ${file("two.png")} [1/2] <==\nleft code\n\n==> ${file("two.png")} [2/2] <==\nright code\n\n` +
        `==> ${file("payload.png")} <==\n${PAYLOAD}\n`,
    );
  });

  it("exits 1 when an image holds no code, and still prints the others", async () => {
    const result = await runCli(["decode", file("blank.png"), file("payload.png")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`==> ${file("payload.png")} <==\n${PAYLOAD}\n`);
    expect(result.stderr).toContain(`${file("blank.png")}: no QR code found in the 120x80 image`);
  });

  it("gives --json an empty array and exit 1 for an image without a code", async () => {
    const result = await runCli(["decode", "--json", file("blank.png")]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it("exits 2 with one clear line and a fix for each unreadable input, never a stack trace", async () => {
    const cases: [string, string][] = [
      ["missing.png", "no such file"],
      ["folder", "is a directory, not an image file"],
      ["empty.png", "is empty (0 bytes), not an image"],
      ["notes.txt", "is not an image (no PNG, JPEG, GIF, BMP, TIFF, WebP or AVIF signature)"],
      ["huge.png", "is 50000x50000 pixels (2,500,000,000 pixels), more than the 25,000,000 (25 MP) this tool decodes"],
      ["truncated.png", "is a damaged or truncated PNG file"],
    ];
    const result = await runCli(["decode", ...cases.map(([name]) => file(name))]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2 * cases.length); // the error, then its fix
    cases.forEach(([name, message], i) => {
      expect(lines[2 * i]).toContain(`aosp-sim: ${file(name)}: ${message}`);
      expect(lines[2 * i + 1]).toMatch(/^\s+fix: \S/);
    });
    noStackTrace(result.stderr);
  });

  it("reports the readable images even when another cannot be read (exit 2)", async () => {
    const result = await runCli(["decode", "--json", file("missing.png"), file("payload.png")]);
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as { text: string }[]).map((c) => c.text)).toEqual([PAYLOAD]);
    expect(result.stderr).toContain("no such file");
  });

  it("treats a missing image argument or - given twice as a usage error (exit 2)", async () => {
    expect((await runCli(["decode"])).code).toBe(2);
    const twice = await runCli(["decode", "-", "-"], { stdin: "" });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("stdin (-) can be given only once");
  });
});

describe("the warning for a code the decoders read differently", () => {
  const code: DecodedCode = {
    text: '{"ssid":"0ffice"}',
    bytes: new Uint8Array(),
    decoder: "zxing+jsqr",
    decoders: ["zxing", "jsqr"],
    unusedErrorCorrection: 0.1,
    symbolContrast: 0.8,
    version: 2,
    ecLevel: "M",
    mode: "byte",
    eci: null,
    moduleCount: 25,
    corners: null,
    disagreement: [
      { decoder: "zxing", text: '{"ssid":"0ffice"}' },
      { decoder: "jsqr", text: '{"ssid":"Office"}' },
    ],
  };

  it("names both readings and which one is shown", () => {
    const warning = disagreementWarning("code.png", code)!;
    expect(warning).toContain("code.png: the decoders disagree about one code");
    expect(warning).toContain('zxing read "{\\"ssid\\":\\"0ffice\\"}"');
    expect(warning).toContain('jsqr read "{\\"ssid\\":\\"Office\\"}"');
    expect(warning).toContain("showing zxing's reading");
  });

  it("says nothing when the decoders agree", () => {
    expect(disagreementWarning("code.png", { ...code, disagreement: null })).toBeNull();
  });
});
