/**
 * What every command shares, as a user meets it at the shell: help, version, usage errors, and
 * output piped into a reader that stops early (`aosp-sim diagram | head -1`).
 */
import { dirname } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { closeSync, openSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { outputErrorHandler } from "../../agent/cli/output.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-main-");
const MAIN = fileURLToPath(new URL("../../dist/agent/cli/main.js", import.meta.url));

describe("aosp-sim", () => {
  it("lists every command in --help", async () => {
    const result = await aospSim(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["decode", "validate", "qr", "serve", "enroll", "run", "diagram"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    // One line per command, each a sentence: a command's longer description stays in its own --help.
    const listed = result.stdout.split("Commands:\n")[1]!.trimEnd().split("\n");
    for (const line of listed) expect(line, line).toMatch(/^  [a-z-]+( \[[a-z]+\])?( \[?<?[a-z.]+>?\]?)* +[A-Z]/);
  });

  it("keeps a command's whole description for its own --help", async () => {
    const result = await aospSim(["validate", "--help"]);
    expect(result.stdout).toContain("Exit 0 valid, 1 invalid (findings), 2 unreadable input or usage error.");
  });

  it("prints its version", async () => {
    const result = await aospSim(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 on an unknown command and suggests the closest one", async () => {
    const result = await aospSim(["validat", "x.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'validat'/);
    expect(result.stderr).toMatch(/Did you mean validate\?/);
  });

  // Before: `emulator bogus` was sent to `aosp-sim --help` and its list (emulator among them), and
  // `help bogus` said "no command given".
  it("names the commands of the one given an unknown name, and calls `help bogus` an unknown command", async () => {
    for (const args of [["emulator", "bogus"], ["emulator", ""]]) {
      const result = await aospSim(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(
        `aosp-sim: unknown command '${args[1]}'\n  fix: run \`aosp-sim emulator --help\` for the commands (start, provision, verify, reset, snapshot, set-owner)\n`,
      );
    }
    const help = await aospSim(["help", "bogus"]);
    expect(help.code).toBe(2);
    expect(help.stderr).toMatch(/aosp-sim: unknown command 'bogus'\n {2}fix: run `aosp-sim --help` for the commands \(decode, validate, .*emulator\)\n$/);
    expect(help.stderr).not.toContain("no command given");
  });

  // Before, Commander's help for a missing command was taken for `--help`: `aosp-sim emulator $STEP`
  // with an empty STEP ran nothing and exited 0, so a CI step passed.
  it("exits 2 when a command that takes a subcommand is given none, and 0 for help asked for", async () => {
    const bare = await aospSim(["emulator"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("no command given: `aosp-sim emulator` takes one of start, provision, verify, reset, snapshot, set-owner");
    expect(bare.stderr).toContain("fix: name one: `aosp-sim emulator --help` says what each does");
    const top = await aospSim([]);
    expect(top.code).toBe(2);
    expect(top.stderr).toMatch(/no command given: `aosp-sim` takes one of decode, validate/);
    for (const asked of [["help"], ["emulator", "--help"], ["help", "emulator"]]) {
      const help = await aospSim(asked);
      expect(help.code, asked.join(" ")).toBe(0);
      expect(help.stdout, asked.join(" ")).toMatch(/^Usage: aosp-sim/);
    }
  });

  it("exits 2 on a missing argument", async () => {
    const result = await aospSim(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });

  // Before, commander kept the last value silently: `--junit a.xml --junit b.xml` never wrote a.xml.
  it("refuses an option that takes one value given twice, in every command; options that repeat and flags may be given again", async () => {
    const cases: [string[], RegExp][] = [
      [["serve", "--port", "0", "--port", "8081"], /^aosp-sim: --port 8081: --port was given before \(--port 0\), and takes one value\n\s+fix: give --port once \(only --chaos repeats\)\n$/],
      [["validate", "--format", "json", "--format=sarif", "x.json"], /^aosp-sim: --format sarif: --format was given before \(--format json\), and takes one value\n\s+fix: give --format once \(no option of aosp-sim validate repeats\)\n$/],
      [["qr", "x.json", "-o", "a.png", "--output", "b.png"], /^aosp-sim: --output b\.png: --output was given before \(--output a\.png\)/],
      [["emulator", "reset", "--serial", "emulator-5554", "--serial", "emulator-5556"], /^aosp-sim: --serial emulator-5556: --serial was given before \(--serial emulator-5554\)/],
    ];
    for (const [args, message] of cases) {
      const result = await aospSim(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const json = await aospSim(["enroll", "x.json", "--seed", "1", "--seed", "2", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { kind: "usage", message: "--seed 2: --seed was given before (--seed 1), and takes one value", where: null, fix: "give --seed once (only --fault and --preinstall repeat)" } });
    // A flag twice asks the same; a repeatable option collects (both reach the payload check: no such file).
    const repeated = await aospSim(["validate", "--json", "--json", "missing.json"]);
    expect(repeated.stderr).toMatch(/missing\.json: no such file/);
  });

  it("gives commander's own usage errors a fix line naming the usage", async () => {
    const missing = await aospSim(["validate"]);
    expect(missing.stderr).toMatch(/^aosp-sim: missing required argument 'input/m);
    expect(missing.stderr).toMatch(/^ +fix: usage: aosp-sim validate /m);
    const unknown = await aospSim(["decode", "--jsn", "x.png"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--jsn'/);
    expect(unknown.stderr).toMatch(/fix: check the spelling; `aosp-sim decode --help` lists the options/);
    const command = await aospSim(["validat"]);
    expect(command.stderr).toMatch(/fix: run `aosp-sim --help` for the commands \(decode, validate,/);
    const value = await aospSim(["validate", "x.json", "--rules"]);
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/option '--rules <set>' argument missing\n +fix: put the option's value right after it/);
    // A nested command's fix names it whole (before: "`aosp-sim --help` shows how to use it").
    const nested = await aospSim(["emulator", "start"]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/required option '--avd <name>' not specified\n +fix: `aosp-sim emulator start --help` shows how to use it/);
  });

  it("reports usage errors of a --json run as one JSON document on stdout too", async () => {
    const result = await aospSim(["validate", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { kind: "usage", message: expect.stringMatching(/missing required argument/), where: null, fix: expect.stringMatching(/^usage: aosp-sim validate/) },
    });
    expect(result.stderr).toMatch(/fix: /);
  });

  it("reports unreadable input of a --json run as JSON on stdout", async () => {
    const result = await aospSim(["validate", "no-such-file.png", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { kind: "input", message: "no such file", where: "no-such-file.png", fix: expect.any(String) },
    });
    const run = await aospSim(["run", "no-such-scenario.json", "--json"]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { kind: "input", where: "no-such-scenario.json" } });
  });

  it("stops quietly, without a stack trace, when the reader of its output goes away", async () => {
    const child = spawn(process.execPath, [MAIN, "diagram"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // like `| head -0`: nobody reads what it writes
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(code).toBe(0);
  });

  // Before, `enroll ... | head -1` and `run ... | head -1` exited 0 at the first write after the
  // reader left, the run not finished: a CI step under `pipefail` passed a failed enrollment.
  it("finishes a run whose stdout reader left and exits with the run's own code", { timeout: 60_000 }, async () => {
    const failing = [
      ["enroll", "fixtures/images/intune-valid.png", "--clock", "simulated", "--seed", "1"],
      ["run", "--fault", "wrong-wifi-key"],
    ];
    const codes = await Promise.all(
      failing.map((args) => {
        const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        child.stdout.once("data", () => child.stdout.destroy()); // like `| head -1`
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        return new Promise<[number | null, string]>((resolve) => child.on("close", (code) => resolve([code, stderr])));
      }),
    );
    for (const [i, [code, stderr]] of codes.entries()) {
      expect(stderr, failing[i]!.join(" ")).not.toMatch(/EPIPE|at .*\.js:\d+/);
      expect(code, failing[i]!.join(" ")).toBe(1);
    }
  });

  it("says in one line, without a stack trace, that stdout cannot be written (a full disk), and exits 2", async () => {
    const payload = temp.file("p.json");
    writeFileSync(payload, "{}");
    for (const args of [["diagram"], ["validate", payload, "--json"], ["qr", payload, "-o", "-", "--force"]]) {
      const full = openSync("/dev/full", "w");
      const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", full, "pipe"], env: { ...process.env, NO_COLOR: "1" } });
      closeSync(full);
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr, args.join(" ")).toBe("aosp-sim: stdout: cannot write (ENOSPC: no space left on device)\n");
      expect(code, args.join(" ")).toBe(2);
    }
  });

  it("words an output failure without its code twice, and keeps an EPIPE quiet, ending nothing", () => {
    const exits: number[] = [];
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((text) => (written.push(String(text)), true));
    try {
      outputErrorHandler("stdout", (code) => exits.push(code))(Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" }));
      outputErrorHandler("stdout", (code) => exits.push(code))(Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" }));
    } finally {
      write.mockRestore();
    }
    expect(written.join("")).toMatch(/stdout: cannot write \(EIO: i\/o error\)\n$/);
    expect(exits).toEqual([2]);
  });

  // Before, a fleet whose stderr reader left (`2>&1 >out.json | head -c 5`) exited 0 at its next
  // progress line, its summary and JUnit never written; `serve 2>&1 | head -1` stopped the service.
  it("runs on when stderr fails: progress is lost, the results on stdout and in files are not", () => {
    const exits: number[] = [];
    const onStderr = outputErrorHandler("stderr", (code) => exits.push(code));
    onStderr(Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" }));
    onStderr(Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" }));
    expect(exits).toEqual([]);
  });

  it("names a binary file given as JSON as binary, for every command that reads JSON", async () => {
    const binary = temp.file("photo.bin");
    writeFileSync(binary, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
    for (const args of [["merge-reports", binary], ["compare", binary, binary], ["run", binary]]) {
      const result = await aospSim(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`photo.bin: is binary data, not JSON`);
    }
  });

  it("names a binary file given as a transcript as binary, not an aosp-sim transcript", async () => {
    const binary = temp.file("photo.jsonl");
    writeFileSync(binary, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
    for (const command of ["replay", "show"]) {
      const result = await aospSim([command, binary]);
      expect(result.code, command).toBe(2);
      // Before: "line 1 is not JSON: not a transcript".
      expect(result.stderr).toContain("photo.jsonl: is not an aosp-sim transcript: it is binary data, not JSON lines");
    }
  });

  it("names a symbolic link that loops, read or written, with a fix (exit 2)", async () => {
    // Before: "cannot be read: ELOOP: too many symbolic links encountered, open '...'" and
    // "check that the file exists and is readable", for a link that is there.
    const loop = temp.file("loop-a");
    symlinkSync(temp.file("loop-b"), loop);
    symlinkSync(loop, temp.file("loop-b"));
    const payload = temp.file("loop-payload.json");
    writeFileSync(payload, "{}");
    for (const [args, saying] of [
      [["validate", loop], "cannot be read"],
      [["run", loop], "cannot be read"],
      [["qr", payload, "-o", loop, "--force"], "cannot write the PNG"],
    ] as const) {
      const result = await aospSim([...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(`${loop}: ${saying}: it is a symbolic link that leads round in a loop`);
      expect(result.stderr, args.join(" ")).toContain("fix: point the link at a real file (`ls -l` shows where each link leads), or give the file's own path");
      expect(result.stderr, args.join(" ")).not.toContain("ELOOP");
    }
  });

  it("names a folder given as the scenario, with a fix (exit 2)", async () => {
    const folder = dirname(temp.file("x"));
    const result = await aospSim(["run", folder]);
    expect(result.code).toBe(2);
    // Before: "cannot be read: EISDIR: illegal operation on a directory, read" and no fix.
    expect(result.stderr).toContain(`${folder}: is a directory, not a scenario JSON file`);
    expect(result.stderr).toMatch(/fix: /);
    expect(result.stderr).not.toContain("EISDIR");
  });

  it("says one difference that matters in the singular", async () => {
    const summary = (finalState: string) => {
      const file = temp.file(`${finalState}.json`);
      writeFileSync(file, JSON.stringify({ finalState, apps: [], timeline: [{ state: "welcome" }] }));
      return file;
    };
    const result = await aospSim(["compare", summary("enrolled"), summary("wifiFailed")]);
    expect(result.code).toBe(1);
    // Before: "1 difference that matter".
    expect(result.stdout).toContain("different: 1 difference that matters");
  });

  it("writes control characters from its input as escapes: a file cannot drive the terminal", async () => {
    // A file name with an escape sequence and a line break that would forge a "fix:" line.
    const named = temp.file("evil\u001b[2J\nfix: trust me.json");
    writeFileSync(named, "x");
    const merge = await aospSim(["merge-reports", named]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(merge.stderr).toContain("evil\\x1b[2J\\x0afix: trust me.json: is not JSON");
    expect(merge.stderr.trim().split("\n")).toHaveLength(2);
    // A payload's values, quoted by validate's findings and its summary of what the device does.
    const payload = temp.file("payload.json");
    writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.x/.\u001b[2JReceiver" }));
    const validate = await aospSim(["validate", payload]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain("com.x.\\x1b[2JReceiver");
    expect(validate.stdout).not.toContain("\u001b");
    // The timeline quotes the network's name as the device joins it.
    const wifi = temp.file("wifi.json");
    writeFileSync(
      wifi,
      JSON.stringify({
        "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.x/.R",
        "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "https://dpc.example/a.apk",
        "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM": "A".repeat(43),
        "android.app.extra.PROVISIONING_WIFI_SSID": "\u001b[31mred",
        "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE": "NONE",
      }),
    );
    const transcript = temp.file("wifi.jsonl");
    const enroll = await aospSim(["enroll", wifi, "--transcript", transcript]);
    expect(enroll.stdout).toContain("Connected to \\x1b[31mred");
    expect(enroll.stdout + enroll.stderr).not.toContain("\u001b");
    // show reads a transcript, a file from outside: here one whose HTTP error says more than it should.
    const edited = readFileSync(transcript, "utf8").replace(/"error":"([^"]*)"/, '"error":"$1\\u001b[2J"');
    expect(edited).toContain("\\u001b[2J");
    writeFileSync(transcript, edited);
    const show = await aospSim(["show", transcript]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("\\x1b[2J");
    expect(show.stdout).not.toContain("\u001b");
  });
});
