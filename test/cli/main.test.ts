/**
 * What every command shares, as a user meets it at the shell: help, version, usage errors, and
 * output piped into a reader that stops early (`aosp-sim diagram | head -1`).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { aospSim } from "../helpers/device-cli.js";

const MAIN = fileURLToPath(new URL("../../dist/agent/cli/main.js", import.meta.url));

describe("aosp-sim", () => {
  it("lists every command in --help", async () => {
    const result = await aospSim(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["decode", "validate", "qr", "serve", "enroll", "run", "diagram"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it("prints its version", async () => {
    const result = await aospSim(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 on an unknown command and suggests the closest one", async () => {
    const result = await aospSim(["validat", "x.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'validat'/);
    expect(result.stderr).toMatch(/Did you mean validate\?/);
  });

  it("exits 2 on a missing argument", async () => {
    const result = await aospSim(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });

  it("stops quietly, without a stack trace, when the reader of its output goes away", async () => {
    const child = spawn(process.execPath, [MAIN, "diagram"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // like `| head -0`: nobody reads what it writes
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(code).toBe(0);
  });
});
