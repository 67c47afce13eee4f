/**
 * `aosp-sim run [scenario.json]`: the main job. With no file it starts the embedded mock service,
 * creates a licensed user and an enrollment profile, and drives one device from the welcome
 * screen through enrollment, check-ins, a self-update after a newer agent is published, a log
 * upload and a wipe, back to the welcome screen, all on a simulated clock; then a summary.
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { httpBaseUrl } from "../protocol/http-url.js";
import { SimulatedClock } from "../device/clock.js";
import { formatDuration } from "../device/duration.js";
import { DEFAULT_SCENARIO, loadScenario, type Scenario } from "../sim/scenario-format.js";
import type { ScenarioResult } from "../sim/scenario.js";
import type { Device } from "../device/create-device.js";
import { appLabel } from "../report/describe.js";
import { deviceJson, followTimeline, identityLine } from "../report/device-output.js";
import { openTranscriptFile } from "../report/transcript.js";
import { parseFaults } from "../device/faults.js";
import { action, EXIT_FAILED, EXIT_OK, out, printJson, printLine } from "./output.js";

interface RunOptions {
  service?: string;
  adminToken?: string;
  json?: boolean;
  transcript?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "Run a scenario on a simulated clock: with no file, the embedded service, one user, one profile and " +
        "one device through enrollment, check-ins, a self-update, a log upload and a wipe. Exit 0 when the " +
        "scenario's expectation holds.",
    )
    .argument("[scenario]", "a scenario JSON file (default: the built-in one)")
    .option("--service <url>", "use this running service instead of the embedded one (needs --admin-token)")
    .option("--admin-token <token>", "the service's admin token")
    .option("--json", "print one JSON document: the device report and the summary")
    .option("--transcript <file>", "write every state change and HTTP exchange as JSON lines")
    .addHelpText("after", SCENARIO_HELP)
    .action(action(run));
}

const SCENARIO_HELP = `
A scenario (JSON; every key optional):
  {"name": "...",
   "user": {"userPrincipalName": "...", "password": "...", "licensed": true},
   "profile": {"displayName": "...", "tokenValidity": "90d",
               "wifi": {"ssid": "...", "security": "none|wpa|wep", "password": "...", "hidden": false}},
   "device": {"seed": 1, "serial": "...", "faults": ["service-5xx", "power-loss@downloadingAgent"]},
   "signIn": {"userPrincipalName": "...", "password": "..."},
   "beforeEnrollment": [{"do": "revokeToken"}, {"do": "replaceToken"}, {"do": "wait", "for": "2h"}],
   "steps": [{"after": "20m", "do": "publishPackage", "packageName": "...", "versionName": "24.11.0"},
             {"after": "40m", "do": "wipe"}],
   "until": "welcome" | "enrolled" | "<duration>",
   "expect": {"finalState": "welcome"} | {"failure": "tokenRevoked"}}
Step actions: publishPackage, wipe, delete, revokeToken, replaceToken, deleteProfile, removeLicense
(admin); sync, shareLogs, powerLoss (device). "after" counts from the moment the device enrolled.
Exit: 0 the expectation holds, 1 it does not, 2 usage or an unreadable scenario.`;

async function run(file: string | undefined, options: RunOptions): Promise<number> {
  const scenario: Scenario = file === undefined ? DEFAULT_SCENARIO : loadScenario(file);
  const faults = parseFaults(scenario.device?.faults ?? []); // a bad fault is a usage error before anything starts
  if ((options.service === undefined) !== (options.adminToken === undefined)) {
    throw new InputError("--service and --admin-token go together", { hint: "pass both to use a running service, or neither for the embedded one" });
  }
  if (options.service !== undefined && options.adminToken !== undefined) {
    options.service = httpBaseUrl(options.service, "--service");
    await checkService(options.service, options.adminToken);
  }
  const transcript = options.transcript === undefined ? undefined : openTranscriptFile(options.transcript);
  const clock = new SimulatedClock();
  let stopFollowing = () => {};
  let following = false;
  const onProgress = (device: Device) => {
    if (options.json || following) return;
    following = true;
    printLine(out.bold(`Scenario: ${scenario.name ?? file}`));
    printLine(out.bold(`Device: ${identityLine(device.identity, scenario.device?.seed)}`));
    stopFollowing = followTimeline(device, out, printLine);
  };
  try {
    // Loaded here, once the scenario and the options are known good: the embedded service is heavy.
    const { runScenario } = await import("../sim/scenario.js");
    const result = await runScenario(scenario, {
      clock,
      onProgress,
      ...(options.service && options.adminToken ? { service: { url: options.service, adminToken: options.adminToken } } : {}),
      ...(transcript ? { transcript: transcript.write } : {}),
    });
    stopFollowing();
    if (options.json) {
      const { report, ...summary } = result;
      // After a wipe the device no longer knows its id; the scenario remembers it.
      printJson({ ...deviceJson(report, report.identity, faults), deviceId: result.deviceId, summary });
    } else {
      printLine();
      for (const line of summaryLines(result)) printLine(line);
    }
    return result.passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    stopFollowing();
    transcript?.close();
  }
}

/** A running service must answer and accept the admin token before the scenario starts. */
async function checkService(url: string, adminToken: string): Promise<void> {
  const { AdminApiError, AdminClient } = await import("../../mock-service/admin-client.js");
  try {
    await new AdminClient(url, adminToken).request("GET", "/beta/organization");
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 401) {
      throw new InputError("the service refused it", { where: "--admin-token", hint: "use the token on the first line `aosp-sim serve` printed" });
    }
    if (error instanceof AdminApiError) {
      throw new InputError(`answered ${error.status} ${error.code} to GET /beta/organization: is it an aosp-sim mock service?`, { where: url });
    }
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new InputError(`cannot reach the service (${cause?.code ?? (error as Error).message})`, {
      where: url,
      hint: "start it with `aosp-sim serve`, or check the URL",
    });
  }
}

function summaryLines(result: ScenarioResult): string[] {
  const r = result.report;
  const enrolledLine = result.enrolledAt === null
    ? out.red(`no: stopped at ${r.finalStatePath}${r.failure ? ` (${r.failure.code}: ${r.failure.message})` : ""}`)
    : `yes, device id ${result.deviceId ?? "?"}`;
  const updates = result.appVersions
    .filter((a) => a.atEnrollment !== null && a.atEnd !== null && a.atEnrollment !== a.atEnd)
    .map((a) => `${appLabel(a.package)} ${a.atEnrollment} -> ${a.atEnd}`);
  const lines = [
    out.bold("Summary"),
    `  scenario        ${result.name}`,
    `  service         ${result.serviceUrl}`,
    `  enrolled        ${enrolledLine}`,
    `  check-ins       ${result.checkIns}${result.missedCheckIns > 0 ? ` (${result.missedCheckIns} missed)` : ""}`,
    `  updates         ${updates.length > 0 ? updates.join("; ") : "none"}`,
  ];
  if (result.incidentIds.length > 0) lines.push(`  logs shared     incident ${result.incidentIds.join(", ")}`);
  if (result.serviceStillListsDevice !== null) {
    lines.push(`  after reset     the service ${result.serviceStillListsDevice ? "still lists" : "no longer lists"} the device`);
  }
  lines.push(`  final state     ${r.finalStatePath}`);
  lines.push(`  time            ${formatDuration(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(1)} s`);
  lines.push(result.passed ? out.green(`  result          passed: ${result.expectation}`) : out.red(`  result          failed: expected it ${result.expectation}`));
  return lines;
}
