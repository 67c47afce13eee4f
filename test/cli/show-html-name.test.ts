/**
 * `show --html FILE` says where it wrote the page on one line, whatever the file's name holds:
 * a newline or an escape sequence in the name is written escaped, as every error names a path.
 */
import { statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerShow } from "../../agent/cli/show.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { runCommand } from "../helpers/in-process-cli.js";

const temp = deviceTempDir("aosp-show-name-");

beforeAll(async () => {
  const ran = await aospSim(["run", "--seed", "1", "--transcript", temp.file("run.jsonl")]);
  expect(ran.code, ran.stderr).toBe(0);
}, 60_000);

describe("show --html", () => {
  // Before, "wrote /tmp/.../a" and "b\x1b[31m.html" on a line of its own, in red.
  it("names a page file holding a newline or an escape sequence on one line", async () => {
    const html = temp.file("a\nb\u001b[31m.html");
    const result = await runCommand(registerShow, ["show", temp.file("run.jsonl"), "--html", html]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`wrote ${temp.file("a\\x0ab\\x1b[31m.html")}\n`);
    expect(statSync(html).isFile()).toBe(true);
  });
});
