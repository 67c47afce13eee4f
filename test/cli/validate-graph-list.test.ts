/**
 * A saved Graph list of enrollment profiles (`{"@odata.context": ..., "value": [...]}`, as
 * `GET .../androidDeviceOwnerEnrollmentProfiles` returns it) given to `validate`, `qr` or
 * `enroll`: a list of one profile is read as that profile, as a single saved profile is; a list of
 * several (or none) is refused naming what it is and how to save one profile, exit 2. Before, the
 * list was checked as one payload (`payload-too-large` and findings about its keys).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { registerEnroll } from "../../agent/cli/enroll.js";
import { registerQr } from "../../agent/cli/qr.js";
import { registerValidate } from "../../agent/cli/validate-command.js";
import { runCommand } from "../helpers/in-process-cli.js";
import { basePayload } from "../payload/support/payloads.js";

const CONTEXT = "https://graph.microsoft.com/beta/$metadata#deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const payloadText = JSON.stringify(basePayload());
/** A profile as Graph returns it, with its payload in qrCodeContent and a long rest, as a real one has. */
const profile = (id: string) => ({
  "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
  id,
  displayName: `profile ${id}`,
  description: "x".repeat(3000),
  qrCodeContent: Buffer.from(payloadText).toString("base64"),
});

let dir = "";
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aosp-graph-list-"));
  await writeFile(file("one.json"), JSON.stringify({ "@odata.context": CONTEXT, value: [profile("a")] }, null, 2));
  await writeFile(file("two.json"), JSON.stringify({ "@odata.context": CONTEXT, value: [profile("a"), profile("b")] }, null, 2));
  await writeFile(file("none.json"), JSON.stringify({ "@odata.context": CONTEXT, value: [] }));
  // Without its @odata.context (copied out of a larger answer), a list of profiles is still one.
  await writeFile(file("bare.json"), JSON.stringify({ value: [profile("a"), profile("b"), profile("c")] }));
});

describe("a Graph list of enrollment profiles", () => {
  it("of one profile validates that profile's payload", async () => {
    const result = await runCommand(registerValidate, ["validate", file("one.json"), "--json"]);
    const report = JSON.parse(result.stdout) as { valid: boolean; source: { kind: string; field: string }; findings: { rule: string }[] };
    expect(report.source).toMatchObject({ kind: "graph-profile", field: "qrCodeContent" });
    expect(report.findings.map((f) => f.rule)).not.toContain("payload-too-large");
    expect(result.code).toBe(report.valid ? 0 : 1);
  });

  it.each([["two.json", 2], ["none.json", 0], ["bare.json", 3]])("%s is refused as a list, naming how to save one profile", async (name, count) => {
    const result = await runCommand(registerValidate, ["validate", file(name)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${file(name)}: is a Graph list of ${count} enrollment profiles (as GET .../androidDeviceOwnerEnrollmentProfiles returns it), not one profile's payload\n`);
    expect(result.stderr).toContain("fix: save one profile (GET .../androidDeviceOwnerEnrollmentProfiles/{id}) and give that file, or pass its qrCodeContent");
  });

  it("is refused the same way by qr and enroll", async () => {
    const qr = await runCommand(registerQr, ["qr", file("two.json"), "-o", file("two.png")]);
    expect(qr.code).toBe(2);
    expect(qr.stderr).toContain("is a Graph list of 2 enrollment profiles");
    const enroll = await runCommand(registerEnroll, ["enroll", file("two.json"), "--clock", "simulated"]);
    expect(enroll.code).toBe(2);
    expect(enroll.stderr).toContain("is a Graph list of 2 enrollment profiles");
  });
});
