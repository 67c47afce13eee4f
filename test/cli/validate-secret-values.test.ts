/**
 * `validate` never prints a secret's value: a WIFI_PASSWORD (or an extras bundle, which carries the
 * enrollment token) of the wrong type is described by its type and length, as the other Wi-Fi
 * findings are, in the human output and in SARIF alike.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli, useTempDir } from "../payload/support/cli.js";
import { KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-validate-secret-");

describe("validate: a secret of the wrong type", () => {
  it.each([
    ["a numeric WIFI_PASSWORD", { [KEYS.WIFI_PASSWORD]: 12345678901 }, "12345678901", /WIFI_PASSWORD is a number of 11 characters, but the device reads a string here/],
    ["a string extras bundle", { [KEYS.ADMIN_EXTRAS_BUNDLE]: "token=SECRETTOKEN42" }, "SECRETTOKEN42", /ADMIN_EXTRAS_BUNDLE is a string of 19 characters, but the device reads a JSON object here/],
  ])("%s: its type and length, never its value (human and SARIF)", async (_, changes, secret, message) => {
    const file = temp.file(`secret-${secret.length}.json`);
    await writeFile(file, JSON.stringify(payloadWith(changes)));
    const human = await runCli(["validate", file]);
    expect(human.stdout).toMatch(message);
    const sarif = await runCli(["validate", file, "--format", "sarif"]);
    expect(sarif.stdout).toMatch(message);
    for (const output of [human.stdout, human.stderr, sarif.stdout, sarif.stderr]) expect(output).not.toContain(secret);
  });
});
