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
 * What `npm run build` writes beside dist/agent and dist/mock-service (scripts/build-stamp.ts):
 * the digest of the sources it compiled, and of the code it wrote from them.
 */
export const BUILD_STAMP = "build-stamp.json";

/**
 * The build that runs, as 12 hex digits: a SHA-256 of the package's own sources (agent/ and
 * mock-service/, their .ts and .js files but type declarations, by path and content), read once
 * per process. package.json's version is not bumped for every build, so two images built from
 * different commits both say 0.1.0; their code tells them apart. Run from source (tsx, vitest)
 * it is the digest of those sources; run from the build, it is the digest the build stamped of
 * the sources it compiled, so a shard run under vitest and one run by the built CLI of the same
 * commit name one build (before, the built JavaScript's own digest: merge-reports refused them).
 * A build whose code is not what its stamp says it wrote (compiled again by tsc alone, edited)
 * is named by the digest of its code, which matches no other build's.
 */
export function toolBuild(): string {
  // agent/protocol/ (source) or dist/agent/protocol/ (build): the code is two folders up.
  return (cachedBuild ??= buildAt(fileURLToPath(new URL("../../", import.meta.url))));
}

/** The build of the code under `root` (a source tree or a build's dist/), as toolBuild says it. */
export function buildAt(root: string): string {
  const code = codeDigest(root);
  let stamp: unknown;
  try {
    stamp = JSON.parse(readFileSync(join(root, BUILD_STAMP), "utf8"));
  } catch {
    return code;
  }
  const { source, code: stamped } = (typeof stamp === "object" && stamp !== null ? stamp : {}) as { source?: unknown; code?: unknown };
  return stamped === code && typeof source === "string" && /^[0-9a-f]{12}$/.test(source) ? source : code;
}

/** 12 hex digits of a SHA-256 of the code files under `root`'s agent/ and mock-service/, by path and content. */
export function codeDigest(root: string): string {
  const hash = createHash("sha256");
  const files = ["agent", "mock-service"].flatMap((top) => codeFiles(root, top));
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest("hex").slice(0, 12);
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
