/**
 * How long the built CLI takes to get going: `aosp-sim serve` until it prints that it listens,
 * and `aosp-sim fleet --devices 1` from start to exit (the embedded service, the tenant, one
 * device). Each run is a fresh process, as a user's is; with --dist the other build's runs take
 * turns with this one's and the figures are ratios. Also, in this process, what the mock
 * service's app costs to build and ready with its route schemas compiled at start (fastify's
 * way) against at each route's first request (mock-service/http/lazy-schemas.ts).
 *
 *   npm run build && npm run bench:startup
 *   npm run bench:startup -- --dist ../old/dist --rounds 8
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { cliOfBuild } from "./build.js";
import { benchOptions } from "./options.js";
import { buildApp } from "../mock-service/app.js";
import { memoryServices } from "../test/helpers/service-app.js";

const args = benchOptions("bench:startup", { dist: { kind: "text", arg: "DIR" }, rounds: { kind: "count", default: 6 } });
const rounds = args.rounds;
const builds = [{ name: "this build", dist: resolve("dist") }];
if (args.dist !== undefined) builds.push({ name: args.dist, dist: resolve(args.dist) });
for (const { dist } of builds) cliOfBuild("bench:startup", dist);

/** Milliseconds until the process prints `until` (then it is stopped), or until it exits. */
function timeProcess(dist: string, cliArgs: string[], until?: string): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [`${dist}/agent/cli/main.js`, ...cliArgs], { stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    let at: number | undefined;
    const watch = (data: Buffer) => {
      seen += data.toString("utf8");
      if (until !== undefined && at === undefined && seen.includes(until)) {
        at = performance.now() - started;
        child.kill();
      }
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.on("error", fail);
    child.on("exit", (code) => {
      if (at !== undefined) done(at);
      else if (until === undefined && code === 0) done(performance.now() - started);
      else fail(new Error(`aosp-sim ${cliArgs.join(" ")} exited ${code}: ${seen.slice(-300)}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const cases: { label: string; args: string[]; until?: string }[] = [
  { label: "serve, until it listens", args: ["serve", "--port", "0"], until: "listening on" },
  { label: "fleet --devices 1, start to exit", args: ["fleet", "--devices", "1", "--json"] },
];
const times = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    for (const build of builds) {
      const key = `${c.label}|${build.name}`;
      times.set(key, [...(times.get(key) ?? []), await timeProcess(build.dist, c.args, c.until)]);
    }
  }
}

console.log(`\nstartup, median of ${rounds} runs each${builds.length > 1 ? ", the builds taking turns" : ""}\n`);
console.log(`| run | ${builds.map((b) => b.name).join(" | ")} |${builds.length > 1 ? " ratio |" : ""}`);
console.log(`|---|${builds.map(() => "---:").join("|")}|${builds.length > 1 ? "---:|" : ""}`);
for (const c of cases) {
  const medians = builds.map((b) => median(times.get(`${c.label}|${b.name}`)!));
  const ratio = medians.length > 1 ? ` ${(medians[0]! / medians[1]!).toFixed(2)}x |` : "";
  console.log(`| ${c.label} | ${medians.map((m) => `${m.toFixed(0)} ms`).join(" | ")} |${ratio}`);
}

/** Builds and readies the service's app once; milliseconds. */
async function readyApp(compileSchemasAtStart: boolean): Promise<number> {
  const { services, store } = memoryServices();
  const started = performance.now();
  const app = await buildApp({ services, adminToken: "bench", version: "0", compileSchemasAtStart });
  await app.ready();
  const ms = performance.now() - started;
  await app.close();
  store.close();
  return ms;
}

const lazy: number[] = [];
const eager: number[] = [];
await readyApp(true); // loads and warms the modules both ways use
for (let i = 0; i < 10; i++) {
  eager.push(await readyApp(true));
  lazy.push(await readyApp(false));
}
console.log(`\nthe service's app, built and ready in this process (median of 10 each, taking turns):`);
console.log(`schemas compiled at start ${median(eager).toFixed(0)} ms, at first use ${median(lazy).toFixed(0)} ms: ${(median(lazy) / median(eager)).toFixed(2)}x`);
