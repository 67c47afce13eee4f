/**
 * `aosp-sim enroll` end to end: the built CLI in a child process against the mock service over
 * HTTP on a port the OS picked. Token states, users, and every fault, as a user would run them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService, type ProfileRequest } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-e2e-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
const PROFILE: ProfileRequest = {
  displayName: "E2E devices",
  enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
  configureWifi: true,
  wifiSsid: "Contoso-Staging",
  wifiSecurityType: "wpa",
  wifiPassword: "staging-passphrase",
};

let service: MockService;
/** Moves the service's clock (token expiry). */
let serviceSkewMs = 0;
let qr: string;
let payloadFile: string;

async function profileQr(name: string, request: ProfileRequest = PROFILE) {
  const profile = await service.admin.createProfile({ ...request, displayName: name });
  const file = temp.file(`${name}.png`);
  writeFileSync(file, Buffer.from(profile.qrCodeImage.value, "base64"));
  return { profile, file };
}

beforeAll(async () => {
  service = await startMockService({ now: () => new Date(Date.now() + serviceSkewMs) });
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const { profile, file } = await profileQr("E2E devices");
  qr = file;
  payloadFile = temp.file("payload.json");
  writeFileSync(payloadFile, JSON.stringify(await service.admin.exportProfile(profile.id), null, 2));
});
afterAll(() => service.close());

const enroll = (input: string, ...args: string[]) =>
  aospSim(["enroll", input, "--user", USER.upn, "--password", USER.password, "--seed", "11", "--clock", "simulated", ...args]);

interface EnrollJson {
  deviceId: string | null;
  finalState: string;
  timeline: { at: string; state: string; event: string; detail: string }[];
  apps: { package: string; versionName: string }[];
  failure: { code: string; screen: string; message: string } | null;
}

const json = (stdout: string) => JSON.parse(stdout) as EnrollJson;

