/**
 * `aosp-sim serve`: runs the mock enrollment service until SIGINT or SIGTERM.
 *
 * The first line of stdout is a contract that users' scripts parse:
 *     aosp-sim mock service listening on <baseURL> admin token <token>
 * The token is printed however it was given (AOSP_SIM_ADMIN_TOKEN included): DESIGN.md's contract
 * says so, and scripts read it from there. The variable keeps it out of the command line (`ps`).
 * Everything else goes to stderr.
 */
import type { Command } from "commander";
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { refuseEmptyName } from "../protocol/output-path.js";
import { parseChaosOption, parseThrottleBudget, startNamedService, type ChaosOptions, type OptionNames } from "../../mock-service/index.js";
import { action, err, formatInputError, printError, printLine } from "./output.js";
import { ADMIN_TOKEN_ENV, secretOption, type GivenSecret } from "./secret-env.js";

interface ServeOptions {
  port: string;
  host: string;
  db?: string;
  adminToken?: string;
  publicUrl?: string;
  tenant: string;
  cloud: string;
  log?: boolean;
  passwordHashCost?: string;
  lockoutThreshold?: string;
  throttle?: string;
  chaos: string[];
  chaosSeed?: string;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "Run the mock enrollment service: an Intune-style admin API shaped like Microsoft Graph beta " +
        "(bearer admin token) and the device API the simulated devices use.",
    )
    .option("--port <port>", "TCP port; 0 picks a free one", "8080")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--db <file>", "SQLite file that keeps the state across restarts (default: in memory)")
    .option("--admin-token <token>", `admin bearer token, 8 characters or more (default: ${ADMIN_TOKEN_ENV} when set, not printed then; else a random one, printed on the first line)`)
    .option(
      "--public-url <url>",
      "base URL devices are given in QR payloads and download URLs, when they reach the service " +
        "at another address (e.g. http://10.0.2.2:8080 from an Android emulator)",
    )
    .option(
      "--tenant <ready|new>",
      "ready: Intune is already the MDM authority; new: no MDM authority yet, so AOSP profiles are refused " +
        "until an admin sets it (applies to a new state; a --db file keeps its tenant)",
      "ready",
    )
    .option("--cloud <global|21vianet>", "21vianet: a tenant in the 21Vianet-operated cloud, which refuses AOSP profiles", "global")
    .option("--log", "print one line per request on stderr")
    .option("--password-hash-cost <n>", "scrypt cost (log2 N, 4..20; each hash needs 2^cost KiB, 1 GiB at 20) for users' passwords; lower it for fleets of sign-ins", "14")
    .option(
      "--lockout-threshold <n>",
      "failed sign-ins for one account name before it is locked (1 minute, doubling with each further lockout)",
      "10",
    )
    .option("--throttle <budget>", "request budget of the admin API per window, e.g. 100/20s: past it, 429 with Retry-After")
    .option(
      "--chaos <family:settings>",
      "inject faults in a route family (admin, sim, device, packages, all): latency=MIN-MAXms, " +
        "fail=RATE[@STATUS+...], throttle=RATE[@Ns], RATE 0..1 or a percentage; e.g. admin:latency=50-200ms,fail=0.1@503; " +
        "repeatable, once per family (a family's settings take the place of the same settings of all)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--chaos-seed <n>", "seed of the --chaos draws, to repeat a run exactly (default 1)")
    .addHelpText(
      "after",
      "\nThe first line of stdout is:\n" +
        "  aosp-sim mock service listening on <baseURL> admin token <token>\n" +
        `(the token printed however it was given: --admin-token, ${ADMIN_TOKEN_ENV}, or made at random).\n` +
        "The OpenAPI document of both APIs is at <baseURL>/openapi.json; the admin console is at <baseURL>/\n" +
        "(sign in with the admin token). SIGINT or SIGTERM stops the service.",
    )
    .action(action(serve));
}

