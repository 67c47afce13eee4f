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
 *   "expect": { "finalState": "welcome" }                                 (or { "failure": "tokenRevoked" })
 * }
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { readFileBoundedSync } from "../protocol/bounded-read.js";
import { fileReadError, InputError, isNotFound } from "../protocol/errors.js";
import { notJsonProblem } from "../protocol/json-text.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE } from "../protocol/intune-conventions.js";
import { parseDuration } from "../device/duration.js";
import { parseFaultsAt } from "../device/faults.js";
import { checkSerialNumber } from "../device/identity.js";
import { deviceMachine } from "../machine/device-machine.js";
import { statePaths } from "../machine/state-paths.js";

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

export type BeforeStep = AdminStep | { do: "wait"; for: string };

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

/** Durations in a scenario count forward: no sign (clock offsets are a fault's business). */
const DURATION = { type: "string", pattern: "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$" } as const;

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
          displayName: { type: "string", minLength: 1 },
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
        displayName: { type: "string", minLength: 1 },
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
  $defs: {
    action: {
      type: "object",
      required: ["do"],
      properties: {
        do: { enum: ["publishPackage", "wipe", "delete", "revokeToken", "replaceToken", "deleteProfile", "removeLicense", "sync", "shareLogs", "powerLoss", "failUnlock", "wait"] },
        times: { type: "integer", minimum: 1, maximum: 100 },
        packageName: { type: "string" },
        versionName: { type: "string" },
        versionCode: { type: "integer", minimum: 1 },
        validity: DURATION,
        description: { type: "string" },
        for: DURATION,
        after: DURATION,
      },
      additionalProperties: false,
      if: { properties: { do: { const: "publishPackage" } } },
      then: { required: ["packageName", "versionName"] },
    },
    step: { allOf: [{ $ref: "#/$defs/action" }], required: ["after"], not: { properties: { do: { const: "wait" } }, required: ["do"] } },
    beforeStep: {
      allOf: [{ $ref: "#/$defs/action" }],
      not: { anyOf: [{ required: ["after"] }, { properties: { do: { enum: ["sync", "shareLogs", "powerLoss", "failUnlock"] } }, required: ["do"] }] },
    },
  },
} as const;

/** The longest a scenario runs: every simulated check-in is a real HTTP exchange (a year takes seconds, a century hours). */
const MAX_RUN_MS = 366 * 86_400_000;

/** Compiled on first use: compiling takes tens of milliseconds that importing the library should not cost. */
let validateScenario: ValidateFunction | null = null;

/** Scenario files are read no further than this (a FIFO or a device has no size to check first). */
const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024;

/** Reads and checks a scenario file; problems are InputError (exit 2) naming the key and the fix. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    const read = readFileBoundedSync(path, { limit: MAX_SCENARIO_FILE_BYTES });
    if (read.overLimit) {
      throw new InputError(`is more than ${MAX_SCENARIO_FILE_BYTES / 1024 / 1024} MB, far more than any scenario`, { where: path, hint: "pass a scenario JSON file" });
    }
    text = read.bytes.toString("utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (isNotFound(error)) throw new InputError("no such file", { where: path, hint: "check the scenario's path" });
    throw fileReadError(error, path, "a scenario JSON file");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(notJsonProblem(text, error), { where: path, hint: "a scenario is a JSON object (see `aosp-sim run --help`)" });
  }
  return checkScenario(value, path);
}

export function checkScenario(value: unknown, where = "scenario"): Scenario {
  validateScenario ??= new Ajv({ allErrors: false, strict: false }).compile(SCHEMA);
  if (!validateScenario(value)) {
    const error = validateScenario.errors?.[0];
    throw new InputError(describeSchemaError(error), {
      where: `${where}${error?.instancePath ? ` at ${error.instancePath}` : ""}`,
      hint: "see the scenario format in `aosp-sim run --help`",
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
  const finalState = scenario.expect?.finalState;
  if (finalState !== undefined && !statePaths(deviceMachine).includes(finalState)) {
    const topLevel = Object.keys(deviceMachine.root.states);
    throw new InputError(`there is no state "${finalState}"`, {
      where: at("/expect/finalState"),
      hint: `give a state the device can end in: ${topLevel.join(", ")}, or a full path such as enrolled.idle (all of them: \`aosp-sim diagram --format json\`)`,
    });
  }
  return scenario;
}

function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return "is not a valid scenario";
  if (error.keyword === "additionalProperties") return `has an unknown key "${String(error.params["additionalProperty"])}"`;
  if (error.keyword === "enum") return `must be one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (error.keyword === "pattern") return "must be a duration such as 90s, 20m, 2h or 1d";
  if (error.keyword === "required") return `needs "${String(error.params["missingProperty"])}"`;
  return error.message ?? "is not valid";
}
