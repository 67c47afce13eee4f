/**
 * `aosp-sim enroll` stopped by Ctrl-C (SIGINT) or a CI job cancelled (SIGTERM), as a QA engineer
 * meets it: the built CLI in a child process, signalled while the device waits at a Wi-Fi join
 * that gets no answer (a deterministic place to stop it). The run says on stderr where it was
 * interrupted, exits 128 + the signal's number, and ends its transcript with an end record that
 * says so; `show` prints that ending, and `replay` re-runs the recording up to there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir, type CliOptions } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-interrupted-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
/** The timeline line of the device looking for the network, whose join then gets no answer for 60 s. */
const WAITING = "the radio does not answer";

let service: MockService;
let payload: string;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({ displayName: "Interrupted devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
  payload = temp.file("payload.json");
  writeFileSync(payload, JSON.stringify(await service.admin.exportProfile(profile.id)));
});
afterAll(() => service.close());

const records = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
const enrollArgs = (...args: string[]) => ["enroll", payload, "--user", USER.upn, "--password", USER.password, "--fault", "wifi-timeout=always", ...args];

/** Sends `name` once the printed timeline shows the device waiting for the Wi-Fi join. */
const signalWhileJoining = (name: NodeJS.Signals): CliOptions => {
  let sent = false;
  return {
    onStdout: (stdout, signal) => {
      if (sent || !stdout.includes(WAITING)) return;
      sent = true;
      signal(name);
    },
  };
};

/**
 * Whether one of the process's threads waits in the kernel for a FIFO's writer (Linux: its
 * wchan): the CLI has loaded and is reading its input, a FIFO no one writes to.
 */
function waitsForFifoWriter(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, "utf8") === "wait_for_partner");
  } catch {
    return false;
  }
}

/** Sends `name` once the CLI waits for its input (after 20 s all the same). */
const signalWhileReadingFifo = (name: NodeJS.Signals): CliOptions => ({
  killAfterMs: 40_000,
  onSpawn: (signal, pid) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (!waitsForFifoWriter(pid) && Date.now() - started < 20_000) return;
      clearInterval(poll);
      signal(name);
    }, 10);
  },
});

