/**
 * A file a command writes that is the file its standard output goes to (`enroll --transcript
 * t.jsonl > t.jsonl`): every such command prints there too, so the two would be written into each
 * other. Refused before anything runs, exit 2; `qr -o -` stays the way to put the PNG alone on stdout.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../payload/support/cli.js";

const MAIN = fileURLToPath(new URL("../../dist/agent/cli/main.js", import.meta.url));
const PAYLOAD = fileURLToPath(new URL("../../fixtures/payloads/android-valid-full.json", import.meta.url));
const temp = useTempDir("aosp-stdout-file-");

/** Runs the CLI with its standard output going to `path`; the exit code and stderr. */
function runInto(path: string, args: string[]): { status: number | null; stderr: string } {
  const fd = openSync(path, "w");
  try {
    const run = spawnSync(process.execPath, [MAIN, ...args], { stdio: ["ignore", fd, "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    return { status: run.status, stderr: run.stderr.toString() };
  } finally {
    closeSync(fd);
  }
}

// Before: enroll wove its timeline into the transcript (show then said "line 1 is not JSON"), and
// qr's "wrote ..." line into the PNG.
describe("an output file that is where standard output goes", () => {
  it.each([
    ["enroll --transcript", (out: string) => ["enroll", PAYLOAD, "--clock", "simulated", "--transcript", out], "--transcript", "transcript"],
    ["run --transcript", (out: string) => ["run", "--transcript", out], "--transcript", "transcript"],
    ["qr -o", (out: string) => ["qr", PAYLOAD, "-o", out], "-o", "PNG"],
  ])("%s is refused before anything runs, exit 2", (_name, args, option, what) => {
    const out = temp.file(`${option.replace(/-/g, "")}.out`);
    const { status, stderr } = runInto(out, args(out));
    expect(status, stderr).toBe(2);
    expect(stderr).toContain(`${option} ${out}: is the file this command's output goes to (its standard output) too: the ${what} and the output would be written into each other`);
    expect(readFileSync(out, "utf8")).toBe("");
  });

  it("show --html too, and qr -o /dev/stdout is told to use -o -", () => {
    const transcript = temp.file("t.jsonl");
    expect(spawnSync(process.execPath, [MAIN, "enroll", PAYLOAD, "--clock", "simulated", "--transcript", transcript]).status).not.toBe(2);
    const page = temp.file("page.html");
    expect(runInto(page, ["show", transcript, "--html", page]).stderr).toMatch(/--html .*page\.html: is the file this command's output goes to/);
    const png = temp.file("qr.png");
    const qr = runInto(png, ["qr", PAYLOAD, "-o", "/dev/stdout"]);
    expect(qr.status).toBe(2);
    expect(qr.stderr).toMatch(/fix: give the PNG a file of its own, e\.g\. -o qr\.png, or -o - for the PNG alone on stdout/);
  });
});
