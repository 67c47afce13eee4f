/**
 * `aosp-sim run [scenario.json]`: the main job. With no file it starts the embedded mock service,
 * creates a licensed user and an enrollment profile, and drives one device from the welcome
 * screen through enrollment, check-ins, a self-update after a newer agent is published, a log
 * upload and a wipe, back to the welcome screen, all on a simulated clock; then a summary.
 * Ctrl-C or SIGTERM stops the device where it is: said on stderr and in the transcript's end
 * record, exit 130 or 143.
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { httpBaseUrl } from "../protocol/http-url.js";
import { checkOutputFile } from "../protocol/output-path.js";
import { SimulatedClock } from "../device/clock.js";
import { formatDuration } from "../device/duration.js";
import { DEFAULT_SCENARIO, loadScenarioFile, type Scenario } from "../sim/scenario-format.js";
import type { ScenarioResult } from "../sim/scenario.js";
import type { Device } from "../device/create-device.js";
import { appLabel } from "../report/describe.js";
import { deviceJson, followTimeline, identityLine } from "../report/device-output.js";
import { TranscriptFile } from "../report/transcript.js";
import { parseFaults, type Fault } from "../device/faults.js";
import { TRANSCRIPT_SECRETS_HELP, transcriptSecrets, collect, parseSeed, seedOrRandom } from "./device-options.js";
import { action, EXIT_FAILED, EXIT_OK, out, printJson, printError, printLine } from "./output.js";
import { ADMIN_TOKEN_ENV, secretOption } from "./secret-env.js";
import { checkRunningService } from "../sim/service-check.js";
import { gracefulStop, signalExitCode, type GracefulStop } from "./graceful-stop.js";
import { runInterruptedNotice } from "./interrupted-notice.js";
import { refuseEmptyFileArguments } from "./input.js";

interface RunOptions {
  service?: string;
  adminToken?: string;
  json?: boolean;
  transcript?: string;
  transcriptSecrets?: string;
  seed?: string;
  fault: string[];
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
    .option("--admin-token <token>", `the service's admin token; with --service, ${ADMIN_TOKEN_ENV} when left out, which other users cannot see in ps`)
    .option("--json", "print one JSON document: the device report and the summary")
    .option("--transcript <file>", "write every state change and HTTP exchange as JSON lines")
    .option("--transcript-secrets <mode>", TRANSCRIPT_SECRETS_HELP)
    .option("--seed <n>", "the device's seed (wins over the scenario's; default: the scenario's, else a random one, printed)")
    .option("--fault <fault>", "add a fault to the scenario's (repeatable; grammar as for enroll)", collect, [])
    .addHelpText("after", SCENARIO_HELP)
    .action(action(run));
}

const SCENARIO_HELP = `
A scenario (JSON; every key optional):
  {"name": "...",
   "tenant": "ready" | "new",
   "tenantSetup": [{"do": "setMdmAuthority"}, {"do": "createGroup", "displayName": "...", "membershipRule": "..."},
                   {"do": "assignConfiguration" | "assignCompliancePolicy", "displayName": "...", "settings": {...}, "group": "..."},
                   {"do": "assignTerms", "title": "...", "bodyText": "...", "acceptanceStatement": "...", "group": "..."}],
   "user": {"userPrincipalName": "...", "password": "...", "licensed": true},
   "profile": {"displayName": "...", "tokenValidity": "90d",
               "wifi": {"ssid": "...", "security": "none|wpa|wep", "password": "...", "hidden": false}},
   "device": {"seed": 1, "serial": "...", "manufacturer": "...", "model": "...", "acceptTerms": true,
              "resetProtection": false, "faults": ["service-5xx", "power-loss@downloadingAgent"]},
   "signIn": {"userPrincipalName": "...", "password": "..."},
   "beforeEnrollment": [{"do": "revokeToken"}, {"do": "replaceToken"}, {"do": "wait", "for": "2h"}],
   "steps": [{"after": "20m", "do": "publishPackage", "packageName": "...", "versionName": "24.11.0"},
             {"after": "30m", "do": "failUnlock", "times": 3}, {"after": "40m", "do": "wipe"}],
   "until": "welcome" | "enrolled" | "<duration>",
   "expect": {"finalState": "welcome" | "off" | "<state path>"} | {"failure": "tokenRevoked"}}
"tenant": "new" has no MDM authority until tenantSetup's setMdmAuthority; tenantSetup runs before
the profile is made. Before enrollment: revokeToken, replaceToken, deleteProfile, removeLicense,
wait (the device scans the QR code made before them). Step actions: publishPackage, wipe, delete,
revokeToken, replaceToken, deleteProfile, removeLicense (admin); sync, shareLogs, powerLoss,
failUnlock (device). "after" counts from the moment the device enrolled.
Exit: 0 the expectation holds, 1 it does not, 2 usage or an unreadable scenario,
130/143 interrupted by Ctrl-C/SIGTERM (the device stops where it is; the transcript ends there).`;

async function run(file: string | undefined, options: RunOptions): Promise<number> {
  refuseEmptyFileArguments("run", [file], "the scenario", "aosp-sim run scenario.json (or leave it out for the built-in scenario)");
  if (options.transcript !== undefined) {
    checkOutputFile({ option: "--transcript", path: options.transcript, what: "transcript", example: "run.jsonl" }, file === undefined ? [] : [{ path: file, what: "scenario" }]);
  }
  const loaded = file === undefined ? DEFAULT_SCENARIO : await loadScenarioFile(file);
  // An unnamed scenario is called by its file, in the header and the summary alike.
  const scenario = withDeviceOptions({ ...loaded, name: loaded.name ?? file }, options);
  const faults = parseFaults(scenario.device?.faults ?? []); // a bad fault is a usage error before anything starts
  const secrets = transcriptSecrets(options, printError);
  // Ambient, the variable is read only for a --service: without one it would be ignored anyway.
  const token = options.service === undefined ? undefined : secretOption(options.adminToken, ADMIN_TOKEN_ENV);
  options.adminToken = token?.value ?? options.adminToken;
  if ((options.service === undefined) !== (options.adminToken === undefined)) {
    throw new InputError("--service and --admin-token go together", { hint: `pass both to use a running service (the token may be given in ${ADMIN_TOKEN_ENV} instead), or neither for the embedded one` });
  }
  if (options.service !== undefined && options.adminToken !== undefined) {
    options.service = httpBaseUrl(options.service, "--service");
    await checkRunningService(options.service, options.adminToken, { tokenWhere: token?.from === "environment" ? ADMIN_TOKEN_ENV : "--admin-token" });
  }
  const transcript = options.transcript === undefined ? undefined : new TranscriptFile(options.transcript, secrets);
  const clock = new SimulatedClock();
  let stopFollowing = () => {};
  let following = false;
  const onProgress = (device: Device) => {
    if (options.json || following) return;
    following = true;
    printLine(out.bold(`Scenario: ${scenario.name}`));
    printLine(out.bold(`Device: ${identityLine(device.identity, scenario.device?.seed)}`));
    stopFollowing = followTimeline(device, out, printLine);
  };
  // From the device's creation on, Ctrl-C or SIGTERM stops it where it is (as for `enroll`), and
  // the run still ends its transcript and says where it stopped; a second signal ends the process at
  // once. Until then (the set-up), main.ts's handlers end it at once, saying so.
  let stop: GracefulStop | undefined;
  const stopFromDevice = () => (stop = gracefulStop(() => {}));
  try {
    // Loaded here, once the scenario and the options are known good: the embedded service is heavy.
    const { runScenario } = await import("../sim/scenario.js");
    const result = await runScenario(scenario, {
      clock,
      onProgress,
      stop: stopFromDevice,
      ...(options.service && options.adminToken ? { service: { url: options.service, adminToken: options.adminToken } } : {}),
      ...(transcript ? { transcript: transcript.write, transcriptSecrets: transcript.secrets } : {}),
    });
    stopFollowing();
    // The disk filled under the transcript: the run went on, and ends here saying so (exit 2).
    if (transcript?.writeFailure) throw transcript.writeFailure;
    if (result.interrupted !== undefined) {
      if (options.json) printJson(runJson(result, faults, scenario));
      printError(runInterruptedNotice(result.report.finalStatePath, result.interrupted));
      return signalExitCode(result.interrupted);
    }
    if (options.json) {
      printJson(runJson(result, faults, scenario));
    } else {
      printLine();
      for (const line of summaryLines(result)) printLine(line);
    }
    return result.passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    stopFollowing();
    transcript?.close();
    stop?.dispose();
  }
}

/** `run --json`: the device's document (`"interrupted"` in it when a signal stopped the run) and the summary. */
function runJson(result: ScenarioResult, faults: readonly Fault[], scenario: Scenario): object {
  const { report, ...summary } = result;
  const interrupted = result.interrupted === undefined ? {} : { interrupted: result.interrupted };
  // After a wipe the device no longer knows its id; the scenario remembers it.
  return { ...deviceJson(report, report.identity, faults, scenario.device?.seed ?? null, interrupted), deviceId: result.deviceId, summary };
}

