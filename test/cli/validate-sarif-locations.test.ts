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
  it("writes an absolute POSIX path as a file:/// URI, as it writes a drive path, and a relative path outside the repository too", async () => {
    const path = await write("uri/my payload.json", JSON.stringify(payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: "abc" })));
    const [absolute] = await sarifResults(path);
    expect(absolute!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`file://${path.replace(/ /g, "%20")}`);
    // The temporary folder is outside this repository, so no URI relative to its root names it.
    const [relativeResult] = await sarifResults(relative(ROOT, path));
    expect(relativeResult!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: `file://${path.replace(/ /g, "%20")}` });
  });
});

describe("SARIF regions in files an editor shows differently from a plain newline count", () => {
  // Before: a CR-only file (classic Mac) was one line, the "3" at line 1 column 22, in SARIF and
  // in the human report alike.
  it("counts a lone CR as a line break, in SARIF (declaring it) and in the human report", async () => {
    const path = await write("cr.json", '{\r  "a": 1,\r  "b": 2 3\r}');
    const human = await runCli(["validate", path]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("line 3 column 10");
    const sarif = JSON.parse((await runCli(["validate", path, "--format", "sarif"])).stdout).runs[0];
    expect(sarif.newlineSequences).toEqual(["\r\n", "\n", "\r"]);
    expect(sarif.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 10 });
    // CR LF is still one break, not two.
    const [crlf] = await sarifResults(await write("crlf.json", '{\r\n  "a": 1,\r\n  "b": 2 3\r\n}'));
    expect(crlf!.locations[0]!.physicalLocation.region).toEqual({ startLine: 3, startColumn: 10 });
  });

  // Before: the first occurrence (column 313 of the fixture), whose value Android's org.json
  // discards, was the location; the message says the last one is kept.
  it("places duplicate-key at the occurrence kept, the last, with the discarded one as a related location", async () => {
    const text = '{"a": 1, "b": {"k": 1, "k": 2}, "a": 3}';
    const results = (await sarifResults(await write("dup.json", text))).filter((r) => r.ruleId === "duplicate-key");
    const at = (pointer: string) => results.find((r) => (r as unknown as { properties: { jsonPointer: string } }).properties.jsonPointer === pointer) as
      unknown as { locations: SarifResult["locations"]; relatedLocations: { physicalLocation: { region: Region } }[] };
    expect(at("/a").locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: text.lastIndexOf('"a"') + 1 });
    expect(at("/a").relatedLocations.map((r) => r.physicalLocation.region)).toEqual([{ startLine: 1, startColumn: 2 }]);
    expect(at("/b/k").locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: text.indexOf('"k": 2') + 1 });
    expect(at("/b/k").relatedLocations.map((r) => r.physicalLocation.region)).toEqual([{ startLine: 1, startColumn: text.indexOf('"k": 1') + 1 }]);
  });

  // Before: "0" was looked up as an array index, missed on the object, and placed at the root (1:1).
  it("places a key that looks like an array index at the key", async () => {
    const text = `{"${KEYS.DEVICE_ADMIN_COMPONENT_NAME}": "com.example.dpc/.Admin", "0": 1}`;
    const results = await sarifResults(await write("zero.json", text));
    const unknown = results.find((r) => r.ruleId === "unknown-key");
    expect(unknown!.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: text.indexOf('"0"') + 1 });
  });
});
