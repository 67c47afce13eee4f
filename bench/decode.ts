/**
 * Decode benchmark: the ZXing QR blackbox corpus at 0/90/180/270 degrees, scored against ZXing's
 * own per-folder thresholds, for the project's combined decoder and, in the same run, plain jsQR
 * and plain zxing-wasm.
 *
 *   npm run bench:decode                      # the table, PASS/FAIL per row, exit 1 on a miss
 *   npm run bench:decode -- --ablate          # also: the combined decoder with each step off
 *   npm run bench:decode -- --corpus DIR      # or AOSP_SIM_QR_CORPUS=DIR
 *   npm run bench:decode -- --json FILE       # result file (default bench/results/decode.json)
 *
 * Scoring, per image and rotation: "decoded" when a returned code's text equals N.txt, "misread"
 * when codes were returned but none has the expected text. Some images hold a second, smaller
 * code; a decoder that also returns it is not penalised. multi-qrcode-1 holds four codes, counted
 * one by one. Times are decode only (the image is loaded and rotated beforehand).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import jsQRModule from "jsqr";
import { rotateQuarterTurns, type Bitmap } from "../agent/qr/bitmap.js";
import { decodeBitmap, FALLBACK_STEPS, PRIMARY_STEPS } from "../agent/qr/decode-bitmap.js";
import { loadImage } from "../agent/qr/load-image.js";
import type { DecodedCode } from "../agent/qr/types.js";
import { readWithZxing } from "../agent/qr/zxing-reader.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** ZXing's QRCodeBlackBox{1..6}TestCase: minimum correct decodes at 0/90/180/270 degrees. */
const THRESHOLDS: Record<string, [number, number, number, number]> = {
  "qrcode-1": [17, 14, 17, 14],
  "qrcode-2": [32, 30, 31, 31],
  "qrcode-3": [38, 39, 36, 39],
  "qrcode-4": [36, 35, 35, 35],
  "qrcode-5": [19, 19, 19, 19],
  "qrcode-6": [15, 14, 13, 14],
};

/** The four texts of multi-qrcode-1/1.png, from ZXing's MultiQRCodeTestCase. */
const MULTI_EXPECTED = [
  "You earned the class a 5 MINUTE DANCE PARTY!!  Awesome!  Way to go!  Let's boogie!",
  "You earned the class 5 EXTRA MINUTES OF RECESS!!  Fabulous!!  Way to go!!",
  "You get to SIT AT MRS. SIGMON'S DESK FOR A DAY!!  Awesome!!  Way to go!! Guess I better clean up! :)",
  "You get to CREATE OUR JOURNAL PROMPT FOR THE DAY!  Yay!  Way to go!  ",
];

const ROTATIONS = [0, 90, 180, 270] as const;

interface Outcome {
  texts: string[];
  disagreements: number;
  /** Codes read by jsQR alone (not confirmed by zxing-cpp), and by zxing-cpp alone. */
  jsqrOnly: number;
  zxingOnly: number;
}

type Decoder = (image: Bitmap) => Promise<Outcome>;

const jsQR = jsQRModule.default;

function outcomeOf(codes: DecodedCode[]): Outcome {
  return {
    texts: codes.map((c) => c.text),
    disagreements: codes.filter((c) => c.disagreement).length,
    jsqrOnly: codes.filter((c) => !c.decoders.includes("zxing")).length,
    zxingOnly: codes.filter((c) => !c.decoders.includes("jsqr")).length,
  };
}

const DECODERS: Record<string, Decoder> = {
  combined: async (image) => outcomeOf(await decodeBitmap(image)),
  // Plain = library defaults (jsQR's inversionAttempts default is "attemptBoth"); its own text.
  jsqr: async (image) => {
    const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return { texts: code ? [code.data] : [], disagreements: 0, jsqrOnly: 0, zxingOnly: 0 };
  },
  // Plain = library defaults, restricted to QR codes, text in "Plain" mode (as the corpus README).
  zxing: async (image) => {
    const readings = await readWithZxing(image, { formats: ["QRCode"], textMode: "Plain" });
    return { texts: readings.map((r) => r.text), disagreements: 0, jsqrOnly: 0, zxingOnly: 0 };
  },
};

interface Sample {
  folder: string;
  name: string;
  expected: string[];
  rotations: Bitmap[];
}

