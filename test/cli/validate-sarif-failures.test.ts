/**
 * `validate --format sarif` that fails before it has a report still prints a SARIF log, so a CI
 * step uploading the file gets the tool's message instead of an empty file it cannot parse.
 */
import { mkdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-validate-sarif-failures-");

interface Notification { level: string; message: { text: string }; locations?: unknown[] }

/** The run's verdict and notifications, after checking stdout is one SARIF 2.1.0 log with no results. */
function failedRun(stdout: string): { executionSuccessful: boolean; notifications: Notification[] } {
  const log = JSON.parse(stdout);
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0];
  expect(run.tool.driver.name).toBe("aosp-sim validate");
  expect(run.results).toEqual([]);
  const invocation = run.invocations[0];
  return { executionSuccessful: invocation.executionSuccessful, notifications: invocation.toolExecutionNotifications };
}

describe("validate --format sarif that fails before it has a report", () => {
  it.each([
    { name: "a glob matching nothing", args: () => ["nomatch-xyz/*.json"], text: /^nomatch-xyz\/\*\.json: matches no files\nfix: / },
    { name: "an empty folder", args: () => [temp.file("empty")], text: /empty: holds no image .* files\nfix: / },
    { name: "a bad option value", args: () => ["fixtures/payloads/intune-valid.json", "--rules", "foo"], text: /^--rules: unknown rule set "foo"\nfix: use --rules android/ },
    { name: "an unknown option", args: () => ["fixtures/payloads/intune-valid.json", "--nope"], text: /^unknown option '--nope'\nfix: / },
  ])("prints a log with executionSuccessful false and the error as a notification: $name", async ({ args, text }) => {
    await mkdir(temp.file("empty"), { recursive: true });
    const result = await runCli(["validate", ...args(), "--format", "sarif"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aosp-sim: .*\n +fix: /);
    const run = failedRun(result.stdout);
    expect(run.executionSuccessful).toBe(false);
    expect(run.notifications).toHaveLength(1);
    expect(run.notifications[0]).toMatchObject({ level: "error", message: { text: expect.stringMatching(text) } });
  });

  it("keeps --json's error document when both are asked for, and prints nothing twice", async () => {
    const result = await runCli(["validate", "nomatch-xyz/*.json", "--format", "sarif", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { kind: "input" } });
  });
});
