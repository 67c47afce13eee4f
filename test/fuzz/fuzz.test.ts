/**
 * Fuzzing that stays: mutated payloads through checkPayloadText and mutated images through the
 * decoder, with a fixed seed. `npm test` runs a small budget; `npm run fuzz` runs 100,000
 * payloads and 1,000 images (FUZZ_PAYLOADS, FUZZ_IMAGES). A crash is anything but an answer:
 * for payloads, an exception; for images, an error that is not an InputError (exit 2).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { checkPayloadText } from "../../agent/payload/check.js";
import { decodeQrImage } from "../../agent/qr/index.js";
import { drawQr, encode, type Encoding } from "../helpers/qr-images.js";

const SEED = 20_261_202;
const PAYLOADS = Number(process.env["FUZZ_PAYLOADS"] ?? 400);
const IMAGES = Number(process.env["FUZZ_IMAGES"] ?? 12);
const LONG = PAYLOADS > 1000 || IMAGES > 20;

const P = "android.app.extra.PROVISIONING_";
const VALID = JSON.stringify({
  [`${P}DEVICE_ADMIN_COMPONENT_NAME`]: "com.microsoft.intune.aospagent/.AdminReceiver",
  [`${P}DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]: "https://example.test/agent.apk",
  [`${P}DEVICE_ADMIN_SIGNATURE_CHECKSUM`]: "wFNeS-K3n_2TKRMFQ2v4iTFOSj-uwF7P_Lt98xrZ5Ro",
  [`${P}WIFI_SSID`]: "Contoso",
  [`${P}WIFI_SECURITY_TYPE`]: "WPA",
  [`${P}WIFI_PASSWORD`]: "secret-passphrase",
  [`${P}LOCAL_TIME`]: 1700000000000,
  [`${P}ADMIN_EXTRAS_BUNDLE`]: { "com.microsoft.intune.aosp.enrollmentToken": "ABC", nested: { deep: [1, 2, { __proto__: 1 }] } },
});

/** An edit of a text: insert, delete, or replace a slice with hostile material. */
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('"', "{", "}", "[", "]", ",", ":", "\\", "\\u0000", "\uFEFF", "__proto__", "constructor", "1e400", "9007199254740993", "-0", "null", "true", "\uD800", "\u202E"),
  fc.json({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => "k".repeat(n)),
);
const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 30 }), put: hostile });

function applyEdits(text: string, edits: { at: number; cut: number; put: string }[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    out = out.slice(0, at) + e.put + out.slice(at + e.cut);
  }
  return out;
}

describe("fuzz: payload text", () => {
  it(`answers ${PAYLOADS} mutated payloads with findings, never an exception`, () => {
    let slowest = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), fc.constantFrom("android", "intune-aosp") as fc.Arbitrary<"android" | "intune-aosp">, (edits, rules) => {
        const started = performance.now();
        const result = checkPayloadText(applyEdits(VALID, edits), { rules });
        slowest = Math.max(slowest, performance.now() - started);
        expect(Array.isArray(result.findings)).toBe(true);
        expect(typeof result.valid).toBe("boolean");
      }),
      { seed: SEED, numRuns: PAYLOADS },
    );
    if (LONG) console.error(`fuzz: ${PAYLOADS} payloads, 0 crashes, slowest ${slowest.toFixed(1)} ms`);
  }, LONG ? 3_600_000 : 60_000);
});

describe("fuzz: images", () => {
  const seeds: Partial<Record<Encoding, Buffer>> = {};
  beforeAll(async () => {
    for (const format of ["png", "jpeg", "gif", "bmp", "tiff"] as const) seeds[format] = await encode(drawQr("fuzz", { scale: 2 }), format);
  });

  it(`answers ${IMAGES} mutated images with codes or an InputError, never a crash`, async () => {
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("png", "jpeg", "gif", "bmp", "tiff") as fc.Arbitrary<Encoding>,
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 12 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (format, flips, cutAt) => {
          const bytes = Buffer.from(seeds[format]!);
          for (const f of flips) bytes[f.at % bytes.length] = f.byte;
          const input = cutAt === undefined ? bytes : bytes.subarray(0, cutAt % bytes.length);
          const started = performance.now();
          const outcome = await decodeQrImage(input, `fuzz.${format}`).then(
            () => null,
            (error: unknown) => error,
          );
          slowest = Math.max(slowest, performance.now() - started);
          if (outcome !== null && !(outcome instanceof InputError)) throw outcome;
        },
      ),
      { seed: SEED, numRuns: IMAGES },
    );
    if (LONG) console.error(`fuzz: ${IMAGES} images, 0 crashes, slowest ${slowest.toFixed(0)} ms`);
  }, LONG ? 3_600_000 : 120_000);
});
