/**
 * `decode` of a code whose bytes are meant to be UTF-8 and are not (a Latin-1 payload rendered
 * with `qr --force`) prints those bytes unchanged, with a warning on stderr, so `decode code.png
 * > payload.json` holds what the device is given and validates as the image does (text-encoding).
 * Before, it printed a converted text (Latin-1 read as UTF-8, or U+FFFD), which validated clean.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerDecode } from "../../agent/cli/decode.js";
import { registerValidate } from "../../agent/cli/validate-command.js";
import { qrPng } from "../helpers/qr-images.js";
import { runCommand } from "../helpers/in-process-cli.js";

const PAYLOAD = Buffer.concat([
  Buffer.from('{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_WIFI_SSID":"Caf'),
  Buffer.from([0xe9]),
  Buffer.from('"}'),
]);

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aosp-decode-bytes-"));
  await writeFile(join(dir, "latin1.png"), await qrPng(new Uint8Array(PAYLOAD)));
});

/** Runs decode in this process, keeping stdout as bytes (the text helper would turn them into a string). */
async function decodeBytes(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const chunks: Buffer[] = [];
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (chunks.push(Buffer.from(chunk as string | Uint8Array)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const exitCode = process.exitCode;
  try {
    const program = new Command("aosp-sim").exitOverride();
    registerDecode(program);
    await program.parseAsync(["node", "aosp-sim", "decode", ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: Buffer.concat(chunks), stderr };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = exitCode;
  }
}

afterEach(() => vi.restoreAllMocks());

describe("decode of a code whose bytes are not UTF-8", () => {
  it("prints the code's bytes unchanged and warns on stderr", async () => {
    const result = await decodeBytes([join(dir, "latin1.png")]);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(PAYLOAD)).toBe(true);
    expect(result.stderr).toContain(`latin1.png: the code's bytes are not valid UTF-8 (first bad byte at offset ${PAYLOAD.indexOf(0xe9)}): its bytes are printed unchanged, as the device is given them`);
  });

  it("keeps the bytes in a block of several codes too", async () => {
    const result = await decodeBytes([join(dir, "latin1.png"), join(dir, "latin1.png")]);
    const header = Buffer.from(`==> ${join(dir, "latin1.png")} <==\n`);
    expect(result.stdout.equals(Buffer.concat([header, PAYLOAD, Buffer.from("\n\n"), header, PAYLOAD, Buffer.from("\n")]))).toBe(true);
  });

  it("says under --json that the text is a converted reading", async () => {
    const result = await decodeBytes(["--json", join(dir, "latin1.png")]);
    expect(result.stderr).toContain("its \"text\" in --json is a converted reading");
  });

  it("gives a payload file that validates as the image does", async () => {
    const decoded = join(dir, "decoded.json");
    await writeFile(decoded, (await decodeBytes([join(dir, "latin1.png")])).stdout);
    const fromFile = await runCommand(registerValidate, ["validate", decoded, "--json"]);
    const fromImage = await runCommand(registerValidate, ["validate", join(dir, "latin1.png"), "--json"]);
    expect(fromImage.code).toBe(1);
    expect(fromFile.code).toBe(1);
    const rules = (stdout: string) => (JSON.parse(stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules(fromFile.stdout)).toContain("text-encoding");
    expect(rules(fromImage.stdout)).toContain("text-encoding");
  });
});
