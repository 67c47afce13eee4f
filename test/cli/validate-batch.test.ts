/**
 * `aosp-sim validate` as vendors use it: a print run of many inputs (files, folders, globs), the
 * forms payloads come in out of the admin console and Graph, SARIF for code-scanning tools, and
 * a team's own service names for the intune-aosp rules.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { basePayload, HELLO_SHA256, KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-validate-batch-");
const file = temp.file;
const INTUNE_PAYLOAD = "fixtures/payloads/intune-valid.json";

async function write(name: string, content: string | object): Promise<string> {
  const path = file(name);
  await mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A profile as GET .../androidDeviceOwnerEnrollmentProfiles/{id} returns it. */
async function graphProfile(payloadText: string, image?: Buffer): Promise<object> {
  return {
    "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/androidDeviceOwnerEnrollmentProfiles/$entity",
    id: "6a1c7b6e-0000-4000-8000-000000000001",
    displayName: "Factory 1 devices",
    enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
    tokenValue: "token",
    qrCodeContent: Buffer.from(payloadText, "utf8").toString("base64"),
    qrCodeImage: { "@odata.type": "microsoft.graph.mimeContent", type: "image/png", value: (image ?? Buffer.alloc(0)).toString("base64") },
    configureWifi: true,
    wifiSsid: "Contoso-Staging",
  };
}

describe("validate many inputs", () => {
  it("checks files, a folder and a quoted glob in one run, prints a table, and exits 1 when one is invalid", async () => {
    await write("run/a.json", basePayload());
    await write("run/b.json", payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") }));
    await copyFile("fixtures/images/android-valid-minimal.png", file("run/c.png"));
    await write("run/notes.csv", "not an input");
    const single = await write("single.json", basePayload());
    const result = await runCli(["validate", file("run"), single, `${file("run")}/*.json`], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^file +result +errors +warnings +info +first problem$/m);
    expect(result.stdout).toMatch(/run\/b\.json +invalid +1 +0 +0 +checksum-encoding/);
    expect(result.stdout).toMatch(/run\/c\.png +valid /);
    // An input is told apart by content, not by name: a folder's CSV is checked, and is no payload.
    expect(result.stdout).toMatch(/run\/notes\.csv +invalid +1 +0 +0 +json-syntax/);
    // The folder and the glob name a.json and b.json again: each input is checked once.
    expect(result.stdout).toMatch(/5 inputs: 3 valid, 2 invalid, 0 unreadable \(android rules\)/);
    expect(result.stdout).toMatch(/== .*run\/b\.json\nerror +\/android\.app\.extra\.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM/);
  });

  it("prints one JSON array under --json, and exits 2 when an input cannot be read, after checking the others", async () => {
    const good = await write("arr/good.json", basePayload());
    const result = await runCli(["validate", good, file("arr/missing.json"), "--json"]);
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout) as { valid: boolean; source: { file: string }; error?: { kind: string; fix: string } }[];
    expect(doc).toHaveLength(2);
    expect(doc[0]).toMatchObject({ valid: true, source: { kind: "json", file: good } });
    expect(doc[1]).toMatchObject({ valid: false, source: { file: file("arr/missing.json") }, error: { kind: "input", message: "no such file" } });
  });

  it("exits 0 when every input is valid, and refuses a folder with nothing to check", async () => {
    const a = await write("ok/a.json", basePayload());
    const b = await write("ok/b.json", basePayload());
    expect((await runCli(["validate", a, b])).code).toBe(0);
    await mkdir(file("empty"), { recursive: true });
    const empty = await runCli(["validate", file("empty")]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/holds no image .* or payload .* files\n +fix: /);
    const glob = await runCli(["validate", `${file("ok")}/*.png`]);
    expect(glob.code).toBe(2);
    expect(glob.stderr).toMatch(/matches no files/);
  });
});

