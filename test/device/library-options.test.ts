/**
 * createDevice's options and the device's calls, as a library caller (a JavaScript one too)
 * gets them wrong: each is refused up front with an error naming the option, rather than a
 * device that fails later for a reason that blames something else, a run that never returns, or
 * JavaScript's own TypeError from inside.
 */
import { describe, expect, it } from "vitest";
import { createDevice, HOUR, InputError, SimulatedClock, startMockService, type CreateDeviceOptions } from "../../agent/index.js";

/** A device that needs no service: its payload is never scanned unless it is enrolled. */
const idle = (options: Partial<CreateDeviceOptions> = {}) => createDevice({ qr: { payload: "{}" }, seed: 1, ...options });

describe("createDevice's options", () => {
  it("refuses a serviceUrl that is not an http(s) URL, naming the option as --service is named", async () => {
    // Before, a URL without a scheme was passed over, and the device went to the payload's own host.
    const refused = idle({ serviceUrl: "localhost:8080" });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toMatchObject({ message: 'createDevice serviceUrl: "localhost:8080" is not an http or https URL (its scheme is "localhost")' });
    await expect(idle({ serviceUrl: "127.0.0.1:8080" })).rejects.toMatchObject({ where: "createDevice serviceUrl", hint: "e.g. http://127.0.0.1:8080" });
    await expect(idle({ serviceUrl: "http//127.0.0.1:8080" })).rejects.toThrow(/^createDevice serviceUrl: "http\/\/127\.0\.0\.1:8080" is not an http or https URL/);
    await expect(idle({ serviceUrl: 8080 as never })).rejects.toThrow("createDevice serviceUrl: is 8080, not a URL");
  });

  it("sends a device given an http(s) serviceUrl there, written as --service takes it", async () => {
    const clock = new SimulatedClock();
    const service = await startMockService({ now: () => new Date(clock.now()), publicUrl: "https://enroll.contoso.example", passwordHashCost: 4 });
    try {
      const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, clock, seed: 1, serviceUrl: ` ${service.url.toUpperCase()}/ ` });
      const report = await device.enroll();
      device.dispose();
      expect(report.finalStatePath).toBe("signingIn.waitingForUser");
    } finally {
      await service.close();
    }
  });

  it("refuses no options, a clock or transcript of the wrong kind, and an httpTimeoutMs that is no timeout", async () => {
    // Before: "Cannot read properties of undefined (reading 'ports')".
    await expect((createDevice as (options?: unknown) => Promise<unknown>)()).rejects.toThrow(
      new TypeError("createDevice takes its options as an object, at least { qr: { image } } or { qr: { payload } } (got undefined)"),
    );
    // Before: "baseClock(...).now is not a function".
    await expect(idle({ clock: {} as never })).rejects.toThrow(/^createDevice: clock must be a clock port, .* \(got an object \{\}\)$/);
    // Before: "options.transcript is not a function", once the device ran.
    await expect(idle({ transcript: "x.jsonl" as never })).rejects.toThrow(/^createDevice: transcript must be a function .* \(got the string "x\.jsonl"\)$/);
    // Before, accepted: the device then failed its download with undici's "invalid headersTimeout".
    for (const httpTimeoutMs of [Number.NaN, -1, 0, 1.5]) {
      await expect(idle({ httpTimeoutMs })).rejects.toThrow(new RangeError(`createDevice: httpTimeoutMs must be a whole number of milliseconds from 1 to 2147483647 (got ${httpTimeoutMs}); leave it out for 30 s`));
    }
  });
});

describe("a device's runs", () => {
  it("refuse a span of time that is not one: NaN and Infinity never ended, a negative one turned the clock back", async () => {
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 9));
    const device = await idle({ clock });
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, -HOUR]) {
      await expect(device.runFor(ms)).rejects.toThrow(new RangeError(`device.runFor: ms must be a finite number of milliseconds, 0 or more (got ${ms})`));
      await expect(device.runUntil(() => false, { limitMs: ms })).rejects.toThrow(/^device\.runUntil: limitMs must be .*; leave limitMs out for no limit$/);
      await expect(clock.advance(ms)).rejects.toThrow(`SimulatedClock.advance: ms must be a finite number of milliseconds, 0 or more (got ${ms})`);
      await expect(clock.runUntil(() => false, { limitMs: ms })).rejects.toThrow(RangeError);
    }
    await expect(device.enroll({ limitMs: -1 })).rejects.toThrow("device.enroll: limitMs must be a finite number of milliseconds, 0 or more (got -1); leave limitMs out for no limit");
    await expect(device.runFor("1000" as never)).rejects.toThrow('(got the string "1000")');
    expect(clock.now()).toBe(Date.UTC(2025, 0, 6, 9));
    // Nothing was started by a refused call: the device is still off, as made.
    expect(device.state).toBe("off");
    device.dispose();
  });

  it("are refused once the device is disposed, while what it did can still be read", async () => {
    const device = await idle();
    device.dispose();
    // Before, enroll() after dispose() brought the device back to life, timers and all.
    await expect(device.enroll()).rejects.toThrow(/^device\.enroll\(\): the device was disposed, and dispose\(\) stops it for good; create another with createDevice/);
    await expect(device.runFor(HOUR)).rejects.toThrow(/^device\.runFor\(\): the device was disposed/);
    await expect(device.shareLogs()).rejects.toThrow(/^device\.shareLogs\(\): the device was disposed/);
    expect(() => device.powerOn()).toThrow(/^device\.powerOn\(\): the device was disposed/);
    expect((await device.report()).finalState).toBe("off");
  });
});

describe("a device whose camera sees no image", () => {
  it("says what it saw once", async () => {
    const device = await createDevice({ qr: { image: Buffer.from("not an image") }, seed: 1 });
    const report = await device.enroll();
    device.dispose();
    // Before: "QR image: QR image: is not an image (...)".
    expect(report.failure?.message).toMatch(/^QR image: is not an image/);
  });
});
