/**
 * The build a benchmark runs. Worker threads and child processes need compiled JavaScript, so
 * benchmarks run a dist/ folder (this checkout's, or another build's to compare against). Where
 * it lacks what the bench runs (a fresh clone before `npm run build`, a mistyped --dist), that is
 * said in one line, exit 2, instead of a stack trace from an import or a spawn.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** This checkout's build. */
export const OWN_BUILD = fileURLToPath(new URL("../dist/", import.meta.url));

/** The absolute path of `dir` (a dist/ folder), after checking it holds `entry`, which is `what`. */
export function requireBuild(bench: string, dir: string, entry: string, what: string): string {
  const dist = resolve(dir);
  if (!existsSync(resolve(dist, entry))) {
    console.error(`${bench}: ${dist} holds no ${what}; run \`npm run build\` there first`);
    process.exit(2);
  }
  return dist;
}

/** The absolute path of `dir` (a dist/ folder), after checking it holds a built fleet. */
export function fleetBuild(bench: string, dir: string): string {
  return requireBuild(bench, dir, "agent/sim/fleet/run-fleet.js", "built fleet");
}

/** The CLI's entry point in the build at `dir`, after checking it is there. */
export function cliOfBuild(bench: string, dir: string = OWN_BUILD): string {
  return resolve(requireBuild(bench, dir, "agent/cli/main.js", "built CLI"), "agent/cli/main.js");
}

/** Imports module `path` (e.g. "agent/sim/fleet/run-fleet.js") of the build at `dist`. */
export function importFromBuild<T>(dist: string, path: string): Promise<T> {
  return import(pathToFileURL(resolve(dist, path)).href) as Promise<T>;
}

/** `aosp-sim serve --port 0 <args>` of this build, once it listens: its URL and admin token. */
export function startServe(bench: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; adminToken: string }> {
  const child = spawn(process.execPath, [cliOfBuild(bench), "serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /listening on (\S+) admin token (\S+)/.exec(out);
      if (match) resolvePromise({ child, url: match[1]!, adminToken: match[2]! });
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
}
