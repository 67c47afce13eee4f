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
  // The device side: ports, runtime, wiring, virtual adapters. It records steps as data and
  // words nothing: report/ sits above it and renders its records.
  "agent/device": ["agent/protocol", "agent/qr", "agent/payload", "agent/android", "agent/machine", "agent/client"],
  // Except where the device is put together and handed out: the composition root wires report's
  // renderers (the device's log, the transcript) onto the runtime's records, and the facade
  // hands out the rendered timeline.
  "agent/device/create-device.ts": ["agent/device", "agent/protocol", "agent/qr", "agent/payload", "agent/android", "agent/machine", "agent/client", "agent/report"],
  "agent/device/device.ts": ["agent/device", "agent/protocol", "agent/machine", "agent/report"],
  "agent/report": ["agent/protocol", "agent/payload", "agent/machine", "agent/client", "agent/device", "agent/cli/output.ts"],
  // Above both sides: the only layer, with the CLI and the index, that may import the service.
  "agent/sim": ["agent", "mock-service"],
  "agent/cli": ["agent", "mock-service", "emulator-scripts"],
  // The scripts that drive a real emulator through adb (aosp-sim emulator ...): the device side, never the service.
  "emulator-scripts": ["agent/protocol", "agent/qr", "agent/payload", "agent/machine", "agent/device", "agent/report"],
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

const files = [...sourceFiles("agent"), ...sourceFiles("mock-service"), ...sourceFiles("emulator-scripts")];

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

  it("keeps wording out of the device's runtime: only the composition root and the facade reach report/", () => {
    const wiring = ["agent/device/create-device.ts", "agent/device/device.ts"];
    const offenders = files
      .filter((f) => f.startsWith("agent/device/") && !wiring.includes(f))
      .flatMap((f) => importsOf(f).filter((t) => within(t, "agent/report")).map((t) => `${f} imports ${t}`));
    expect(offenders).toEqual([]);
    expect(importsOf("agent/device/runtime.ts")).toContain("agent/device/step-record.ts");
  });

  it("sees the imports it checks (a known import is found)", () => {
    expect(importsOf("agent/sim/scenario.ts")).toContain("mock-service/index.ts");
  });
});
