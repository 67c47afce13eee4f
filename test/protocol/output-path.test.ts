/**
 * Whether a report can be written, found before the work that produces it, by trying: a new file
 * is created and removed again, an existing one opened without being truncated.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unwritableReason } from "../../agent/protocol/output-path.js";

const dir = mkdtempSync(join(tmpdir(), "aosp-output-path-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("unwritableReason", () => {
  it("a new file in a writable folder: writable, and nothing is left behind", () => {
    const path = join(dir, "new.html");
    expect(unwritableReason(path, "fleet.html")).toBeNull();
    expect(existsSync(path)).toBe(false);
  });

  it("an existing file: writable, and its content is kept", () => {
    const path = join(dir, "old.xml");
    writeFileSync(path, "the previous report");
    expect(unwritableReason(path, "fleet.xml")).toBeNull();
    expect(readFileSync(path, "utf8")).toBe("the previous report");
  });

  it("a folder, or a folder that does not exist, is said as such", () => {
    expect(unwritableReason(dir, "fleet.html")?.problem).toBe("this is a folder");
    expect(unwritableReason(join(dir, "missing", "x.html"), "fleet.html")?.problem).toBe(`its folder ${join(dir, "missing")} does not exist`);
  });

  it("a folder where no file can be made (/proc, whatever its permission bits say to root)", () => {
    const problem = unwritableReason("/proc/aosp-sim-report.html", "fleet.html")?.problem;
    expect(problem).toMatch(/^(no file can be created in \/proc \(\w+\)|\/proc is not writable \(\w+\))$/);
    expect(existsSync("/proc/aosp-sim-report.html")).toBe(false);
  });
});
