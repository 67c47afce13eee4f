/**
 * `validate --format sarif` run from a subfolder of a repository: relative paths are written
 * relative to the repository's root (the top of the git work tree), with the base id `%SRCROOT%`
 * the run declares in `originalUriBaseIds`, as GitHub code scanning resolves relative URIs
 * against the repository's root ("SARIF support for code scanning", "Specifying the root for
 * source files"). Before, `cd payloads && validate a.json` wrote "a.json", which GitHub placed at
 * the repository's root, and the log declared no root.
 */
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT, runCli } from "../payload/support/cli.js";

interface SarifRun {
  originalUriBaseIds: Record<string, { uri: string }>;
  artifacts: { location: { uri: string; uriBaseId?: string } }[];
  results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
}

const FIXTURE = join(ROOT, "fixtures/payloads/checksum-hex.json");
let repo = "";
let plain = "";

async function sarifRun(args: string[], cwd: string): Promise<SarifRun> {
  const result = await runCli(["validate", ...args, "--format", "sarif"], { cwd });
  expect(result.code).toBe(1);
  return JSON.parse(result.stdout).runs[0] as SarifRun;
}

beforeAll(async () => {
  assertBuilt();
  repo = await realpath(await mkdtemp(join(tmpdir(), "aosp-sarif-repo-")));
  execFileSync("git", ["init", "-q", repo]);
  await mkdir(join(repo, "payloads", "site 1"), { recursive: true });
  await copyFile(FIXTURE, join(repo, "payloads", "site 1", "a.json"));
  plain = await realpath(await mkdtemp(join(tmpdir(), "aosp-sarif-plain-")));
  await copyFile(FIXTURE, join(plain, "a.json"));
});

describe("SARIF URIs relative to the repository's root", () => {
  it("writes a file named from a subfolder relative to the work tree's top, against %SRCROOT%", async () => {
    const run = await sarifRun(["a.json"], join(repo, "payloads", "site 1"));
    const expected = { uri: "payloads/site%201/a.json", uriBaseId: "%SRCROOT%" };
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: `${pathToFileURL(repo).href}/` } });
    expect(run.artifacts[0]!.location).toEqual(expected);
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual(expected);
  });

  it("resolves ../ against the folder it runs in", async () => {
    await mkdir(join(repo, "other"), { recursive: true });
    const run = await sarifRun(["../payloads/site 1/a.json"], join(repo, "other"));
    expect(run.artifacts[0]!.location).toEqual({ uri: "payloads/site%201/a.json", uriBaseId: "%SRCROOT%" });
  });

  it("declares the folder it runs in as the root outside a git work tree", async () => {
    const run = await sarifRun(["a.json"], plain);
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: `${pathToFileURL(plain).href}/` } });
    expect(run.artifacts[0]!.location).toEqual({ uri: "a.json", uriBaseId: "%SRCROOT%" });
  });
});
