/**
 * The README's QA walkthrough runs as written: its lines (taken from the README itself) against a
 * service set up as the `serve` walkthrough sets it up, printing what its comments say they print.
 * On a simulated clock, which takes the same steps as the real one, without the real one's waits.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const temp = deviceTempDir("aosp-qa-walkthrough-");
const dir = dirname(temp.file("x"));

/** The walkthrough's `npx aosp-sim` lines: the command's words, and what its comment quotes it prints. */
function walkthrough(): { args: string[]; prints: string | null }[] {
  const section = README.slice(README.indexOf("### QA walkthrough"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .filter((line) => line.startsWith("npx aosp-sim "))
    .map((line) => {
      const [command, comment = ""] = line.split(/\s+#\s/, 2);
      return { args: command!.trim().split(/\s+/).slice(2), prints: /"([^"]+)"/.exec(comment)?.[1] ?? null };
    });
}

let service: MockService;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Ann Example", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse" });
  const profile = await service.admin.createProfile({ displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" });
  writeFileSync(temp.file("qr.png"), Buffer.from(profile.qrCodeImage.value, "base64"));
});
afterAll(() => service.close());

describe("the README's QA walkthrough", { timeout: 60_000 }, () => {
  it("enrolls, and replays as its comments say", async () => {
    const [enroll, ...rest] = walkthrough();
    expect(enroll!.args[0]).toBe("enroll");
    // Before: no account, so the run stopped at signingIn.waitingForUser, exit 1, and its replay printed 27 steps, not 34.
    const enrolled = await aospSim([...enroll!.args, "--clock", "simulated"], { cwd: dir });
    expect(enrolled.stdout).toMatch(/\nEnrolled \(enrolled\.idle\)/);
    expect(enrolled.code).toBe(0);
    const quoted = rest.filter((line) => line.prints !== null);
    expect(quoted.length).toBeGreaterThanOrEqual(2);
    for (const line of quoted) {
      const result = await aospSim(line.args, { cwd: dir });
      expect(result.stdout, line.args.join(" ")).toBe(`${line.prints}\n`);
      expect(result.code).toBe(0);
    }
  });
});
