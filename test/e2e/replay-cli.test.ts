/**
 * `aosp-sim replay` end to end, as a QA engineer uses it: an enrollment with a fault against a
 * live service (started here), recorded to a transcript; then, offline, the replay against a
 * fresh embedded service, a replay stopped at a state, an edited transcript that diverges, and
 * transcripts it cannot use. The built CLI in a child process.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { freePort } from "../helpers/free-port.js";
import { axeViolations, launchBrowser, openPage } from "../helpers/browser.js";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

const temp = deviceTempDir("aosp-replay-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
const WIFI_KEY = "staging-passphrase";
const transcript = temp.file("t.jsonl");
let service: MockService;
let qr: string;
let profileToken: string;
let recorded: { code: number | null; stdout: string };

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({ displayName: "Replay devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Contoso-Staging", wifiSecurityType: "wpa", wifiPassword: WIFI_KEY });
  profileToken = profile.tokenValue;
  qr = temp.file("qr.png");
  writeFileSync(qr, Buffer.from(profile.qrCodeImage.value, "base64"));
  recorded = await aospSim(["enroll", qr, "--user", USER.upn, "--password", USER.password, "--fault", "service-5xx=3", "--clock", "simulated", "--transcript", transcript]);
  // From here on the transcript is all there is: the live service is gone.
  await service.close();
}, 120_000);
afterAll(() => service.close());

const lines = () => readFileSync(transcript, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("aosp-sim replay", { timeout: 120_000 }, () => {
  it("records a seed it picked itself, printed in the header", () => {
    expect(recorded.code).toBe(0);
    const seed = /\(seed (\d+)\)/.exec(recorded.stdout)?.[1];
    expect(seed).toBeDefined();
    expect(lines()[0]).toMatchObject({ type: "start", format: "aosp-sim-transcript/2", seed: Number(seed), faults: ["service-5xx=3"] });
  });

  it("writes every line as schemas/transcript.schema.json describes it", () => {
    const schema = JSON.parse(readFileSync(new URL("../../schemas/transcript.schema.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv, ["date-time"]);
    const validate = ajv.compile(schema);
    for (const record of lines()) expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
  });

  it("keeps no token, credential, cookie, Wi-Fi key or password in a default transcript", () => {
    const text = readFileSync(transcript, "utf8");
    expect(text).not.toContain(profileToken);
    expect(text).not.toContain(WIFI_KEY);
    expect(text).not.toContain(USER.password);
    expect(text).not.toMatch(/aospsim_download=(?!REDACTED)/);
    const enrolled = lines().find((r) => r["eventType"] === "xstate.done.actor.enroll") as { output: { deviceCredential: string } };
    expect(enrolled.output.deviceCredential).toBe("REDACTED-DEVICE-CREDENTIAL");
    expect(text).not.toMatch(/Bearer (?!REDACTED)/);
  });

  it("replays offline against a fresh embedded service: identical, exit 0", async () => {
    const result = await aospSim(["replay", transcript]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(result.code).toBe(0);
  });

  it("stops at --until and leaves the device in --device-dir to continue from", async () => {
    const dir = temp.file("device");
    const result = await aospSim(["replay", transcript, "--until", "verifyingAgent", "--device-dir", dir, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: "verifyingAgent", until: "verifyingAgent" });
    const snapshot = JSON.parse(readFileSync(`${dir}/system__machine-snapshot.json`, "utf8")) as { value: unknown };
    expect(snapshot.value).toBe("verifyingAgent");
    // The same command again: the folder holds that device now. Before, the replay resumed it and
    // "diverged at step 1 ... got: power powerRestored in verifyingAgent".
    const again = await aospSim(["replay", transcript, "--until", "verifyingAgent", "--device-dir", dir]);
    expect(again.code).toBe(2);
    const serial = (lines()[0]!["identity"] as { serialNumber: string }).serialNumber;
    expect(again.stderr).toMatch(new RegExp(`^aosp-sim: ${dir}: holds a device already \\(\\S+ .+ serial ${serial}, in verifyingAgent\\): a replay starts the recorded device out of the box, in a folder of its own\n`));
    // Before: "`aosp-sim enroll --device-dir DIR` continues the device that is there", which as
    // written lacks the QR code (exit 2) and, for this device of an offline replay, ends tokenUnknown.
    expect(again.stderr).toContain(
      `fix: remove the folder (rm -r '${dir}') to replay into it again, or give another --device-dir; \`aosp-sim enroll QR --device-dir '${dir}'\` (QR: the code it scanned) continues the device that is there if \`enroll\` or a replay against a live service (--service) left it, not one an offline replay left (it holds the token of that replay's own service, which ended with it)\n`,
    );
    expect(again.stderr).not.toContain("--serial");
    expect(again.stdout).toBe("");
    // A folder with other files in it is no device's storage either.
    const other = temp.file("not-a-device");
    mkdirSync(other);
    writeFileSync(`${other}/notes.txt`, "keep me");
    const used = await aospSim(["replay", transcript, "--device-dir", other]);
    expect(used.code).toBe(2);
    expect(used.stderr).toBe(
      `aosp-sim: ${other}: holds 1 file already: a replay starts the recorded device out of the box, in a folder of its own\n` +
        `  fix: remove the folder (rm -r '${other}') to replay into it again, or give another --device-dir\n`,
    );
    expect(readFileSync(`${other}/notes.txt`, "utf8")).toBe("keep me");
  });

  it("refuses an --until the recording never enters", async () => {
    // enroll --until such a state runs the device on past enrollment; a replay would run past its
    // recording (on a real-clock transcript, waiting out the check-ins) to compare with nothing.
    const result = await aospSim(["replay", transcript, "--until", "enrolled.checkingIn"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--until: the recording never enters enrolled\.checkingIn \(its last state is enrolled\.idle\)/);
    // Nor one before it that this recording skipped: before, "identical (stopped at enrolled.idle, as --until asked)".
    const skipped = await aospSim(["replay", transcript, "--until", "wifiFailed"]);
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toMatch(/--until: the recording never enters wifiFailed/);
  });

  // Before: "diverged at step 12 ... -> no answer", exit 1, nothing said of the service.
  it("says a --service it cannot reach is unreachable, before replaying (exit 2)", async () => {
    const port = await freePort();
    // As a recording kept with --transcript-secrets keep holds them: secrets in place of the placeholders.
    const kept = temp.file("kept.jsonl");
    writeFileSync(kept, readFileSync(transcript, "utf8").replace(/REDACTED-[A-Z-]+/g, "kept-secret"));
    const result = await aospSim(["replay", kept, "--service", `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^aosp-sim: --service http://127\\.0\\.0\\.1:${port}: cannot reach the service \\(ECONNREFUSED\\)\\n\\s+fix: start it with \`aosp-sim serve\`, or check the URL`));
  });

  it("says a redacted transcript cannot replay against a live service before it tries the service (exit 2)", async () => {
    const port = await freePort();
    // Before: "cannot reach the service (ECONNREFUSED)", and once it was reachable, "has its secrets redacted".
    const result = await aospSim(["replay", transcript, "--service", `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aosp-sim: \S*t\.jsonl: has its secrets redacted: it cannot replay against a live service\n\s+fix: replay it against the embedded service \(leave out --service\), or record it with --transcript-secrets keep\n$/);
  });

  it("names the step where an edited HTTP status diverges (exit 1)", async () => {
    const records = lines();
    const index = records.findIndex((r) => r["type"] === "http" && (r["response"] as { status: number } | undefined)?.status === 503);
    (records[index]!["response"] as { status: number }).status = 500;
    const edited = temp.file("edited.jsonl");
    writeFileSync(edited, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const result = await aospSim(["replay", edited]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/diverged at step \d+/);
    expect(result.stdout).toContain("expected: http POST /device/v1/enroll -> 500");
    expect(result.stdout).toContain("got:      http POST /device/v1/enroll -> 503");
  });

  // Before, each replayed as "diverged at step N" (exit 1), as a change in the product would: two
  // state lines swapped, a state renamed as no state of this device is, one from another version.
  it("names a recorded path no run can take (lines swapped or removed, a state this device lacks) as an unusable transcript (exit 2)", async () => {
    const written = (name: string, records: Record<string, unknown>[]) => {
      const file = temp.file(name);
      writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
      return file;
    };
    const records = lines();
    const at = (state: string) => records.findIndex((r) => r["type"] === "state" && r["state"] === state);
    const checking = at("checkingPayload");
    const swapped = [...records];
    [swapped[checking], swapped[checking + 1]] = [swapped[checking + 1]!, swapped[checking]!];
    const moved = await aospSim(["replay", written("swapped.jsonl", swapped)]);
    expect(moved.code).toBe(2);
    expect(moved.stdout).toBe("");
    expect(moved.stderr).toBe(
      `aosp-sim: ${temp.file("swapped.jsonl")}: line ${checking + 1} (a state record): leaves checkingPayload, but the state record before it (line ${at("scanningQr") + 1}) enters scanningQr: lines moved, removed or edited\n` +
        "  fix: put the lines back in the order the run wrote them, as they were written, or record the run again\n",
    );
    const wifi = at("connectingWifi");
    const removed = await aospSim(["replay", written("removed.jsonl", records.filter((_, i) => i !== at("preparingAgent")))]);
    expect(removed.code).toBe(2);
    expect(removed.stderr).toMatch(/: line \d+ \(a state record\): leaves preparingAgent, but the state record before it \(line \d+\) enters connectingWifi: lines moved, removed or edited\n/);
    const renamed = records.map((r, i) => (i === wifi ? { ...r, state: "connectingWiFi" } : r));
    const other = await aospSim(["replay", written("renamed.jsonl", renamed)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      `aosp-sim: ${temp.file("renamed.jsonl")}: line ${wifi + 1} (a state record): "state" is "connectingWiFi", a state this device does not have (recorded by another version of aosp-sim, or edited?)\n` +
        `  fix: record the run again with this version, or put back line ${wifi + 1} as it was written\n`,
    );
  });

  it("compares how the run ended with the end record: an edited final state or failure diverges (exit 1)", async () => {
    // Before: "replayed N steps, identical", whatever the end record said.
    const withEnd = (name: string, change: Record<string, unknown>) => {
      const records = lines();
      records.push({ ...records.pop()!, ...change });
      const file = temp.file(name);
      writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
      return file;
    };
    const state = await aospSim(["replay", withEnd("end-state.jsonl", { finalStatePath: "wifiFailed" })]);
    expect(state.code).toBe(1);
    const steps = /diverged at step (\d+)/.exec(state.stdout)?.[1];
    expect(Number(steps)).toBe(lines().filter((r) => ["state", "power", "http"].includes(String(r["type"]))).length + 1);
    expect(state.stdout).toContain("expected: end in wifiFailed\n");
    expect(state.stdout).toContain("got:      end in enrolled.idle\n");
    const failure = await aospSim(["replay", withEnd("end-failure.jsonl", { failure: { code: "wifiTimeout", message: "Couldn't connect" } }), "--json"]);
    expect(failure.code).toBe(1);
    expect(JSON.parse(failure.stdout)).toMatchObject({ identical: false, divergence: { expected: "end in enrolled.idle (failure wifiTimeout)", got: "end in enrolled.idle" } });
  });

  it("refuses a truncated transcript, one from a newer version, and one that is not a transcript (exit 2)", async () => {
    const text = readFileSync(transcript, "utf8");
    const cut = temp.file("cut.jsonl");
    writeFileSync(cut, text.slice(0, text.length - 40));
    const truncated = await aospSim(["replay", cut]);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/is truncated/);
    const newer = temp.file("newer.jsonl");
    writeFileSync(newer, text.replace("aosp-sim-transcript/2", "aosp-sim-transcript/9"));
    const fromNewer = await aospSim(["replay", newer]);
    expect(fromNewer.code).toBe(2);
    expect(fromNewer.stderr).toMatch(/recorded by a newer version of aosp-sim \(aosp-sim-transcript\/9/);
    const older = temp.file("older.jsonl");
    writeFileSync(older, lines().map((r) => JSON.stringify({ ...r, from: undefined, format: r["format"] === undefined ? undefined : "aosp-sim-transcript/1" })).join("\n") + "\n");
    const fromOlder = await aospSim(["replay", older]);
    expect(fromOlder.code).toBe(2);
    expect(fromOlder.stderr).toMatch(/recorded by an older version .*: re-record it/);
    const notOne = await aospSim(["replay", qr]);
    expect(notOne.code).toBe(2);
    expect(notOne.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("aosp-sim replay of an edited start record", { timeout: 120_000 }, () => {
  const withStart = (name: string, change: Record<string, unknown>) => {
    const file = temp.file(name);
    writeFileSync(file, lines().map((r, i) => JSON.stringify(i === 0 ? { ...r, ...change } : r)).join("\n") + "\n");
    return file;
  };

  it("refuses a seed or a clock the start record cannot have (exit 2), naming the line", async () => {
    // Before: both replayed as identical.
    const seed = await aospSim(["replay", withStart("seed.jsonl", { seed: "abc" })]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/seed\.jsonl: line 1 \(the start record\): "seed" is "abc", not a seed \(a whole number from 0 to 4294967295, or null\)/);
    const clock = await aospSim(["replay", withStart("clock.jsonl", { clock: "warp" })]);
    expect(clock.code).toBe(2);
    expect(clock.stderr).toMatch(/clock\.jsonl: line 1 \(the start record\): "clock" is "warp", not real or simulated/);
  });

  it("names an unknown fault by the transcript's start line, not as --fault (exit 2)", async () => {
    const result = await aospSim(["replay", withStart("fault.jsonl", { faults: ["bogus-fault"] })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/fault\.jsonl: line 1 \(the start record\), faults\[0\]: unknown fault "bogus-fault"/);
    expect(result.stderr).not.toContain("--fault bogus-fault");
  });

  it("says a format it does not know is not one, rather than newer (exit 2)", async () => {
    const result = await aospSim(["replay", withStart("format.jsonl", { format: "aosp-sim-transcript/x" })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/format\.jsonl: is not an aosp-sim transcript: its format "aosp-sim-transcript\/x" is not a known one/);
    expect(result.stderr).not.toMatch(/newer version/);
  });
});

describe("aosp-sim show", { timeout: 120_000 }, () => {
  it("prints the timeline as enroll printed it, then the HTTP exchanges", async () => {
    const result = await aospSim(["show", transcript]);
    expect(result.code).toBe(0);
    // The recorded run's timeline lines, as enroll printed them (header and closing lines aside).
    const printed = recorded.stdout.split("\n").filter((l) => /^\s+\d+:\d\d\.\d  /.test(l));
    for (const line of printed) expect(result.stdout).toContain(line);
    expect(result.stdout).toMatch(/HTTP exchanges:\n\s+GET\s+\/device\/v1\/packages\/com\.microsoft\.intune\.aospagent/);
    expect(result.stdout).toMatch(/POST\s+\/device\/v1\/enroll\s+503\s+\(fault service-5xx\)/);
  });

  it("names an --html path that is a folder, and a file to give instead (exit 2)", async () => {
    const folder = dirname(temp.file("x"));
    const result = await aospSim(["show", transcript, "--html", folder]);
    expect(result.code).toBe(2);
    // Before: "cannot be written: EISDIR: illegal operation on a directory" and "check the folder exists".
    expect(result.stderr).toContain(`${folder}: cannot be written: this is a folder`);
    expect(result.stderr).toContain(`fix: name a file in it, e.g. ${folder}/transcript.html`);
  });

  it("writes one self-contained page whose highlighted path is the transcript's, opened in a real browser", async () => {
    const html = temp.file("t.html");
    const result = await aospSim(["show", transcript, "--html", html]);
    expect(result.code).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!127\.0\.0\.1)/);
    const expected: string[] = [];
    for (const r of lines()) {
      if (r["type"] !== "state") continue;
      const parts = String(r["state"]).split(".");
      for (let i = 1; i <= parts.length; i++) {
        const path = parts.slice(0, i).join(".");
        if (!expected.includes(path)) expected.push(path);
      }
    }
    const browser = await launchBrowser();
    try {
      const { page: tab, errors } = await openPage(browser);
      await tab.goto(pathToFileURL(html).href);
      const highlighted = await tab.$$eval("#diagram .visited", (els) =>
        els.map((el) => ({ path: el.getAttribute("data-path")!, order: Number(el.getAttribute("data-order")) })),
      );
      expect(highlighted.sort((a, b) => a.order - b.order).map((h) => h.path)).toEqual(expected);
      // Failure states are drawn in red; this device visited none.
      const failures = await tab.$$eval("#diagram .failure", (els) => els.map((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color));
      expect(failures.length).toBeGreaterThan(0);
      for (const color of failures) expect(color).toBe("rgb(192, 57, 43)");
      const exchanges = await tab.$$eval("#exchanges details", (els) => els.length);
      expect(exchanges).toBe(lines().filter((r) => r["type"] === "http").length);
      await tab.click("#exchanges details summary");
      expect(await tab.$eval("#exchanges details", (el) => el.hasAttribute("open"))).toBe(true);
      // The timeline is laid out as a table: each row's cells on one line, each header above its
      // column. Before, the diagram's .state{display:inline-block} also matched <tr class="state">.
      type Box = { top: number; left: number; display: string };
      const layout = await tab.$eval("#timeline", (table) => {
        const view = globalThis as unknown as { getComputedStyle(e: unknown): { display: string } };
        const box = (el: typeof table) => ({ top: Math.round(el.getBoundingClientRect().top), left: Math.round(el.getBoundingClientRect().left), display: view.getComputedStyle(el).display });
        return {
          header: [...table.querySelectorAll("thead th")].map(box),
          rows: [...table.querySelectorAll("tbody tr")].map((tr) => ({ row: box(tr), cells: [...tr.children].map(box) })),
        };
      });
      expect(layout.rows.length).toBeGreaterThan(10);
      for (const { row, cells } of layout.rows) {
        expect(row.display).toBe("table-row");
        expect(new Set(cells.map((c: Box) => c.top)).size).toBe(1);
        expect(cells.map((c: Box) => c.left)).toEqual(layout.header.map((h: Box) => h.left));
        expect(cells[0]!.top).toBeGreaterThan(layout.header[0]!.top);
      }
      // Readable by everyone: before, the states the device did not take were #888 on white and
      // on the path's blue (3.5:1 and 3.1:1, under WCAG's 4.5:1), axe's color-contrast.
      expect(await axeViolations(tab)).toEqual([]);
      // Its content in a main landmark, which a screen reader's "skip to main" goes to. Before:
      // none, axe's landmark-one-main and region (moderate, so not among the violations above).
      const landmarks = await tab.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string }[] }> } }).axe;
        return (await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: ["landmark-one-main", "region"] })).violations.map((v) => v.id);
      });
      expect(landmarks).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("aosp-sim show --html of a failed run with a power cut", { timeout: 120_000 }, () => {
  // Before: the failure state the device ended in was #c0392b on its pink (4.43:1) and a power
  // line #a66a00 on white (4.48:1), both under WCAG's 4.5:1 (axe's color-contrast).
  it("draws the failure state and the power lines readably, opened in a real browser", async () => {
    const failed = temp.file("wifi-failed.jsonl");
    // Wi-Fi fails before the device reaches any service: the closed one is not needed.
    const run = await aospSim(["enroll", qr, "--clock", "simulated", "--seed", "3", "--fault", "wrong-wifi-key", "--fault", "power-loss@connectingWifi", "--transcript", failed]);
    expect(run.code, run.stderr).toBe(1);
    const html = temp.file("wifi-failed.html");
    expect((await aospSim(["show", failed, "--html", html])).code).toBe(0);
    const browser = await launchBrowser();
    try {
      const { page: tab, errors } = await openPage(browser);
      await tab.goto(pathToFileURL(html).href);
      expect(await tab.$$eval("#diagram .failure.visited", (els) => els.map((el) => el.getAttribute("data-path")))).toEqual(["wifiFailed"]);
      expect(await tab.$$eval("#timeline tr.power", (els) => els.length)).toBeGreaterThan(0);
      expect(await axeViolations(tab)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("aosp-sim replay of a failure the service gave", { timeout: 120_000 }, () => {
  // Recorded against a live service, replayed offline: the fresh service is made to refuse the same way.
  const cases: { name: string; upn: string; password: string; qr: "ok" | "revoked"; finalState: string; code: string }[] = [
    { name: "wrong password", upn: USER.upn, password: "Not-The-Passw0rd!", qr: "ok", finalState: "signInFailed", code: "invalidCredentials" },
    { name: "unknown user", upn: "nobody@contoso.example", password: USER.password, qr: "ok", finalState: "signInFailed", code: "invalidCredentials" },
    { name: "unlicensed user", upn: "unlicensed@contoso.example", password: USER.password, qr: "ok", finalState: "signInFailed", code: "userNotLicensed" },
    { name: "revoked token", upn: USER.upn, password: USER.password, qr: "revoked", finalState: "enrollmentFailed", code: "tokenRevoked" },
    { name: "expired token", upn: USER.upn, password: USER.password, qr: "ok", finalState: "enrollmentFailed", code: "tokenExpired" },
  ];
  const failures = new Map<string, string>();

  beforeAll(async () => {
    let aheadMs = 0;
    const live = await startMockService({ now: () => new Date(Date.now() + aheadMs) });
    try {
      await live.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
      await live.admin.createUser({ displayName: "No Licence", userPrincipalName: "unlicensed@contoso.example", password: USER.password });
      const files = { ok: temp.file("failing-ok.json"), revoked: temp.file("failing-revoked.json") };
      // These profiles carry no Wi-Fi: seed 1 (an HTC headset, with a setup wizard) is on a network; a RealWear would not be.
      const ok = await live.admin.createProfile({ displayName: "Failing devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      writeFileSync(files.ok, JSON.stringify(await live.admin.exportProfile(ok.id)));
      const revoked = await live.admin.createProfile({ displayName: "Revoked devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      writeFileSync(files.revoked, JSON.stringify(await live.admin.exportProfile(revoked.id)));
      await live.admin.revokeToken(revoked.id);
      for (const c of cases) {
        if (c.code === "tokenExpired") aheadMs = Date.parse(ok.tokenExpirationDateTime) - Date.now() + 86_400_000;
        const file = temp.file(`failing-${c.code}-${c.upn}.jsonl`);
        const result = await aospSim(["enroll", files[c.qr], "--user", c.upn, "--password", c.password, "--clock", "simulated", "--seed", "1", "--transcript", file]);
        expect(result.stdout).toContain(`the device stopped at ${c.finalState}`);
        expect(result.stdout).toContain(`reason: ${c.code}: `);
        failures.set(c.name, file);
      }
    } finally {
      await live.close();
    }
  }, 120_000);

  for (const c of cases) {
    it(`reproduces a recorded ${c.name} (${c.code}) offline: identical`, async () => {
      // Before: the fresh service knew a licensed user with the replay's password and a valid token:
      // "diverged ... expected 401/403, got 200".
      const result = await aospSim(["replay", failures.get(c.name)!, "--json"]);
      expect(JSON.parse(result.stdout)).toMatchObject({ identical: true, finalStatePath: c.finalState, divergence: null });
      expect(result.code).toBe(0);
    });
  }
});

describe("aosp-sim replay of a service with newer apps than the embedded defaults", { timeout: 120_000 }, () => {
  it("publishes the recorded versions on the fresh service: identical", async () => {
    const live = await startMockService();
    const file = temp.file("newer-apps.jsonl");
    try {
      await live.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
      await live.admin.publishPackage({ packageName: "com.microsoft.intune.aospagent", versionName: "24.11.0" });
      await live.admin.publishPackage({ packageName: "com.microsoft.windowsintune.companyportal", versionName: "5.0.6300.0" });
      const profile = await live.admin.createProfile({ displayName: "Newer apps", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const payload = temp.file("newer-apps.json");
      writeFileSync(payload, JSON.stringify(await live.admin.exportProfile(profile.id)));
      const result = await aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, "--clock", "simulated", "--seed", "1", "--transcript", file]);
      expect(result.stdout).toMatch(/Apps: Intune 24\.11\.0, Company Portal 5\.0\.6300\.0/);
    } finally {
      await live.close();
    }
    // Before: "diverged ... GET /device/v1/packages/com.microsoft.intune.aospagent/{code} -> 404".
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(replayed.code).toBe(0);
  });
});

describe("aosp-sim replay of a tenant with terms and a device configuration assigned", { timeout: 120_000 }, () => {
  it("assigns what the recording shows on the fresh service: identical", async () => {
    const live = await startMockService();
    const file = temp.file("assigned.jsonl");
    try {
      await live.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
      const allUsers = { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } as const;
      const terms = await live.admin.createTerms({ displayName: "Device terms", title: "Contoso device terms", bodyText: "Use it for work.", acceptanceStatement: "I accept" });
      await live.admin.assignTerms(terms.id, allUsers);
      const configuration = await live.admin.createConfiguration("Lockdown", { cameraBlocked: true });
      await live.admin.assignConfiguration(configuration.id, [allUsers]);
      const profile = await live.admin.createProfile({ displayName: "Assigned", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const payload = temp.file("assigned.json");
      writeFileSync(payload, JSON.stringify(await live.admin.exportProfile(profile.id)));
      const result = await aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, "--clock", "simulated", "--seed", "1", "--transcript", file]);
      expect(result.code).toBe(0);
      expect(readFileSync(file, "utf8")).toContain("cameraBlocked");
      expect(readFileSync(file, "utf8")).toContain("Contoso device terms");
    } finally {
      await live.close();
    }
    // Before: "diverged at step 25 ... checkIn -> 200 {actions:[],configurations:[...]}" against a
    // fresh service with nothing assigned.
    const replayed = await aospSim(["replay", file]);
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(replayed.code).toBe(0);
  });
});

describe("aosp-sim replay of a run that stopped early or resumed", { timeout: 120_000 }, () => {
  let live: MockService;
  let payload: string;
  const endOf = (file: string) => JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n").at(-1)!) as Record<string, unknown>;
  const startOf = (file: string) => JSON.parse(readFileSync(file, "utf8").split("\n")[0]!) as Record<string, unknown>;
  const enrollLive = (...args: string[]) => aospSim(["enroll", payload, "--user", USER.upn, "--password", USER.password, ...args]);

  beforeAll(async () => {
    live = await startMockService();
    await live.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
    const profile = await live.admin.createProfile({ displayName: "Stopped devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
    payload = temp.file("stopped.json");
    writeFileSync(payload, JSON.stringify(await live.admin.exportProfile(profile.id)));
  });
  afterAll(() => live.close());

  it("records an --until stop in the end record and replays up to there", async () => {
    const file = temp.file("until.jsonl");
    expect((await enrollLive("--clock", "simulated", "--until", "verifyingAgent", "--transcript", file)).code).toBe(0);
    expect(endOf(file)).toMatchObject({ type: "end", finalStatePath: "verifyingAgent", until: "verifyingAgent" });
    // Before: "diverged ... expected: (the recording ends here)".
    const result = await aospSim(["replay", file]);
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at verifyingAgent, where the recording stopped: --until verifyingAgent\)\n$/);
    expect(result.code).toBe(0);
  });

  it("records a --timeout stop in the end record and replays up to there", async () => {
    const file = temp.file("timeout.jsonl");
    const recorded = await enrollLive("--fault", "wifi-timeout=always", "--timeout", "2s", "--transcript", file);
    expect(recorded.stdout).toContain("gave up after --timeout 2s");
    expect(endOf(file)).toMatchObject({ type: "end", timedOut: true });
    const result = await aospSim(["replay", file]);
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at connectingWifi\S*, where the recording timed out\)\n$/);
    expect(result.code).toBe(0);
  });

  it("replays the recording of a device resumed at the welcome screen as one out of the box", async () => {
    const dir = temp.file("welcome-device");
    expect((await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "6", "--until", "welcome", "--device-dir", dir])).code).toBe(0);
    const file = temp.file("resumed-at-welcome.jsonl");
    expect((await enrollLive("--clock", "simulated", "--device-dir", dir, "--fault", "service-5xx", "--transcript", file)).code).toBe(0);
    // The resumed device's power comes back before its boot.
    expect(readFileSync(file, "utf8").split("\n")[1]).toContain('"powerRestored"');
    // Before: "diverged at step 1 / expected: power powerRestored in welcome / got: state off -> welcome on xstate.init", exit 1.
    const result = await aospSim(["replay", file]);
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(result.code).toBe(0);
    // A device back at the welcome screen after an admin's wipe (its reset erased its storage) is one too.
    const wiped = temp.file("wiped-device");
    const enrolled = await enrollLive("--clock", "simulated", "--device-dir", wiped, "--json");
    expect(enrolled.code).toBe(0);
    await live.admin.wipe((JSON.parse(enrolled.stdout) as { deviceId: string }).deviceId);
    expect((await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", wiped, "--until", "factoryResetting"])).code).toBe(0);
    expect((await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", wiped, "--until", "welcome"])).code).toBe(0);
    const again = temp.file("after-wipe.jsonl");
    expect((await enrollLive("--clock", "simulated", "--device-dir", wiped, "--transcript", again)).code).toBe(0);
    const replayed = await aospSim(["replay", again]);
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(replayed.code).toBe(0);
  });

  it("records the seed of a device resumed from --device-dir, and says its recording cannot be replayed alone", async () => {
    const dir = temp.file("resumed-device");
    expect((await enrollLive("--clock", "simulated", "--seed", "5", "--until", "verifyingAgent", "--device-dir", dir)).code).toBe(0);
    const file = temp.file("resumed.jsonl");
    const resumed = await enrollLive("--clock", "simulated", "--device-dir", dir, "--transcript", file);
    expect(resumed.code).toBe(0);
    // Before: "seed": null, and no seed in the header.
    expect(resumed.stdout).toMatch(/^Device: .*\(seed 5\)/);
    expect(startOf(file)).toMatchObject({ seed: 5 });
    // Before: "holds no scanned payload" (from an image) or a replay from scratch that diverged.
    const result = await aospSim(["replay", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/resumed\.jsonl: starts mid-way: the recorded device resumed from a --device-dir in verifyingAgent, so the recording cannot be replayed alone/);
    // Before: "replay the recording ... with --device-dir DIR, then `aosp-sim enroll --device-dir DIR`":
    // an offline replay's device holds its dead service's token and cookie, and the command lacked the QR.
    expect(result.stderr).toContain(
      "fix: replay the recording of the run that brought it there against a live service (`aosp-sim replay FIRST.jsonl --service URL --device-dir DIR`, a recording made with --transcript-secrets keep), then continue it with `aosp-sim enroll QR --device-dir DIR` (QR: the code it scanned); or record the whole enrollment in one transcript",
    );
  });
});
