/**
 * A transcript whose disk fills while the device runs: the device goes on as it would have (its
 * enrollment is not taken for a failed step), and finish() says the file could not be written,
 * with the fix. Before, the write's ENOSPC was thrown inside the device's step, and the device
 * ended in "Couldn't download the admin app" (downloadFailed: "GET .../packages/...: ENOSPC").
 * The disk is faked here: node:fs's writeSync fails once the transcript has written `room` records.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const disk = vi.hoisted(() => ({ room: Infinity }));

vi.mock("node:fs", async (original) => {
  const fs = await original<typeof import("node:fs")>();
  const writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    // Only the transcript's records (JSON Lines) fill the disk; the service's database is in memory.
    if (typeof data === "string" && data.startsWith('{"type":') && disk.room-- <= 0) {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
    }
    return (fs.writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

const { createDevice, InputError, SimulatedClock, startMockService, TranscriptFile } = await import("../../agent/index.js");

const dir = mkdtempSync(join(tmpdir(), "aosp-transcript-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a transcript whose disk fills during the run", { timeout: 30_000 }, () => {
  it("leaves the device to enroll, keeps what was written, and finish() names the file and the fix", async () => {
    const clock = new SimulatedClock();
    const service = await startMockService({ now: () => new Date(clock.now()), passwordHashCost: 8 });
    const file = join(dir, "enrollment.jsonl");
    try {
      const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
      const transcript = new TranscriptFile(file);
      disk.room = 6;
      const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, clock, seed: 1, transcript: transcript.write });
      const report = await device.enroll();
      expect(report.failure).toBeNull();
      expect(report.finalState).toBe("enrolled");
      const finished = await transcript.finish(device, report).then(() => null, (error: unknown) => error);
      expect(finished).toBeInstanceOf(InputError);
      expect((finished as InstanceType<typeof InputError>).message).toBe(`${file}: cannot be written: ENOSPC: no space left on device, write`);
      expect((finished as InstanceType<typeof InputError>).hint).toBe("free some space on that disk, or give a path on another");
      expect(transcript.writeFailure).toBe(finished);
      // What fitted is kept, whole lines only.
      expect(readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { type: string }).type)[0]).toBe("start");
      expect(readFileSync(file, "utf8").split("\n")).toHaveLength(7);
      device.dispose();
    } finally {
      disk.room = Infinity;
      await service.close();
    }
  });

  it("a disk full from the start is said at the start record, before the device runs; a later record's failure waits for finish()", () => {
    disk.room = 0;
    try {
      const first = new TranscriptFile(join(dir, "start.jsonl"));
      expect(() => first.write({ type: "start", at: new Date(0).toISOString() } as never)).toThrow(
        expect.objectContaining({ name: "InputError", message: `${join(dir, "start.jsonl")}: cannot be written: ENOSPC: no space left on device, write` }),
      );
      const later = new TranscriptFile(join(dir, "later.jsonl"));
      expect(() => later.write({ type: "note", at: new Date(0).toISOString(), text: "x" } as never)).not.toThrow();
      expect(later.writeFailure?.problem).toBe("cannot be written: ENOSPC: no space left on device, write");
    } finally {
      disk.room = Infinity;
    }
  });
});
