/**
 * The scenario format (`aosp-sim run [scenario.json]`): its types, its defaults, its JSON schema
 * and the loader that turns a file into a checked Scenario (problems are InputError, exit 2).
 * Playing one is scenario.ts.
 *
 * {
 *   "name": "Out of the box to wipe",
 *   "user": { "userPrincipalName": "alex@contoso.example", "password": "...", "licensed": true },
 *   "profile": { "displayName": "Contoso staging", "wifi": { "ssid": "Contoso-Staging", "security": "wpa", "password": "..." } },
 *   "device": { "seed": 1, "faults": ["service-5xx"] },
 *   "signIn": { "userPrincipalName": "...", "password": "..." },        (default: the user's)
 *   "beforeEnrollment": [ { "do": "revokeToken" }, { "do": "wait", "for": "2h" } ],
 *   "steps": [ { "after": "20m", "do": "publishPackage", "packageName": "...", "versionName": "24.11.0" },
 *              { "after": "40m", "do": "wipe" } ],
 *   "until": "welcome",                                                   ("welcome", "enrolled" or a duration)
 *   "expect": { "finalState": "welcome" }                                 (or "off", or { "failure": "tokenRevoked" })
 * }
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { InputError } from "../protocol/errors.js";
import { readJsonFile, readJsonFileSync, type TextFileKind } from "../protocol/text-file.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE } from "../protocol/intune-conventions.js";
import { parseDuration } from "../device/duration.js";
import { parseFaultsAt } from "../device/faults.js";
import { checkSerialNumber } from "../device/identity.js";
import { deviceMachine } from "../machine/device-machine.js";
import { statePaths } from "../machine/state-paths.js";
import { FAILURE_CODES, isFailureCode } from "../machine/failures.js";
import { closestName } from "../protocol/closest-name.js";
import { typeWords, valueAt } from "../protocol/schema-words.js";
import { checkPathArgument } from "../protocol/path-argument.js";

export type AdminStep =
  | { do: "publishPackage"; packageName: string; versionName: string; versionCode?: number }
  | { do: "wipe" }
  | { do: "delete" }
  | { do: "revokeToken" }
  | { do: "replaceToken"; validity?: string }
  | { do: "deleteProfile" }
  | { do: "removeLicense" };

export type DeviceStep =
  | { do: "sync" }
  | { do: "shareLogs"; description?: string }
  | { do: "powerLoss"; for?: string }
  | { do: "failUnlock"; times?: number };

/**
 * The tenant's set-up, before the profile is created (the seed's prerequisites and next steps).
 * Policies and terms go to the group named (created earlier in the list), else to all devices
 * (policies) or all licensed users (terms).
 */
export type TenantStep =
  | { do: "setMdmAuthority" }
  | { do: "createGroup"; displayName: string; membershipRule: string }
  | { do: "assignConfiguration"; displayName: string; settings: Record<string, unknown>; group?: string }
  | { do: "assignCompliancePolicy"; displayName: string; settings: Record<string, unknown>; group?: string }
  | { do: "assignTerms"; displayName?: string; title: string; bodyText: string; acceptanceStatement: string; group?: string };

/** What the admin may do before the device scans the code: each changes what its token is worth. */
export type BeforeStep = Extract<AdminStep, { do: (typeof BEFORE_ACTIONS)[number] }> | { do: "wait"; for: string };

export type Step = (AdminStep | DeviceStep) & { after: string };

export interface Scenario {
  name?: string;
  /** The embedded service's tenant: "new" has no MDM authority until a setMdmAuthority step. */
  tenant?: "ready" | "new";
  tenantSetup?: TenantStep[];
  user?: { userPrincipalName?: string; password?: string; displayName?: string; licensed?: boolean };
  profile?: {
    displayName?: string;
    tokenValidity?: string;
    wifi?: { ssid: string; security?: "none" | "wpa" | "wep"; password?: string; hidden?: boolean } | null;
  };
  device?: {
    seed?: number;
    serial?: string;
    manufacturer?: string;
    model?: string;
    faults?: string[];
    resetProtection?: boolean;
    /** Whether the user accepts terms and conditions shown after sign-in (default true). */
    acceptTerms?: boolean;
  };
  signIn?: { userPrincipalName: string; password: string } | null;
  beforeEnrollment?: BeforeStep[];
  steps?: Step[];
  until?: string;
  expect?: { finalState?: string; failure?: string };
}

