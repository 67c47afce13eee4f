/**
 * A consumer's bundler keeps only what the consumer uses. The package's modules do nothing on
 * import that another module relies on (no import is for its effect alone), and package.json says
 * so (`"sideEffects": false`); without it a bundler keeps every module the entry re-exports, the
 * mock service and its fastify with them, for one helper. Bundled from the built entry (dist),
 * by the package's own name, with esbuild as a consumer would run it.
 */
import { build } from "esbuild";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A bundle of `imports` taken from the package (its dependencies left out, as a consumer's node_modules would hold them). */
async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: "js" },
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    // The package by its own name: package.json's exports, as a consumer resolves it.
    alias: { "aosp-enroll-sim": "./dist/agent/index.js" },
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

describe("the package in a consumer's bundle", () => {
  it("brings one helper alone, not the mock service or the device (npm run build first)", async () => {
    const code = await bundle('import { parseDuration } from "aosp-enroll-sim"; console.log(parseDuration("5m"));');
    expect(code).toContain("function parseDuration");
    expect(code).not.toMatch(/from "fastify"|startMockService|createDevice/);
    expect(code.length).toBeLessThan(20_000);
  });

  it("still brings, and runs, what a used export needs", async () => {
    const code = await bundle('import { checkPayloadText } from "aosp-enroll-sim"; export default checkPayloadText("{}").findings.map((f) => f.rule);');
    expect(code).not.toMatch(/from "fastify"|startMockService/);
    // Run beside the package's own dependencies, as a consumer's node_modules would give them.
    const dir = mkdtempSync(join(tmpdir(), "aosp-shaken-"));
    try {
      symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
      writeFileSync(join(dir, "bundle.mjs"), code);
      const rules = ((await import(pathToFileURL(join(dir, "bundle.mjs")).href)) as { default: string[] }).default;
      expect(rules).toEqual(["admin-component-missing", "no-download-location"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