async function serve(options: ServeOptions): Promise<number> {
  const port = parsePort(options.port);
  if (options.db !== undefined) refuseEmptyName(options.db, "--db", "file", "name the SQLite file that keeps the state (e.g. --db sim.db), or leave --db out to keep it in memory");
  const tenant = oneOf(options.tenant, ["ready", "new"] as const, "--tenant");
  const cloud = oneOf(options.cloud, ["global", "21vianet"] as const, "--cloud");
  // Checked whether or not --chaos is given: a wrong seed is not silently ignored.
  const chaosSeed = parseChaosSeed(options.chaosSeed ?? "1");
  if (options.chaosSeed !== undefined && options.chaos.length === 0) {
    // Accepted, as it may sit in a script beside a --chaos that comes and goes, but not in silence.
    printError(formatInputError(new InputError("seeds nothing: no --chaos is given", { where: `--chaos-seed ${options.chaosSeed}`, hint: "add a --chaos rule, or drop --chaos-seed" }), err.yellow("aosp-sim: warning:")));
  }
  const adminToken = secretOption(options.adminToken, ADMIN_TOKEN_ENV);
  if (adminToken !== undefined) refuseShortToken(adminToken);
  const service = await startNamedService({
    port,
    tenant,
    cloud,
    host: hostOption(options.host),
    ...(options.db === undefined ? {} : { dbFile: options.db }),
    ...(adminToken === undefined ? {} : { adminToken: adminToken.value }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    log: (line) => printError(err.dim(line)),
    logRequests: options.log === true,
    passwordHashCost: parseHashCost(options.passwordHashCost ?? "14"),
    lockoutThreshold: parseThreshold(options.lockoutThreshold ?? "10"),
    ...(options.throttle === undefined ? {} : { throttle: parseThrottleBudget(options.throttle, "--throttle") }),
    ...(options.chaos.length === 0 ? {} : { chaos: parseChaos(options.chaos, chaosSeed) }),
  }, adminToken?.from === "environment" ? TOKEN_FROM_ENV_NAMES : FLAG_NAMES);
  // Listen for the signals before announcing the service: a script may send one as soon as it
  // reads the first line, and an unhandled SIGINT or SIGTERM would kill the process uncleanly.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(received);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  printLine(`aosp-sim mock service listening on ${service.url} admin token ${service.adminToken}`);
  printError(
    err.dim(
      `  state: ${options.db ?? "in memory (use --db FILE to keep it)"}; API: ${service.url}/openapi.json; Ctrl+C stops`,
    ),
  );
  printError(err.dim(`  admin console: ${service.url}/ (sign in with the admin token)`));
  if (service.publicUrl !== service.url) printError(err.dim(`  devices are given ${service.publicUrl}`));
  const signal = await stopped;
  printError(err.dim(`aosp-sim: ${signal} received, stopping the mock service`));
  await service.close();
  return 0;
}

/**
 * Fewest characters of an admin token `serve` takes. The token grants every right over the admin
 * API and the console, and nothing limits wrong guesses: a one-character token falls to at most
 * 94 requests. Eight printable characters is past guessing over HTTP, yet takes the README's own
 * `lab-token`. The library's startMockService keeps taking any token: a test suite's in-process
 * service is reached by that suite alone.
 */
const MIN_ADMIN_TOKEN_LENGTH = 8;

function refuseShortToken(token: GivenSecret): void {
  if (token.value.length >= MIN_ADMIN_TOKEN_LENGTH) return;
  const characters = `${token.value.length} character${token.value.length === 1 ? "" : "s"}`;
  throw new InputError(`the admin token is ${characters}; serve needs at least ${MIN_ADMIN_TOKEN_LENGTH}, as anyone who reaches the port could guess a shorter one`, {
    where: token.from === "environment" ? ADMIN_TOKEN_ENV : "--admin-token",
    hint: `leave it out to get a random one, or give a longer one, e.g. ${token.from === "environment" ? `${ADMIN_TOKEN_ENV}=` : "--admin-token "}"$(openssl rand -hex 16)"`,
  });
}

/** --host as given: an empty one listened on whatever "" resolves to (::1), in silence. */
function hostOption(host: string): string {
  if (host.trim() === "") throw new InputError("is empty", { where: "--host", hint: "give an interface's address or name, e.g. --host 127.0.0.1 (the default) or --host 0.0.0.0 for every interface" });
  return host;
}

/**
 * `text` as a whole number from `min` to `max`, written in decimal digits (decimalNumber: Number()
 * read 0x8, 1e1 and 8.0, and "abc" reached the range check as NaN), or an InputError saying it is
 * not `what`, for `where`, with `hint`.
 */
function decimalInRange(text: string, min: number, max: number, refused: { what: string; where: string; hint: string }): number {
  const value = decimalNumber(text);
  if (value >= min && value <= max) return value;
  throw new InputError(`'${text}' is not ${refused.what}`, { where: refused.where, hint: refused.hint });
}

function parseThreshold(text: string): number {
  // Up to nine digits: a fleet's service takes 1000000 (every device signs in as one user).
  return decimalInRange(text, 1, 999_999_999, { what: "a number of failed sign-ins", where: "--lockout-threshold", hint: "use a whole number from 1 to 999999999 (default 10)" });
}

function parseHashCost(text: string): number {
  return decimalInRange(text, 4, 20, { what: "a hash cost", where: "--password-hash-cost", hint: "use a whole number from 4 to 20 in decimal digits (scrypt N = 2^cost; 14 by default)" });
}

function parseChaosSeed(text: string): number {
  return decimalInRange(text, 0, 0xffffffff, { what: "a seed", where: "--chaos-seed", hint: "use a whole number from 0 to 4294967295" });
}

function parseChaos(values: string[], seed: number): ChaosOptions {
  const rules: ChaosOptions["rules"] = {};
  for (const value of values) parseChaosOption(value, rules);
  return { seed, rules };
}

/** The service's options as this command's flags: its refusals name `--admin-token`, not `adminToken`. */
const FLAG_NAMES: OptionNames = {
  where: (option) => (option === "dbFile" ? "--db" : `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
  written: (option) => FLAG_NAMES.where(option),
};

/** As FLAG_NAMES, but a refused token is named by the variable it came from. */
const TOKEN_FROM_ENV_NAMES: OptionNames = {
  where: (option) => (option === "adminToken" ? ADMIN_TOKEN_ENV : FLAG_NAMES.where(option)),
  written: (option) => TOKEN_FROM_ENV_NAMES.where(option),
};

function oneOf<T extends string>(text: string, values: readonly T[], where: string): T {
  const value = values.find((v) => v === text);
  if (value === undefined) {
    throw new InputError(`'${text}' is not one of ${values.join(", ")}`, { where, hint: `use ${where} ${values.join(" or ")}` });
  }
  return value;
}

function parsePort(text: string): number {
  return decimalInRange(text, 0, 65535, { what: "a TCP port", where: "--port", hint: "use 0..65535 (0 picks a free port)" });
}