/**
 * --seed and --fault on top of the scenario's device: the seed replaces the scenario's (and one
 * is picked when neither gives it, so the run can be repeated), the faults are added to its own.
 */
function withDeviceOptions(scenario: Scenario, options: RunOptions): Scenario {
  const device = scenario.device ?? {};
  const seed = options.seed === undefined ? device.seed ?? seedOrRandom(undefined) : parseSeed(options.seed);
  return { ...scenario, device: { ...device, seed, faults: [...(device.faults ?? []), ...options.fault] } };
}

/** Summary lines under one label: the label on the first, the rest aligned under it. */
function labelled(label: string, values: readonly string[]): string[] {
  return values.map((value, i) => `  ${(i === 0 ? label : "").padEnd(16)}${value}`);
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
  lines.splice(3, 0, ...labelled("tenant set-up", result.setup));
  lines.push(
    ...labelled(
      "configuration",
      (result.configurationStates ?? []).map(policyStateLine),
    ),
    ...labelled("compliance", (result.complianceStates ?? []).map(policyStateLine)),
  );
  if (result.incidentIds.length > 0) lines.push(`  logs shared     incident ${result.incidentIds.join(", ")}`);
  lines.push(...afterRemovalLines(result));
  // Off is where the device is, not what it holds: switched off while enrolled, it still is.
  lines.push(`  final state     ${r.finalStatePath}${result.power === "off" && result.deviceEnrolled ? " (still enrolled: its storage and the service's record are kept)" : ""}`);
  const afterEnrolling = result.enrolledAt === null ? "" : ` (ended ${formatDuration(result.endedAt - result.enrolledAt)} after enrolling)`;
  lines.push(`  time            ${formatDuration(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(1)} s${afterEnrolling}`);
  lines.push(result.passed ? out.green(`  result          passed: ${result.expectation}`) : out.red(`  result          failed: expected it ${result.expectation}`));
  return lines;
}