interface Tally {
  decoded: number;
  misread: number;
  disagreements: number;
  jsqrOnly: number;
  zxingOnly: number;
  /** Codes besides the expected one in images where it was read (e.g. qrcode-2/16's inner code). */
  extra: number;
  ms: number;
  images: number;
}

function newTally(): Tally {
  return { decoded: 0, misread: 0, disagreements: 0, jsqrOnly: 0, zxingOnly: 0, extra: 0, ms: 0, images: 0 };
}

async function loadCorpus(corpus: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const folders = [...Object.keys(THRESHOLDS), "multi-qrcode-1"];
  for (const folder of folders) {
    const dir = join(corpus, folder);
    if (!existsSync(dir)) throw new Error(`corpus folder missing: ${dir}`);
    const images = readdirSync(dir)
      .filter((f) => /\.(png|jpe?g|gif|bmp)$/i.test(f))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    for (const file of images) {
      const stem = file.replace(/\.[^.]+$/, "");
      const expected =
        folder === "multi-qrcode-1" ? MULTI_EXPECTED : [readFileSync(join(dir, `${stem}.txt`), "utf8")];
      const bitmap = await loadImage(readFileSync(join(dir, file)), join(folder, file));
      samples.push({ folder, name: stem, expected, rotations: ROTATIONS.map((_, i) => rotateQuarterTurns(bitmap, i)) });
    }
  }
  return samples;
}

type Results = Record<string, Record<string, Tally[]>>; // decoder -> folder -> per rotation

async function run(samples: Sample[], decoders: Record<string, Decoder>): Promise<Results> {
  const results: Results = {};
  for (const [name, decode] of Object.entries(decoders)) {
    results[name] = {};
    for (const sample of samples) {
      const perRotation = (results[name][sample.folder] ??= ROTATIONS.map(newTally));
      for (let r = 0; r < ROTATIONS.length; r++) {
        const started = performance.now();
        const outcome = await decode(sample.rotations[r]!);
        const tally = perRotation[r]!;
        tally.ms += performance.now() - started;
        tally.images += 1;
        tally.disagreements += outcome.disagreements;
        tally.jsqrOnly += outcome.jsqrOnly;
        tally.zxingOnly += outcome.zxingOnly;
        if (sample.expected.length > 1) {
          // Several codes expected: each found is one decode; each unexpected text one misread.
          tally.decoded += sample.expected.filter((t) => outcome.texts.includes(t)).length;
          tally.misread += outcome.texts.filter((t) => !sample.expected.includes(t)).length;
        } else if (outcome.texts.includes(sample.expected[0]!)) {
          tally.decoded += 1;
          tally.extra += outcome.texts.filter((t) => t !== sample.expected[0]).length;
        } else if (outcome.texts.length > 0) {
          tally.misread += 1;
          if (process.env["BENCH_VERBOSE"]) {
            console.error(`misread ${name} ${sample.folder}/${sample.name} @${ROTATIONS[r]}: ${JSON.stringify(outcome.texts).slice(0, 120)}`);
          }
        }
      }
    }
  }
  return results;
}

function sum(tallies: Tally[]): Tally {
  const total = newTally();
  for (const t of tallies) for (const key of Object.keys(total) as (keyof Tally)[]) total[key] += t[key];
  return total;
}

function pad(text: string | number, width: number): string {
  return String(text).padStart(width);
}

