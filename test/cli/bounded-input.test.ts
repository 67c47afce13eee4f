/**
 * Inputs whose size cannot be known first (devices, FIFOs, process substitutions, pipes) are read
 * only up to the limit and refused as unreadable input (exit 2), never read to the end.
 */
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { describe, expect, it } from "vitest";
import { readFileBounded } from "../../agent/protocol/bounded-read.js";
import { readInput } from "../../agent/cli/input.js";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_IMAGE_FILE_BYTES, readQrImageFile } from "../../agent/qr/index.js";
import { qrPng } from "../helpers/qr-images.js";
import { runCli, useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-bounded-");

async function refusal(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/** A FIFO that a writer fills with `bytes` (repeated `times` times), as `<(cat big.json)` does. */
function fifoWith(name: string, bytes: Buffer, times: number): string {
  const path = temp.file(name);
  execFileSync("mkfifo", [path]);
  const writer = createWriteStream(path);
  writer.on("error", () => {}); // EPIPE once the reader stops: expected
  void (async () => {
    for (let i = 0; i < times && !writer.destroyed; i++) {
      if (!writer.write(bytes)) await new Promise<void>((resolve) => writer.once("drain", () => resolve()).once("close", () => resolve()));
    }
    writer.end();
  })();
  return path;
}

describe("inputs without a size", () => {
  it("refuses validate /dev/zero as binary data after reading only the limit", async () => {
    const error = await refusal(readInput("/dev/zero"));
    expect(error.where).toBe("/dev/zero");
    expect(error.message).toMatch(/it is binary data/);
  });

  it("refuses decode /dev/zero as not an image from its first bytes", async () => {
    const error = await refusal(readQrImageFile("/dev/zero"));
    expect(error.message).toMatch(/is not an image/);
  });

  it("refuses 50 MB of JSON through a FIFO as unreadable input (exit 2), not as a payload finding", async () => {
    const json = Buffer.from(`{"a":"${"x".repeat(1024 * 1024)}`);
    const error = await refusal(readInput(fifoWith("big.json", json, 50)));
    expect(error.message).toMatch(/more than 64 KiB of text/);
    const cli = await runCli(["validate", "--json", fifoWith("big-cli.json", json, 50)]);
    expect(cli.code).toBe(2);
    // --json: the error is the one JSON document on stdout; people read it on stderr.
    expect(JSON.parse(cli.stdout)).toMatchObject({ error: { kind: "input", message: expect.stringMatching(/more than 64 KiB of text/) } });
    expect(cli.stderr).toMatch(/big-cli\.json: is more than 64 KiB of text/);
  });

  it("still reads a small payload and an image through a FIFO in full", async () => {
    const payload = Buffer.from('{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a.b/.C"}');
    expect((await readInput(fifoWith("small.json", payload, 1))).bytes).toEqual(payload);
    const result = await readQrImageFile(fifoWith("code.png", await qrPng("through a pipe"), 1));
    expect(result.codes.map((c) => c.text)).toEqual(["through a pipe"]);
  });

  it("stops one byte past the limit, whatever the input holds", async () => {
    const read = await readFileBounded("/dev/zero", { limit: 100_000 });
    expect(read).toMatchObject({ overLimit: true });
    expect(read.bytes.length).toBe(100_000);
    const image = await readFileBounded("/dev/zero", { limit: (head) => (head[0] === 0 ? 10 : MAX_IMAGE_FILE_BYTES), sniffBytes: 4 });
    expect(image.bytes.length).toBe(10);
  });
});
