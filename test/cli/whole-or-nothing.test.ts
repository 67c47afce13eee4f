/**
 * A report, page or QR code is written whole or not at all: when the write fails half-way (a disk
 * that fills, a quota, a file-size limit), the file written before is left as it was, not replaced
 * by a cut-off one that a CI system or a printer then reads. The failure is made real with a
 * file-size limit (`ulimit -f`, SIGXFSZ ignored so that the write fails with EFBIG instead of
 * killing the process), which stands in for a full disk on a machine where none can be filled.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { replaceFile } from "../../agent/protocol/replace-file.js";
import { aospSim, MAIN, type CliResult } from "../helpers/device-cli.js";
import { useTempDir } from "../payload/support/cli.js";
import { basePayload } from "../payload/support/payloads.js";

const temp = useTempDir("aosp-whole-");

/** The built CLI under a file-size limit of `kib` KiB, as `ulimit -f` sets one. */
function underSizeLimit(kib: number, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `trap '' XFSZ; ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, MAIN, ...args], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const leftovers = () => readdirSync(temp.dir()).filter((name) => name.endsWith(".tmp"));

describe("a file written over is written whole or not at all", () => {
  it("qr -o: a write cut off half-way leaves the earlier code as it was, and says why (exit 2)", async () => {
    const payload = temp.file("payload.json");
    writeFileSync(payload, JSON.stringify(basePayload()));
    const png = temp.file("code.png");
    const earlier = await aospSim(["qr", payload, "-o", png]);
    expect(earlier.code, earlier.stderr).toBe(0);
    const before = readFileSync(png);
    expect(before.length).toBeGreaterThan(1024);

    const cut = await underSizeLimit(1, ["qr", payload, "-o", png, "--scale", "12"]);
    expect(cut.code, cut.stderr).toBe(2);
    expect(cut.stderr).toMatch(/cannot write the PNG: EFBIG/);
    expect(cut.stderr).toMatch(/fix: the file is larger than this process may write: raise the file-size limit \(ulimit -f\)/);
    expect(readFileSync(png).equals(before)).toBe(true);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("show --html: a page cut off half-way leaves the page written before as it was", async () => {
    const transcript = temp.file("run.jsonl");
    const ran = await aospSim(["run", "--seed", "1", "--transcript", transcript]);
    expect(ran.code, ran.stderr).toBe(0);
    const page = temp.file("run.html");
    writeFileSync(page, "<!doctype html><title>the page from before</title>");

    const cut = await underSizeLimit(4, ["show", transcript, "--html", page]);
    expect(cut.code, cut.stderr).toBe(2);
    expect(cut.stderr).toMatch(/EFBIG/);
    expect(readFileSync(page, "utf8")).toBe("<!doctype html><title>the page from before</title>");
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("fleet --report: a report cut off half-way leaves the last run's report as it was", async () => {
    const report = temp.file("fleet.html");
    writeFileSync(report, "<!doctype html><title>the last run's report</title>");
    const cut = await underSizeLimit(8, ["fleet", "--devices", "2", "--seed", "1", "--report", report, "--no-progress"]);
    expect(cut.code, cut.stderr).toBe(2);
    expect(cut.stderr).toMatch(/cannot write the HTML report: EFBIG/);
    expect(readFileSync(report, "utf8")).toBe("<!doctype html><title>the last run's report</title>");
    expect(leftovers()).toEqual([]);
  }, 60_000);
});

describe("replaceFile", () => {
  it("keeps an old file's mode, and gives a new one the mode a plain write would", () => {
    const old = temp.file("old.txt");
    writeFileSync(old, "old");
    chmodSync(old, 0o640);
    replaceFile(old, "new");
    expect(readFileSync(old, "utf8")).toBe("new");
    expect(statSync(old).mode & 0o777).toBe(0o640);

    const fresh = temp.file("fresh.txt");
    replaceFile(fresh, "fresh");
    writeFileSync(temp.file("plain.txt"), "plain");
    expect(statSync(fresh).mode & 0o777).toBe(statSync(temp.file("plain.txt")).mode & 0o777);
  });

  it("makes a file of secrets its owner's alone, old or new", () => {
    const old = temp.file("secret-old.png");
    writeFileSync(old, "old");
    chmodSync(old, 0o644);
    replaceFile(old, "new", { ownerOnly: true });
    replaceFile(temp.file("secret-new.png"), "new", { ownerOnly: true });
    expect(statSync(old).mode & 0o777).toBe(0o600);
    expect(statSync(temp.file("secret-new.png")).mode & 0o777).toBe(0o600);
  });

  it("writes through a symbolic link, keeping the link, and into a link that leads nowhere yet", () => {
    writeFileSync(temp.file("real.xml"), "old");
    symlinkSync(temp.file("real.xml"), temp.file("link.xml"));
    replaceFile(temp.file("link.xml"), "new");
    expect(lstatSync(temp.file("link.xml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(temp.file("real.xml"), "utf8")).toBe("new");

    symlinkSync(temp.file("not-yet.xml"), temp.file("dangling.xml"));
    replaceFile(temp.file("dangling.xml"), "made");
    expect(readlinkSync(temp.file("dangling.xml"))).toBe(temp.file("not-yet.xml"));
    expect(readFileSync(temp.file("not-yet.xml"), "utf8")).toBe("made");
  });

  it("writes into a pipe or a device in place, never renaming over it", async () => {
    replaceFile("/dev/null", "nothing");
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);

    const fifo = temp.file("pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // Read by another process: opening a pipe to write waits, synchronously, for its reader.
    const cat = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "inherit"] });
    const read = new Promise<string>((resolve) => {
      let text = "";
      cat.stdout.on("data", (d: Buffer) => (text += d.toString("utf8")));
      cat.on("close", () => resolve(text));
    });
    replaceFile(fifo, "through the pipe");
    expect(await read).toBe("through the pipe");
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});
