/**
 * `aosp-sim enroll` refusing what it cannot use: exit 2, one clear line on stderr, no stack trace.
 * (Enrollments against a service are in test/e2e.)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAULT_NAMES } from "../../agent/device/faults.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir();
const payload = temp.file("payload.json");
writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a/b.C" }));

function expectUsageError(result: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("aosp-sim enroll, given something it cannot use", () => {
  it("says the file does not exist", async () => {
    expectUsageError(await aospSim(["enroll", temp.file("missing.png")]), /missing\.png: no such file/);
  });

  it("refuses a file that is neither an image nor JSON", async () => {
    const text = temp.file("notes.txt");
    writeFileSync(text, "hello, this is not a payload");
    expectUsageError(await aospSim(["enroll", text]), /is neither an image nor JSON/);
  });

  // Before, exit 2 "is neither an image nor JSON", while validate reads it as a payload with a
  // json-syntax error and the same bytes as a QR image stop the device at "Can't set up device".
  it("shows a payload file that is broken JSON to the camera, and the device cannot set up (exit 1)", async () => {
    const broken = temp.file("trailing-comma.json");
    writeFileSync(broken, '\uFEFF  {"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a.b/.C",}');
    const result = await aospSim(["enroll", broken, "--clock", "simulated", "--seed", "1", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { finalState: string; failure: { screen: string; message: string } };
    expect(report.finalState).toBe("cantSetUpDevice");
    expect(report.failure.screen).toMatch(/^Can't set up device/);
    expect(report.failure.message).toMatch(/The payload is not JSON/);
  });

  // Before, a file saved with a byte-order mark was "neither an image nor JSON"; validate drops it.
  it("drops a payload file's byte-order mark, as validate does, and the device reads the payload", async () => {
    const bom = temp.file("bom.json");
    writeFileSync(bom, '\uFEFF{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver"}');
    const result = await aospSim(["enroll", bom, "--clock", "simulated", "--seed", "1", "--json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as { finalState: string; failure: { code: string } };
    expect(report.failure.code).toBe("adminAppMissing");
  });

  it("still refuses binary data, which is neither an image nor a payload (exit 2)", async () => {
    const binary = temp.file("garbage.bin");
    writeFileSync(binary, Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x00, 0x10]));
    expectUsageError(await aospSim(["enroll", binary, "--clock", "simulated"]), /is neither an image .* nor payload text \(it is binary data\)/);
  });

  it("refuses an unknown fault and lists the valid ones", async () => {
    const result = await aospSim(["enroll", payload, "--fault", "unplugged"]);
    expectUsageError(result, /unknown fault "unplugged"/);
    for (const name of FAULT_NAMES) expect(result.stderr).toContain(name);
  });

  it("refuses a power loss at a state that does not exist", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--fault", "power-loss@somewhere"]), /there is no state "somewhere"/);
  });

  it("refuses an --until that is no state, pointing at the CLI's list of states (not a library function)", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--until", "idle2"]), /--until: there is no state "idle2"[^\n]*\n\s+fix: state names: `aosp-sim diagram --format json`\n$/);
  });

  // Before, run as service-5xx=2 (the default) and service-5xx=3.
  it("refuses a fault's empty value or a space around it, exit 2, with the right form as the fix", async () => {
    expectUsageError(
      await aospSim(["enroll", payload, "--clock", "simulated", "--fault", "service-5xx="]),
      /--fault service-5xx=: nothing follows its "="\n\s+fix: write service-5xx for its default \(2\), or a value, e\.g\. service-5xx=3$/m,
    );
    expectUsageError(
      await aospSim(["enroll", payload, "--clock", "simulated", "--fault", "service-5xx= 3"]),
      /--fault service-5xx= 3: the value " 3" has a space before it\n\s+fix: write service-5xx=3, without spaces$/m,
    );
  });

  const countFix = (name: string) => `give a whole number of times (1 or more) in decimal digits, e.g. ${name}=3, or "always"`;
  const offsetFix = (at = "") =>
    `write a sign, + or -, then a number and a unit (ms, s, m, h or d; several may follow each other, as in 1h30m), e.g. clock-skew=+2h${at} or clock-skew=-90m${at}`;
  it.each([
    // Before, each ran: Number() read them as 3, 10, 3, 3 and 404.
    ["service-5xx=0x3", '"0x3" is not a count', countFix("service-5xx")],
    ["wifi-timeout=1e1", '"1e1" is not a count', countFix("wifi-timeout")],
    ["service-timeout=+3", '"+3" is not a count', countFix("service-timeout")],
    ["service-5xx=3.0", '"3.0" is not a count', countFix("service-5xx")],
    ["download-http-error=0x194", '"0x194" is not an HTTP error status', "use a status from 400 to 599, e.g. download-http-error=404"],
    // Before, each said "clock-skew needs an offset", though one was given.
    ["clock-skew=-100y", '"-100y" is not an offset', offsetFix()],
    ["clock-skew=+abc", '"+abc" is not an offset', offsetFix()],
    ["clock-skew=++2h", '"++2h" is not an offset', offsetFix()],
    ["clock-skew=2x@enrolling", '"2x" is not an offset', offsetFix("@enrolling")],
    ["clock-skew", "clock-skew needs an offset", "e.g. --fault clock-skew=+2h or clock-skew=-90m@enrolled.idle"],
  ])("refuses --fault %s, a value not written as the grammar says (a count or status in plain decimal digits, an offset), exit 2", async (fault, problem, fix) => {
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--fault", fault]);
    expectUsageError(result, /./);
    expect(result.stderr).toBe(`aosp-sim: --fault ${fault}: ${problem}\n  fix: ${fix}\n`);
  });

  it("refuses two faults of one kind, which a device cannot both take", async () => {
    // Before, the second was ignored: the order of the options decided which one ran.
    expectUsageError(
      await aospSim(["enroll", payload, "--fault", "service-5xx=1", "--fault", "service-5xx=always"]),
      /--fault service-5xx=always: gives service-5xx a second time \(service-5xx=1 before it\)/,
    );
    expectUsageError(
      await aospSim(["enroll", payload, "--fault", "clock-skew=+1h@enrolling", "--fault", "clock-skew=-1h@enrolling"]),
      /gives clock-skew at enrolling a second time/,
    );
  });

  // Before, Number() read each: 16, 1000, 5, 5, 5 and 0 (the empty one).
  it.each(["0x10", "1e3", "+5", "5.0", " 5", ""])("refuses --seed %j, not written in decimal digits, exit 2", async (seed) => {
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", seed]);
    expectUsageError(result, /./);
    expect(result.stderr).toBe(`aosp-sim: --seed: "${seed}" is not a seed\n  fix: use a whole number from 0 to 4294967295, in decimal digits\n`);
  });

  it("wants --user and --password together", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--user", "a@b.example"]), /--user and --password go together/);
  });

  it("refuses a seed that is not a number, and an unknown clock", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--seed", "seven"]), /"seven" is not a seed/);
    expectUsageError(await aospSim(["enroll", payload, "--clock", "fast"]), /unknown clock "fast"/);
  });

  it("refuses a --service that is not an http URL", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--service", "ftp://x"]), /not an http or https URL/);
  });

  it("names a --device-dir that is a file, not a directory", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", payload]), /payload\.json: is not a directory/);
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", `${payload}/device`]), /payload\.json: is not a directory/);
  });

  it("says a --device-dir cannot be created instead of hanging (a path under /proc)", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", "/proc/aosp-sim-device"]), /aosp-sim-device: cannot be created/);
  });

  it("refuses a --device-dir whose stored device is damaged or from another version", async () => {
    const dir = temp.file("damaged-device");
    mkdirSync(dir);
    const snapshot = `${dir}/system__machine-snapshot.json`;
    writeFileSync(snapshot, "garbage");
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]), /holds a device snapshot that is not JSON/);
    const identity = { serialNumber: "R1", model: "M", manufacturer: "X", osVersion: "13" };
    writeFileSync(snapshot, JSON.stringify({ status: "active", value: "welcome", context: {}, children: {} }));
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]), /has no device identity/);
    writeFileSync(snapshot, JSON.stringify({ status: "active", value: "teleporting", context: { identity, settings: {} }, children: {} }));
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]), /in state "teleporting", which this device does not have/);
    writeFileSync(snapshot, JSON.stringify({ status: "active", value: "downloadingAgent", context: { identity, settings: {} }, children: {} }));
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]), /lost its running step "downloadAgent"/);
  });

  it("names a damaged file in --device-dir besides the snapshot, and how to fix it", async () => {
    const dir = temp.file("damaged-files");
    expect((await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir])).code).toBe(1);
    const packages = `${dir}/system__packages.json`;
    writeFileSync(packages, "[]x");
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]);
    expectUsageError(result, /system__packages\.json: is not JSON \(.*\); it should hold a JSON list of installed packages/);
    expect(result.stderr).toMatch(/fix: delete the file/);
    expect(result.stderr).not.toMatch(/internal error/);
    writeFileSync(packages, "[]");
    writeFileSync(`${dir}/system__wifi-connection.json`, '{"ssid": 7}');
    expectUsageError(await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir]),
      /system__wifi-connection\.json: does not hold the Wi-Fi connection/);
  });

  it("resumes the device stored in --device-dir as that device, and will not make it another", async () => {
    const dir = temp.file("stored-device");
    const first = await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir, "--serial", "STORED42"]);
    expect(first.code).toBe(1);
    const again = await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).identity.serialNumber).toBe("STORED42");
    expectUsageError(
      await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir, "--serial", "OTHER7"]),
      /holds the device .* serial STORED42, not serial OTHER7/,
    );
  });

  it("refuses a truncated image as unreadable (exit 2), as decode and validate do", async () => {
    const png = temp.file("cut.png");
    writeFileSync(png, Buffer.from("89504e470d0a1a0a0000000d4948", "hex"));
    expectUsageError(await aospSim(["enroll", png, "--clock", "simulated"]), /cut\.png: is a truncated or corrupt PNG file/);
  });

  // Before, the value was looked at only with --transcript: without it, a whole enrollment ran.
  it.each([
    ["an unknown value", ["--transcript-secrets", "maybe"], "--transcript-secrets", 'unknown value "maybe"', "use redact (the default) or keep"],
    ["an unknown value with --transcript", ["--transcript-secrets", "maybe", "--transcript", temp.file("maybe.jsonl")], "--transcript-secrets", 'unknown value "maybe"', "use redact (the default) or keep"],
    ["keep without --transcript", ["--transcript-secrets", "keep"], "--transcript-secrets keep", "only applies with --transcript: it says what the transcript holds", "add --transcript FILE, or leave out --transcript-secrets"],
    ["redact without --transcript", ["--transcript-secrets", "redact"], "--transcript-secrets redact", "only applies with --transcript: it says what the transcript holds", "add --transcript FILE, or leave out --transcript-secrets"],
  ])("refuses --transcript-secrets, %s, before the device starts, exit 2", async (_case, args, where, problem, fix) => {
    const result = await aospSim(["enroll", payload, "--clock", "simulated", ...args]);
    expectUsageError(result, /./);
    expect(result.stderr).toBe(`aosp-sim: ${where}: ${problem}\n  fix: ${fix}\n`);
  });

  // Before, the profile's whole JSON was shown to the camera: "cannot be shown as a QR code: the payload is N bytes".
  it("refuses a Graph enrollment profile whose payload cannot be recovered, as validate does", async () => {
    const profile = temp.file("graph-bad.json");
    writeFileSync(profile, JSON.stringify({ id: "1", displayName: "x", qrCodeContent: "not base64!" }));
    const result = await aospSim(["enroll", profile, "--clock", "simulated"]);
    expectUsageError(result, /./);
    expect(result.stderr).toBe(
      `aosp-sim: ${profile}: is a Graph enrollment profile, but qrCodeContent is not base64 of a payload JSON object\n` +
        "  fix: save the profile as GET .../androidDeviceOwnerEnrollmentProfiles/{id} returns it, or pass its qrCodeContent\n",
    );
  });

  it("refuses an empty --serial", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--serial", ""]), /--serial: "" is not a serial number/);
  });

  it("shows a payload too long for level M as the level-L code an admin would print, and scans it", async () => {
    const long = temp.file("long.json");
    writeFileSync(long, JSON.stringify({
      "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
      "android.app.extra.PROVISIONING_ORGANIZATION_NAME": "x".repeat(2500),
    }));
    // Seed 1, a device with a setup wizard: a RealWear (a random seed, two times in seven) stops
    // earlier, at noNetwork, as this payload carries no Wi-Fi.
    const result = await aospSim(["enroll", long, "--clock", "simulated", "--seed", "1", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { finalState: string; timeline: { state: string }[] };
    expect(report.timeline.map((e) => e.state)).toContain("checkingPayload");
    expect(report.finalState).toBe("provisioningFailed");
  });

  it("refuses a --preinstall file that is not a package archive", async () => {
    expectUsageError(await aospSim(["enroll", payload, "--preinstall", payload]), /--preinstall .*payload\.json: is not a package archive/);
    expectUsageError(await aospSim(["enroll", payload, "--preinstall", temp.file("none.apk")]), /--preinstall .*none\.apk: no such file\n\s+fix: check the path and the current directory/);
  });

  it("explains the fault grammar in its help", async () => {
    const result = await aospSim(["enroll", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/power-loss\[=OFF\]@STATE/);
    expect(result.stdout).toMatch(/Exit: 0 enrolled, 1 stopped elsewhere/);
  });
});
