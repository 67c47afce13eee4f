/** Schemas of the device API under /device/v1 (agent/protocol/device-api.ts is the contract). */
import { PACKAGE_MIME_TYPE } from "../../../agent/protocol/package-archive.js";
import { binaryFile, dateTime, deviceSecurity, errors, noContent, routeFamily } from "../../http/schemas.js";
import { ENROLLMENT_MODES } from "../../store/profiles.js";

const TAG = "device API";
const route = routeFamily(TAG, deviceSecurity);

const packageOffer = {
  type: "object",
  properties: {
    packageName: { type: "string" },
    versionName: { type: "string" },
    versionCode: { type: "integer" },
    downloadUrl: { type: "string" },
    packageChecksum: { type: "string" },
    signatureChecksum: { type: "string" },
  },
} as const;

const deviceParams = {
  type: "object",
  required: ["deviceId"],
  properties: { deviceId: { type: "string", minLength: 1, maxLength: 100 } },
} as const;

const versionName = { type: "string", minLength: 1, maxLength: 40 } as const;

/** Enrollment comes before there is a credential. */
export const enrollSchema = routeFamily(TAG)({
  summary: "Enroll with the enrollment token from the QR payload; returns the device credential",
  body: {
    type: "object",
    required: ["enrollmentToken", "serialNumber", "model", "manufacturer", "osVersion", "agentVersion"],
    additionalProperties: false,
    properties: {
      enrollmentToken: { type: "string", minLength: 1, maxLength: 512 },
      serialNumber: { type: "string", minLength: 1, maxLength: 64 },
      model: { type: "string", minLength: 1, maxLength: 128 },
      manufacturer: { type: "string", minLength: 1, maxLength: 128 },
      osVersion: { type: "string", minLength: 1, maxLength: 32 },
      agentVersion: versionName,
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        deviceId: { type: "string" },
        deviceCredential: { type: "string" },
        deviceName: { type: "string" },
        enrollmentProfileName: { type: "string" },
        enrollmentMode: { type: "string", enum: ENROLLMENT_MODES },
      },
    },
    ...errors(400, 401, 410, 413, 415),
  },
});

export const signInSchema = route({
  summary: "Sign the device's user in (licence required)",
  params: deviceParams,
  body: {
    type: "object",
    required: ["userPrincipalName", "password"],
    additionalProperties: false,
    properties: {
      userPrincipalName: { type: "string", minLength: 1, maxLength: 320 },
      password: { type: "string", maxLength: 256 },
      // The answer to a required password change (Entra's "Update your password" page).
      newPassword: { type: "string", maxLength: 256 },
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        userId: { type: "string" },
        userPrincipalName: { type: "string" },
        displayName: { type: "string" },
        requiredApps: { type: "array", items: packageOffer },
        termsAndConditions: {
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "string" },
              title: { type: "string" },
              bodyText: { type: "string" },
              acceptanceStatement: { type: "string" },
              version: { type: "integer" },
            },
          },
        },
        passwordChanged: { type: "boolean" },
      },
    },
    ...errors(400, 401, 403, 404, 409),
  },
});

/** The policies of one Graph type a check-in answer carries, with the settings the admin set. */
const assignedPolicies = (graphType: string) => ({
  type: "array",
  items: {
    type: "object",
    properties: {
      id: { type: "string" },
      displayName: { type: "string" },
      version: { type: "integer" },
      settings: {
        type: "object",
        additionalProperties: { type: ["boolean", "integer", "string"] },
        description: `The ${graphType} settings the admin set (Graph names)`,
      },
    },
  },
});

export const checkInSchema = route({
  summary: "Check in: report apps, receive pending actions and updates (agent 24.7.0 or later)",
  params: deviceParams,
  body: {
    type: "object",
    required: ["agentVersion", "apps"],
    additionalProperties: false,
    properties: {
      agentVersion: versionName,
      apps: {
        type: "array",
        maxItems: 1000,
        items: {
          type: "object",
          required: ["packageName", "versionName", "versionCode"],
          additionalProperties: false,
          properties: {
            packageName: { type: "string", minLength: 1, maxLength: 256 },
            versionName: { type: "string", maxLength: 128 },
            versionCode: { type: "integer", minimum: 0, maximum: 9_007_199_254_740_991 },
          },
        },
      },
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        actions: {
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "string" },
              type: { type: "string", enum: ["wipe", "delete", "rebootNow", "resetPasscode", "remoteLock"] },
              requestedDateTime: dateTime,
              passcode: { type: "string", description: "resetPasscode only: the new device passcode to set" },
            },
          },
        },
        updates: { type: "array", items: packageOffer },
        configurations: assignedPolicies("aospDeviceOwnerDeviceConfiguration"),
        compliancePolicies: assignedPolicies("aospDeviceOwnerCompliancePolicy"),
        serverDateTime: dateTime,
      },
    },
    ...errors(400, 401, 403, 404, 426),
  },
});

