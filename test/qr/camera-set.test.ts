/**
 * The decode benchmark's camera-like photos (fixtures/camera-set.ts): the same seed gives the
 * same files, the manifest names the code's text, and the toolkit reads it from the photo.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCameraSet } from "../../fixtures/camera-set.js";
import { KEYS } from "../../agent/payload/keys.js";
import { decodeQrImage } from "../../agent/qr/index.js";

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "aosp-camera-set-"));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the camera-like set", () => {
  it("is the same, byte for byte, for the same seed, and its photo is read by the toolkit", async () => {
    const [a, b] = [await freshDir(), await freshDir()];
    const first = await generateCameraSet(a, 1, 1);
    const second = await generateCameraSet(b, 1, 1);
    expect(second).toEqual(first);
    const [shot] = first.shots;
    expect(shot).toMatchObject({ file: "shot-001-clean.jpg", width: expect.any(Number), height: expect.any(Number) });
    const bytes = await readFile(join(a, shot!.file));
    expect(Buffer.compare(bytes, await readFile(join(b, shot!.file)))).toBe(0);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff])); // a JPEG, as a phone saves it

    const result = await decodeQrImage(new Uint8Array(bytes), shot!.file);
    expect(result).toMatchObject({ width: shot!.width, height: shot!.height });
    expect(result.codes.map((c) => c.text)).toEqual([shot!.text]);
    expect(JSON.parse(shot!.text)).toHaveProperty([KEYS.ADMIN_EXTRAS_BUNDLE]);
  }, 120_000);

  it("keeps a set already made for the same seed and count instead of drawing it again", async () => {
    const dir = await freshDir();
    const made = await generateCameraSet(dir, 2, 1);
    const photo = join(dir, made.shots[0]!.file);
    await writeFile(photo, "kept");
    expect(await generateCameraSet(dir, 2, 1)).toEqual(made);
    expect(await readFile(photo, "utf8")).toBe("kept");
    // Another count is another set: drawn again.
    await generateCameraSet(dir, 2, 2);
    expect((await readFile(photo)).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  }, 120_000);
});
