/**
 * The `validate` table of several inputs keeps its columns aligned whatever the file names: a
 * name longer than the file column (60 characters) is printed on a line of its own above its
 * row. Before, such a row pushed its result and counts out of the columns. Runs the built CLI
 * (several files are checked on worker threads, which load dist/).
 */
import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "../payload/support/cli.js";

const FIXTURES = new URL("../../fixtures/payloads/", import.meta.url).pathname;

describe("the validate table of several inputs", () => {
  it("keeps its columns aligned past 60-character names", async () => {
    assertBuilt();
    const dir = await mkdtemp(join(tmpdir(), "aosp-table-"));
    const long = join(dir, "x".repeat(70));
    await mkdir(long);
    await copyFile(join(FIXTURES, "intune-valid.json"), join(long, "a.json"));
    const short = join(dir, "b.json");
    await copyFile(join(FIXTURES, "checksum-hex.json"), short);
    const result = await runCli(["validate", join(long, "a.json"), short]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const header = lines[0]!;
    const resultColumn = header.indexOf("result");
    const errorsEnd = header.indexOf("errors") + "errors".length;
    // The long name alone on its line, then its row with the file cell blank.
    expect(lines[1]).toBe(join(long, "a.json"));
    const rows = [lines[2]!, lines[3]!];
    expect(rows[0]!.slice(0, resultColumn).trim()).toBe("");
    expect(rows[1]!.startsWith(short)).toBe(true);
    for (const row of rows) {
      expect(row.slice(resultColumn)).toMatch(/^(valid|invalid) /);
      expect(row.slice(errorsEnd - 1, errorsEnd)).toMatch(/\d/);
    }
  });
});
