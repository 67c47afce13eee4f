/**
 * The package's version, read from package.json: the CLI's --version and the mock service's
 * OpenAPI document both show it.
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

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
