/**
 * The build a fleet benchmark runs: its worker threads need compiled JavaScript, so the fleet is
 * imported from a dist/ folder (this checkout's, or another build's to compare against), which
 * must hold the fleet. Said in one line, exit 2, where it does not (a fresh clone before
 * `npm run build`, a mistyped --dist).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The absolute path of `dir` (a dist/ folder), after checking it holds a built fleet. */
export function fleetBuild(bench: string, dir: string): string {
  const dist = resolve(dir);
  if (!existsSync(resolve(dist, "agent/sim/fleet/run-fleet.js"))) {
    console.error(`${bench}: ${dist} holds no built fleet; run \`npm run build\` there first`);
    process.exit(2);
  }
  return dist;
}

/** Imports module `path` (e.g. "agent/sim/fleet/run-fleet.js") of the build at `dist`. */
export function importFromBuild<T>(dist: string, path: string): Promise<T> {
  return import(pathToFileURL(resolve(dist, path)).href) as Promise<T>;
}
