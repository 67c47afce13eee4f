/**
 * Where `validate --format sarif` says a result is: the artifact's URI as GitHub code scanning
 * maps it onto a repository, and the line and column in files an editor shows differently from
 * a plain "\n" count.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, useTempDir } from "../payload/support/cli.js";
import { KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-validate-sarif-locations-");

interface Region { startLine: number; startColumn: number }
interface SarifResult { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: Region } }[] }

async function write(name: string, text: string): Promise<string> {
  const path = temp.file(name);
  await mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function sarifResults(...args: string[]): Promise<SarifResult[]> {
  const result = await runCli(["validate", ...args, "--format", "sarif"]);
  return JSON.parse(result.stdout).runs[0].results as SarifResult[];
}

// GitHub, "SARIF support for code scanning", "Specifying the root for source files": results with
// relative paths are relative to the repository's root, and an absolute URI is converted to a
// relative one against the checkout. "/home/runner/..." is no absolute URI, so it was read as a
// path inside the repository.
describe("SARIF artifact URIs", () => {
  it("writes an absolute POSIX path as a file:/// URI, as it writes a drive path, and keeps a relative path relative", async () => {
    const path = await write("uri/my payload.json", JSON.stringify(payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: "abc" })));
    const [absolute] = await sarifResults(path);
    expect(absolute!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`file://${path.replace(/ /g, "%20")}`);
    const [relativeResult] = await sarifResults(relative(ROOT, path));
    expect(relativeResult!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(relative(ROOT, path).replace(/ /g, "%20"));
  });
});
