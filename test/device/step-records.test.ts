/**
 * The runtime's step records as data (agent/device/step-record.ts): what a replay, a fleet's
 * metrics or a renderer reads. No wording is asserted here (test/report/device-log.test.ts
 * renders them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../agent/device/create-device.js";
import type { DeviceRecord, NoteRecord, PowerRecord, StepRecord } from "../../agent/device/step-record.js";
import { StepError } from "../../agent/machine/step-error.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";
import { doubles } from "../helpers/port-doubles.js";

const USER = { userPrincipalName: "alex@contoso.example", password: "pw" };
const steps = (records: readonly DeviceRecord[]) => records.filter((r): r is StepRecord => r.kind === "step");

describe("step records of a device over test doubles", () => {
  it("record every machine step: index, from, to, the event and its data, the actor's output, the context, timings", async () => {
    const world = doubles();
    await world.setPicture();
    const startedAt = world.clock.now();
    const device = await createDevice({ ports: world.ports, seed: 3, user: USER });
    const seen: DeviceRecord[] = [];
    device.onRecord((r) => seen.push(r));
    await device.enroll();
    device.dispose();

    const all = steps(device.records);
    expect(seen).toEqual([...device.records]);
    expect(all.map((s) => s.index)).toEqual(all.map((_, i) => i));
    expect(all[0]).toMatchObject({ kind: "step", from: "off", to: "welcome", value: "welcome", eventType: "xstate.init", boot: "fresh", changed: true, http: [] });
    expect(all.slice(1).every((s) => s.boot === undefined)).toBe(true);
    // Each step starts where the one before it ended.
    for (let i = 1; i < all.length; i++) expect(all[i]!.from).toBe(all[i - 1]!.to);

    // The six taps: the first five change only the count, the sixth opens the scanner.
    const taps = all.filter((s) => s.eventType === "TAP");
    expect(taps).toHaveLength(6);
    expect(taps.at(-1)).toMatchObject({ from: "welcome", to: "scanningQr" });

    const enrolled = all.find((s) => s.eventType === "xstate.done.actor.enroll")!;
    expect(enrolled).toMatchObject({
      from: "enrolling.requesting",
      to: "signingIn.waitingForUser",
      eventData: { actorId: "enroll" },
      output: { deviceId: "d-1", deviceCredential: "cred", enrollmentProfileName: "Doubles" },
    });
    // The context the step left, as the machine holds it.
    expect(enrolled.context.enrollment).toMatchObject({ deviceId: "d-1" });
    expect(all.find((s) => s.eventType === "SIGN_IN")).toMatchObject({ eventData: { userPrincipalName: USER.userPrincipalName, password: "(redacted)" } });
    // Records are safe to hand out: the password is in none of the steps' data.
    expect(JSON.stringify(all.map(({ context: _context, ...data }) => data))).not.toContain('"pw"');

    // Timings: the device clock, the time since the device was made, the real time spent.
    expect(all[0]!.at).toBe(startedAt);
    for (let i = 1; i < all.length; i++) {
      expect(all[i]!.at).toBeGreaterThanOrEqual(all[i - 1]!.at);
      expect(all[i]!.elapsedMs).toBe(all[i]!.at - startedAt);
      expect(all[i]!.wallMs).toBeGreaterThanOrEqual(all[i - 1]!.wallMs);
    }
    expect(all.at(-1)!.to).toBe("enrolled.idle");
  });

  it("record an actor's failure as data (an error event's output)", async () => {
    const world = doubles();
    await world.setPicture();
    world.ports.service.enroll = async () => {
      throw new StepError("tokenRevoked", "the enrollment token was revoked");
    };
    const device = await createDevice({ ports: world.ports, seed: 3, user: USER });
    await device.enroll();
    device.dispose();
    const failed = steps(device.records).find((s) => s.eventType === "xstate.error.actor.enroll")!;
    expect(failed).toMatchObject({ from: "enrolling.requesting", output: { code: "tokenRevoked", message: "the enrollment token was revoked" } });
    expect(failed.context.failure).toMatchObject({ code: "tokenRevoked" });
  });

  it("record power changes and notes between the steps, and the boot that resumes", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, user: USER });
    await device.enroll();
    const before = device.records.length;
    device.note("The admin looks at the device");
    device.powerOff(60_000);
    await device.runFor(60_000);
    device.dispose();

    const after = device.records.slice(before);
    expect(after[0]).toMatchObject({ kind: "note", state: "enrolled.idle", event: "note", text: "The admin looks at the device" } satisfies Partial<NoteRecord>);
    expect(after[1]).toMatchObject({ kind: "power", change: "lost", state: "enrolled.idle", offForMs: 60_000 } satisfies Partial<PowerRecord>);
    // Power-on: power restored, then the boot step (from the stored snapshot), then POWER_ON, as they happen.
    expect(after[2]).toMatchObject({ kind: "power", change: "restored", state: "enrolled.idle" });
    expect(after[3]).toMatchObject({ kind: "step", eventType: "xstate.init", boot: "resumed", from: "enrolled.idle", to: "enrolled.idle" });
    expect(after[4]).toMatchObject({ kind: "step", eventType: "POWER_ON", from: "enrolled.idle", to: "enrolled.idle" });
    expect(after[2]!.at - after[1]!.at).toBe(60_000);
  });
});

describe("step records of a virtual device against the mock service", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await setUpTenant();
  });
  afterAll(tearDownTenant);

  it("carry the HTTP exchanges each step's actor made, when a transcript is kept", async () => {
    const transcript: TranscriptRecord[] = [];
    const device = await t.device({ transcript: (r) => transcript.push(r) });
    await device.enroll();
    const all = steps(device.records);
    const enrolled = all.find((s) => s.eventType === "xstate.done.actor.enroll")!;
    expect(enrolled.http.map((h) => `${h.method} ${new URL(h.url).pathname} ${h.response?.status}`)).toEqual(["POST /device/v1/enroll 200"]);
    const downloaded = all.find((s) => s.eventType === "xstate.done.actor.downloadAgent")!;
    expect(downloaded.http.map((h) => h.purpose)).toEqual(["agent-download"]);
    // Every exchange is in exactly one step, as the transcript has them, in order.
    const inSteps = all.flatMap((s) => s.http);
    expect(inSteps).toEqual(transcript.filter((r) => r.type === "http"));
    expect(all.filter((s) => s.eventType === "TAP").every((s) => s.http.length === 0)).toBe(true);
  });

  it("carry no exchanges when nothing records them (no transcript)", async () => {
    const device = await t.device({ seed: 8 });
    await device.enroll();
    expect(steps(device.records).every((s) => s.http.length === 0)).toBe(true);
    expect(device.state).toBe("enrolled.idle");
  });
});