/** The tenant's user and profile when a scenario leaves them out. */
export const DEFAULT_USER = { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!", displayName: "Alex Wilber", licensed: true };
export const DEFAULT_PROFILE: Required<Pick<NonNullable<Scenario["profile"]>, "displayName" | "wifi">> = {
  displayName: "Contoso staging",
  wifi: { ssid: "Contoso-Staging", security: "wpa", password: "staging-passphrase" },
};

/** `aosp-sim run` with no file: enrollment, check-ins, a self-update, logs, a wipe. */
export const DEFAULT_SCENARIO: Scenario = {
  name: "Out of the box: enroll, check in, self-update, wipe",
  user: DEFAULT_USER,
  profile: DEFAULT_PROFILE,
  device: { seed: 1 },
  steps: [
    { after: "20m", do: "publishPackage", packageName: AGENT_PACKAGE, versionName: "24.11.0" },
    { after: "20m", do: "publishPackage", packageName: COMPANY_PORTAL_PACKAGE, versionName: "5.0.6301.0" },
    { after: "20m", do: "publishPackage", packageName: AUTHENTICATOR_PACKAGE, versionName: "6.2411.7120" },
    { after: "35m", do: "shareLogs", description: "Checking the device after its update" },
    { after: "40m", do: "wipe" },
  ],
  until: "welcome",
  expect: { finalState: "welcome" },
};

/** The actions of beforeEnrollment, and those of steps (after enrollment: the admin's, then the device's). */
const BEFORE_ACTIONS = ["revokeToken", "replaceToken", "deleteProfile", "removeLicense", "wait"] as const;
const STEP_ACTIONS = ["publishPackage", "wipe", "delete", "revokeToken", "replaceToken", "deleteProfile", "removeLicense", "sync", "shareLogs", "powerLoss", "failUnlock"] as const;

/** Durations in a scenario count forward: no sign (clock offsets are a fault's business). */
const DURATION = { type: "string", pattern: "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$" } as const;

/** A name the service takes: at least one character that is not a space (it refuses a blank one). */
const NOT_BLANK = "\\S";

const SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    tenant: { enum: ["ready", "new"] },
    tenantSetup: {
      type: "array",
      items: {
        type: "object",
        required: ["do"],
        additionalProperties: false,
        properties: {
          do: { enum: ["setMdmAuthority", "createGroup", "assignConfiguration", "assignCompliancePolicy", "assignTerms"] },
          displayName: { type: "string", pattern: NOT_BLANK },
          membershipRule: { type: "string", minLength: 1 },
          settings: { type: "object" },
          group: { type: "string", minLength: 1 },
          title: { type: "string", minLength: 1 },
          bodyText: { type: "string", minLength: 1 },
          acceptanceStatement: { type: "string", minLength: 1 },
        },
        allOf: [
          { if: { properties: { do: { const: "createGroup" } } }, then: { required: ["displayName", "membershipRule"] } },
          { if: { properties: { do: { enum: ["assignConfiguration", "assignCompliancePolicy"] } } }, then: { required: ["displayName", "settings"] } },
          { if: { properties: { do: { const: "assignTerms" } } }, then: { required: ["title", "bodyText", "acceptanceStatement"] } },
        ],
      },
    },
    user: {
      type: "object",
      additionalProperties: false,
      properties: {
        userPrincipalName: { type: "string", minLength: 3 },
        password: { type: "string", minLength: 1 },
        displayName: { type: "string" },
        licensed: { type: "boolean" },
      },
    },
    profile: {
      type: "object",
      additionalProperties: false,
      properties: {
        displayName: { type: "string", pattern: NOT_BLANK },
        tokenValidity: DURATION,
        wifi: {
          anyOf: [
            { type: "null" },
            {
              type: "object",
              additionalProperties: false,
              required: ["ssid"],
              properties: {
                ssid: { type: "string", minLength: 1 },
                security: { enum: ["none", "wpa", "wep"] },
                password: { type: "string" },
                hidden: { type: "boolean" },
              },
            },
          ],
        },
      },
    },
    device: {
      type: "object",
      additionalProperties: false,
      properties: {
        seed: { type: "integer", minimum: 0 },
        serial: { type: "string", minLength: 1 },
        manufacturer: { type: "string", minLength: 1 },
        model: { type: "string", minLength: 1 },
        faults: { type: "array", items: { type: "string" } },
        resetProtection: { type: "boolean" },
        acceptTerms: { type: "boolean" },
      },
    },
    signIn: {
      anyOf: [
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["userPrincipalName", "password"],
          properties: { userPrincipalName: { type: "string" }, password: { type: "string" } },
        },
      ],
    },
    beforeEnrollment: { type: "array", items: { $ref: "#/$defs/beforeStep" } },
    steps: { type: "array", items: { $ref: "#/$defs/step" } },
    until: { anyOf: [{ enum: ["welcome", "enrolled"] }, DURATION] },
    expect: {
      type: "object",
      additionalProperties: false,
      properties: { finalState: { type: "string" }, failure: { type: "string" } },
    },
  },
  // Each place lists the actions it allows, so a refusal names them (no "not" keywords: ajv words
  // those "must NOT be valid", which says nothing of what to write).
  $defs: {
    step: {
      type: "object",
      required: ["after", "do"],
      additionalProperties: false,
      properties: {
        do: { enum: STEP_ACTIONS },
        after: DURATION,
        times: { type: "integer", minimum: 1, maximum: 100 },
        packageName: { type: "string" },
        versionName: { type: "string" },
        versionCode: { type: "integer", minimum: 1 },
        validity: DURATION,
        description: { type: "string" },
        for: DURATION,
      },
      if: { properties: { do: { const: "publishPackage" } } },
      then: { required: ["packageName", "versionName"] },
    },
    beforeStep: {
      type: "object",
      required: ["do"],
      additionalProperties: false,
      properties: { do: { enum: BEFORE_ACTIONS }, validity: DURATION, for: DURATION },
      if: { properties: { do: { const: "wait" } } },
      then: { required: ["for"] },
    },
  },
} as const;

