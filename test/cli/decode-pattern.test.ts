/**
 * `decode "dir/*.png"`: a pattern the shell did not expand (it was quoted) is named as such, with
 * how to let the shell expand it and that `validate` expands patterns itself. Before, it was only
 * "no such file", though `validate` reads the same argument.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { registerDecode } from "../../agent/cli/decode.js";
import { qrPng } from "../helpers/qr-images.js";
import { runCommand } from "../helpers/in-process-cli.js";

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aosp-decode-pattern-"));
  await writeFile(join(dir, "a.png"), await qrPng("a code"));
});

describe("decode of a quoted pattern", () => {
  it("says the shell did not expand it and how to, exit 2", async () => {
    const pattern = join(dir, "*.png");
    const result = await runCommand(registerDecode, ["decode", pattern]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`aosp-sim: ${pattern}: is a pattern the shell did not expand (it was quoted), and decode does not expand patterns itself\n`);
    expect(result.stderr).toContain(`fix: leave the pattern unquoted so the shell expands it (aosp-sim decode ${pattern}), or run aosp-sim validate "${pattern}", which expands patterns itself`);
  });

  it("still reads a file whose name holds a pattern character", async () => {
    const file = join(dir, "[1].png");
    await writeFile(file, await qrPng("bracketed"));
    const result = await runCommand(registerDecode, ["decode", file]);
    expect(result).toMatchObject({ code: 0, stdout: "bracketed" });
  });
});
