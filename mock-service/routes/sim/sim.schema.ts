/** Schemas of /sim/v1: the simulator's own admin extensions, for what Graph has no shape for. */
import { SIGNERS } from "../../packages/catalog.js";
import { adminSecurity, binaryFile, dateTime, errors, idParams, routeFamily } from "../../http/schemas.js";

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

const route = routeFamily("simulator extensions", adminSecurity);

export const listPackagesSchema = route({
  summary: "Every package version served, with download URL and both checksums",
  response: {
    200: { type: "object", properties: { value: { type: "array", items: packageVersionSchema } } },
    ...errors(401),
  },
});

export const publishPackageSchema = route({
  summary: "Publish a new version of the agent, Company Portal or Authenticator (devices see it as an update)",
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
        enum: SIGNERS,
        description: "Signing certificate (mock-service/packages/certs); other-publisher makes a mismatching update",
      },
    },
  },
  response: { 201: packageVersionSchema, ...errors(400, 401, 413, 415) },
});

export const exportProfileSchema = route({
  summary: "The profile's provisioning JSON as a file, as the console's Export gives it",
  params: idParams,
  response: { 200: { type: "object", additionalProperties: true }, ...errors(401, 404) },
});

export const profileQrSchema = route({
  summary: "The profile's QR code as a PNG file",
  params: idParams,
  response: { 200: binaryFile("image/png", "The QR code image"), ...errors(401, 404) },
});

export const incidentSchema = route({
  summary: "Logs a device shared, by the incident ID it was given",
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
});