/** The final state of a device switched off at the end (a report's finalState): no state of the machine, which is not running then. */
const POWERED_OFF = "off";

/** The longest a scenario runs: every simulated check-in is a real HTTP exchange (a year takes seconds, a century hours). */
const MAX_RUN_MS = 366 * 86_400_000;

/** Compiled on first use: compiling takes tens of milliseconds that importing the library should not cost. */
let validateScenario: ValidateFunction | null = null;

/** Scenario files are read no further than this (a FIFO or a device has no size to check first). */
const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024;

const SCENARIO_FILE: TextFileKind = {
  noun: "a scenario",
  expected: "a scenario JSON file",
  maxBytes: MAX_SCENARIO_FILE_BYTES,
  farMoreThan: "any scenario",
  hint: "a scenario is a JSON object (see `aosp-sim run --help`)",
};

/** Reads and checks a scenario file; problems are InputError (exit 2) naming the key and the fix. */
export function loadScenario(path: string): Scenario {
  checkPathArgument("loadScenario", "path", path, "scenario.json");
  return checkScenario(readJsonFileSync(path, SCENARIO_FILE), path);
}

/**
 * loadScenario, read off the main thread (`aosp-sim run`): its Ctrl-C and SIGTERM handlers are
 * JavaScript, and a synchronous read of a FIFO or a stalled pipe held them off for ever.
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  return checkScenario(await readJsonFile(path, SCENARIO_FILE), path);
}

export function checkScenario(value: unknown, where = "scenario"): Scenario {
  // allErrors: the most precise of a value's problems is chosen below, not the first ajv met.
  validateScenario ??= new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
  if (!validateScenario(value)) {
    const { path, problem } = schemaProblem(validateScenario.errors ?? [], value);
    throw new InputError(problem, {
      where: `${where}${path ? ` at ${path}` : ""}`,
      hint: schemaHint(path),
    });
  }
  const scenario = value as Scenario;
  const until = scenario.until === undefined ? null : parseDuration(scenario.until);
  if (until !== null && until > MAX_RUN_MS) {
    throw new InputError(`"${scenario.until}" is longer than a scenario runs (at most 366d)`, {
      where: `${where} at /until`,
      hint: "a year of check-ins is enough to see any cadence; use 366d or less",
    });
  }
  const at = (pointer: string) => `${where} at ${pointer}`;
  if (scenario.device?.serial !== undefined) checkSerialNumber(scenario.device.serial, at("/device/serial"));
  parseFaultsAt(scenario.device?.faults ?? [], (i) => at(`/device/faults/${i}`));
  const failure = scenario.expect?.failure;
  if (failure !== undefined && !isFailureCode(failure)) {
    // Caught here, not after a simulated day that can never end in an unknown code.
    const closest = closestName(failure, FAILURE_CODES, 3);
    throw new InputError(`there is no failure code "${failure}"${closest ? ` (did you mean "${closest}"?)` : ""}`, {
      where: at("/expect/failure"),
      hint: `give a code a device fails with, e.g. tokenRevoked, profileDeleted, wifiTimeout (all of them: ${FAILURE_CODES.join(", ")})`,
    });
  }
  const finalState = scenario.expect?.finalState;
  if (finalState !== undefined && finalState !== POWERED_OFF && !statePaths(deviceMachine).includes(finalState)) {
    const topLevel = [...Object.keys(deviceMachine.root.states), POWERED_OFF];
    throw new InputError(`there is no state "${finalState}"`, {
      where: at("/expect/finalState"),
      hint: `give a state the device can end in: ${topLevel.join(", ")}, or a full path such as enrolled.idle (all of them: \`aosp-sim diagram --format json\`)`,
    });
  }
  // One expectation: before, with both, "failure" was checked and "finalState" ignored.
  if (failure !== undefined && finalState !== undefined) {
    throw new InputError('gives both "finalState" and "failure": a scenario expects one of them', {
      where: at("/expect"),
      hint: 'keep "failure" to expect that failure (the device then ends in the state that failure shows), or "finalState" for where the device ends',
    });
  }
  refuseUnplayedSteps(scenario, at);
  refuseUncreatedGroups(scenario, at);
  return scenario;
}

/**
 * How long the scenario runs after enrollment: its "until", else back to the welcome screen when
 * it removes the device (a wipe or delete), else a day.
 */
