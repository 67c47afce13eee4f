/**
 * `validate --conventions FILE` refuses names the payload rules would refuse in turn: an admin
 * component Android's own component check rejects, and one key named for both extras.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-validate-conventions-");
const PAYLOAD = "fixtures/payloads/intune-valid.json";

async function conventions(name: string, names: object): Promise<string> {
  const path = temp.file(name);
  await writeFile(path, JSON.stringify(names));
  return path;
}

describe("a conventions file", () => {
  it("is refused, exit 2 with where and fix, when its admin component fails the android rules' component check", async () => {
    const path = await conventions("ws.json", {
      adminComponent: "com.contoso agent/.A b",
      enrollmentTokenExtra: "com.contoso.agent.x",
      serviceUrlExtra: "com.contoso.agent.y",
    });
    const result = await runCli(["validate", PAYLOAD, "--rules", "intune-aosp", "--conventions", path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /ws\.json at \/adminComponent: "adminComponent" "com\.contoso agent\/\.A b" is not a component Android accepts: "com\.contoso agent" is not a valid package name.*\n +fix: write "package\/class"/,
    );
  });

  it("is refused when the enrollment token and the service URL are the same key", async () => {
    const path = await conventions("same.json", {
      adminComponent: "com.contoso.agent/.AdminReceiver",
      enrollmentTokenExtra: "com.contoso.agent.url",
      serviceUrlExtra: "com.contoso.agent.url",
    });
    const result = await runCli(["validate", PAYLOAD, "--rules", "intune-aosp", "--conventions", path, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { kind: "input", where: `${path} at /serviceUrlExtra`, message: expect.stringMatching(/names the same key as "enrollmentTokenExtra"/) },
    });
    expect(result.stderr).toMatch(/fix: give the service URL and the enrollment token/);
  });

  it("still accepts the dot form of a well-formed component", async () => {
    const path = await conventions("dot.json", {
      adminComponent: "com.contoso.agent/.AdminReceiver",
      enrollmentTokenExtra: "com.contoso.agent.enrollmentToken",
      serviceUrlExtra: "com.contoso.agent.serviceUrl",
    });
    const result = await runCli(["validate", PAYLOAD, "--rules", "intune-aosp", "--conventions", path, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1); // the fixture holds the mock service's names, not these
  });
});
