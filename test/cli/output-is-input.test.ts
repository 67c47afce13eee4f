/**
 * A command never writes its output over one of its own inputs: `enroll`'s and `run`'s
 * --transcript, `show --html` and `qr -o` naming the file they read (as written, by another
 * spelling, through a symbolic or a hard link) are refused before anything runs, exit 2, and the
 * input is left as it was. Before, `enroll pl.json --transcript pl.json` replaced the payload with
 * a transcript, `show t.jsonl --html t.jsonl` the transcript with a page, `qr pl.json -o pl.json`
 * the payload with a PNG.
 */
import { linkSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { KEYS, payloadWith } from "../payload/support/payloads.js";

const temp = deviceTempDir("aosp-output-is-input-");

/** A fresh copy of `text` under `name`, and the other names of it a user might give. */
function spellings(name: string, text: string): { file: string; names: [string, string][] } {
  const file = temp.file(name);
  writeFileSync(file, text);
  const symlink = temp.file(`${name}.symlink`);
  symlinkSync(file, symlink);
  const hardlink = temp.file(`${name}.hardlink`);
  linkSync(file, hardlink);
  return {
    file,
    names: [
      ["the same path", file],
      ["another spelling", `${dirname(file)}/./${basename(file)}`],
      ["a symbolic link to it", symlink],
      ["a hard link to it", hardlink],
    ],
  };
}

function expectRefused(result: { code: number | null; stdout: string; stderr: string }, where: string, problem: string, fix: string) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`aosp-sim: ${where}: ${problem}\n  fix: ${fix}\n`);
}

// Its agent download is refused at once (nothing listens on port 1), so a device that did run stops quickly.
const payloadText = JSON.stringify(payloadWith({ [KEYS.DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION]: "https://127.0.0.1:1/dpc.apk" }));
let transcriptText = "";

beforeAll(async () => {
  const transcript = temp.file("recorded.jsonl");
  const recorded = await aospSim(["run", "--seed", "3", "--transcript", transcript, "--json"]);
  expect(recorded.code).toBe(0);
  transcriptText = readFileSync(transcript, "utf8");
}, 60_000);

describe("an output file that is the command's input", { timeout: 30_000 }, () => {
  it.each(["the same path", "another spelling", "a symbolic link to it", "a hard link to it"])(
    "enroll --transcript naming the payload (%s) is refused, the payload kept",
    async (how) => {
      const { file, names } = spellings(`enroll-${how.replaceAll(" ", "-")}.json`, payloadText);
      const output = names.find(([name]) => name === how)![1];
      const result = await aospSim(["enroll", file, "--clock", "simulated", "--transcript", output]);
      expectRefused(result, `--transcript ${output}`, `is the input ${file} too: the transcript would replace it`, "give the transcript a file of its own, e.g. --transcript enrollment.jsonl");
      expect(readFileSync(file, "utf8")).toBe(payloadText);
    },
  );

  it("enroll --transcript naming a --preinstall package is refused", async () => {
    const payload = temp.file("preinstall-payload.json");
    writeFileSync(payload, payloadText);
    const pkg = temp.file("agent.pkg");
    writeFileSync(pkg, "a package archive");
    const result = await aospSim(["enroll", payload, "--preinstall", pkg, "--transcript", pkg]);
    expectRefused(result, `--transcript ${pkg}`, `is the --preinstall package ${pkg} too: the transcript would replace it`, "give the transcript a file of its own, e.g. --transcript enrollment.jsonl");
    expect(readFileSync(pkg, "utf8")).toBe("a package archive");
  });

  it.each(["the same path", "a symbolic link to it", "a hard link to it"])("show --html naming the transcript (%s) is refused, the transcript kept", async (how) => {
    const { file, names } = spellings(`show-${how.replaceAll(" ", "-")}.jsonl`, transcriptText);
    const output = names.find(([name]) => name === how)![1];
    const result = await aospSim(["show", file, "--html", output]);
    expectRefused(result, `--html ${output}`, `is the transcript ${file} too: the HTML page would replace it`, "give the HTML page a file of its own, e.g. --html transcript.html");
    expect(readFileSync(file, "utf8")).toBe(transcriptText);
  });

  it.each(["the same path", "a symbolic link to it", "a hard link to it"])("qr -o naming the payload (%s) is refused, the payload kept", async (how) => {
    const { file, names } = spellings(`qr-${how.replaceAll(" ", "-")}.json`, payloadText);
    const output = names.find(([name]) => name === how)![1];
    const result = await aospSim(["qr", file, "-o", output]);
    expectRefused(result, `-o ${output}`, `is the payload ${file} too: the PNG would replace it`, "give the PNG a file of its own, e.g. -o qr.png");
    expect(readFileSync(file, "utf8")).toBe(payloadText);
  });

  it("run --transcript naming the scenario is refused, the scenario kept", async () => {
    const scenarioText = JSON.stringify({ until: "enrolled" });
    const { file, names } = spellings("scenario.json", scenarioText);
    const output = names.find(([name]) => name === "a hard link to it")![1];
    const result = await aospSim(["run", file, "--transcript", output]);
    expectRefused(result, `--transcript ${output}`, `is the scenario ${file} too: the transcript would replace it`, "give the transcript a file of its own, e.g. --transcript run.jsonl");
    expect(readFileSync(file, "utf8")).toBe(scenarioText);
  });

  it("an output file of its own is still written", async () => {
    const payload = temp.file("own.json");
    writeFileSync(payload, payloadText);
    const result = await aospSim(["qr", payload, "-o", temp.file("own.png")]);
    expect(result.code).toBe(0);
    expect(readFileSync(temp.file("own.png")).subarray(1, 4).toString()).toBe("PNG");
  });
});
