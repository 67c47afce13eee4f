/**
 * `run --transcript` with many "share logs" steps: the transcript grows with what happened, not
 * with the square of the shares (each upload holds the device's whole log so far), and `show` and
 * `replay` read it; a transcript that holds each upload whole (as they were written before) still
 * reads and replays the same.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { uploadedLogs, withWholeLogs } from "../helpers/logs-uploads.js";

const temp = deviceTempDir("aosp-run-shared-logs-");

const SHARES = 80;

type Fields = Record<string, unknown>;

const recordsOf = (path: string): Fields[] => readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Fields);
const isUpload = (r: Fields): boolean => r["type"] === "http" && String(r["url"]).endsWith("/logs");

describe("run --transcript with many shared logs", { timeout: 120_000 }, () => {
  it("records each upload by what is new, so the transcript stays linear; show and replay read it, and the older form replays the same", async () => {
    const scenario = temp.file("shares.json");
    const steps = Array.from({ length: SHARES }, (_, i) => ({ after: `${10 + i * 5}m`, do: "shareLogs" }));
    writeFileSync(scenario, JSON.stringify({ until: `${20 + SHARES * 5}m`, device: { seed: 1 }, steps }));
    const file = temp.file("shares.jsonl");
    expect((await aospSim(["run", scenario, "--transcript", file])).code).toBe(0);

    const records = recordsOf(file);
    const uploads = records.filter(isUpload).map((r) => JSON.stringify(r).length);
    expect(uploads).toHaveLength(SHARES);
    // Before, the 80th upload held the whole log again (about 27 KB), each share's record larger
    // than the one before: the transcript grew with the square of the shares.
    expect(Math.max(...uploads.slice(1))).toBeLessThan(uploads[0]!);
    // The log each upload sent, rebuilt: every one begins with the one before it (the device's log only grows).
    const logs = uploadedLogs(records);
    for (let i = 1; i < logs.length; i++) expect(logs[i]!.startsWith(logs[i - 1]!)).toBe(true);
    expect(logs.at(-1)).toMatch(/Logs sent\. Incident ID: \w+\n.*Share logs/);

    const shown = await aospSim(["show", file]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stderr).toBe("");
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical/);
    expect(replayed.code).toBe(0);

    // The same run as transcripts wrote it before: each upload whole. Read and replayed the same.
    const older = temp.file("shares-whole.jsonl");
    writeFileSync(older, withWholeLogs(records).map((r) => `${JSON.stringify(r)}\n`).join(""));
    expect(statSync(older).size).toBeGreaterThan(3 * statSync(file).size);
    const olderShown = await aospSim(["show", older]);
    expect(olderShown.stdout).toBe(shown.stdout.replaceAll(file, older));
    expect(olderShown.code).toBe(0);
    const olderReplayed = await aospSim(["replay", older]);
    expect(olderReplayed.stdout).toBe(replayed.stdout);
    expect(olderReplayed.code).toBe(0);
  });
});
