/**
 * The library API as a user's own vitest suite would use it (the README's example).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAULT_NAMES, HOUR, SimulatedClock, TranscriptFile, createDevice, machineMermaid, deviceMachine, parseFault, startMockService } from "../../agent/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-library-");

describe("the library API", () => {
  it("runs the README example: a device enrolls through a 503 and checks in for a day", async () => {
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
    const service = await startMockService({ now: () => new Date(clock.now()) });
    try {
      await service.admin.createLicensedUser({ displayName: "Alex", userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" });
      const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase" });
      const device = await createDevice({
        qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") },
        clock,
        seed: 1,
        faults: ["service-5xx", parseFault("clock-skew=+5m")],
        user: { userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" },
      });
      const report = await device.enroll();
      expect(report.finalState).toBe("enrolled");
      await device.runFor(24 * HOUR);
      expect(device.context.checkIns).toBe(15);
      device.dispose();
    } finally {
      await service.close();
    }
  });

  it("writes a transcript that show and replay read whole: finish(device) adds its end record", async () => {
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
    const service = await startMockService({ now: () => new Date(clock.now()), passwordHashCost: 4 });
    const path = temp.file("library.jsonl");
    try {
      const user = { userPrincipalName: "alex@contoso.example", password: "P@ss-w0rd" };
      await service.admin.createLicensedUser({ displayName: "Alex", ...user });
      const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const transcript = new TranscriptFile(path);
      const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, clock, seed: 11, transcript: transcript.write, user });
      await device.enroll();
      device.dispose();
      // Before, the caller closed the file with no end record: show and replay exited 2, "is truncated".
      await transcript.finish(device);
      await expect(transcript.finish(device)).rejects.toThrow("is closed already");
    } finally {
      await service.close();
    }
    const last = JSON.parse(readFileSync(path, "utf8").trim().split("\n").at(-1)!) as { type: string; finalState: string };
    expect(last).toMatchObject({ type: "end", finalState: "enrolled" });
    const shown = await aospSim(["show", path]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    const replayed = await aospSim(["replay", path, "--json"]);
    expect(replayed.code, replayed.stderr).toBe(0);
  });

  it("refuses two faults of one kind, as the CLI does (before, the second was ignored)", async () => {
    await expect(createDevice({ seed: 1, faults: ["service-5xx=1", "service-5xx=always"] })).rejects.toThrow(
      "gives service-5xx a second time (service-5xx=1 before it)",
    );
    await expect(createDevice({ seed: 1, faults: [parseFault("power-loss@enrolling"), "power-loss=2h@enrolling"] })).rejects.toMatchObject({
      where: 'createDevice faults[1] ("power-loss=2h@enrolling")',
    });
    // Named by the caller's list item, as a fault it cannot read is (before, "fault service-5xx=always").
    await expect(createDevice({ seed: 1, faults: [parseFault("service-5xx=1"), parseFault("service-5xx=always")] })).rejects.toMatchObject({
      where: "createDevice faults[1] (fault service-5xx=always)",
    });
  });

  // Before, seed -1 was taken (folded into 4294967295), and a path given for the image's bytes
  // ended the enrollment with "QR image: QR image: is empty (0 bytes), not an image".
  it("refuses a seed outside 32 bits and a QR image that is not bytes", async () => {
    await expect(createDevice({ seed: -1, qr: { payload: "{}" } })).rejects.toThrow(new RangeError("createDevice: seed must be a whole number from 0 to 4294967295 (got -1)"));
    await expect(createDevice({ seed: 2 ** 32, qr: { payload: "{}" } })).rejects.toThrow(RangeError);
    await expect(createDevice({ seed: 1, qr: { image: "x.png" as unknown as Uint8Array } })).rejects.toMatchObject({
      message: "createDevice qr.image: is a string, not the image's bytes",
      hint: "give the PNG or JPEG file's bytes, e.g. qr: { image: readFileSync(path) }",
    });
    await expect(createDevice({ seed: 1, qr: { payload: 5 as unknown as string } })).rejects.toMatchObject({ message: "createDevice qr.payload: is a number, not a payload" });
    await expect(createDevice({ seed: 1, qr: "x.png" as unknown as { payload: string } })).rejects.toMatchObject({ message: "createDevice qr: is neither { image } nor { payload }" });
  });

  it("names a fault it cannot read by the caller's list item, not by a CLI flag the caller never used", async () => {
    // Before: "--fault nope: unknown fault \"nope\"".
    await expect(createDevice({ seed: 1, faults: ["service-5xx=1", "nope"] })).rejects.toMatchObject({
      message: 'createDevice faults[1] ("nope"): unknown fault "nope"',
    });
    await expect(createDevice({ seed: 1, faults: [{ name: "wifi-timeout", times: -1 } as never] })).rejects.toMatchObject({
      where: "createDevice faults[0] (fault wifi-timeout)",
    });
    // Before, a TypeError: "(options.faults ?? []).map is not a function".
    await expect(createDevice({ seed: 1, faults: "service-5xx" as never })).rejects.toMatchObject({ message: "createDevice faults: is not a list of faults" });
  });

  it("runs a clock-skew from the start beside one at a state, whichever is written first", async () => {
    const base = new SimulatedClock(Date.UTC(2026, 0, 1));
    // Before, the one at a state, written first, hid the other: the clock started unskewed.
    const device = await createDevice({ qr: { payload: "{}" }, seed: 1, clock: base, faults: ["clock-skew=-1h@enrolling", "clock-skew=+2h"] });
    try {
      expect(device.clock.now() - base.now()).toBe(2 * HOUR);
    } finally {
      device.dispose();
    }
  });

  it("exposes the faults, the machine and its diagram", () => {
    expect(FAULT_NAMES).toContain("power-loss");
    expect(machineMermaid(deviceMachine)).toMatch(/^stateDiagram-v2/);
  });
});
