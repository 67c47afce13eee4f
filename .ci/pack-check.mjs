#!/usr/bin/env node
// The package as a CI engineer installs it: `npm pack`, `npm install ./aosp-enroll-sim-*.tgz` into a
// new project (registry only), then the README's Library examples (a device, and a fleet) type-checked with
// strict and skipLibCheck: false (so every published .d.ts is checked), again with exactOptionalPropertyTypes
// (where only xstate's own declarations may fail: upstream), and run. Fails on any npm warning
// (EBADENGINE, unknown config, install-scripts, ...) during the install or when the CLI runs, on a tarball that
// ships tests or sources, and on a type error or a failed run; two fleet shards are merged by the
// installed CLI.
// Usage: node .ci/pack-check.mjs [--keep]   (npm pack builds first; --keep leaves the temp project)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "aosp-sim-pack-"));
const failures = [];

function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stderr.write(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}\n`);
    throw new Error(`${cmd} ${args[0]} failed`);
  }
  return r;
}

/**
 * npm prints its warnings as "npm warn ..." on stderr; any of them is a finding here, npm 11's
 * install-scripts notice among them (the packed package.json carries no `prepare` for it to list:
 * scripts/pack-manifest.ts).
 */
function npmWarnings(stderr) {
  return stderr.split("\n").filter((line) => /^npm warn/i.test(line));
}

/** The first ```ts block after `heading` in the README: an example users copy. */
function readmeExample(heading) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no "${heading}" heading`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`README.md has no \`\`\`ts block under ${heading}`);
  return match[1];
}

