/**
 * An empty file or folder name (`--transcript ""`, a shell variable that was not set) is refused
 * naming the option, as `qr -o ""` was: "OPTION: the file name is empty" (or folder), exit 2, with
 * a fix. Before, `--transcript ""` and `show --html ""` said "cannot be written: no file can be
 * created in /work (ENOENT)" (the wrong folder, no file named), and `--device-dir ""` was taken
 * as the current folder, which the device's storage was written into.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-empty-names-");
const payload = temp.file("payload.json");
writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a/b.C" }));
const transcript = temp.file("recorded.jsonl");
/** The folder the commands run in: nothing may be written there. */
const cwd = temp.file("cwd");
mkdirSync(cwd);

beforeAll(async () => {
  expect((await aospSim(["run", "--seed", "5", "--transcript", transcript, "--json"])).code).toBe(0);
}, 60_000);

describe("an empty file or folder name", { timeout: 60_000 }, () => {
  it.each([
    ["enroll --transcript", ["enroll", payload, "--clock", "simulated", "--transcript", ""], "--transcript", "file", "name the transcript file to write (e.g. --transcript enrollment.jsonl)"],
    ["run --transcript", ["run", "--transcript", ""], "--transcript", "file", "name the transcript file to write (e.g. --transcript run.jsonl)"],
    ["show --html", ["show", transcript, "--html", ""], "--html", "file", "name the HTML page file to write (e.g. --html transcript.html)"],
    ["qr -o", ["qr", payload, "-o", "", "--force"], "-o", "file", "name the PNG file to write (e.g. -o qr.png), or - for stdout"],
    ["enroll --device-dir", ["enroll", payload, "--clock", "simulated", "--device-dir", ""], "--device-dir", "folder", "name the folder that keeps the device's storage (e.g. --device-dir dev)"],
    ["replay --device-dir", ["replay", transcript, "--device-dir", ""], "--device-dir", "folder", "name the folder that keeps the device's storage (e.g. --device-dir dev)"],
  ])("%s is refused naming the option, exit 2, nothing written", async (_name, args, option, kind, fix) => {
    const result = await aospSim(args, { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`aosp-sim: ${option}: the ${kind} name is empty\n  fix: ${fix}\n`);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