export function untilOf(scenario: Scenario): string {
  if (scenario.until) return scenario.until;
  return (scenario.steps ?? []).some((s) => s.do === "wipe" || s.do === "delete") ? "welcome" : "1d";
}

/**
 * A step whose "after" is later than the run lasts never runs (before, nothing was said): with
 * "until" "enrolled" none does, with a duration (or the default day) none after it does. One at
 * exactly that time still runs. "welcome" ends when the device is back there, which only the run knows.
 */
function refuseUnplayedSteps(scenario: Scenario, at: (pointer: string) => string): void {
  const until = untilOf(scenario);
  const said = scenario.until === undefined ? `the scenario's default "until" (${until}: it has no wipe or delete)` : `"until" (${until})`;
  const horizon = parseDuration(until);
  for (const [index, step] of (scenario.steps ?? []).entries()) {
    if (until === "enrolled") {
      throw new InputError('never runs: "until": "enrolled" ends the scenario as the device enrolls, and steps run after that', {
        where: at(`/steps/${index}`),
        hint: 'give "until" a duration that reaches the steps (e.g. "1d") or "welcome", or remove the steps',
      });
    }
    const after = parseDuration(step.after);
    if (horizon !== null && after !== null && after > horizon) {
      throw new InputError(`never runs: "after" (${step.after}) is later than ${said}, where the scenario ends`, {
        where: at(`/steps/${index}/after`),
        hint: `give "until" ${step.after} or more, or the step an earlier "after"`,
      });
    }
  }
}

/** A policy or terms assigned to a group no earlier createGroup step makes (before, found as the tenant was set up, named "scenario at /tenantSetup"). */
function refuseUncreatedGroups(scenario: Scenario, at: (pointer: string) => string): void {
  const created = new Set<string>();
  for (const [index, step] of (scenario.tenantSetup ?? []).entries()) {
    if (step.do === "createGroup") created.add(step.displayName);
    else if (step.do !== "setMdmAuthority" && step.group !== undefined && !created.has(step.group)) {
      const closest = closestName(step.group, [...created], 3);
      throw new InputError(`no group "${step.group}" is created before this step${closest ? ` (did you mean "${closest}"?)` : ""}`, {
        where: at(`/tenantSetup/${index}/group`),
        hint: `add a step {"do": "createGroup", "displayName": ${JSON.stringify(step.group)}, "membershipRule": ...} before it, or leave out "group" to assign it to ${step.do === "assignTerms" ? "all licensed users" : "all devices"}`,
      });
    }
  }
}

