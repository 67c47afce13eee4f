/**
 * `mkdir -p` that always returns: a folder made level by level, and the reason in words when it
 * cannot be (a file in the way, a link to nothing, a kernel filesystem such as /proc, where
 * Node's recursive mkdir never returns).
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { folderProblem, makeFolder } from "../../agent/protocol/make-folder.js";

const dir = mkdtempSync(join(tmpdir(), "aosp-make-folder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("makeFolder and folderProblem", () => {
  it("makes missing levels, and is content with a folder that exists", () => {
    const nested = join(dir, "a", "b", "c");
    expect(folderProblem(nested)).toBeNull();
    expect(makeFolder(nested)).toBeNull();
    expect(existsSync(nested)).toBe(true);
    expect(makeFolder(nested)).toBeNull();
  });

  it("names a file in the way", () => {
    const file = join(dir, "file");
    writeFileSync(file, "");
    const expected = { at: file, code: "ENOTDIR", reason: `${file} is a file, not a folder` };
    expect(folderProblem(join(file, "x", "y"))).toEqual(expected);
    expect(makeFolder(join(file, "x", "y"))).toEqual(expected);
    expect(makeFolder(file)).toEqual(expected);
  });

  // Before, "/dev/null is not a folder (a device, socket or pipe), not a folder".
  it.skipIf(process.platform === "win32")("names a device in the way once, as a device", () => {
    const expected = { at: "/dev/null", code: "ENOTDIR", reason: "/dev/null is a device, not a folder" };
    expect(folderProblem("/dev/null")).toEqual(expected);
    expect(makeFolder("/dev/null/out")).toEqual(expected);
  });

  it("names a symbolic link to nothing", () => {
    const link = join(dir, "dangling");
    symlinkSync(join(dir, "nowhere"), link);
    expect(makeFolder(join(link, "out"))).toMatchObject({ at: link, reason: `${link} is a symbolic link to ${join(dir, "nowhere")}, which does not exist` });
  });

  it.skipIf(process.platform !== "linux")("returns at once under /proc and /sys, saying they are the kernel's", () => {
    const proc = { at: "/proc", code: "EPERM", reason: "/proc is on procfs, the kernel's own filesystem, where no folder or file can be made" };
    expect(folderProblem("/proc/aosp-sim/x")).toEqual(proc);
    expect(makeFolder("/proc/aosp-sim/x")).toEqual(proc);
    expect(makeFolder("/proc/aosp-sim")).toEqual(proc);
    expect(folderProblem("/proc")).toEqual(proc);
    expect(makeFolder("/sys/aosp-sim")).toMatchObject({ at: "/sys", reason: expect.stringMatching(/^\/sys is on sysfs/) });
  });
});