function printTable(results: Results, samples: Sample[]): boolean {
  const names = Object.keys(results);
  const header = `| folder | rot | need | ${names.map((n) => `${n} ok, mis, ms`).join(" | ")} | result |`;
  console.log(header);
  console.log(`|${header.split("|").slice(1, -1).map(() => "---").join("|")}|`);
  let allPass = true;
  for (const folder of Object.keys(THRESHOLDS)) {
    const count = samples.filter((s) => s.folder === folder).length;
    ROTATIONS.forEach((rotation, r) => {
      const need = THRESHOLDS[folder]![r]!;
      const cells = names.map((n) => {
        const t = results[n]![folder]![r]!;
        return `${pad(t.decoded, 2)}/${count}, ${t.misread}, ${(t.ms / t.images).toFixed(1)}`;
      });
      const combined = results["combined"]![folder]![r]!;
      const pass = combined.decoded >= need && combined.misread === 0;
      allPass &&= pass;
      console.log(`| ${folder} | ${pad(rotation, 3)} | ${pad(need, 2)} | ${cells.join(" | ")} | ${pass ? "PASS" : "FAIL"} |`);
    });
  }
  // multi-qrcode-1: four codes in one image.
  ROTATIONS.forEach((rotation, r) => {
    const cells = names.map((n) => {
      const t = results[n]!["multi-qrcode-1"]![r]!;
      return `${t.decoded}/4, ${t.misread}, ${(t.ms / t.images).toFixed(1)}`;
    });
    console.log(`| multi-qrcode-1 | ${pad(rotation, 3)} | - | ${cells.join(" | ")} | (info) |`);
  });

  console.log("");
  const totals = Object.fromEntries(names.map((n) => [n, sum(Object.values(results[n]!).flat())]));
  const possible = samples.reduce((a, s) => a + s.expected.length, 0) * ROTATIONS.length;
  for (const n of names) {
    const t = totals[n]!;
    console.log(
      `${n.padEnd(9)} decoded ${pad(t.decoded, 4)}/${possible} (${((100 * t.decoded) / possible).toFixed(1)} %), ` +
        `misreads ${pad(t.misread, 2)}, disagreements reported ${t.disagreements}, read by jsQR alone ${t.jsqrOnly}, other codes ${t.extra}, ` +
        `${(t.ms / t.images).toFixed(1)} ms/image`,
    );
  }
  const combined = totals["combined"]!;
  const beatsEach = names.filter((n) => n !== "combined").every((n) => combined.decoded > totals[n]!.decoded);
  const noMisreads = combined.misread === 0;
  console.log("");
  console.log(`every folder and rotation at or above ZXing's threshold, no misreads: ${allPass ? "PASS" : "FAIL"}`);
  console.log(`combined decodes more than each library alone:                    ${beatsEach ? "PASS" : "FAIL"}`);
  console.log(`combined misreads zero (incl. multi-qrcode-1):                    ${noMisreads ? "PASS" : "FAIL"}`);
  const ok = allPass && beatsEach && noMisreads;
  console.log(`OVERALL: ${ok ? "PASS" : "FAIL"}`);
  return ok;
}

async function ablate(samples: Sample[]): Promise<Record<string, Tally>> {
  const steps = [...PRIMARY_STEPS, ...FALLBACK_STEPS].map((s) => s.name);
  const variants: Record<string, Decoder> = {};
  for (const step of ["(none)", ...steps]) {
    const disabled = new Set(step === "(none)" ? [] : [step]);
    variants[step] = async (image) => outcomeOf(await decodeBitmap(image, { disabled }));
  }
  const results = await run(samples, variants);
  const totals = Object.fromEntries(Object.entries(results).map(([n, r]) => [n, sum(Object.values(r).flat())]));
  console.log("");
  console.log("Ablation: the combined decoder with one step switched off");
  console.log("| step off | decoded | misreads | disagreements | read by jsQR alone | by zxing alone | ms/image |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, t] of Object.entries(totals)) {
    console.log(
      `| ${name} | ${t.decoded} | ${t.misread} | ${t.disagreements} | ${t.jsqrOnly} | ${t.zxingOnly} | ${(t.ms / t.images).toFixed(1)} |`,
    );
  }
  return totals;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      corpus: { type: "string" },
      json: { type: "string" },
      ablate: { type: "boolean", default: false },
    },
  });
  const corpus = resolve(values.corpus ?? process.env["AOSP_SIM_QR_CORPUS"] ?? join(repoRoot, "../shared/corpus/zxing-blackbox"));
  if (!existsSync(corpus)) {
    console.error(`bench:decode: corpus not found at ${corpus}\n  fix: pass --corpus DIR or set AOSP_SIM_QR_CORPUS`);
    return 2;
  }
  console.log(`corpus: ${corpus}`);
  const samples = await loadCorpus(corpus);
  console.log(`${samples.length} images x ${ROTATIONS.length} rotations, node ${process.version}\n`);
  // Warm up: the zxing module is instantiated on first use; keep that out of the timings.
  await decodeBitmap(samples[0]!.rotations[0]!);

  const results = await run(samples, DECODERS);
  const ok = printTable(results, samples);
  const ablation = values.ablate ? await ablate(samples) : undefined;

  const out = resolve(values.json ?? join(repoRoot, "bench/results/decode.json"));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ corpus: basename(corpus), node: process.version, at: new Date().toISOString(), ok, results, ablation }, null, 2)}\n`,
  );
  console.log(`\nresults written to ${out}`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
