/** Schemas of /sim/v1: the simulator's own admin extensions, for what Graph has no shape for. */
import { adminSecurity, dateTime, errors, idParams } from "../../http/schemas.js";

const packageVersionSchema = {
  type: "object",
  properties: {
    packageName: { type: "string" },
    versionName: { type: "string" },
    versionCode: { type: "integer" },
    label: { type: "string" },
    signedBy: { type: "string" },
    size: { type: "integer" },
    downloadUrl: { type: "string" },
    packageChecksum: { type: "string", description: "SHA-256 of the archive, URL-safe base64 without padding" },
    signatureChecksum: { type: "string", description: "SHA-256 of the signing certificate, URL-safe base64" },
    publishedDateTime: dateTime,
  },
} as const;

const tags = ["simulator extensions"];

export const listPackagesSchema = {
  tags,
  summary: "Every package version served, with download URL and both checksums",
  security: adminSecurity,
  response: {
    200: { type: "object", properties: { value: { type: "array", items: packageVersionSchema } } },
    ...errors(401),
  },
};

export const publishPackageSchema = {
  tags,
  summary: "Publish a new version of the agent, Company Portal or Authenticator (devices see it as an update)",
  security: adminSecurity,
  body: {
    type: "object",
    required: ["packageName", "versionName"],
    additionalProperties: false,
    properties: {
      packageName: { type: "string", maxLength: 200 },
      versionName: { type: "string", maxLength: 40 },
      versionCode: { type: "integer", minimum: 1 },
      signedBy: {
        type: "string",
        enum: ["microsoft-apps", "other-publisher"],
        description: "Signing certificate (mock-service/packages/certs); other-publisher makes a mismatching update",
      },
    },
  },
  response: { 201: packageVersionSchema, ...errors(400, 401, 413, 415) },
};

export const exportProfileSchema = {
  tags,
  summary: "The profile's provisioning JSON as a file, as the console's Export gives it",
  security: adminSecurity,
  params: idParams,
  response: { 200: { type: "object", additionalProperties: true }, ...errors(401, 404) },
};

export const profileQrSchema = {
  tags,
  summary: "The profile's QR code as a PNG file",
  security: adminSecurity,
  params: idParams,
  response: { ...errors(401, 404) },
};

export const incidentSchema = {
  tags,
  summary: "Logs a device shared, by the incident ID it was given",
  security: adminSecurity,
  params: idParams,
  response: {
    200: {
      type: "object",
      properties: {
        incidentId: { type: "string" },
        deviceId: { type: "string" },
        createdDateTime: dateTime,
        logs: { type: "string" },
      },
    },
    ...errors(401, 404),
  },
};
