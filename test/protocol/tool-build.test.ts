/**
 * The build a fleet summary names (toolBuild, agent/protocol/version.ts): the digest of the
 * sources, whether they run as TypeScript (tsx, vitest) or as the build `npm run build` compiled
 * and stamped from them (scripts/build-stamp.ts). Before, a build was the digest of whatever code
 * ran, so a shard run under vitest and the built CLI's shard of the same commit named two builds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILD_STAMP, buildAt, codeDigest } from "../../agent/protocol/version.js";
import { writeBuildStamp } from "../../scripts/build-stamp.js";

let root: string;

/** Writes `text` to `file` under the test's repository, making its folders. */
function put(file: string, text: string): void {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "aosp-sim-build-"));
  put("agent/cli/main.ts", "export const x: number = 1;\n");
  put("mock-service/index.ts", "export const y: number = 2;\n");
  // What tsc would write.
  put("dist/agent/cli/main.js", "export const x = 1;\n");
  put("dist/agent/cli/main.d.ts", "export declare const x: number;\n");
  put("dist/mock-service/index.js", "export const y = 2;\n");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the build a summary names", () => {
  it("is the sources' digest run from source and from the build stamped from them", () => {
    writeBuildStamp(root);
    const source = buildAt(root);
    expect(source).toMatch(/^[0-9a-f]{12}$/);
    expect(buildAt(join(root, "dist"))).toBe(source);
    expect(JSON.parse(readFileSync(join(root, "dist", BUILD_STAMP), "utf8"))).toEqual({ source, code: codeDigest(join(root, "dist")) });
  });

  it("differs when a source changes, whether run from source or built and stamped again", () => {
    writeBuildStamp(root);
    const before = buildAt(root);
    put("agent/cli/main.ts", "export const x: number = 3;\n");
    put("dist/agent/cli/main.js", "export const x = 3;\n");
    expect(buildAt(root)).not.toBe(before);
    writeBuildStamp(root);
    expect(buildAt(join(root, "dist"))).toBe(buildAt(root));
  });

  it("is the code's own digest when the build is not what its stamp says (compiled again by tsc alone, edited), matching no stamped build", () => {
    writeBuildStamp(root);
    const stamped = buildAt(join(root, "dist"));
    put("dist/agent/cli/main.js", "export const x = 4;\n");
    expect(buildAt(join(root, "dist"))).toBe(codeDigest(join(root, "dist")));
    expect(buildAt(join(root, "dist"))).not.toBe(stamped);
  });

  it("is the code's own digest without a stamp, or with one that is not a stamp", () => {
    expect(buildAt(join(root, "dist"))).toBe(codeDigest(join(root, "dist")));
    for (const text of ["not json", "null", '{"source": 5}', `{"source": "../../etc", "code": "${codeDigest(join(root, "dist"))}"}`]) {
      put(`dist/${BUILD_STAMP}`, text);
      expect(buildAt(join(root, "dist"))).toBe(codeDigest(join(root, "dist")));
    }
  });

  it("names this repository's build as its own dist/ does, once built (npm run build)", () => {
    // The suite's build is of these sources (pretest builds): the built CLI's toolBuild reads dist/.
    const here = join(import.meta.dirname, "../..");
    expect(buildAt(join(here, "dist")), "dist/ was built from other sources: run npm run build").toBe(buildAt(here));
  });
});
