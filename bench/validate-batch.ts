/**
 * Print-run benchmark: `validate` over N rendered provisioning codes (default 500), on the worker
 * pool (one thread per core) against one thread in the same run, so the figure is a ratio on
 * this shared machine. Each code is the Intune fixture payload with its own enrollment token,
 * rendered at level M, 4 px per module (a few hundred pixels a side, as a print proof is).
 *
 *   npm run bench:validate                 # 500 codes
 *   npm run bench:validate -- --count 100
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchOptions } from "./options.js";
// From dist/: the pool starts its workers from the built validate-worker.js (run `npm run build` first).
import { validateFile, validateFiles } from "../dist/agent/cli/validate-batch.js";
import { renderQrPng } from "../agent/qr/render.js";
import { EXTRA_ENROLLMENT_TOKEN } from "../agent/protocol/intune-conventions.js";
import { usableCores } from "../agent/protocol/usable-cores.js";
import { KEYS } from "../agent/payload/keys.js";

const values = benchOptions("bench:validate", { count: { kind: "count", default: 500 } });
const count = values.count;
const dir = mkdtempSync(join(tmpdir(), "aosp-print-run-"));
try {
  const payload = JSON.parse(readFileSync("fixtures/payloads/intune-valid.json", "utf8")) as Record<string, Record<string, unknown>>;
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    payload[KEYS.ADMIN_EXTRAS_BUNDLE]![EXTRA_ENROLLMENT_TOKEN] = `token-${String(i).padStart(6, "0")}`;
    const file = join(dir, `code-${String(i).padStart(4, "0")}.png`);
    writeFileSync(file, (await renderQrPng(JSON.stringify(payload), { ecLevel: "M", scale: 4 })).png);
    files.push(file);
  }
  const options = { rules: "intune-aosp" as const };

  let start = performance.now();
  const pooled = await validateFiles(files, options);
  const poolMs = performance.now() - start;

  start = performance.now();
  const single = [];
  for (const file of files) single.push(await validateFile(file, options));
  const singleMs = performance.now() - start;

  const validPooled = pooled.filter((e) => e.report?.valid).length;
  const validSingle = single.filter((e) => e.report?.valid).length;
  console.log(`${count} codes, ${usableCores()} usable cores`);
  console.log(`pool (${Math.min(usableCores(), count)} threads): ${(poolMs / 1000).toFixed(1)} s, ${(poolMs / count).toFixed(0)} ms/code, ${validPooled} valid`);
  console.log(`one thread:          ${(singleMs / 1000).toFixed(1)} s, ${(singleMs / count).toFixed(0)} ms/code, ${validSingle} valid`);
  console.log(`speed-up: ${(singleMs / poolMs).toFixed(2)}x`);
  if (validPooled !== count || validSingle !== count) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
