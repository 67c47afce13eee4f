/**
 * The import rules of docs/architecture.md ("Layers"), checked on every source file so they stay:
 * imports point down, the mock service uses only the bottom layers, and only the simulation
 * layer (with the CLI and the library's index) may hold both the device side and the service.
 *
 * The scan reads each file's import and export-from specifiers (static and dynamic) with
 * TypeScript's own pre-processor, resolves relative ones to repository paths, and names every
 * import a rule forbids.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);

/** What each part of the tree may import (besides itself and node/npm packages). */
const ALLOWED: Record<string, readonly string[]> = {
  "agent/protocol": [],
  "agent/qr": ["agent/protocol"],
  "agent/payload": ["agent/protocol", "agent/qr"],
  "agent/android": ["agent/protocol", "agent/payload"],
  "agent/machine": ["agent/protocol", "agent/payload", "agent/android"],
  "agent/client": ["agent/protocol", "agent/machine"],
  // The device side: ports, runtime, wiring, virtual adapters; it renders through report/.
  "agent/device": ["agent/protocol", "agent/qr", "agent/payload", "agent/android", "agent/machine", "agent/client", "agent/report"],
  "agent/report": ["agent/protocol", "agent/payload", "agent/machine", "agent/client", "agent/device", "agent/cli/output.ts"],
  // Above both sides: the only layer, with the CLI and the index, that may import the service.
  "agent/sim": ["agent", "mock-service"],
  "agent/cli": ["agent", "mock-service"],
  "agent/index.ts": ["agent", "mock-service"],
  "mock-service": ["agent/protocol", "agent/android", "agent/qr", "agent/payload"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

const scanned = new Map<string, string[]>();

/** The repository paths a file imports (relative specifiers only; packages are not layers). */
function importsOf(file: string): string[] {
  let found = scanned.get(file);
  if (!found) scanned.set(file, (found = scan(file)));
  return found;
}

function scan(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)).replace(/\.js$/, ".ts"));
}

/** The most specific rule that covers a path ("agent/cli/output.ts" before "agent/cli"). */
function ruleFor(file: string): string | undefined {
  return Object.keys(ALLOWED)
    .filter((key) => file === key || file.startsWith(`${key}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function within(target: string, area: string): boolean {
  return target === area || target.startsWith(`${area}/`);
}

const files = [...sourceFiles("agent"), ...sourceFiles("mock-service")];

describe("import rules (docs/architecture.md)", () => {
  it("covers every source file with a rule", () => {
    expect(files.filter((f) => ruleFor(f) === undefined)).toEqual([]);
  });

  it("lets every file import only its own layer and the layers its rule allows", () => {
    const broken: string[] = [];
    for (const file of files) {
      const rule = ruleFor(file)!;
      for (const target of importsOf(file)) {
        if (within(target, rule)) continue;
        if (ALLOWED[rule]!.some((area) => within(target, area))) continue;
        broken.push(`${file} imports ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("keeps the mock service out of everything below the simulation layer", () => {
    const below = files.filter((f) => f.startsWith("agent/") && !/^agent\/(sim|cli)\//.test(f) && f !== "agent/index.ts");
    const offenders = below.flatMap((f) => importsOf(f).filter((t) => within(t, "mock-service")).map((t) => `${f} imports ${t}`));
    expect(offenders).toEqual([]);
  });

  it("sees the imports it checks (a known import is found)", () => {
    expect(importsOf("agent/sim/scenario.ts")).toContain("mock-service/index.ts");
  });
});