try {
  const ownPackageText = readFileSync(join(root, "package.json"), "utf8");
  const ownPackage = JSON.parse(ownPackageText);
  const pack = run("npm", ["pack", "--json", "--pack-destination", work], root);
  const [packed] = JSON.parse(pack.stdout);
  const shipped = packed.files.map((f) => f.path);
  const stray = shipped.filter((p) => /^(test|bench|fixtures|\.ci)\/|\.ts$(?<!\.d\.ts$)|\.map$/.test(p));
  if (stray.length > 0) failures.push(`the tarball ships ${stray.length} files it should not, e.g. ${stray.slice(0, 3).join(", ")}`);
  if (!shipped.includes("LICENSE")) failures.push(`the tarball has no LICENSE (package.json says ${ownPackage.license})`);
  if (readFileSync(join(root, "package.json"), "utf8") !== ownPackageText) failures.push("npm pack left package.json changed (its postpack did not restore it)");
  console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB`);

  const consumer = join(work, "consumer");
  run("mkdir", ["-p", consumer], work);
  // npm 11 asks each project to approve its dependencies' install scripts: better-sqlite3 must
  // build. Nothing else may be listed (aosp-enroll-sim itself has no install script).
  const allowScripts = { "better-sqlite3": true };
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", allowScripts }, null, 2));
  // better-sqlite3 builds from source: prebuild-install reads this file (found from the package's
  // folder upwards) and then never tries its GitHub download.
  writeFileSync(join(consumer, ".prebuild-installrc"), "buildFromSource=true\n");
  const devTools = [`typescript@${ownPackage.devDependencies.typescript}`, `@types/node@${ownPackage.devDependencies["@types/node"]}`];
  const install = run("npm", ["install", "--no-audit", "--no-fund", join(work, packed.filename), ...devTools], consumer);
  const installWarnings = npmWarnings(install.stderr);
  if (installWarnings.length > 0) failures.push(`npm install warned:\n  ${installWarnings.join("\n  ")}`);
  if (!/build-from-source|gyp info ok/.test(install.stdout + install.stderr)) {
    // Not a failure by itself (npm hides script output on success), but say what we know.
    console.log("(npm did not show better-sqlite3's build output)");
  }

  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true,
        skipLibCheck: false, types: ["node"], outDir: "out",
      },
      files: ["example.ts", "fleet-example.ts"],
    }, null, 2),
  );
  const example = `${readmeExample("## Library")}
if (report.finalState !== "enrolled") throw new Error(\`ended in \${report.finalState}\`);
console.log(JSON.stringify({ finalState: report.finalState, incident }));
`;
  writeFileSync(join(consumer, "example.ts"), example);
  // The fleet example runs the embedded service and the device threads from the installed package.
  const fleetExample = `${readmeExample("### Fleets from a test suite")}
if (summary.devices !== 200 || summary.enrolled < 190) throw new Error(\`\${summary.enrolled} of \${summary.devices} enrolled\`);
console.log(JSON.stringify({ enrolled: summary.enrolled, deviceThreads: summary.deviceThreads, missed: missed.map((r) => r.line) }));
`;
  writeFileSync(join(consumer, "fleet-example.ts"), fleetExample);
  // A project that also sets exactOptionalPropertyTypes: xstate 5.33.3's own setup.d.ts has five
  // errors under it (upstream, README "Library"); any other error is the package's.
  writeFileSync(
    join(consumer, "tsconfig.exact.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { exactOptionalPropertyTypes: true, noEmit: true } }, null, 2),
  );
  const exact = spawnSync("npx", ["tsc", "-p", "tsconfig.exact.json"], { cwd: consumer, encoding: "utf8" });
  const ownErrors = `${exact.stdout}${exact.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line) && !line.startsWith("node_modules/xstate/"));
  if (ownErrors.length > 0) failures.push(`the README's Library example does not type-check with exactOptionalPropertyTypes:\n  ${ownErrors.join("\n  ")}`);
  const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" });
  if (tsc.status !== 0) failures.push(`the README's Library example does not type-check with skipLibCheck false:\n${tsc.stdout}${tsc.stderr}`);
  else {
    const ran = spawnSync("node", ["out/example.js"], { cwd: consumer, encoding: "utf8", timeout: 120_000 });
    if (ran.status !== 0) failures.push(`the README's Library example failed (exit ${ran.status}):\n${ran.stdout}${ran.stderr}`);
    else console.log(`README Library example: ${ran.stdout.trim()}`);
    const fleet = spawnSync("node", ["out/fleet-example.js"], { cwd: consumer, encoding: "utf8", timeout: 120_000 });
    if (fleet.status !== 0) failures.push(`the README's fleet example failed (exit ${fleet.status}):\n${fleet.stdout}${fleet.stderr}`);
    else console.log(`README fleet example: ${fleet.stdout.trim()}`);
  }

  // Shards merged by the installed CLI: merge-reports reads the fleet summary's JSON Schema from
  // the package (before, the tarball lacked schemas/, and every merge stopped there).
  const shardFiles = [0, 1].map((index) => {
    const shard = spawnSync("npx", ["aosp-sim", "fleet", "--devices", "20", "--seed", "5", "--shard", `${index}/2`, "--json", "--no-progress"], { cwd: consumer, encoding: "utf8", timeout: 120_000 });
    if (shard.status !== 0) failures.push(`npx aosp-sim fleet --shard ${index}/2 exited ${shard.status}: ${shard.stderr}`);
    writeFileSync(join(consumer, `shard-${index}.json`), shard.stdout);
    return `shard-${index}.json`;
  });
  const merged = spawnSync("npx", ["aosp-sim", "merge-reports", ...shardFiles, "--json"], { cwd: consumer, encoding: "utf8" });
  if (merged.status !== 0) failures.push(`npx aosp-sim merge-reports exited ${merged.status}: ${merged.stderr}`);
  else console.log(`merge-reports of two shards: ${JSON.parse(merged.stdout).devices} devices`);

  const cli = spawnSync("npx", ["aosp-sim", "--version"], { cwd: consumer, encoding: "utf8" });
  const cliWarnings = npmWarnings(cli.stderr);
  if (cli.status !== 0) failures.push(`npx aosp-sim --version exited ${cli.status}: ${cli.stderr}`);
  if (cliWarnings.length > 0) failures.push(`npx aosp-sim warned:\n  ${cliWarnings.join("\n  ")}`);
  const selfCli = spawnSync("npx", ["aosp-sim", "--version"], { cwd: root, encoding: "utf8" });
  const selfWarnings = npmWarnings(selfCli.stderr);
  if (selfWarnings.length > 0) failures.push(`npx aosp-sim in the project warned:\n  ${selfWarnings.join("\n  ")}`);
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.log(`pack check failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("pack check passed: installs without npm warnings, types check with skipLibCheck false, the example runs");
