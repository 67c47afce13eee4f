/**
 * A command given "-" while stdin is a terminal says so at once (exit 2) instead of waiting,
 * silently, for a file nobody is typing: decode, validate, qr and enroll alike.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerDecode } from "../../agent/cli/decode.js";
import { registerEnroll } from "../../agent/cli/enroll.js";
import { readInput } from "../../agent/cli/input.js";
import { registerQr } from "../../agent/cli/qr.js";
import { registerValidate } from "../../agent/cli/validate-command.js";
import { InputError } from "../../agent/protocol/errors.js";
import { runCommand } from "../helpers/in-process-cli.js";

const isTTY = Object.getOwnPropertyDescriptor(process.stdin, "isTTY");

beforeEach(() => {
  Object.defineProperty(process.stdin, "isTTY", { value: true, configurable: true });
});

afterEach(() => {
  if (isTTY) Object.defineProperty(process.stdin, "isTTY", isTTY);
  else delete (process.stdin as { isTTY?: boolean }).isTTY;
});

describe("- when stdin is a terminal", () => {
  it("is refused by the shared reader without reading", async () => {
    const error = await readInput("-").then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe("<stdin>");
    expect((error as InputError).problem).toBe("has no payload or image: stdin is a terminal");
  });

  it.each([
    ["validate", registerValidate, ["validate", "-"], "has no payload or image: stdin is a terminal", "aosp-sim validate - < payload.json"],
    ["qr", registerQr, ["qr", "-", "-o", "qr.png"], "has no payload: stdin is a terminal", "aosp-sim qr - -o qr.png < payload.json"],
    ["enroll", registerEnroll, ["enroll", "-"], "has no payload or image: stdin is a terminal", "aosp-sim enroll - < payload.json"],
    ["decode", registerDecode, ["decode", "-"], "has no image: stdin is a terminal", "aosp-sim decode - < code.png"],
  ] as const)("%s refuses it at once with exit 2 and a fix", async (_name, register, args, message, example) => {
    const result = await runCommand(register, [...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`aosp-sim: <stdin>: ${message}\n`);
    expect(result.stderr).toContain(`fix: pipe `);
    expect(result.stderr).toContain(`(e.g. \`${example}\`) or pass a file name\n`);
  });

  it("keeps --json's one document on stdout", async () => {
    const result = await runCommand(registerValidate, ["validate", "-", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { kind: "input", where: "<stdin>", message: "has no payload or image: stdin is a terminal" } });
  });
});