describe("aosp-sim enroll interrupted", { timeout: 120_000 }, () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s: says where on stderr, exit %i, and ends the transcript with an interrupted end record", async (name, exitCode) => {
    const file = temp.file(`interrupted-${name}.jsonl`);
    const dir = temp.file(`interrupted-${name}-device`);
    const started = performance.now();
    const result = await aospSim(enrollArgs("--transcript", file, "--device-dir", dir), signalWhileJoining(name));
    // Before: no end record, nothing said, and the process ended by the signal itself.
    expect(result.signal, result.stderr).toBeUndefined();
    expect(result.code, result.stderr).toBe(exitCode);
    // Stopped at once, not after the Wi-Fi join's 60 s timeout.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toBe(`enroll: interrupted at connectingWifi (${name}); the device's state is kept in ${dir}: run the same command to resume\n`);
    const end = records(file).at(-1)!;
    expect(end).toMatchObject({ type: "end", finalState: "connectingWifi", finalStatePath: "connectingWifi", interrupted: name, failure: null });
    expect(Date.parse(String(end["at"]))).not.toBeNaN();
    const schema = JSON.parse(readFileSync(new URL("../../schemas/transcript.schema.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv, ["date-time"]);
    const validate = ajv.compile(schema);
    for (const record of records(file)) expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
  });

  // Its input a FIFO no one writes to: the command waits there, before any device, for as long as the test likes.
  it.skipIf(process.platform !== "linux").each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s before the device started (its input still being read): says so, exit %i", async (name, exitCode) => {
    const fifo = temp.file(`input-${name}.fifo`);
    execFileSync("mkfifo", [fifo]);
    const result = await aospSim(["enroll", fifo, "--user", USER.upn, "--password", USER.password], signalWhileReadingFifo(name));
    // Before: the handlers came after the device was made (some 0.4 s in, or never here), and the signal ended the process silently.
    expect(result.stderr).toBe(`enroll: interrupted before the device started (${name}); no device was started: run the same command again\n`);
    expect(result.code).toBe(exitCode);
    expect(result.stdout).toBe("");
  });

  it("says the device's state is lost without --device-dir", async () => {
    const result = await aospSim(enrollArgs(), signalWhileJoining("SIGINT"));
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toBe(
      "enroll: interrupted at connectingWifi (SIGINT); the device's state is lost (no --device-dir): run the command again to start over, with --device-dir DIR to be able to resume\n",
    );
  });

  it("--json: one document that says the run was interrupted, and where", async () => {
    const file = temp.file("interrupted-json.jsonl");
    // Nothing is printed before the document: the signal goes when the transcript shows the wait.
    const result = await aospSim(enrollArgs("--json", "--transcript", file), {
      onSpawn: (signal) => {
        const poll = setInterval(() => {
          if (!existsSync(file) || !readFileSync(file, "utf8").includes(WAITING)) return;
          clearInterval(poll);
          signal("SIGINT");
        }, 20);
      },
    });
    expect(result.code, result.stderr).toBe(130);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ finalState: "connectingWifi", finalStatePath: "connectingWifi", interrupted: "SIGINT", failure: null });
    expect(result.stderr).toMatch(/^enroll: interrupted at connectingWifi \(SIGINT\)/);
  });

  it("show prints the recording as interrupted (not cut off), the page too; replay re-runs it up to there", async () => {
    const file = temp.file("interrupted-show.jsonl");
    const recorded = await aospSim(enrollArgs("--transcript", file), signalWhileJoining("SIGINT"));
    expect(recorded.code, recorded.stderr).toBe(130);
    const end = records(file).at(-1)!;

    const shown = await aospSim(["show", file]);
    expect(shown.code).toBe(0);
    // Before: "the recording was cut off" on stderr, and "Cut off in connectingWifi: it has no end record".
    expect(shown.stderr).toBe("");
    expect(shown.stdout).not.toMatch(/cut off/i);
    expect(shown.stdout.trimEnd().split("\n").at(-1)).toBe(
      `Interrupted in connectingWifi by SIGINT at ${String(end["at"])} (device clock): the run was stopped before it finished`,
    );

    const html = temp.file("interrupted.html");
    expect((await aospSim(["show", file, "--html", html])).code).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/cut-off|Cut off/);
    expect(page).toContain(`<b id="interrupted">Interrupted in connectingWifi by SIGINT at ${String(end["at"])} (device clock)`);

    // Before: "is truncated: it has no end record (was the run interrupted?)", exit 2.
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stderr).toBe("");
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at connectingWifi, where the recording was interrupted by SIGINT\)\n$/);
    expect(replayed.code).toBe(0);
    const steps = Number(/^replayed (\d+) steps/.exec(replayed.stdout)![1]);
    // Every recorded step up to the interruption is re-run: the Wi-Fi progress steps after entering connectingWifi too.
    const recordedSteps = records(file).filter((r) => r["type"] === "state" || r["type"] === "power" || r["type"] === "http").length;
    expect(steps).toBe(recordedSteps);

    const json = await aospSim(["replay", file, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ identical: true, finalStatePath: "connectingWifi", recordedStop: "interrupted", until: "connectingWifi" });
  });

  it("resumes from --device-dir where it was interrupted when the same command is run again", async () => {
    const dir = temp.file("resume-device");
    const first = await aospSim(enrollArgs("--device-dir", dir), signalWhileJoining("SIGINT"));
    expect(first.code, first.stderr).toBe(130);
    // Again without the fault (the network answers now), on the simulated clock so the join is instant.
    const again = await aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, "--device-dir", dir, "--clock", "simulated"]);
    expect(again.code, again.stderr).toBe(0);
    const states = again.stdout.split("\n").filter((l) => /^\s+\d+:\d\d\.\d  /.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(states[0]).toBe("connectingWifi");
    expect(states).toContain("enrolled.idle");
  });

  // Before: "diverged at step 12: expected power powerLost in downloadingAgent, got http GET ...
  // -> no answer": the replay stopped its device as it entered the state, before the power cut.
  it("replays a recording interrupted while the device was off (its power cut as it entered a state) up to that cut", async () => {
    const file = temp.file("interrupted-off.jsonl");
    const args = ["enroll", payload, "--user", USER.upn, "--password", USER.password, "--fault", "power-loss=10m@downloadingAgent", "--transcript", file];
    let sent = false;
    const recorded = await aospSim(args, {
      onStdout: (stdout, signal) => {
        if (sent || !stdout.includes("Power lost")) return;
        sent = true;
        signal("SIGINT");
      },
    });
    expect(recorded.code, recorded.stderr).toBe(130);
    expect(records(file).at(-1)).toMatchObject({ type: "end", interrupted: "SIGINT" });
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stdout, replayed.stderr).toMatch(/^replayed \d+ steps, identical \(stopped at off, where the recording was interrupted by SIGINT\)\n$/);
    expect(replayed.code).toBe(0);
  });
});
