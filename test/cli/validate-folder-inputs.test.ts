/**
 * `validate FOLDER` as a print run's gate: every file the folder holds is checked by content,
 * whatever its name; what is not checked (hidden entries, FIFOs) is named; a symbolic link
 * neither loops nor checks a file twice.
 */
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-validate-folder-");
const CODE = "fixtures/images/intune-valid.png";

describe("validate FOLDER", () => {
  // Before: only names matching *.{png,jpg,...} were looked at, so the WebP, the .jpe and the PNG
  // without an extension vanished, and the gate passed with exit 0.
  it("checks every file by content, whatever its name, and names what it does not check", async () => {
    const run = temp.file("run");
    await mkdir(run);
    await copyFile(CODE, `${run}/A.PNG`);
    await copyFile(CODE, `${run}/d.jpe`);
    await copyFile(CODE, `${run}/code-17`);
    await copyFile(CODE, `${run}/.code-18.png`);
    await sharp(CODE).webp().toFile(`${run}/c.webp`);
    // A HEIC's header alone: recognised, and a format validate does not decode.
    await writeFile(`${run}/e.heic`, Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from("ftypheic"), Buffer.alloc(16)]));
    execFileSync("mkfifo", [`${run}/pipe`]);
    const result = await runCli(["validate", run], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/run\/code-17 +valid /);
    expect(result.stdout).toMatch(/run\/d\.jpe +valid /);
    expect(result.stdout).toMatch(/run\/c\.webp +valid /);
    expect(result.stdout).toMatch(/run\/e\.heic +unreadable .*HEIC\/HEIF image/);
    expect(result.stdout).toMatch(/5 inputs: 4 valid, 0 invalid, 1 unreadable/);
    expect(result.stderr).toMatch(/warning: 2 entries of the folders given not checked: .*run\/\.code-18\.png \(hidden\), .*run\/pipe \(not a regular file\)\n +fix: /);
  });

  it("refuses a folder holding only hidden files, naming them", async () => {
    const hidden = temp.file("hidden");
    await mkdir(hidden);
    await copyFile(CODE, `${hidden}/.code.png`);
    const result = await runCli(["validate", hidden]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds no image .* or payload .* files \(only entries that are not checked: .*hidden\/\.code\.png \(hidden\)\)\n +fix: /);
  });

  // Before: d/sub/loop -> .. was followed once more and d/sub/link.png kept, so one code was
  // checked four times, under four names.
  it("checks a file once however many links lead to it, and does not walk a link back up the tree", async () => {
    const d = temp.file("d");
    await mkdir(`${d}/sub`, { recursive: true });
    await copyFile(CODE, `${d}/intune-valid.png`);
    await symlink("..", `${d}/sub/loop`);
    await symlink("../intune-valid.png", `${d}/sub/link.png`);
    await writeFile(`${d}/sub/p.json`, "{}");
    await symlink("p.json", `${d}/sub/q.json`);
    const result = await runCli(["validate", d, `${d}/**/*.png`, "--json"], { timeoutMs: 60_000 });
    const files = (JSON.parse(result.stdout) as { source: { file: string } }[]).map((e) => e.source.file.slice(d.length));
    expect(files).toEqual(["/intune-valid.png", "/sub/p.json"]);
  });
});
