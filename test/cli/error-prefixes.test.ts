/**
 * An error line names what it is about once: `aosp-sim: WHERE: PROBLEM`, the problem not starting
 * with the option again (before, "--conventions: --conventions names what ...").
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { registerValidate } from "../../agent/cli/validate-command.js";
import { parseChaosOption } from "../../mock-service/http/chaos.js";
import { runCommand } from "../helpers/in-process-cli.js";

const PAYLOAD = "fixtures/payloads/intune-valid.json";

describe("error lines that name an option", () => {
  it.each([
    [["validate", PAYLOAD, "--conventions", "x.json"], "aosp-sim: --conventions: names what the intune-aosp rules check, and no --rules intune-aosp is given"],
    [["validate", PAYLOAD, "--json", "--format", "sarif"], "aosp-sim: --json and --format sarif: ask for two documents on stdout"],
  ])("%j says its option once", async (args, line) => {
    const result = await runCommand(registerValidate, args);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(line);
  });

  it("--chaos names the value given once", () => {
    const error = (() => {
      try {
        parseChaosOption("bogus");
      } catch (e) {
        return e as InputError;
      }
      throw new Error("parsed");
    })();
    expect(error.message).toBe("--chaos 'bogus': 'bogus' is not a route family");
  });
});