// Each test spawns the CLI; under a loaded test run a spawn can take several seconds.
describe("aosp-sim enroll against the service", { timeout: 60_000 }, () => {
  it("enrolls a device from the profile's QR code on the real clock (exit 0)", async () => {
    const result = await aospSim(["enroll", qr, "--user", USER.upn, "--password", USER.password, "--json"]);
    expect(result.code).toBe(0);
    const doc = json(result.stdout);
    expect(doc.finalState).toBe("enrolled");
    expect(doc.apps.map((a) => a.package).sort()).toEqual(["com.azure.authenticator", "com.microsoft.intune.aospagent", "com.microsoft.windowsintune.companyportal"]);
    expect(doc.timeline[0]).toMatchObject({ state: "welcome", event: "power on" });
    expect((await service.admin.getManagedDevice(doc.deviceId!)).userPrincipalName).toBe(USER.upn);
  });

  it("reports its apps as enrollment ends: Discovered apps lists all three with versions once enroll exits", async () => {
    const result = await enroll(qr, "--json");
    expect(result.code).toBe(0);
    const doc = json(result.stdout);
    const detected = await service.admin.detectedApps(doc.deviceId!);
    const installed = Object.fromEntries(doc.apps.map((a) => [a.versionName, a.package]));
    expect(detected.map((a) => a.displayName).sort()).toEqual(["Authenticator", "Company Portal", "Intune"]);
    expect(detected.map((a) => a.version).sort()).toEqual(Object.keys(installed).sort());
  });

  it("stops at --until on the real clock too, at once (before, it waited out --timeout)", async () => {
    const dir = temp.file("until-real-clock");
    const started = performance.now();
    const result = await aospSim(["enroll", qr, "--user", USER.upn, "--password", USER.password, "--until", "verifyingAgent", "--device-dir", dir, "--timeout", "30s", "--json"]);
    expect(result.code).toBe(0);
    expect(json(result.stdout)).toMatchObject({ finalState: "verifyingAgent" });
    expect(performance.now() - started).toBeLessThan(25_000);
  });

  it("says, exit 1, when the device enrolled without passing through --until (before: exit 0, the ask ignored)", async () => {
    const dir = temp.file("until-skipped");
    // Stopped at Wi-Fi, then asked for a state it passed before it got there.
    expect((await enroll(qr, "--device-dir", dir, "--serial", "SKIPS-1", "--until", "connectingWifi")).code).toBe(0);
    const result = await enroll(qr, "--device-dir", dir, "--serial", "SKIPS-1", "--until", "checkingPayload");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/did not reach --until checkingPayload: the device did not pass through it/);
  });

  it("goes on past enrollment to an --until state of the device's life: a wipe sent meanwhile, or exit 1 when none comes", async () => {
    const dir = temp.file("wiped-device");
    const first = await enroll(qr, "--device-dir", dir, "--serial", "WIPE-ME", "--json");
    expect(first.code).toBe(0);
    const id = json(first.stdout).deviceId!;
    // No check-in takes the device to sharing its logs: before, exit 0 in enrolled.idle, --until ignored.
    const missed = await enroll(qr, "--device-dir", dir, "--serial", "WIPE-ME", "--until", "enrolled.sharingLogs");
    expect(missed.stderr).toBe("");
    expect(missed.code).toBe(1);
    expect(missed.stdout).toMatch(/did not reach --until enrolled\.sharingLogs within a simulated day/);
    await service.admin.wipe(id);
    const wiped = await enroll(qr, "--device-dir", dir, "--serial", "WIPE-ME", "--until", "factoryResetting", "--json");
    expect(wiped.code).toBe(0);
    expect(json(wiped.stdout).finalState).toBe("factoryResetting");
    expect(json(wiped.stdout).timeline.map((e) => e.detail).join("\n")).toMatch(/Remote wipe requested by the IT admin/);
  });

  it("prints a timeline that reads like the device's screen", async () => {
    const result = await enroll(qr);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Device: .*serial [0-9A-Z]{12} \(seed 11\)/);
    expect(result.stdout).toMatch(/connectingWifi +.*Connecting to Contoso-Staging \(WPA\)\.\.\./);
    expect(result.stdout).toMatch(/Enrolled \(enrolled\.idle\), device id /);
  });

  it("enrolls from the payload JSON", async () => {
    expect((await enroll(payloadFile)).code).toBe(0);
  });

  it("follows --service when the payload names another address", async () => {
    const payload = JSON.parse(readFileSync(payloadFile, "utf8")) as Record<string, unknown>;
    const moved = JSON.parse(JSON.stringify(payload).replaceAll(service.url, "http://127.0.0.1:9")) as Record<string, unknown>;
    const file = temp.file("moved.json");
    writeFileSync(file, JSON.stringify(moved));
    expect((await enroll(file)).code).toBe(1);
    expect((await enroll(file, "--service", service.url)).code).toBe(0);
  });

  it("writes a transcript of every state change and HTTP exchange", async () => {
    const file = temp.file("transcript.jsonl");
    // Secrets kept, so the recorded scan is the payload to the byte (they are redacted by default).
    expect((await enroll(qr, "--transcript", file, "--transcript-secrets", "keep")).code).toBe(0);
    const records = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; purpose?: string; url?: string; state?: string });
    expect(records[0]!.type).toBe("start");
    expect(records.at(-1)!.type).toBe("end");
    expect(records.filter((r) => r.type === "http").map((r) => r.purpose)).toEqual(
      expect.arrayContaining(["agent-download", "device-api", "app-download"]),
    );
    expect(records.some((r) => r.type === "http" && r.url?.endsWith("/device/v1/enroll"))).toBe(true);
    expect(records.some((r) => r.type === "state" && r.state === "enrolled.idle")).toBe(true);
    const scan = records.find((r) => r.type === "scan") as unknown as { text: string };
    expect(JSON.parse(scan.text)).toEqual(JSON.parse(readFileSync(payloadFile, "utf8")));
  });

  it("keeps the user's password out of the transcript, while recording the sign-in", async () => {
    const file = temp.file("signin-transcript.jsonl");
    expect((await enroll(qr, "--transcript", file)).code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(USER.password);
    const signIn = text.trim().split("\n").map((l) => JSON.parse(l) as { url?: string; request?: { body?: unknown } }).find((r) => r.url?.endsWith("/signIn"));
    expect(signIn?.request?.body).toEqual({ userPrincipalName: USER.upn, password: "REDACTED-PASSWORD" });
  });

  it("keeps the password with --transcript-secrets keep, so the transcript replays against the live service", async () => {
    const file = temp.file("kept-transcript.jsonl");
    expect((await enroll(qr, "--transcript", file, "--transcript-secrets", "keep")).code).toBe(0);
    const records = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { eventType?: string; eventData?: unknown; url?: string; request?: { body?: unknown } });
    // Before: "(redacted)" in both, and the replay diverged at the sign-in (401).
    expect(records.find((r) => r.eventType === "SIGN_IN")?.eventData).toEqual({ userPrincipalName: USER.upn, password: USER.password });
    expect(records.find((r) => r.url?.endsWith("/signIn"))?.request?.body).toEqual({ userPrincipalName: USER.upn, password: USER.password });
    const replayed = await aospSim(["replay", file, "--service", service.url]);
    expect(replayed.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(replayed.code).toBe(0);
  });

  it("redacts a Wi-Fi key as REDACTED-WIFI-KEY whatever its length, and a WEP key as a valid key that replays", async () => {
    const scanned = (file: string) => (readFileSync(file, "utf8").split("\n").map((l) => (l ? (JSON.parse(l) as { type: string; text?: string }) : null)).find((r) => r?.type === "scan")!).text!;
    // 13 characters: before, "0000000000000", which kept the key's length.
    const wpa = await profileQr("Thirteen", { ...PROFILE, wifiPassword: "lab-passphr13" });
    const wpaFile = temp.file("wpa13.jsonl");
    expect((await enroll(wpa.file, "--transcript", wpaFile)).code).toBe(0);
    expect(scanned(wpaFile)).toContain('"REDACTED-WIFI-KEY"');
    expect(readFileSync(wpaFile, "utf8")).not.toContain("0000000000000");
    // A WEP key of 10 hex digits: a 13-character placeholder, a valid WEP key whatever the original's length.
    const wep = await profileQr("Wep", { ...PROFILE, wifiSecurityType: "wep", wifiPassword: "0a1b2c3d4e" });
    const wepFile = temp.file("wep.jsonl");
    expect((await enroll(wep.file, "--transcript", wepFile)).code).toBe(0);
    expect(scanned(wepFile)).toContain('"REDACTED-WIFI"');
    expect(readFileSync(wepFile, "utf8")).not.toContain("0a1b2c3d4e");
    const replayed = await aospSim(["replay", wepFile]);
    expect(replayed.stdout).toMatch(/identical/);
    expect(replayed.code).toBe(0);
  });

  it("refuses a revoked token and says so (exit 1)", async () => {
    const { profile, file } = await profileQr("Revoked");
    await service.admin.revokeToken(profile.id);
    const result = await enroll(file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Not enrolled: the device stopped at enrollmentFailed/);
    expect(result.stdout).toMatch(/reason: tokenRevoked: /);
  });

  it("refuses a replaced token", async () => {
    const { profile, file } = await profileQr("Replaced");
    await service.admin.createToken(profile.id);
    const result = await enroll(file, "--json");
    expect(result.code).toBe(1);
    expect(json(result.stdout).failure?.code).toBe("tokenReplaced");
  });

  it("refuses an expired token once the service's time has passed it", async () => {
    const { file } = await profileQr("Expiring", { ...PROFILE, tokenExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString() });
    serviceSkewMs = 2 * 3_600_000;
    try {
      const result = await enroll(file, "--json");
      expect(result.code).toBe(1);
      expect(json(result.stdout)).toMatchObject({ finalState: "enrollmentFailed", failure: { code: "tokenExpired" } });
    } finally {
      serviceSkewMs = 0;
    }
  });

  it("refuses a user without a licence", async () => {
    await service.admin.createUser({ displayName: "Sam", userPrincipalName: "sam@contoso.example", password: "Passw0rd!" });
    const result = await aospSim(["enroll", qr, "--user", "sam@contoso.example", "--password", "Passw0rd!", "--clock", "simulated", "--json"]);
    expect(result.code).toBe(1);
    expect(json(result.stdout)).toMatchObject({ finalState: "signInFailed", failure: { code: "userNotLicensed" } });
  });

  it("refuses a wrong password", async () => {
    const result = await aospSim(["enroll", qr, "--user", USER.upn, "--password", "nope", "--clock", "simulated", "--json"]);
    expect(result.code).toBe(1);
    expect(json(result.stdout)).toMatchObject({ finalState: "signInFailed", failure: { code: "invalidCredentials", screen: "Your account or password is incorrect." } });
  });

  it("skips the download with --preinstall when the installed agent reaches the minimum version code", async () => {
    const offer = (await service.admin.listPackages()).find((p) => p.packageName === "com.microsoft.intune.aospagent" && p.versionName === "24.9.2")!;
    const archive = temp.file("agent.apk");
    const response = await fetch(offer.downloadUrl, { headers: { authorization: `Bearer ${service.adminToken}` } });
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    const payload = JSON.parse(readFileSync(payloadFile, "utf8")) as Record<string, unknown>;
    payload["android.app.extra.PROVISIONING_DEVICE_ADMIN_MINIMUM_VERSION_CODE"] = offer.versionCode;
    const file = temp.file("minimum-version.json");
    writeFileSync(file, JSON.stringify(payload));
    const result = await enroll(file, "--preinstall", archive, "--json");
    expect(result.code).toBe(0);
    expect(json(result.stdout).timeline.map((e) => e.state)).not.toContain("downloadingAgent");
  });

  it("run again on the stored device after a Wi-Fi failure, tries again without a reset and enrolls", async () => {
    const dir = temp.file("wifi-retry-device");
    const failed = await enroll(qr, "--device-dir", dir, "--fault", "wifi-timeout=1", "--json");
    expect(json(failed.stdout).finalState).toBe("wifiFailed");
    const again = await enroll(qr, "--device-dir", dir, "--json");
    expect(again.code).toBe(0);
    const states = json(again.stdout).timeline.map((e) => `${e.state} ${e.event}`);
    expect(states).toContain("connectingWifi try again");
    expect(states.some((s) => s.startsWith("factoryResetting"))).toBe(false);
  });

  it("counts wifi-timeout=1 across runs on the stored device: the rerun with the same fault joins", async () => {
    const dir = temp.file("wifi-timeout-count-device");
    const failed = await enroll(qr, "--device-dir", dir, "--fault", "wifi-timeout=1", "--json");
    expect(json(failed.stdout).finalState).toBe("wifiFailed");
    const again = await enroll(qr, "--device-dir", dir, "--fault", "wifi-timeout=1", "--json");
    expect(again.code).toBe(0);
    expect(json(again.stdout).timeline.map((e) => `${e.state} ${e.event}`)).toContain("connectingWifi try again");
  });

  it("run again on the stored device after a checksum error, resets it (storage erased) and starts over", async () => {
    const dir = temp.file("checksum-device");
    const failed = await enroll(qr, "--device-dir", dir, "--fault", "corrupt-download", "--json");
    expect(json(failed.stdout).finalState).toBe("provisioningFailed");
    const again = await enroll(qr, "--device-dir", dir, "--json");
    expect(again.code).toBe(0);
    const states = json(again.stdout).timeline.map((e) => e.state);
    expect(states.indexOf("factoryResetting.erasing")).toBeLessThan(states.indexOf("welcome"));
    expect(states).toContain("downloadingAgent");
  });

  // Before, a profile was refused ("cannot be shown as a QR code: the payload is N bytes": its
  // whole JSON), and base64 as "neither an image nor JSON", though validate reads each.
  it("enrolls from what validate reads: a Graph profile as the admin API returns it (its qrCodeContent, else its qrCodeImage), and base64 of the payload or of the image", async () => {
    const { profile } = await profileQr("Graph forms");
    const { qrCodeContent, ...imageOnly } = profile;
    const inputs: [string, string, string][] = [
      ["profile.json", JSON.stringify(profile, null, 2), "the whole profile"],
      ["profile-image.json", JSON.stringify(imageOnly), "a profile without qrCodeContent"],
      ["content.b64", `${qrCodeContent}\n`, "its qrCodeContent"],
      ["image.b64", profile.qrCodeImage.value, "its qrCodeImage.value"],
    ];
    for (const [name, text, what] of inputs) {
      const path = temp.file(name);
      writeFileSync(path, text);
      const result = await enroll(path, "--json");
      expect(result.stderr, what).toBe("");
      expect(result.code, what).toBe(0);
      expect(json(result.stdout).finalState, what).toBe("enrolled");
    }
  });

  // Before, it ended "the device waits at the sign-in screen: pass --user UPN --password PW to sign in", though both were given.
  it("stopped at the sign-in screen by --until, says so, not that an account is missing", async () => {
    const dir = temp.file("until-sign-in");
    const result = await enroll(qr, "--until", "signingIn.waitingForUser", "--device-dir", dir);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/pass --user/);
    expect(result.stdout).toMatch(/\nNot enrolled: the device stopped at signingIn\.waitingForUser\n {2}stopped there as --until asked; enroll --device-dir continues from there\n$/);
  });

  it("stops at the sign-in screen without --user, saying how to continue", async () => {
    const result = await aospSim(["enroll", qr, "--clock", "simulated"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/stopped at signingIn\.waitingForUser/);
    expect(result.stdout).toMatch(/pass --user UPN --password PW/);
  });

  // Before: "the device did not pass through it on its way here (a state it had passed already,
  // or one this payload and device skip)", of a device waiting for its account.
  it("says an --until past the sign-in screen is not reached yet without --user, not that it was skipped", async () => {
    const result = await aospSim(["enroll", qr, "--clock", "simulated", "--until", "enrolled"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/pass --user UPN --password PW to sign in\n {2}did not reach --until enrolled: the device waits at the sign-in screen for an account first\n$/);
  });
});

describe.concurrent("aosp-sim enroll --fault", { timeout: 90_000 }, () => {
  const cases: [string, string, string | null][] = [
    ["wrong-wifi-key", "wifiFailed", "wifiTimeout"],
    ["network-absent", "wifiFailed", "wifiTimeout"],
    ["wifi-timeout", "wifiFailed", "wifiTimeout"],
    ["download-http-error=503", "provisioningFailed", "downloadFailed"],
    ["corrupt-download", "provisioningFailed", "checksumError"],
    ["service-5xx", "enrolled", null],
    ["service-timeout=always", "enrollmentFailed", "serviceTimeout"],
    ["power-loss@verifyingAgent", "enrolled", null],
    ["clock-skew=+3h", "enrolled", null],
  ];
  for (const [fault, finalState, code] of cases) {
    it(`${fault} ends in ${finalState}${code ? ` (${code})` : ""}`, async () => {
      const result = await enroll(qr, "--fault", fault, "--json");
      expect(result.code).toBe(finalState === "enrolled" ? 0 : 1);
      const doc = json(result.stdout);
      expect(doc.finalState).toBe(finalState);
      expect(doc.failure?.code ?? null).toBe(code);
    });
  }
});
