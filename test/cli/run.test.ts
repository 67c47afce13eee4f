/**
 * `aosp-sim run`: the README's main command, and scenarios from files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-run-");

function scenario(name: string, value: unknown): string {
  const path = temp.file(name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe("aosp-sim run", { timeout: 60_000 }, () => {
  it("with no arguments: enrolls, checks in, self-updates, shares logs, is wiped, and sums up", async () => {
    const result = await aospSim(["run"]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    const order = ["welcome", "scanningQr", "connectingWifi", "downloadingAgent", "enrolling", "signingIn.waitingForUser", "enrolled.idle", "enrolled.updating.closingAgent", "enrolled.updating.relaunchingAgent", "enrolled.sharingLogs", "enrolled.acknowledgingAction", "factoryResetting.erasing"];
    let at = 0;
    for (const state of order) {
      const found = out.indexOf(` ${state} `, at);
      expect(found, state).toBeGreaterThan(-1);
      at = found;
    }
    expect(out).toMatch(/Hi there \(the device was reset: storage erased\)/);
    expect(out).toMatch(/check-ins +\d+/);
    expect(out).toMatch(/updates +Intune 24\.9\.2 -> 24\.11\.0; Company Portal .* -> 5\.0\.6301\.0/);
    expect(out).toMatch(/after reset +the service no longer lists the device/);
    expect(out).toMatch(/result +passed/);
  });

  it("prints one JSON document with --json", async () => {
    const result = await aospSim(["run", "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { finalState: string; deviceId: string; timeline: unknown[]; summary: { passed: boolean; checkIns: number } };
    expect(doc.finalState).toBe("welcome");
    expect(doc.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.summary.passed).toBe(true);
    expect(doc.summary.checkIns).toBeGreaterThan(5);
  });

  it("passes a scenario that expects a revoked token to be refused", async () => {
    const path = scenario("revoked.json", { name: "Revoked", beforeEnrollment: [{ do: "revokeToken" }], expect: { failure: "tokenRevoked" } });
    const result = await aospSim(["run", path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/enrollmentFailed/);
    expect(result.stdout).toMatch(/passed: fails with tokenRevoked/);
  });

  // The device scans the code made before the set-up steps. The agent is downloaded from the
  // payload's location, which knows nothing of profiles or tokens: each of these fails at
  // enrollment, and its recording replays identical.
  for (const c of [
    { code: "profileDeleted", before: [{ do: "deleteProfile" }] },
    { code: "tokenRevoked", before: [{ do: "revokeToken" }] },
    // Before: the device scanned the code made after the replace, and enrolled.
    { code: "tokenReplaced", before: [{ do: "replaceToken" }] },
    { code: "tokenExpired", before: [{ do: "wait", for: "2h" }], profile: { tokenValidity: "1h" } },
  ]) {
    it(`fails a device whose payload was then refused (${c.code}) at enrollment, not at the download, and replays it`, async () => {
      const file = temp.file(`${c.code}.jsonl`);
      const path = scenario(`${c.code}.json`, { device: { seed: 3 }, profile: c.profile, beforeEnrollment: c.before, until: "welcome", expect: { failure: c.code } });
      const result = await aospSim(["run", path, "--transcript", file]);
      // Before, a deleted profile's cookie was refused: provisioningFailed at the download (HTTP 401).
      expect(result.stdout).toMatch(/ verifyingAgent /);
      expect(result.stdout).not.toMatch(/provisioningFailed/);
      expect(result.stdout).toMatch(new RegExp(`enrollmentFailed .*${c.code}`));
      expect(result.code).toBe(0);
      const replayed = await aospSim(["replay", file]);
      expect(replayed.stdout).toMatch(/identical/);
      expect(replayed.code).toBe(0);
    });
  }

  it("records a user who declines the terms so that replay declines them too: identical", async () => {
    const file = temp.file("decline.jsonl");
    const terms = { do: "assignTerms", title: "T", bodyText: "B", acceptanceStatement: "A" };
    const path = scenario("decline.json", { name: "decline", device: { seed: 3, acceptTerms: false }, tenantSetup: [terms], until: "1h", expect: { finalState: "termsDeclined" } });
    expect((await aospSim(["run", path, "--transcript", file])).code).toBe(0);
    // Before: "diverged at step 22", expected DECLINE_TERMS, got ACCEPT_TERMS.
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stdout).toMatch(/identical/);
    expect(replayed.code).toBe(0);
  });

  it("fails (exit 1) a scenario whose expectation does not hold", async () => {
    const path = scenario("expired.json", { profile: { tokenValidity: "1h" }, beforeEnrollment: [{ do: "wait", for: "2h" }], until: "enrolled", expect: { finalState: "enrolled" } });
    const result = await aospSim(["run", path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/tokenExpired/);
    expect(result.stdout).toMatch(/failed: expected it ends in enrolled/);
  });

  it("shares logs the user asked for while the device was off, once it is back", async () => {
    const path = scenario("off.json", {
      steps: [{ after: "4m", do: "powerLoss", for: "10m" }, { after: "5m", do: "shareLogs", description: "asked while off" }],
      until: "30m",
    });
    const result = await aospSim(["run", path, "--json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { summary: { incidentIds: string[] } }).summary.incidentIds).toHaveLength(1);
  });

  it("names the part of a scenario the service refuses (a WPA key too short), exit 2", async () => {
    const path = scenario("short-key.json", { profile: { wifi: { ssid: "Lab", security: "wpa", password: "short" } } });
    const result = await aospSim(["run", path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/scenario at \/profile: the service refused it: .*wifiPassword/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it("refuses a signed duration where only a forward one makes sense (exit 2)", async () => {
    const result = await aospSim(["run", scenario("signed.json", { profile: { tokenValidity: "-5d" } })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at \/profile\/tokenValidity: must be a duration/);
  });

  it("refuses to run a scenario for longer than a year instead of seeming to hang (exit 2)", async () => {
    const result = await aospSim(["run", scenario("century.json", { until: "36500d" })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at \/until: "36500d" is longer than a scenario runs/);
  });

  it("names a --transcript path it cannot write (exit 2)", async () => {
    const result = await aospSim(["run", "--transcript", temp.file("no-such-folder/t.jsonl")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/t\.jsonl: cannot be written/);
    expect(result.stderr).not.toMatch(/internal error/);
    // Said in words, before the run: before, "ENOENT: no such file or directory, open '...'".
    expect(result.stderr).toMatch(/t\.jsonl: cannot be written: its folder \S*no-such-folder does not exist\n\s+fix: give a path in a folder that exists and is writable/);
  });

  it("names a --transcript path that is a folder, and a file to give instead (exit 2)", async () => {
    const folder = dirname(temp.file("x"));
    const result = await aospSim(["run", "--transcript", folder]);
    expect(result.code).toBe(2);
    // Before: "cannot be written: EISDIR: illegal operation on a directory, open '...'" and "check the folder exists".
    expect(result.stderr).toContain(`${folder}: cannot be written: this is a folder`);
    expect(result.stderr).toContain(`fix: name a file in it, e.g. ${folder}/enrollment.jsonl`);
  });

  it("ends its --transcript with an end record, so show reads it", async () => {
    const file = temp.file("run.jsonl");
    const path = scenario("revoked-t.json", { beforeEnrollment: [{ do: "revokeToken" }], expect: { failure: "tokenRevoked" } });
    expect((await aospSim(["run", path, "--transcript", file])).code).toBe(0);
    const last = JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n").at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ type: "end", finalState: "enrollmentFailed", failure: { code: "tokenRevoked" } });
    // Before: "is truncated: it has no end record (was the run interrupted?)", exit 2.
    const shown = await aospSim(["show", file]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
  });

  it("shows a recording cut off before its end record as far as it goes, saying so (exit 0); replay refuses it (exit 2)", async () => {
    const file = temp.file("cut.jsonl");
    const path = scenario("cut.json", { beforeEnrollment: [{ do: "revokeToken" }], expect: { failure: "tokenRevoked" } });
    expect((await aospSim(["run", path, "--transcript", file])).code).toBe(0);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    // A run stopped by Ctrl-C: no end record, and its last line written half.
    writeFileSync(file, `${lines.slice(0, -2).join("\n")}\n${lines.at(-2)!.slice(0, 20)}`);
    const shown = await aospSim(["show", file]);
    // Before: "is truncated: its last line (N) is cut off", exit 2, and nothing shown.
    expect(shown.stdout).toMatch(/ enrolling /);
    expect(shown.stdout).toMatch(/Cut off in \S+: its last line \(\d+\) is cut off; the run was stopped before it finished/);
    expect(shown.stderr).toMatch(/warning: .*cut\.jsonl: the recording was cut off/);
    expect(shown.code).toBe(0);
    const html = temp.file("cut.html");
    expect((await aospSim(["show", file, "--html", html])).code).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(/<b id="cut-off">Cut off in /);
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stderr).toMatch(/is truncated: its last line \(\d+\) is cut off/);
    expect(replayed.code).toBe(2);
  });

  it("records its notes so that show prints every timeline line as run printed it, the notes in the device's state", async () => {
    const file = temp.file("notes-run.jsonl");
    const ran = await aospSim(["run", "--seed", "9", "--transcript", file]);
    const printed = ran.stdout.split("\n").filter((l) => /^\s+\d+:\d\d\.\d  /.test(l));
    expect(printed.filter((l) => / note +The admin /.test(l)).length).toBeGreaterThan(0);
    // Before: show printed each note line with "-" where run printed the device's state.
    const shown = await aospSim(["show", file]);
    expect(shown.stdout.split("\n").filter((l) => /^\s+\d+:\d\d\.\d  /.test(l))).toEqual(printed);
  });

  it("records the default scenario so that replay re-runs its enrollment, identical, and says where it stopped", async () => {
    const file = temp.file("default-run.jsonl");
    expect((await aospSim(["run", "--seed", "9", "--transcript", file])).code).toBe(0);
    // Before: "diverged at step 22": the replay published the Company Portal version the scenario
    // published after enrollment, and compared the check-ins and the wipe it does not re-run.
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stderr).toBe("");
    expect(replayed.stdout).toMatch(/identical \(stopped at enrolled\.idle, where the enrollment ends: the recording goes on with the enrolled device's life/);
    expect(replayed.code).toBe(0);
  });

  it("names a step the service refuses (a versionName that is no version), exit 2", async () => {
    const path = scenario("banana.json", { steps: [{ after: "5m", do: "publishPackage", packageName: "com.microsoft.intune.aospagent", versionName: "banana" }], until: "10m" });
    const result = await aospSim(["run", path]);
    // Before: a note in the timeline, and exit 0 "passed".
    expect(result.stderr).toMatch(/scenario at \/steps\/0: the service refused it: .*versionName 'banana'/);
    expect(result.stderr).toMatch(/fix: /);
    expect(result.code).toBe(2);
  });

  it("refuses at load an expected final state the device does not have, listing the states (exit 2)", async () => {
    const result = await aospSim(["run", scenario("nirvana.json", { expect: { finalState: "nirvana" } })]);
    // Before: a simulated day, then exit 1.
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/nirvana\.json at \/expect\/finalState: there is no state "nirvana"/);
    expect(result.stderr).toMatch(/fix: .*welcome, .*enrolled/);
  });

  // Before, the value was looked at only with --transcript: without it, the whole scenario ran.
  it("refuses --transcript-secrets with an unknown value, or without --transcript, before the scenario runs (exit 2)", async () => {
    const unknown = await aospSim(["run", "--transcript-secrets", "maybe"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe('aosp-sim: --transcript-secrets: unknown value "maybe"\n  fix: use redact (the default) or keep\n');
    const alone = await aospSim(["run", "--transcript-secrets", "keep"]);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe("");
    expect(alone.stderr).toBe("aosp-sim: --transcript-secrets keep: only applies with --transcript: it says what the transcript holds\n  fix: add --transcript FILE, or leave out --transcript-secrets\n");
  });

  // Each was played without a word: both expectations (only "failure" was checked), a step the
  // run ended before (it never ran, and the scenario passed), a group no step made (found as the
  // tenant was set up, "scenario at /tenantSetup", the file not named).
  const TERMS = { do: "assignTerms", title: "Use", bodyText: "Be good.", acceptanceStatement: "I agree" };
  it.each([
    [
      "both expectations",
      { expect: { finalState: "enrolled", failure: "tokenRevoked" } },
      '/expect: gives both "finalState" and "failure": a scenario expects one of them',
      'keep "failure" to expect that failure (the device then ends in the state that failure shows), or "finalState" for where the device ends',
    ],
    [
      "a step after its until",
      { until: "1h", steps: [{ after: "30m", do: "sync" }, { after: "61m", do: "shareLogs" }] },
      '/steps/1/after: never runs: "after" (61m) is later than "until" (1h), where the scenario ends',
      'give "until" 61m or more, or the step an earlier "after"',
    ],
    [
      "a step after the default day",
      { steps: [{ after: "2d", do: "sync" }] },
      `/steps/0/after: never runs: "after" (2d) is later than the scenario's default "until" (1d: it has no wipe or delete), where the scenario ends`,
      'give "until" 2d or more, or the step an earlier "after"',
    ],
    [
      "a step with until enrolled",
      { until: "enrolled", steps: [{ after: "1m", do: "sync" }] },
      '/steps/0: never runs: "until": "enrolled" ends the scenario as the device enrolls, and steps run after that',
      'give "until" a duration that reaches the steps (e.g. "1d") or "welcome", or remove the steps',
    ],
    [
      "a group no step made",
      { tenantSetup: [{ do: "createGroup", displayName: "Kiosks", membershipRule: '(device.deviceModel -eq "HC50")' }, { ...TERMS, group: "Kiosk" }] },
      '/tenantSetup/1/group: no group "Kiosk" is created before this step (did you mean "Kiosks"?)',
      'add a step {"do": "createGroup", "displayName": "Kiosk", "membershipRule": ...} before it, or leave out "group" to assign it to all licensed users',
    ],
  ])("refuses at load %s, naming the file and the place (exit 2)", async (_case, value, problem, fix) => {
    const path = scenario("unplayable.json", value);
    const result = await aospSim(["run", path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`aosp-sim: ${path} at ${problem}\n  fix: ${fix}\n`);
  });

  it("plays a step at exactly its until", async () => {
    const result = await aospSim(["run", scenario("at-until.json", { until: "1h", steps: [{ after: "1h", do: "shareLogs" }] })]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/logs shared +incident /);
  });

  // Before, Number() read it as 16 and the scenario ran.
  it("refuses a --seed not written in decimal digits (exit 2)", async () => {
    const result = await aospSim(["run", "--seed", "0x10"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe('aosp-sim: --seed: "0x10" is not a seed\n  fix: use a whole number from 0 to 4294967295, in decimal digits\n');
  });

  it("refuses a serial number enroll --serial refuses (a space), exit 2", async () => {
    const result = await aospSim(["run", scenario("serial.json", { device: { serial: "R3 CT40" } })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/serial\.json at \/device\/serial: "R3 CT40" is not a serial number/);
  });

  it("names a bad fault by the file and its place in it, not as --fault (exit 2)", async () => {
    const result = await aospSim(["run", scenario("nope.json", { device: { faults: ["service-5xx", "nope"] } })]);
    expect(result.code).toBe(2);
    // Before: "--fault nope: unknown fault".
    expect(result.stderr).toMatch(/nope\.json at \/device\/faults\/1: unknown fault "nope"/);
  });

  it("refuses a scenario with an unknown key, naming it (exit 2)", async () => {
    const result = await aospSim(["run", scenario("bad.json", { steps: [{ after: "5m", do: "explode" }] })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.json at \/steps\/0\/do: must be one of/);
  });

  it("places a JSON syntax error by line and column, as validate does, in a scenario and in compare's summaries (exit 2)", async () => {
    const broken = temp.file("broken.json");
    writeFileSync(broken, '{"a":1,\n"b": ,\n}');
    // Before: "is not JSON: Unexpected token ','..." with no place, where validate said line 2 column 6.
    const validated = await aospSim(["validate", broken]);
    expect(validated.stdout).toMatch(/line 2 column 6/);
    for (const args of [["run", broken], ["compare", broken, broken]]) {
      const result = await aospSim(args);
      expect(result.stderr).toMatch(/broken\.json: is not JSON: .* at line 2 column 6/);
      expect(result.code).toBe(2);
    }
  });

  it("lists in --help every scenario key the README documents", async () => {
    const help = (await aospSim(["run", "--help"])).stdout;
    // Before: failUnlock, tenant and tenantSetup were missing.
    for (const key of ["\"tenant\"", "tenantSetup", "setMdmAuthority", "assignTerms", "failUnlock", "acceptTerms", "manufacturer"]) expect(help).toContain(key);
  });

  it("calls an unnamed scenario by its file in the header and the summary", async () => {
    const path = scenario("unnamed.json", { beforeEnrollment: [{ do: "revokeToken" }], expect: { failure: "tokenRevoked" } });
    const result = await aospSim(["run", path]);
    expect(result.stdout).toContain(`Scenario: ${path}\n`);
    // Before: "scenario        scenario".
    expect(result.stdout).toContain(`  scenario        ${path}\n`);
  });

  it("refuses a wait before enrollment without \"for\", naming the file and the step (exit 2)", async () => {
    const result = await aospSim(["run", scenario("wait.json", { beforeEnrollment: [{ do: "wait" }] })]);
    // Before: "internal error: Cannot read properties of undefined (reading 'trim')".
    expect(result.stderr).toMatch(/wait\.json at \/beforeEnrollment\/0: "for" is required/);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
  });

  // Each problem is named where it is, with what is allowed there, in the scenario's words.
  for (const c of [
    // Before: silently ignored, and the scenario passed.
    { name: "a wipe before enrollment", value: { beforeEnrollment: [{ do: "wipe" }] }, said: /at \/beforeEnrollment\/0\/do: must be one of "revokeToken", "replaceToken", "deleteProfile", "removeLicense", "wait"/ },
    // Before: "at /beforeEnrollment/0: must NOT be valid" (ajv's words).
    { name: "a device step before enrollment", value: { beforeEnrollment: [{ do: "sync" }] }, said: /at \/beforeEnrollment\/0\/do: must be one of "revokeToken"/ },
    { name: "a wait after enrollment", value: { steps: [{ after: "5m", do: "wait" }] }, said: /at \/steps\/0\/do: must be one of "publishPackage", .*"failUnlock"\n.*a wait before enrollment goes in "beforeEnrollment"/ },
    // Before: "at /profile/wifi: must be null".
    { name: "a Wi-Fi security type", value: { profile: { wifi: { ssid: "Lab", security: "WPA2" } } }, said: /at \/profile\/wifi\/security: must be one of "none", "wpa", "wep"/ },
    // Before: only "welcome", "enrolled", not the duration form.
    { name: "an until", value: { until: "5 minutes" }, said: /at \/until: must be one of "welcome", "enrolled" or a duration such as 90s/ },
    // Before: a whole simulated day ran, then it failed (exit 1).
    { name: "an unknown failure code", value: { expect: { failure: "tokenRevokd" } }, said: /at \/expect\/failure: there is no failure code "tokenRevokd" \(did you mean "tokenRevoked"\?\)/ },
  ]) {
    it(`names ${c.name} the scenario cannot have, with what it can (exit 2)`, async () => {
      const result = await aospSim(["run", scenario("refused.json", c.value)]);
      expect(result.stderr).toMatch(c.said);
      expect(result.stderr).not.toMatch(/must NOT be valid|must be null/);
      expect(result.code).toBe(2);
    });
  }
});

describe("aosp-sim run --service, when the service cannot be used", { timeout: 60_000 }, () => {
  it("names a --service that is not an http(s) URL (exit 2)", async () => {
    for (const url of ["notaurl", "ftp://127.0.0.1/"]) {
      const result = await aospSim(["run", "--service", url, "--admin-token", "t"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--service: .*(not a URL|not an http or https URL)/);
      expect(result.stderr).not.toMatch(/internal error/);
    }
  });

  it("says the service cannot be reached (exit 2)", async () => {
    const result = await aospSim(["run", "--service", "http://127.0.0.1:1", "--admin-token", "t"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/http:\/\/127\.0\.0\.1:1: cannot reach the service/);
    expect(result.stderr).not.toMatch(/internal error/);
  });

  it("says the service refused the admin token (exit 2)", async () => {
    const { startMockService } = await import("../../mock-service/index.js");
    const service = await startMockService();
    try {
      const result = await aospSim(["run", "--service", service.url, "--admin-token", "not-the-token"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--admin-token: the service refused it/);
    } finally {
      await service.close();
    }
  });
});