describe("inputs as they come out of the admin console and Graph", () => {
  it("reads the payload of a Graph enrollment profile from its qrCodeContent", async () => {
    const profile = await write("graph.json", await graphProfile(await readFile(INTUNE_PAYLOAD, "utf8")));
    const result = await runCli(["validate", profile, "--rules", "intune-aosp", "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source).toMatchObject({ kind: "graph-profile", field: "qrCodeContent" });
    expect(doc.findings.filter((f: { severity: string }) => f.severity !== "info")).toEqual([]);
  });

  it("decodes the QR image of a Graph profile that has no qrCodeContent", async () => {
    const image = await readFile("fixtures/images/intune-valid.png");
    const { qrCodeContent: _dropped, ...profile } = (await graphProfile("{}", image)) as Record<string, unknown>;
    const result = await runCli(["validate", await write("graph-image.json", profile), "--json"], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source).toMatchObject({ kind: "graph-profile", field: "qrCodeImage" });
    expect(doc.qr).toMatchObject({ version: expect.any(Number) });
  });

  it("says what is wrong with a Graph profile whose qrCodeContent is not a payload", async () => {
    const result = await runCli(["validate", await write("graph-bad.json", { id: "1", displayName: "x", qrCodeContent: "not base64!" })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a Graph enrollment profile, but qrCodeContent is not base64 of a payload JSON object\n +fix: /);
  });

  it("checks a bare base64 payload (a copied qrCodeContent) as the payload it encodes", async () => {
    const text = await readFile(INTUNE_PAYLOAD, "utf8");
    const result = await runCli(["validate", await write("payload.b64", `${Buffer.from(text).toString("base64")}\n`), "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source.kind).toBe("base64");
    expect(doc.findings.map((f: { rule: string }) => f.rule)).not.toContain("json-syntax");
    expect(doc.payload.text).toBe(text);
  });

  // Before, read as payload text: "json-syntax", and "payload-too-large" for the PNG's base64.
  it("decodes a bare base64 image (a copied qrCodeImage.value) as the image it encodes", async () => {
    const image = await readFile("fixtures/images/intune-valid.png");
    const result = await runCli(["validate", await write("qr.b64", image.toString("base64")), "--json"], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.source).toMatchObject({ kind: "base64", field: null });
    expect(doc.qr).toMatchObject({ version: expect.any(Number) });
    expect(doc.findings.map((f: { rule: string }) => f.rule)).not.toContain("json-syntax");
  });
});

describe("validate --format sarif", () => {
  it("gives each finding its rule, the line and column of its key, and the fix", async () => {
    const payload = payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") });
    const path = await write("sarif.json", payload);
    const result = await runCli(["validate", path, "--format", "sarif"]);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "checksum-encoding");
    expect(rule.help.text).toMatch(/checksum in hex/);
    const [res] = run.results;
    expect(res).toMatchObject({ ruleId: "checksum-encoding", level: "error" });
    expect(res.message.text).toMatch(/\nfix: use "wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro"/);
    const lines = (await readFile(path, "utf8")).split("\n");
    const line = lines.findIndex((l) => l.includes(KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM)) + 1;
    const region = res.locations[0].physicalLocation.region;
    expect(region).toEqual({ startLine: line, startColumn: lines[line - 1]!.indexOf("\"") + 1 });
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe(pathToFileURL(path).href);
  });
});

// Before, written as typed: "my file #1 100%.json" and "café.json" failed the SARIF schema's
// uri-reference format, "#" cut the name into a fragment, and "a:b.json" read as a scheme.
describe("validate --format sarif with file names a URI must encode", () => {
  it("percent-encodes each path segment, so every artifact URI is a URI reference that names its file", async () => {
    const ajv = new Ajv();
    addFormats.default(ajv);
    const isUriReference = ajv.compile({ type: "string", format: "uri-reference" });
    const payload = payloadWith({ [KEYS.DEVICE_ADMIN_SIGNATURE_CHECKSUM]: HELLO_SHA256.toString("hex") });
    for (const [name, encoded] of [["my file #1 100%.json", "my%20file%20%231%20100%25.json"], ["café.json", "caf%C3%A9.json"], ["a:b.json", "a%3Ab.json"]] as const) {
      const path = await write(name, payload);
      const log = JSON.parse((await runCli(["validate", path, "--format", "sarif"])).stdout);
      const uris = [log.runs[0].artifacts[0].location.uri, log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri];
      for (const uri of uris) {
        expect(isUriReference(uri), uri).toBe(true);
        expect(uri.endsWith(`/${encoded}`), uri).toBe(true);
        expect(fileURLToPath(uri)).toBe(path);
      }
    }
  });
});

describe("validate --format sarif on text that is not JSON", () => {
  it("puts a json-syntax finding at the line and column the human report names", async () => {
    const path = await write("syntax.json", `${JSON.stringify(basePayload(), null, 2).replace(/\n}$/, "")}\n x}\n`);
    const human = await runCli(["validate", path]);
    expect(human.code).toBe(1);
    const [, line, column] = /line (\d+) column (\d+)/.exec(human.stdout)!;
    expect([line, column]).toEqual(["7", "2"]);
    const sarif = await runCli(["validate", path, "--format", "sarif"]);
    const [res] = JSON.parse(sarif.stdout).runs[0].results;
    expect(res.ruleId).toBe("json-syntax");
    expect(res.message.text).toContain("line 7 column 2");
    expect(res.locations[0].physicalLocation.region).toEqual({ startLine: 7, startColumn: 2 });
  });

  // Before, the human report said column 18 here (UTF-16 code units: each emoji two) and the
  // SARIF log did not say which columns it counts.
  it("counts the human column in characters, and SARIF's in UTF-16 code units, which the log declares", async () => {
    const path = await write("emoji-syntax.json", '{\n  "name": "📱📱" x\n}\n');
    const human = await runCli(["validate", path]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("line 2 column 16");
    const sarif = await runCli(["validate", path, "--format", "sarif"]);
    const run = JSON.parse(sarif.stdout).runs[0];
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 2, startColumn: 18 });
  });

  // SARIF 2.1.0 §3.30.2: text regions "SHALL NOT depend on the presence or absence of a byte order
  // mark (BOM) at the start of the artifact"; a U+FEFF after it is a character of the file.
  it("places findings in a file with a byte-order mark where they are without it, and counts a second U+FEFF as a column", async () => {
    const BOM = "\uFEFF";
    const regions = async (name: string, text: string) => {
      const sarif = await runCli(["validate", await write(name, text), "--format", "sarif"]);
      const run = JSON.parse(sarif.stdout).runs[0];
      expect(run.columnKind).toBe("utf16CodeUnits");
      const results = run.results as { ruleId: string; locations: { physicalLocation: { region?: unknown } }[] }[];
      return Object.fromEntries(results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region]));
    };
    const broken = '{"a": ';
    const keyed = `{"${KEYS.DEVICE_ADMIN_COMPONENT_NAME}": "a/b.C"}`;
    // The key's opening quote, and the end of the text where the parser stopped.
    expect((await regions("plain-key.json", keyed))["admin-component-format"]).toEqual({ startLine: 1, startColumn: 2 });
    expect((await regions("plain-syntax.json", broken))["json-syntax"]).toEqual({ startLine: 1, startColumn: 7 });
    expect((await regions("bom-key.json", BOM + keyed))["admin-component-format"]).toEqual({ startLine: 1, startColumn: 2 });
    expect((await regions("bom-syntax.json", BOM + broken))["json-syntax"]).toEqual({ startLine: 1, startColumn: 7 });
    // Saved with a mark a second time (a payload that had one, re-saved by an editor that adds one).
    expect((await regions("bom2-key.json", BOM + BOM + keyed))["admin-component-format"]).toEqual({ startLine: 1, startColumn: 3 });
    // Before: column 7, the syntax error's place in the text without its second mark.
    expect((await regions("bom2-syntax.json", BOM + BOM + broken))["json-syntax"]).toEqual({ startLine: 1, startColumn: 8 });
  });

  it("reports a payload nested deeper than a parser's stack, not an internal error", async () => {
    // Before: exit 2, "internal error: Maximum call stack size exceeded" (the human and --json reports were fine).
    for (const [name, text] of [["deep-array.json", "[".repeat(5000)], ["deep-object.json", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`]] as const) {
      const path = await write(name, text);
      const sarif = await runCli(["validate", path, "--format", "sarif"]);
      expect(sarif.stderr, name).toBe("");
      expect(sarif.code, name).toBe(1);
      expect(JSON.parse(sarif.stdout).runs[0].results.length, name).toBeGreaterThan(0);
    }
  });
});

describe("the intune-aosp rules and whose names they check", () => {
  const TEAM = {
    adminComponent: "com.contoso.agent/com.contoso.agent.AdminReceiver",
    enrollmentTokenExtra: "com.contoso.agent.enrollmentToken",
    serviceUrlExtra: "com.contoso.agent.serviceUrl",
  };
  const teamPayload = payloadWith({
    [KEYS.DEVICE_ADMIN_COMPONENT_NAME]: TEAM.adminComponent,
    [KEYS.ADMIN_EXTRAS_BUNDLE]: { [TEAM.enrollmentTokenExtra]: "t0ken", [TEAM.serviceUrlExtra]: "https://enroll.contoso.example" },
  });

  it("says the default names are the mock service's conventions, not the real product's", async () => {
    const result = await runCli(["validate", await write("team.json", teamPayload), "--rules", "intune-aosp", "--json"]);
    expect(result.code).toBe(1);
    const component = JSON.parse(result.stdout).findings.find((f: { rule: string }) => f.rule === "intune-admin-component");
    expect(component.message).toMatch(/These names are the mock service's conventions, not necessarily the real product's/);
    expect(component.hint).toMatch(/if the payload is for the mock service; otherwise give your service's names with --conventions FILE/);
  });

  it("checks a team's own names with --conventions FILE, and catches a typo of them", async () => {
    const conventions = await write("conventions.json", TEAM);
    const ok = await runCli(["validate", await write("team.json", teamPayload), "--rules", "intune-aosp", "--conventions", conventions, "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).findings.filter((f: { rule: string }) => f.rule.startsWith("intune-"))).toEqual([]);
    const typo = payloadWith({ [KEYS.ADMIN_EXTRAS_BUNDLE]: { "com.contoso.agent.enrolmentToken": "t", [TEAM.serviceUrlExtra]: "https://e.example" } }, teamPayload);
    const bad = await runCli(["validate", await write("typo.json", typo), "--rules", "intune-aosp", "--conventions", conventions, "--json"]);
    expect(bad.code).toBe(1);
    const rules = JSON.parse(bad.stdout).findings.map((f: { rule: string; message: string }) => `${f.rule}: ${f.message}`);
    expect(rules).toContainEqual(expect.stringMatching(/^intune-enrollment-token: .*com\.contoso\.agent\.enrollmentToken.*\(Names from conventions from /));
    expect(rules).toContainEqual(expect.stringMatching(/^intune-extras-unknown: /));
  });

  it("refuses a conventions file that lacks a name, naming the key", async () => {
    const conventions = await write("conventions-bad.json", { adminComponent: TEAM.adminComponent });
    const result = await runCli(["validate", await write("t.json", teamPayload), "--rules", "intune-aosp", "--conventions", conventions]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/conventions-bad\.json at \/enrollmentTokenExtra: needs "enrollmentTokenExtra" as a non-empty string\n +fix: /);
    const android = await runCli(["validate", await write("t2.json", teamPayload), "--conventions", conventions]);
    expect(android.code).toBe(2);
    expect(android.stderr).toMatch(/fix: add --rules intune-aosp/);
  });
});
