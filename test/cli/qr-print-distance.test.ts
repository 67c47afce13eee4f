/**
 * `qr --print-width`: a print too large for a phone camera's view at 25-30 cm is said to be so,
 * with the distances a phone reads it from (it sees all of it from about 26/24 of its width
 * away, and reads it up to ten times the code's width, the 10:1 rule). Before, a 1000 mm print
 * (a 936 mm code) was said to be read "at 25-30 cm".
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerQr } from "../../agent/cli/qr.js";
import { runCommand } from "../helpers/in-process-cli.js";

const PAYLOAD = new URL("../../fixtures/payloads/intune-valid.json", import.meta.url).pathname;

async function qrPrint(width: string): Promise<{ stdout: string; json: { print: Record<string, unknown> } }> {
  const out = join(await mkdtemp(join(tmpdir(), "aosp-qr-print-")), "code.png");
  const human = await runCommand(registerQr, ["qr", PAYLOAD, "-o", out, "--print-width", width]);
  const json = await runCommand(registerQr, ["qr", PAYLOAD, "-o", out, "--print-width", width, "--json"]);
  expect(human.code).toBe(0);
  return { stdout: human.stdout, json: JSON.parse(json.stdout) as { print: Record<string, unknown> } };
}

describe("qr --print-width and the reading distance", () => {
  it("says a 1000 mm print is too large for 25-30 cm and gives the distances it reads from", async () => {
    const { stdout, json } = await qrPrint("1000");
    expect(stdout).not.toContain("reads it at 25-30 cm");
    expect(stdout).toContain("at 1000 mm wide, a module is 8.00 mm and the code 936 mm: too large for a phone camera at 25-30 cm (it sees all of it from about 1.1 m, and reads it up to about 9.4 m); for 25-30 cm print it at most 276 mm wide");
    expect(json.print).toMatchObject({ readableAt30cm: false, maxWidthMm: 276, readingDistanceMm: { from: 1083, to: 9360 } });
  });

  it("still reads a print that fits at 30 cm, up to the widest", async () => {
    const { stdout, json } = await qrPrint("276");
    expect(stdout).toContain("a phone camera reads it at 25-30 cm");
    expect(json.print).toMatchObject({ readableAt30cm: true, readingDistanceMm: { from: 299 } });
    expect((await qrPrint("277")).json.print["readableAt30cm"]).toBe(false);
  });
});
