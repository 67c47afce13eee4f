/**
 * The package's version, read from package.json: the CLI's --version and the mock service's
 * OpenAPI document both show it. And the build that runs (toolBuild): a fleet's summary carries
 * both, so merge-reports can tell shards of different builds apart.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;
let cachedBuild: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  // From the source tree (agent/protocol/) or the build (dist/agent/protocol/), package.json is two or three folders up.
  for (const relative of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "aosp-enroll-sim" && typeof pkg.version === "string") return (cached = pkg.version);
    } catch {
      // try the next location
    }
  }
  return (cached = "0.0.0");
}

/**
 * The build that runs, as 12 hex digits: a SHA-256 of the package's own code (agent/ and
 * mock-service/, their .js and .ts files but type declarations, by path and content), read once
 * per process. package.json's version is not bumped for every build, so two images built from
 * different commits both say 0.1.0; their code tells them apart. Run from source (tsx, vitest)
 * it is the TypeScript's digest, so it differs from the built JavaScript's of the same commit.
 */
export function toolBuild(): string {
  if (cachedBuild !== undefined) return cachedBuild;
  // agent/protocol/ (source) or dist/agent/protocol/ (build): the code is two folders up.
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const hash = createHash("sha256");
  const files = ["agent", "mock-service"].flatMap((top) => codeFiles(root, top));
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return (cachedBuild = hash.digest("hex").slice(0, 12));
}

/** The code files under `folder` (relative to `root`), relative paths with "/"; none when it is not there. */
function codeFiles(root: string, folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(root, folder), { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries
    .map((entry) => entry.split("\\").join("/"))
    .filter((entry) => /\.(js|ts)$/.test(entry) && !entry.endsWith(".d.ts") && !entry.split("/").includes("node_modules"))
    .map((entry) => `${folder}/${entry}`);
}