/** Keywords that only combine others: their own words ("must match a schema in anyOf") say nothing. */
const COMBINING_KEYWORDS = new Set(["anyOf", "allOf", "oneOf", "not", "if"]);

/**
 * The most precise problem of those ajv found: the deepest place (a value inside an object says
 * more than the object), and there, what each alternative wanted ("welcome", "enrolled" or a
 * duration). A type error beside another at the same place is the alternative the author did not
 * mean (a Wi-Fi object is not null), so it is left out.
 */
function schemaProblem(errors: readonly ErrorObject[], root: unknown): { path: string; problem: string } {
  const precise = errors.filter((e) => !COMBINING_KEYWORDS.has(e.keyword));
  if (precise.length === 0) return { path: errors[0]?.instancePath ?? "", problem: "is not a valid scenario" };
  const depth = (e: ErrorObject) => e.instancePath.split("/").length;
  const path = [...precise].sort((a, b) => depth(b) - depth(a))[0]!.instancePath;
  let here = precise.filter((e) => e.instancePath === path);
  if (here.some((e) => e.keyword !== "type")) here = here.filter((e) => e.keyword !== "type");
  const isKey = (e: ErrorObject) => e.keyword === "additionalProperties" || e.keyword === "required";
  const values = [...new Set(here.filter((e) => !isKey(e)).map(wantedValue))];
  const suggestion = closestAllowed(here, valueAt(root, path));
  const problems = [
    ...here.filter(isKey).map(keyProblem),
    ...(values.length > 0 ? [`must be ${values.join(" or ")}${suggestion === null ? "" : ` (did you mean "${suggestion}"?)`}`] : []),
  ];
  return { path, problem: problems.join("; ") };
}

/** The allowed value a mistyped one most likely meant ("WPA2" for "wpa"), or null. */
function closestAllowed(errors: readonly ErrorObject[], given: unknown): string | null {
  if (typeof given !== "string") return null;
  const allowed = errors.filter((e) => e.keyword === "enum").flatMap((e) => (e.params["allowedValues"] as unknown[]).filter((v): v is string => typeof v === "string"));
  return closestName(given, allowed, Math.max(2, Math.floor(given.length / 2)));
}

/** Where to look for the fix: the allowed actions where a step's "do" was refused. */
function schemaHint(path: string): string {
  if (/^\/beforeEnrollment\/\d+/.test(path)) {
    return `before enrollment the steps are ${BEFORE_ACTIONS.join(", ")} (wait needs "for": how long, e.g. "2h"); the others go in "steps", with "after"`;
  }
  if (/^\/steps\/\d+/.test(path)) {
    return `after enrollment the steps are ${STEP_ACTIONS.join(", ")}, each with "after" (a wait before enrollment goes in "beforeEnrollment")`;
  }
  return "see the scenario format in `aosp-sim run --help`";
}

/** A key too many or missing. */
function keyProblem(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") return `has an unknown key "${String(error.params["additionalProperty"])}"`;
  return `"${String(error.params["missingProperty"])}" is required`;
}

/** What a value must be, in words; several of these are joined with "or". */
function wantedValue(error: ErrorObject): string {
  if (error.keyword === "enum") return `one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (error.keyword === "pattern") return error.params["pattern"] === NOT_BLANK ? "a name that is not blank" : "a duration such as 90s, 20m, 2h or 1d";
  const limit = Number(error.params["limit"]);
  if (error.keyword === "minLength") return limit === 1 ? "a text that is not empty" : `at least ${limit} characters long`;
  if (error.keyword === "maxLength") return `at most ${limit} characters long`;
  if (error.keyword === "minimum") return `at least ${limit}`;
  if (error.keyword === "maximum") return `at most ${limit}`;
  if (error.keyword === "type") return typeWords(String(error.params["type"]));
  return (error.message ?? "valid").replace(/^must be /, "");
}
