/**
 * An empty file argument (`aosp-sim validate "$PAYLOAD"` with the variable unset) is refused
 * naming the command and the argument, as `merge-reports ""` is: "COMMAND argument N: the file
 * name is empty", exit 2, with a fix. Before, validate, decode, qr, show, replay, enroll and run
 * said only "no such file", naming nothing.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerDecode } from "../../agent/cli/decode.js";
import { registerEnroll } from "../../agent/cli/enroll.js";
import { registerQr } from "../../agent/cli/qr.js";
import { registerReplay } from "../../agent/cli/replay.js";
import { registerRun } from "../../agent/cli/run.js";
import { registerShow } from "../../agent/cli/show.js";
import { registerValidate } from "../../agent/cli/validate-command.js";
import { runCommand } from "../helpers/in-process-cli.js";

describe("an empty file argument", () => {
  it.each<[string, (program: Command) => void, string[], number, string]>([
    ["validate", registerValidate, ["validate", ""], 1, "each payload, image or folder by its path"],
    ["validate (second of two)", registerValidate, ["validate", "a.json", ""], 2, "each payload, image or folder by its path"],
    ["decode", registerDecode, ["decode", ""], 1, "each image by its path"],
    ["qr", registerQr, ["qr", "", "-o", "x.png"], 1, "the payload by its path"],
    ["show", registerShow, ["show", ""], 1, "the transcript by its path"],
    ["replay", registerReplay, ["replay", ""], 1, "the transcript by its path"],
    ["enroll", registerEnroll, ["enroll", ""], 1, "the payload or QR code image by its path"],
    ["run", registerRun, ["run", ""], 1, "the scenario by its path"],
  ])("%s names the command and the argument, exit 2", async (_name, register, args, position, fix) => {
    const result = await runCommand(register, args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`aosp-sim: ${args[0]} argument ${position}: the file name is empty\n`);
    expect(result.stderr).toContain(`fix: give ${fix} (a shell variable left unset gives an empty name), e.g. aosp-sim ${args[0]} `);
    expect(result.stderr).not.toContain("no such file");
  });

  it("validate --json says it in its error document", async () => {
    const result = await runCommand(registerValidate, ["validate", "", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { kind: "input", message: "the file name is empty", where: "validate argument 1" } });
  });
});
