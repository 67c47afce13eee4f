/**
 * `validate --json` against schemas/validate-report.schema.json, and its `qr` against
 * `decode --json`: the print's orientation and quiet zone carry the same names and values in both.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { runCli } from "../payload/support/cli.js";

const schema = JSON.parse(readFileSync(new URL("../../schemas/validate-report.schema.json", import.meta.url), "utf8")) as object;
const validateSchema = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);

describe("validate --json", () => {
  it("is what schemas/validate-report.schema.json describes, for an image and for a payload file", async () => {
    for (const input of ["fixtures/images/inverted.png", "fixtures/payloads/android-valid-full.json", "fixtures/images/no-code.png"]) {
      const doc = JSON.parse((await runCli(["validate", input, "--json"])).stdout) as unknown;
      expect(validateSchema(doc), `${input}: ${JSON.stringify(validateSchema.errors)}`).toBe(true);
    }
  });

  it("gives the code's quietZone, inverted and mirrored as decode --json does", async () => {
    for (const image of ["fixtures/images/inverted.png", "fixtures/images/mirrored.png", "fixtures/images/no-quiet-zone.png"]) {
      const [decoded] = JSON.parse((await runCli(["decode", image, "--json"])).stdout) as Record<string, unknown>[];
      const { qr } = JSON.parse((await runCli(["validate", image, "--json"])).stdout) as { qr: Record<string, unknown> };
      const fields = ({ quietZone, inverted, mirrored }: Record<string, unknown>) => ({ quietZone, inverted, mirrored });
      expect(fields(qr)).toEqual(fields(decoded!));
      expect(qr).toHaveProperty("quietZone", expect.any(Number));
    }
  });
});
