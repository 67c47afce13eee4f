/**
 * `aosp-sim replay --until STATE` as a QA engineer steps through a ticket's recording: stopped at a
 * state whose entry sends a request, or inside a `run` recording that goes on past its
 * enrollment; and a replay against a changed service, which says why the service refused. The
 * built CLI in a child process.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-replay-until-");
const run = temp.file("run.jsonl");

beforeAll(async () => {
  expect((await aospSim(["run", "--seed", "3", "--transcript", run])).code).toBe(0);
}, 60_000);

describe("replay --until a state whose entry sends a request", { timeout: 60_000 }, () => {
  // Before: "diverged at step 12 ... expected: ... -> 200 ..., got: ... -> no answer", exit 1: the
  // stop cut the state's request short, and that was compared with the recorded answer.
  for (const state of ["downloadingAgent", "enrolling", "signingIn.verifying"]) {
    it(`stops at ${state}: identical, exit 0`, async () => {
      const result = await aospSim(["replay", run, "--until", state]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(new RegExp(`^replayed \\d+ steps, identical \\(stopped at ${state.replace(".", "\\.")}\\S*, as --until asked\\)\\n$`));
      expect(result.code).toBe(0);
    });
  }
});

describe("replay --until the first state", { timeout: 60_000 }, () => {
  it("counts one step as one", async () => {
    // Before: "replayed 1 steps, identical ...".
    const result = await aospSim(["replay", run, "--until", "welcome"]);
    expect(result.stdout).toMatch(/^replayed 1 step, identical \(stopped at welcome, as --until asked\)\n$/);
    expect(result.code).toBe(0);
  });
});

describe("replay --until in a run recording that goes on past its enrollment", { timeout: 60_000 }, () => {
  it("offers the versions the enrollment was offered: --until enrolled and the first check-in are identical", async () => {
    // Before: "diverged at step 22": the fresh service offered the versions the scenario published 20 minutes later.
    const enrolled = await aospSim(["replay", run, "--until", "enrolled"]);
    const whole = await aospSim(["replay", run]);
    expect(enrolled.stdout).toMatch(/^replayed (\d+) steps, identical \(stopped at enrolled\.idle, as --until asked\)\n$/);
    expect(/replayed (\d+) steps/.exec(enrolled.stdout)?.[1]).toBe(/replayed (\d+) steps/.exec(whole.stdout)?.[1]);
    expect(enrolled.code).toBe(0);
    const checkIn = await aospSim(["replay", run, "--until", "enrolled.checkingIn"]);
    expect(checkIn.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at enrolled\.checkingIn\.requesting, as --until asked\)\n$/);
    expect(checkIn.code).toBe(0);
  });

  it("refuses a state reached only past a scenario's or an admin's step (exit 2), not a divergence", async () => {
    const result = await aospSim(["replay", run, "--until", "factoryResetting"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^aosp-sim: --until: the recording enters factoryResetting only after its enrollment, past a scenario's or an admin's step \("The admin publishes [^"]+"\), which a replay does not re-run\n/);
    // Before, `aosp-sim show TRANSCRIPT`: the recording's own file, so that it can be pasted.
    expect(result.stderr).toContain(`fix: give a state of the enrollment (up to enrolled.idle; \`aosp-sim show ${run}\` lists them), or play the scenario again (\`aosp-sim run SCENARIO --seed 3\`)`);
  });

  it("names a scenario's power cut as the step a replay does not re-run", async () => {
    const scenario = temp.file("power-delete.json");
    writeFileSync(scenario, JSON.stringify({ steps: [{ after: "5m", do: "powerLoss" }, { after: "20m", do: "delete" }] }));
    const file = temp.file("power-delete.jsonl");
    expect((await aospSim(["run", scenario, "--seed", "3", "--transcript", file])).code).toBe(0);
    // Before: "diverged at step 33, expected: power powerLost in enrolled.idle".
    const result = await aospSim(["replay", file, "--until", "factoryResetting"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/past a scenario's or an admin's step \(a power cut in enrolled\.idle\), which a replay does not re-run/);
  });
});

describe("replay --until past a power cut or clock jump the recorded faults made", { timeout: 60_000 }, () => {
  // Before: "--until: the recording enters enrolled.checkingIn only after its enrollment, past a
  // scenario's or an admin's step (a power cut in enrolled.idle)", exit 2: the fault's power cut,
  // which the replay injects again, was taken for a scenario's.
  it("replays a run recording whose faults strike as it enrolls to its first check-in: identical, exit 0", async () => {
    const file = temp.file("run-faults.jsonl");
    expect((await aospSim(["run", "--seed", "3", "--fault", "power-loss@enrolled", "--fault", "clock-skew=+1h@enrolled", "--transcript", file])).code).toBe(0);
    const result = await aospSim(["replay", file, "--until", "enrolled.checkingIn"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at enrolled\.checkingIn\.requesting, as --until asked\)\n$/);
    expect(result.code).toBe(0);
  });

  it("replays an enroll recording that went on, past its power cut, to its first check-in", async () => {
    const service = await startMockService();
    try {
      await service.admin.createLicensedUser({ displayName: "Ann", userPrincipalName: "ann@contoso.example", password: "Corr3ct-Horse" });
      const profile = await service.admin.createProfile({ displayName: "P", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const payload = temp.file("power-payload.json");
      writeFileSync(payload, JSON.stringify(await service.admin.exportProfile(profile.id)));
      const file = temp.file("enroll-power.jsonl");
      const args = ["enroll", payload, "--user", "ann@contoso.example", "--password", "Corr3ct-Horse", "--clock", "simulated", "--seed", "11"];
      expect((await aospSim([...args, "--fault", "power-loss@enrolled", "--until", "enrolled.checkingIn", "--transcript", file])).code).toBe(0);
      expect(readFileSync(file, "utf8")).toContain('"powerLost"');
      const result = await aospSim(["replay", file, "--until", "enrolled.checkingIn"]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at enrolled\.checkingIn\.requesting, as --until asked\)\n$/);
      expect(result.code).toBe(0);
    } finally {
      await service.close();
    }
  });
});

describe("replay against a service that now refuses", { timeout: 60_000 }, () => {
  const USER = { upn: "ann@contoso.example", password: "Corr3ct-Horse" };
  let service: MockService;
  let profileId: string;
  const kept = temp.file("kept.jsonl");

  beforeAll(async () => {
    service = await startMockService();
    await service.admin.createLicensedUser({ displayName: "Ann", userPrincipalName: USER.upn, password: USER.password });
    const profile = await service.admin.createProfile({ displayName: "P", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    profileId = profile.id;
    const payload = temp.file("p.json");
    writeFileSync(payload, JSON.stringify(await service.admin.exportProfile(profile.id)));
    const enrolled = await aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, "--clock", "simulated", "--seed", "11", "--transcript-secrets", "keep", "--transcript", kept]);
    expect(enrolled.code).toBe(0);
  }, 60_000);
  afterAll(() => service.close());

  it("names the answer's error code and message in the divergence and in --json", async () => {
    await service.admin.revokeToken(profileId);
    // Before: "got: http POST /device/v1/enroll -> 401 {error:{code:string,message:string}}", and
    // nothing that told a revoked token from an expired or unknown one.
    const result = await aospSim(["replay", kept, "--service", service.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\n {2}expected: http POST \/device\/v1\/enroll -> 200 \{[^\n]*\}\n/);
    expect(result.stdout).toMatch(/\n {2}got: {6}http POST \/device\/v1\/enroll -> 401 \{error:\{code:string,message:string\}\} \(tokenRevoked: [^\n]+\)\n/);
    expect(result.stdout).toMatch(/\n {2}ended: {4}in enrollmentFailed, tokenRevoked: [^\n]+\n/);
    const json = await aospSim(["replay", kept, "--service", service.url, "--json"]);
    const document = JSON.parse(json.stdout) as { divergence: { got: string }; failure: { code: string; message: string; screen: string; step: string } };
    expect(document.divergence.got).toMatch(/-> 401 \{error:\{code:string,message:string\}\} \(tokenRevoked: /);
    expect(document.failure).toMatchObject({ code: "tokenRevoked", step: "enroll" });
    expect(document.failure.message).toMatch(/revoked/);
    // The comparison stays by shape: the recording's answers name no error, and none was compared by it.
    expect(readFileSync(kept, "utf8")).not.toContain("tokenRevoked");
  });
});
