/**
 * Ctrl-C or SIGTERM while `replay`, `run` or `enroll --preinstall` reads its input file. Their
 * signal handlers are JavaScript (graceful-stop.ts), so they run only when the main thread is
 * free: a synchronous read of a FIFO no one writes to (or a pipe whose writer stalls) held them
 * off for ever, and only kill -9 ended the process. The inputs are now read off the main thread.
 *
 * The test opens the FIFO's writing end itself and writes nothing: that open returns once the CLI
 * has opened the reading end, so the signal comes while the CLI waits for bytes that never come.
 */
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-signal-read-");

/** Runs the CLI on a FIFO that stays open and empty, and sends SIGTERM once the CLI has opened it. */
async function signalledWhileReading(args: (fifo: string) => string[], name: string) {
  const fifo = temp.file(name);
  execFileSync("mkfifo", [fifo]);
  let writer: Promise<FileHandle> | null = null;
  const result = await aospSim(args(fifo), {
    killAfterMs: 30_000,
    onSpawn: (signal) => {
      writer = open(fifo, "w");
      void writer.then(() => signal("SIGTERM"));
    },
  });
  // Should the CLI have ended without opening the FIFO, a reader of our own lets the writer's open return.
  const unblock = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  await (await writer!).close();
  await unblock.close();
  return result;
}

describe("a signal while a command reads its input from a FIFO", { timeout: 60_000 }, () => {
  it("replay stops at once with its line and 143", async () => {
    const result = await signalledWhileReading((fifo) => ["replay", fifo], "transcript.jsonl");
    expect(result.code).toBe(143);
    expect(result.stderr).toBe("replay: interrupted before the device started (SIGTERM); nothing was compared: run the same command again\n");
  });

  it("run stops at once with its line and 143", async () => {
    const result = await signalledWhileReading((fifo) => ["run", fifo], "scenario.json");
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/^run: interrupted before the device started \(SIGTERM\); /);
  });

  it("enroll --preinstall stops at once with its line and 143", async () => {
    const payload = temp.file("payload.json");
    writeFileSync(payload, JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.agent/.Admin" }));
    const result = await signalledWhileReading((fifo) => ["enroll", payload, "--preinstall", fifo], "package.apk");
    expect(result.code).toBe(143);
    expect(result.stderr).toBe("enroll: interrupted before the device started (SIGTERM); no device was started: run the same command again\n");
  });
});
