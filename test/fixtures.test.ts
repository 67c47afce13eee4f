/**
 * The committed fixtures: every rule has one that triggers it, each triggers exactly what the
 * manifest says (through the same code path as `aosp-sim validate`), and the generator
 * reproduces every file byte for byte.
 */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readInput } from "../agent/cli/input.js";
import { validateInput } from "../agent/cli/validate.js";
import { RULES } from "../agent/payload/index.js";
import { generateFixtures, type ManifestEntry } from "../fixtures/generate.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const manifest = JSON.parse(await readFile(join(FIXTURES, "manifest.json"), "utf8")) as ManifestEntry[];

/**
 * Two decoders reading different texts from one symbol cannot be produced on purpose from a
 * generated image; that rule is covered with decoder results in test/payload/qr-findings.test.ts.
 */
const NO_FIXTURE_POSSIBLE = new Set(["qr-decoder-disagreement"]);

describe("fixtures", () => {
  it("cover every rule in the catalog", () => {
    const triggered = new Set(manifest.flatMap((e) => e.triggers));
    const missing = RULES.map((r) => r.id).filter((id) => !triggered.has(id) && !NO_FIXTURE_POSSIBLE.has(id));
    expect(missing).toEqual([]);
  });

  it("include the complete valid Intune payload and the non-ASCII SSID image", () => {
    const files = manifest.map((e) => e.file);
    expect(files).toEqual(expect.arrayContaining(["payloads/intune-valid.json", "images/intune-valid.png", "images/non-ascii-ssid.png"]));
    expect(manifest.find((e) => e.file === "payloads/intune-valid.json")).toMatchObject({ rules: "intune-aosp", valid: true });
  });

  it.each(manifest.map((e) => [e.file, e] as const))("%s triggers exactly what the manifest says", async (_file, entry) => {
    const report = await validateInput(await readInput(join(FIXTURES, entry.file)), { rules: entry.rules });
    expect([...new Set(report.findings.map((f) => f.rule))].sort()).toEqual(entry.triggers);
    expect(report.valid).toBe(entry.valid);
  });

  it("reads the non-ASCII SSID back intact from the image", async () => {
    const report = await validateInput(await readInput(join(FIXTURES, "images/non-ascii-ssid.png")));
    expect((report.payload?.params as { wifi: { ssid: string } }).wifi.ssid).toBe("Café Gäste 東京");
  });

  describe("regeneration", () => {
    let out = "";
    afterAll(async () => {
      if (out) await rm(out, { recursive: true, force: true });
    });

    it("reproduces every committed fixture byte for byte", async () => {
      out = await mkdtemp(join(tmpdir(), "aosp-fixtures-"));
      await generateFixtures(out);
      const files = [
        "manifest.json",
        "README.md",
        ...(await readdir(join(FIXTURES, "payloads"))).map((f) => `payloads/${f}`),
        ...(await readdir(join(FIXTURES, "images"))).map((f) => `images/${f}`),
      ];
      const regenerated = [
        ...(await readdir(join(out, "payloads"))).map((f) => `payloads/${f}`),
        ...(await readdir(join(out, "images"))).map((f) => `images/${f}`),
      ];
      expect(regenerated.sort()).toEqual(files.filter((f) => f.includes("/")).sort());
      for (const file of files) {
        const [committed, fresh] = await Promise.all([readFile(join(FIXTURES, file)), readFile(join(out, file))]);
        expect(fresh.equals(committed), `${file} differs from a fresh run of fixtures/generate.ts`).toBe(true);
      }
    });
  });
});