/**
 * What the service and the device each hold at the end, after a reset or the admin's wipe or
 * delete: they differ until the device checks in (a deleted record leaves the list at once, a
 * wiped one stays, pending, until the device confirms the wipe).
 */
function afterRemovalLines(result: ScenarioResult): string[] {
  if (result.serviceStillListsDevice === null) return [];
  const pending = result.removal?.action === "wipe" && result.serviceStillListsDevice ? " (wipe pending)" : "";
  const service = `the service ${result.serviceStillListsDevice ? `still lists the device${pending}` : "no longer lists the device"}`;
  if (result.removal?.deviceEnrolled) {
    return labelled(`after ${result.removal.action}`, [`${service}; the device has not reset yet: it does at its next check-in`]);
  }
  return labelled("after reset", [service]);
}

/** One policy's state on the device as the admin reads it: each setting's state, value and reason. */
function policyStateLine(p: NonNullable<ScenarioResult["configurationStates"]>[number]): string {
  const settings = p.settingStates.map((s) => `${s.setting} ${s.state}${s.currentValue ? ` = ${s.currentValue}` : ""}${s.errorDescription ? `: ${s.errorDescription}` : ""}`);
  return `"${p.displayName}" v${p.version}: ${p.state} (${settings.join("; ") || "not reported yet"})`;
}
