/**
 * `aosp-sim run` stopped by Ctrl-C (SIGINT) or a CI job cancelled (SIGTERM), as `enroll` is
 * (enroll-interrupted.test.ts): the built CLI in a child process, playing the built-in scenario
 * against a running service behind a proxy here. The proxy holds one kind of request
 * unanswered, a deterministic place to stop the run: the device's enrollment request, its first
 * check-in once enrolled, or, before the device, the set-up's creation of the profile. The run says on stderr where it was interrupted, exits 128 + the
 * signal's number, and ends its transcript with an end record that says so; `show` prints that
 * ending, and `replay` re-runs the recording.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir, type CliOptions } from "../helpers/device-cli.js";
import { serviceBehindProxy, type ProxiedService } from "../helpers/device-traffic-proxy.js";

const temp = deviceTempDir("aosp-run-interrupted-");
const ENROLL = /^\/device\/v1\/enroll$/;
const CHECK_IN = /^\/device\/v1\/devices\/[^/]+\/checkIn$/;
const enrollRequest = () => (path: string) => ENROLL.test(path);
/** The run's set-up creating the enrollment profile, before there is a device. */
const profileCreation = () => (path: string) => path === "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
/** The enrolled device's first check-in: its second (the first is made in installingApps). */
const checkInOnceEnrolled = () => {
  let checkIns = 0;
  return (path: string) => CHECK_IN.test(path) && ++checkIns >= 2;
};

let service: ProxiedService;
/** Requests whose path this picks get no answer; `onHeld` hears of each. */
let hold: ((path: string) => boolean) | null = null;
let onHeld: () => void = () => {};

beforeAll(async () => {
  service = await serviceBehindProxy((path) => {
    if (!hold?.(path)) return "pass";
    onHeld();
    return "hold";
  });
});
afterAll(() => service.close());

const records = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
const runArgs = (...args: string[]) => ["run", "--service", service.url, "--admin-token", service.adminToken, ...args];

/** Holds the requests `held` picks and sends `name` as the first one arrives. */
function signalWhenHeld(held: (path: string) => boolean, name: NodeJS.Signals): CliOptions {
  return {
    onSpawn: (signal) => {
      hold = held;
      onHeld = () => {
        onHeld = () => {};
        signal(name);
      };
    },
  };
}

const RUN_AGAIN = "the scenario did not finish and its expectation was not checked: run the command again to start over";

describe("aosp-sim run interrupted", { timeout: 120_000 }, () => {
  it("SIGINT while the device enrolls: says where on stderr, exit 130, an interrupted end record; show and replay read it as enroll's", async () => {
    const file = temp.file("run-enrolling.jsonl");
    const started = performance.now();
    const result = await aospSim(runArgs("--transcript", file), signalWhenHeld(enrollRequest(), "SIGINT"));
    // Before: the process ended by the signal itself, nothing said, no end record.
    expect(result.signal, result.stderr).toBeUndefined();
    expect(result.code, result.stderr).toBe(130);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(result.stdout).toMatch(/^Scenario: /);
    expect(result.stdout).not.toMatch(/^Summary$/m);
    const end = records(file).at(-1)!;
    expect(end).toMatchObject({ type: "end", interrupted: "SIGINT", failure: null });
    const state = String(end["finalStatePath"]);
    expect(state).toMatch(/^enrolling/);
    expect(result.stderr).toBe(`run: interrupted at ${state} (SIGINT); ${RUN_AGAIN}\n`);
    const schema = JSON.parse(readFileSync(new URL("../../schemas/transcript.schema.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv, ["date-time"]);
    const validate = ajv.compile(schema);
    for (const record of records(file)) expect(validate(record), JSON.stringify(validate.errors)).toBe(true);

    hold = null;
    const shown = await aospSim(["show", file]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    expect(shown.stdout.trimEnd().split("\n").at(-1)).toBe(
      `Interrupted in ${state} by SIGINT at ${String(end["at"])} (device clock): the run was stopped before it finished`,
    );
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stderr).toBe("");
    expect(replayed.stdout).toMatch(new RegExp(`^replayed \\d+ steps, identical \\(stopped at ${state.replace(/\./g, "\\.")}, where the recording was interrupted by SIGINT\\)\\n$`));
    expect(replayed.code).toBe(0);
  });

  it("SIGTERM while the enrolled device checks in: exit 143, the state in the line and the end record; replay re-runs its enrollment", async () => {
    const file = temp.file("run-checking-in.jsonl");
    const result = await aospSim(runArgs("--transcript", file), signalWhenHeld(checkInOnceEnrolled(), "SIGTERM"));
    expect(result.signal, result.stderr).toBeUndefined();
    expect(result.code, result.stderr).toBe(143);
    const end = records(file).at(-1)!;
    expect(end).toMatchObject({ type: "end", interrupted: "SIGTERM", failure: null });
    const state = String(end["finalStatePath"]);
    expect(state).toMatch(/^enrolled\.checkingIn/);
    expect(result.stderr).toBe(`run: interrupted at ${state} (SIGTERM); ${RUN_AGAIN}\n`);

    hold = null;
    const shown = await aospSim(["show", file]);
    expect(shown.code).toBe(0);
    expect(shown.stdout.trimEnd().split("\n").at(-1)).toBe(
      `Interrupted in ${state} by SIGTERM at ${String(end["at"])} (device clock): the run was stopped before it finished`,
    );
    // The recording goes on past enrollment, so the enrollment is what is replayed, as for a whole run's.
    const replayed = await aospSim(["replay", file, "--json"]);
    expect(replayed.stderr).toBe("");
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ identical: true, recordedStop: "enrolled" });
  });

  it("SIGINT during the set-up, before the device started: says so at once, exit 130, no transcript record", async () => {
    const file = temp.file("run-set-up.jsonl");
    const result = await aospSim(runArgs("--transcript", file), { ...signalWhenHeld(profileCreation(), "SIGINT"), killAfterMs: 60_000 });
    // Before: the process ended by the signal itself, nothing said.
    expect(result.stderr).toBe(`run: interrupted before the device started (SIGINT); ${RUN_AGAIN}\n`);
    expect(result.code).toBe(130);
    expect(result.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("--json: one document that says the run was interrupted, and where", async () => {
    const result = await aospSim(runArgs("--json"), signalWhenHeld(checkInOnceEnrolled(), "SIGINT"));
    expect(result.code, result.stderr).toBe(130);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ finalState: "enrolled", interrupted: "SIGINT", failure: null, summary: { passed: false, interrupted: "SIGINT" } });
    expect(String(doc["finalStatePath"])).toMatch(/^enrolled\.checkingIn/);
    expect(result.stderr).toMatch(/^run: interrupted at enrolled\.checkingIn\S* \(SIGINT\)/);
  });
});
