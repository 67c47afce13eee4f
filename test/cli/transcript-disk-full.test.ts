/**
 * Output files on a full disk (/dev/full): the commands that write a transcript or a page end with
 * the file, the problem and the fix, exit 2. Before, enroll and run said "internal error: ENOSPC",
 * and show --html's fix was to check the folder exists.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-disk-full-");
const FULL = "aosp-sim: /dev/full: cannot be written: ENOSPC: no space left on device, write\n  fix: free some space on that disk, or give a path on another\n";
const PAYLOAD = `${ROOT}fixtures/payloads/android-valid-full.json`;

describe.runIf(existsSync("/dev/full"))("a transcript or page written to a full disk", { timeout: 60_000 }, () => {
  it.each([
    ["enroll --transcript", ["enroll", PAYLOAD, "--seed", "1", "--transcript", "/dev/full"]],
    ["run --transcript", ["run", "--transcript", "/dev/full"]],
  ])("%s: the file, the problem and the fix, exit 2", async (_name, args) => {
    const result = await runCli(args, { timeoutMs: 30_000 });
    expect(result.stderr).toBe(FULL);
    expect(result.code).toBe(2);
  });

  it("show --html: the fix for a full disk", async () => {
    const transcript = temp.file("enrollment.jsonl");
    await runCli(["enroll", PAYLOAD, "--seed", "1", "--clock", "simulated", "--transcript", transcript], { timeoutMs: 30_000 });
    const result = await runCli(["show", transcript, "--html", "/dev/full"]);
    expect(result.stderr).toBe(FULL);
    expect(result.code).toBe(2);
  });
});