export const updatesSchema = route({
  summary: "Updates for the apps last reported (works even when sync is refused for an old agent)",
  params: deviceParams,
  response: {
    200: { type: "object", properties: { updates: { type: "array", items: packageOffer } } },
    ...errors(401, 403, 404),
  },
});

export const acknowledgeSchema = route({
  summary: "Report an action's progress (a wipe acknowledged completed removes the device)",
  params: {
    type: "object",
    required: ["deviceId", "actionId"],
    properties: { ...deviceParams.properties, actionId: { type: "string", minLength: 1, maxLength: 100 } },
  },
  body: {
    type: "object",
    required: ["status"],
    additionalProperties: false,
    properties: {
      status: { type: "string", enum: ["started", "completed", "failed"] },
      message: { type: "string", maxLength: 2000 },
    },
  },
  response: { ...noContent, ...errors(400, 401, 403, 404) },
});

/** Each policy's settings as the device reports them (configurations or compliance policies). */
const reportedPolicies = (states: readonly string[]) => ({
  type: "array",
  maxItems: 200,
  items: {
    type: "object",
    required: ["id", "version", "settings"],
    additionalProperties: false,
    properties: {
      id: { type: "string", minLength: 1, maxLength: 100 },
      version: { type: "integer", minimum: 1 },
      settings: {
        type: "array",
        maxItems: 100,
        items: {
          type: "object",
          required: ["setting", "state"],
          additionalProperties: false,
          properties: {
            setting: { type: "string", minLength: 1, maxLength: 100 },
            state: { type: "string", enum: states },
            currentValue: { type: "string", maxLength: 200 },
            reason: { type: "string", maxLength: 1000 },
          },
        },
      },
    },
  },
});

export const policyStatesSchema = route({
  summary: "Report each setting's state for the configurations the device applied and the compliance policies it evaluated",
  params: deviceParams,
  body: {
    type: "object",
    required: ["configurations"],
    additionalProperties: false,
    properties: {
      configurations: reportedPolicies(["compliant", "notApplicable", "conflict", "error"]),
      compliancePolicies: {
        ...reportedPolicies(["compliant", "nonCompliant", "notApplicable", "error"]),
        description: "Every compliance policy assigned to the device, evaluated: the device's verdict comes from it",
      },
    },
  },
  response: { ...noContent, ...errors(400, 401, 403, 404) },
});

export const acceptTermsSchema = route({
  summary: "Record that the device's user accepted terms and conditions (the version shown)",
  params: {
    type: "object",
    required: ["deviceId", "termsId"],
    properties: { ...deviceParams.properties, termsId: { type: "string", minLength: 1, maxLength: 100 } },
  },
  body: {
    type: "object",
    required: ["version"],
    additionalProperties: false,
    properties: { version: { type: "integer", minimum: 1 } },
  },
  response: { ...noContent, ...errors(400, 401, 403, 404, 409) },
});

export const logsSchema = route({
  summary: "Upload logs (at most 1 MiB of text); returns an incident ID",
  params: deviceParams,
  body: {
    type: "object",
    required: ["logs"],
    additionalProperties: false,
    properties: { logs: { type: "string", maxLength: 1024 * 1024 } },
  },
  response: {
    200: { type: "object", properties: { incidentId: { type: "string" } } },
    ...errors(400, 401, 403, 404, 413),
  },
});

export const packageSchema = route({
  summary: "Download a package archive (device credential, or the profile's download cookie)",
  security: [{ deviceCredential: [] }, { downloadCookie: [] }],
  params: {
    type: "object",
    required: ["packageName", "versionCode"],
    properties: {
      packageName: { type: "string", minLength: 1, maxLength: 200 },
      versionCode: { type: "string", pattern: "^[0-9]{1,10}$" },
    },
  },
  response: { 200: binaryFile(PACKAGE_MIME_TYPE, "The package archive"), ...errors(400, 401, 404) },
});
