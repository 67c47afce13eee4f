// The build's stamp: which sources dist/ was compiled from. `npm run build` runs it last, after
// tsc, and writes dist/build-stamp.json: { "source": digest of agent/ and mock-service/ here,
// "code": digest of the code tsc wrote under dist/ }. The built CLI then names its build by the
// sources (agent/protocol/version.ts toolBuild), as a run from source (tsx, vitest) does, so
// their fleet shards merge; the code digest tells a stamp from a build compiled again without it.
//
// Usage: tsx scripts/build-stamp.ts [ROOT]   (ROOT: the repository, default the current folder)
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUILD_STAMP, codeDigest } from "../agent/protocol/version.js";

/** The stamp of the build under ROOT/dist of the sources under ROOT, written there; its text. */
export function writeBuildStamp(root: string): string {
  const text = `${JSON.stringify({ source: codeDigest(root), code: codeDigest(join(root, "dist")) })}\n`;
  writeFileSync(join(root, "dist", BUILD_STAMP), text);
  return text;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) writeBuildStamp(resolve(process.argv[2] ?? "."));
