/**
 * `aosp-sim replay` offline, of recordings whose device or service was not the default one: the
 * replay engine re-creates from the recording what the device had (its system image, reset
 * protection) and what the service answered (a locked account, an injected failure, a token that
 * lived long enough), so the recording replays identical on any machine. Each run is recorded
 * against a live service started here, which is gone before the replay. The built CLI.
 */
import { pbkdf2Sync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { deviceRoutes, type EnrollResponse } from "../../agent/protocol/device-api.js";
import { parseChaosRule, startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-replay-recreates-");
const USER = { upn: "ann@contoso.example", password: "Corr3ct-Horse" };
const AGENT = "com.microsoft.intune.aospagent";
const MINIMUM_VERSION = "android.app.extra.PROVISIONING_DEVICE_ADMIN_MINIMUM_VERSION_CODE";

const records = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
const withoutInStart = (file: string, key: string) => {
  const changed = file.replace(/\.jsonl$/, `-without-${key}.jsonl`);
  writeFileSync(changed, records(file).map((r, i) => {
    if (i > 0) return JSON.stringify(r);
    const { [key]: _left, ...start } = r;
    return JSON.stringify(start);
  }).join("\n") + "\n");
  return changed;
};
const identical = /^replayed \d+ steps, identical\n$/;
const schema = JSON.parse(readFileSync(new URL("../../schemas/transcript.schema.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv({ strict: false });
addFormats.default(ajv, ["date-time"]);
const validRecord = ajv.compile(schema);

/**
 * Records against a live service with the user and a profile (its payload given, and in a file),
 * closed once `record` is done: the recording is all a replay has.
 */
async function recordLive(record: (live: MockService, payload: Record<string, unknown>, payloadFile: string) => Promise<void>): Promise<void> {
  const live = await startMockService();
  try {
    await live.admin.createLicensedUser({ displayName: "Ann Example", userPrincipalName: USER.upn, password: USER.password });
    const profile = await live.admin.createProfile({ displayName: "Factory 1 devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Staging", wifiSecurityType: "wpa", wifiPassword: "correct horse" });
    const payload = (await live.admin.exportProfile(profile.id)) as Record<string, unknown>;
    const payloadFile = temp.file(`payload-${++recordings}.json`);
    writeFileSync(payloadFile, JSON.stringify(payload));
    await record(live, payload, payloadFile);
  } finally {
    await live.close();
  }
}
let recordings = 0;

const enroll = (payload: string, ...args: string[]) => aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, "--clock", "simulated", ...args]);

describe("aosp-sim replay of a device with a preinstalled agent", { timeout: 120_000 }, () => {
  const transcript = temp.file("preinstalled.jsonl");

  beforeAll(async () => {
    await recordLive(async (live, payload) => {
      const agent = (await live.admin.listPackages()).find((p) => p.packageName === AGENT && p.versionName === "24.9.2")!;
      const archive = temp.file("agent.pkg");
      const response = await fetch(agent.downloadUrl, { headers: { authorization: `Bearer ${live.adminToken}` } });
      writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
      const file = temp.file("minimum-version.json");
      writeFileSync(file, JSON.stringify({ ...payload, [MINIMUM_VERSION]: agent.versionCode }));
      const result = await enroll(file, "--preinstall", archive, "--transcript", transcript);
      expect(result.stdout).toContain("is already installed");
      expect(result.code).toBe(0);
    });
  }, 120_000);

  it("records the system image in the start record, as schemas/transcript.schema.json describes it", () => {
    const start = records(transcript)[0]!;
    expect(start).toMatchObject({ type: "start", preinstalled: [{ packageName: AGENT, versionName: "24.9.2", versionCode: 2409002, archive: expect.any(String) }] });
    expect(validRecord(start), JSON.stringify(validRecord.errors)).toBe(true);
  });

  it("replays with the same system image: identical", async () => {
    // Before: "diverged at step 11 ... preparingAgent -> downloadingAgent": the replayed device had no agent.
    const result = await aospSim(["replay", transcript]);
    expect(result.stdout).toMatch(identical);
    expect(result.code).toBe(0);
  });

  it("replays a recording made before the start record held the system image: identical", async () => {
    const older = withoutInStart(transcript, "preinstalled");
    const result = await aospSim(["replay", older]);
    expect(result.stdout).toMatch(identical);
    expect(result.code).toBe(0);
  });
});

describe("aosp-sim replay of a device with factory reset protection on", { timeout: 120_000 }, () => {
  const transcript = temp.file("reset-protection.jsonl");

  beforeAll(async () => {
    const scenario = temp.file("reset-protection.json");
    writeFileSync(scenario, JSON.stringify({ device: { resetProtection: true }, expect: { finalState: "cantSetUpDevice" } }));
    const result = await aospSim(["run", scenario, "--seed", "3", "--transcript", transcript]);
    expect(result.code).toBe(0);
  }, 120_000);

  it("records it in the start record, as schemas/transcript.schema.json describes it", () => {
    const start = records(transcript)[0]!;
    expect(start).toMatchObject({ type: "start", resetProtection: true });
    expect(validRecord(start), JSON.stringify(validRecord.errors)).toBe(true);
  });

  it("replays with it on: identical, stopped at cantSetUpDevice", async () => {
    // Before: "diverged at step 5 ... checkingPreconditions -> connectingWifi".
    const result = await aospSim(["replay", transcript, "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: "cantSetUpDevice", divergence: null });
    expect(result.code).toBe(0);
  });

  it("replays a recording made before the start record said it: identical", async () => {
    const result = await aospSim(["replay", withoutInStart(transcript, "resetProtection")]);
    expect(result.stdout).toMatch(identical);
    expect(result.code).toBe(0);
  });

  it("refuses a start record whose reset protection or system image a run cannot have (exit 2), naming the line", async () => {
    const withStart = (name: string, change: Record<string, unknown>) => {
      const file = temp.file(name);
      writeFileSync(file, records(transcript).map((r, i) => JSON.stringify(i === 0 ? { ...r, ...change } : r)).join("\n") + "\n");
      return file;
    };
    const protection = await aospSim(["replay", withStart("protection-yes.jsonl", { resetProtection: "yes" })]);
    expect(protection.code).toBe(2);
    expect(protection.stderr).toMatch(/protection-yes\.jsonl: line 1 \(the start record\): "resetProtection" is "yes", not true/);
    const image = await aospSim(["replay", withStart("image-text.jsonl", { preinstalled: [{ packageName: AGENT, versionName: "24.9.2", versionCode: 2409002, archive: "bm90IGFuIGFyY2hpdmU=" }] })]);
    expect(image.code).toBe(2);
    expect(image.stderr).toMatch(/image-text\.jsonl: line 1 \(the start record\): "preinstalled\[0\]\.archive" is not a package archive: /);
  });
});

describe("aosp-sim replay of a sign-in refused for a locked account", { timeout: 120_000 }, () => {
  const transcript = temp.file("locked.jsonl");

  beforeAll(async () => {
    await recordLive(async (live, payload, payloadFile) => {
      // Ten failed sign-ins from another device lock the account (the service's default threshold).
      const token = (payload["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"] as Record<string, string>)["com.microsoft.intune.aosp.enrollmentToken"];
      const post = (path: string, body: unknown, credential?: string) =>
        fetch(`${live.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}) }, body: JSON.stringify(body) });
      const other = (await (await post(deviceRoutes.enroll(), { enrollmentToken: token, serialNumber: "GUESSER1", model: "M", manufacturer: "X", osVersion: "13", agentVersion: "24.9.2" })).json()) as EnrollResponse;
      for (let i = 0; i < 10; i++) await post(deviceRoutes.signIn(other.deviceId), { userPrincipalName: USER.upn, password: "Wr0ng-guess!" }, other.deviceCredential);
      const result = await enroll(payloadFile, "--transcript", transcript);
      expect(result.stdout).toContain("reason: accountLocked: ");
    });
  }, 120_000);

  it("locks the account on the fresh service as the recorded one was: identical", async () => {
    // Before: "diverged at step 20 ... expected: http POST /device/v1/devices/{id}/signIn -> 429 ..., got: ... -> 200".
    const result = await aospSim(["replay", transcript, "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: "signInFailed", divergence: null });
    expect(result.code).toBe(0);
  });
});

describe("aosp-sim replay of failures the recorded service injected (serve --chaos)", { timeout: 120_000 }, () => {
  const failing = temp.file("chaos-failing.jsonl");
  const mixed = temp.file("chaos-mixed.jsonl");
  const http = (file: string) => records(file).filter((r) => r["type"] === "http") as { response?: { status: number } }[];

  beforeAll(async () => {
    const record = async (chaos: string, chaosSeed: number, transcript: string) => {
      const chaotic = await startMockService({ chaos: { seed: chaosSeed, rules: parseChaosRule(chaos) } });
      try {
        await chaotic.admin.createLicensedUser({ displayName: "Ann Example", userPrincipalName: USER.upn, password: USER.password });
        const profile = await chaotic.admin.createProfile({ displayName: "Chaos devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
        const file = temp.file(`${chaos.replace(/\W+/g, "-")}.json`);
        writeFileSync(file, JSON.stringify(await chaotic.admin.exportProfile(profile.id)));
        return await enroll(file, "--seed", "5", "--transcript", transcript);
      } finally {
        await chaotic.close();
      }
    };
    expect((await record("device:fail=1@502", 1, failing)).stdout).toContain("the device stopped at enrollmentFailed");
    // A chaos seed whose draws give 502s and 429s that the device gets past: it enrolls.
    expect((await record("device:fail=0.3@502+500,throttle=0.2@1s", 3, mixed)).code).toBe(0);
  }, 120_000);

  it("answers the recorded 502s again: identical, enrollmentFailed", async () => {
    // Before: "diverged at step 13 ... expected: http POST /device/v1/enroll -> 502 ..., got: ... -> 200".
    const result = await aospSim(["replay", failing, "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: "enrollmentFailed", divergence: null });
    expect(result.code).toBe(0);
  });

  it("answers each injected failure for its own exchange, the others as the service does: identical", async () => {
    const statuses = http(mixed).map((r) => r.response?.status);
    expect(statuses).toContain(200);
    expect(statuses.some((s) => s !== undefined && (s >= 500 || s === 429))).toBe(true);
    const result = await aospSim(["replay", mixed]);
    expect(result.stdout).toMatch(identical);
    expect(result.code).toBe(0);
  });

  it("shows an answer as injected by --chaos where the recording says so, and only there", async () => {
    const shown = await aospSim(["show", failing]);
    // Before: the 502s were shown bare, as the service's own.
    expect(shown.stdout).toMatch(/POST\s+\/device\/v1\/enroll\s+502\s+\(injected by --chaos\)/);
    const edited = temp.file("chaos-unmarked.jsonl");
    writeFileSync(edited, readFileSync(failing, "utf8").replaceAll("injected failure (--chaos): 502", "bad gateway"));
    const unmarked = await aospSim(["show", edited]);
    expect(unmarked.stdout).toMatch(/POST\s+\/device\/v1\/enroll\s+502\n/);
    expect(unmarked.stdout).not.toContain("injected by --chaos");
  });
});

describe("aosp-sim replay of a device that enrolled after a power cut longer than a new token lives", { timeout: 120_000 }, () => {
  const transcript = temp.file("power-cut-91d.jsonl");

  beforeAll(async () => {
    // The live service keeps its own (real) time while the device's simulated clock moves on 91
    // days: the recorded token was still valid when the device enrolled.
    await recordLive(async (_live, _payload, payloadFile) => {
      const result = await enroll(payloadFile, "--seed", "41", "--fault", "power-loss=91d@enrolling", "--transcript", transcript);
      expect(result.code).toBe(0);
    });
  }, 120_000);

  it("gives the recreated token the life the recorded one had: identical", async () => {
    // Before: "diverged at step 21 ... expected: http POST /device/v1/enroll -> 200 ..., got: ... -> 401"
    // (the recreated token expired after the default 90 days on the replay's shared clock).
    const result = await aospSim(["replay", transcript]);
    expect(result.stdout).toMatch(identical);
    expect(result.code).toBe(0);
  });
});

describe("aosp-sim transcripts of a wrong-wifi-key=KEY fault", { timeout: 120_000 }, () => {
  const KEY = "Other Key 1!";
  const wpa = temp.file("wrong-key-wpa.jsonl");
  const wep = temp.file("wrong-key-wep.jsonl");
  const kept = temp.file("wrong-key-kept.jsonl");
  /** A KEY no WPA network can have (8 to 63 characters needed), recorded with --json too. */
  const UNUSABLE = "Zq9";
  const unusable = temp.file("wrong-key-unusable.jsonl");
  let unusableJson = "";
  let wpaPayload = "";

  beforeAll(async () => {
    await recordLive(async (live, _payload, payloadFile) => {
      wpaPayload = payloadFile;
      const wepProfile = await live.admin.createProfile({ displayName: "WEP devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Old-Lab", wifiSecurityType: "wep", wifiPassword: "0a1b2c3d4e" });
      const wepPayload = temp.file("wrong-key-wep.json");
      writeFileSync(wepPayload, JSON.stringify(await live.admin.exportProfile(wepProfile.id)));
      for (const [payloadFile, transcript, key, extra] of [[wpaPayload, wpa, KEY, []], [wepPayload, wep, "abcde", []], [wpaPayload, kept, KEY, ["--transcript-secrets", "keep"]]] as const) {
        const result = await enroll(payloadFile, "--fault", `wrong-wifi-key=${key}`, "--transcript", transcript, ...extra);
        expect(result.stdout).toContain("the device stopped at wifiFailed");
      }
      const result = await enroll(wpaPayload, "--fault", `wrong-wifi-key=${UNUSABLE}`, "--transcript", unusable, "--json");
      expect(result.code).toBe(1);
      unusableJson = result.stdout;
    });
  }, 120_000);

  it("holds no KEY: the start record's fault has a placeholder, as the payload's key does", () => {
    // Before: "faults": ["wrong-wifi-key=Other Key 1!"] in a transcript said to be safe to attach to a ticket.
    expect(readFileSync(wpa, "utf8")).not.toContain(KEY);
    expect(records(wpa)[0]).toMatchObject({ faults: ["wrong-wifi-key=REDACTED-WRONG-WIFI-KEY"] });
    expect(readFileSync(wep, "utf8")).not.toContain("abcde");
    expect(records(wep)[0]).toMatchObject({ faults: ["wrong-wifi-key=REDACTED-WRONG-WIFI-KEY"] });
  });

  // Before: the timeline and the failure said of it "not a WPA passphrase (8 to 63 printable ASCII
  // characters, or 64 hex digits): it is 3 characters long", in the redacted transcript and in --json.
  it("holds nothing of a KEY no network can have, not even its length: in the transcript and in --json's timeline", () => {
    const recorded = readFileSync(unusable, "utf8");
    expect(recorded).not.toContain(`wrong-wifi-key=${UNUSABLE}`);
    expect(recorded).not.toMatch(/characters long|printable ASCII/);
    const doc = JSON.parse(unusableJson) as { finalState: string; timeline: { detail: string }[]; failure: { message: string } };
    expect(doc.finalState).toBe("wifiFailed");
    const said = [...doc.timeline.map((e) => e.detail), doc.failure.message].join("\n");
    expect(said).not.toContain(UNUSABLE);
    expect(said).not.toMatch(/characters long|printable ASCII/);
    expect(doc.failure.message).toContain("Staging has a key the device cannot match (the network's own key, the wrong-wifi-key fault's KEY, is not one a WPA network can have)");
  });

  it("keeps the KEY with --transcript-secrets keep", () => {
    expect(records(kept)[0]).toMatchObject({ faults: [`wrong-wifi-key=${KEY}`] });
  });

  it("replays a redacted wrong key as a key that is not the payload's: identical, wifiFailed", async () => {
    for (const file of [wpa, wep, unusable]) {
      const result = await aospSim(["replay", file, "--json"]);
      expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: "wifiFailed", divergence: null });
      expect(result.code).toBe(0);
    }
  });

  it("refuses a KEY that is the payload's own key, written as it is or another way, before the device runs (exit 2)", async () => {
    // Before: the device ran and stopped at wifiFailed, the network given another key than the one asked for.
    const psk = pbkdf2Sync("correct horse", "Staging", 4096, 32, "sha1").toString("hex");
    for (const [key, how] of [["correct horse", ""], [psk, " (written another way)"]] as const) {
      const result = await enroll(wpaPayload, "--fault", `wrong-wifi-key=${key}`);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`fault wrong-wifi-key=${key}: is the payload's own key for the network "Staging"${how}, so the network would not have a wrong key`);
      expect(result.stderr).toContain("fix: give a different one");
      expect(result.stdout).toBe("");
    }
  });
});
