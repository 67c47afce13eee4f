/**
 * What `npm pack` ships besides dist/: a package.json without the scripts of a clone (npm 11
 * lists a published `prepare` among the install scripts a consumer must approve, and warned on
 * every install of the tarball), and the LICENSE package.json names. `.ci/pack-check.mjs`
 * installs the real tarball and fails on that warning; this checks the parts without building.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packedManifest } from "../../scripts/pack-manifest.js";

const ROOT = new URL("../../", import.meta.url);
const manifestText = readFileSync(new URL("package.json", ROOT), "utf8");
const manifest = JSON.parse(manifestText) as { license: string; scripts: Record<string, string> };
/** What npm runs (and npm 11 asks a project to approve) when the package is installed. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];

describe("the packed package", () => {
  it("builds in a clone (prepare), and packs a package.json with no install script", () => {
    expect(manifest.scripts["prepare"]).toBe("npm run build");
    expect(manifest.scripts["prepack"]).toBe("npm run build && tsx scripts/pack-manifest.ts strip");
    expect(manifest.scripts["postpack"]).toBe("tsx scripts/pack-manifest.ts restore");
    const packed = JSON.parse(packedManifest(manifestText)) as typeof manifest;
    expect(INSTALL_SCRIPTS.filter((name) => packed.scripts[name] !== undefined)).toEqual([]);
    // Everything else as it was.
    expect({ ...packed, scripts: {} }).toEqual({ ...manifest, scripts: {} });
    expect(Object.keys(packed.scripts)).toEqual(Object.keys(manifest.scripts).filter((name) => name !== "prepare"));
  });

  it("ships the Apache-2.0 text as LICENSE", async () => {
    expect(manifest.license).toBe("Apache-2.0");
    const license = readFileSync(new URL("LICENSE", ROOT), "utf8");
    expect(license).toMatch(/^ +Apache License\n +Version 2\.0, January 2004\n/);
    expect(license).toContain("END OF TERMS AND CONDITIONS");
    // --ignore-scripts: the file list only, without the build prepack runs.
    const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    expect(packed!.files.map((f) => f.path)).toContain("LICENSE");
    // The build's stamp (scripts/build-stamp.ts), by which an installed CLI names its build as a run from source does.
    expect(packed!.files.map((f) => f.path)).toContain("dist/build-stamp.json");
  });
});
