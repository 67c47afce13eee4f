/**
 * Authentication of the two APIs.
 *   - Admin API: `Authorization: Bearer <admin token>`, compared in constant time; else 401.
 *   - Device API: `Authorization: Bearer <device credential>`, looked up by its SHA-256; a
 *     credential acts only on its own device (403 for any other deviceId).
 */
import type { FastifyRequest } from "fastify";
import { constantTimeEqual, secretHash } from "../domain/secrets.js";
import type { DeviceRecord, DeviceStore } from "../store/devices.js";
import { ApiError, deviceError, GRAPH_CODES } from "./errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The device whose credential authenticated this request (device routes only). */
    device: DeviceRecord | null;
  }
}

/**
 * What an Authorization header holds, as far as the APIs care: a bearer token, nothing, or
 * something a caller can be told how to fix (`Basic ...`, a bare `Basic`, a bare `Bearer`).
 */
export type Authorization =
  | { kind: "bearer"; token: string }
  | { kind: "absent" }
  | { kind: "empty-bearer" }
  | { kind: "bearer-with-spaces" }
  | { kind: "other-scheme"; scheme: string };

/** Schemes are quoted back to the caller: a scheme-less token pasted whole must not be echoed at length. */
const SCHEME_SHOWN = 20;

export function readAuthorization(header: string | string[] | undefined): Authorization {
  if (typeof header !== "string") return { kind: "absent" };
  // RFC 9110: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; the scheme is case-insensitive.
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/.exec(header);
  if (!match) return { kind: "absent" };
  const [, scheme, credentials] = match as unknown as [string, string, string | undefined];
  if (scheme.toLowerCase() !== "bearer") {
    return { kind: "other-scheme", scheme: scheme.length > SCHEME_SHOWN ? `${scheme.slice(0, SCHEME_SHOWN)}...` : scheme };
  }
  if (credentials === undefined || credentials === "") return { kind: "empty-bearer" };
  return /\s/.test(credentials) ? { kind: "bearer-with-spaces" } : { kind: "bearer", token: credentials };
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. Every authenticated request
 * passes here: one regular expression, and readAuthorization only for a header it refuses.
 */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function isAdminToken(request: FastifyRequest, adminToken: string): boolean {
  const token = bearerToken(request);
  return token !== null && constantTimeEqual(token, adminToken);
}

/** Why the admin API refuses a header that carries no bearer token, as Graph words its 401s. */
function adminAuthorizationProblem(read: Authorization): string {
  const send = "send Authorization: Bearer <admin token>";
  const where = "(serve prints the token on its first line).";
  switch (read.kind) {
    case "other-scheme":
      return `The Authorization header uses the ${read.scheme} scheme; the admin API takes only Bearer: ${send} ${where}`;
    case "bearer-with-spaces":
      return `The Authorization header's Bearer token holds a space, which no token has: ${send}, the token alone after the scheme ${where}`;
    case "empty-bearer":
      return `Access token is empty: the Authorization header says Bearer with no token after it; ${send} ${where}`;
    default:
      return `Access token is empty: the request has no Authorization header; ${send} ${where}`;
  }
}

/** onRequest hook for the admin routes. */
export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (token === null) {
      throw new ApiError(401, GRAPH_CODES.unauthenticated, adminAuthorizationProblem(readAuthorization(request.headers.authorization)));
    }
    if (!constantTimeEqual(token, adminToken)) {
      throw new ApiError(401, GRAPH_CODES.unauthenticated, "Access token validation failure: this is not the service's admin token.");
    }
  };
}

/**
 * onRequest hook for /device/v1/devices/{deviceId}/...: sets request.device. It runs before the
 * body is read and validated, so a caller without a valid credential learns nothing about the
 * schema. The device's state (removed, deleted) is each route's business: the check-in tells a
 * deleted device to reset.
 */
export function requireDevice(devices: DeviceStore) {
  return async (request: FastifyRequest<{ Params: { deviceId: string } }>): Promise<void> => {
    const credential = bearerToken(request);
    if (credential === null) {
      throw deviceError("unauthorized", deviceCredentialProblem(readAuthorization(request.headers.authorization)));
    }
    const device = devices.getByCredentialHash(secretHash(credential));
    if (!device) throw deviceError("unauthorized", deviceCredentialProblem({ kind: "bearer", token: credential }));
    if (device.id !== request.params.deviceId) {
      throw deviceError("forbidden", "this credential belongs to another device; a credential acts only on its own device");
    }
    request.device = device;
  };
}

/**
 * The device API's 401 for a header without a usable credential, in that API's wording (one
 * sentence: what is wrong, then what to send). Another scheme (Basic) is named, so the caller
 * learns the header is read and only the scheme is wrong; a `bearer` read here is a credential
 * the service did not issue.
 */
export function deviceCredentialProblem(read: Authorization): string {
  const send = "send the device credential issued at enrollment as Authorization: Bearer <credential>";
  switch (read.kind) {
    case "other-scheme":
      return `the Authorization header uses the ${read.scheme} scheme; the device API takes only Bearer: ${send}`;
    case "bearer-with-spaces":
      return `the Authorization header's Bearer credential holds a space, which no credential has; ${send}, the credential alone after the scheme`;
    case "empty-bearer":
      return `the Authorization header says Bearer with no credential after it; ${send}`;
    case "bearer":
      return `this device credential is not one the service issued; ${send} (a device reset or a new service database needs a new enrollment)`;
    default:
      return `the request has no Authorization header; ${send}`;
  }
}

/**
 * A package download's 401: it takes the download cookie of the QR payload or an enrolled
 * device's credential (or the admin token), so each message names both ways in.
 */
export function packageCredentialProblem(read: Authorization, sentCookie: boolean): string {
  const cookie = "the download cookie from the QR payload as the Cookie header";
  const orCookie = `or ${cookie}`;
  const bearer = "Authorization: Bearer <credential>";
  switch (read.kind) {
    case "other-scheme":
      return `the Authorization header uses the ${read.scheme} scheme; the device API takes only Bearer: send a device credential as ${bearer}, ${orCookie}`;
    case "bearer-with-spaces":
      return `the Authorization header's Bearer credential holds a space, which no credential has; send a device credential alone after the scheme, ${bearer}, ${orCookie}`;
    case "empty-bearer":
      return `the Authorization header says Bearer with no credential after it; send a device credential as ${bearer}, ${orCookie}`;
    case "bearer":
      return `this Bearer credential is not one the service issued to an enrolled device; send an enrolled device's credential as ${bearer}, ${orCookie}`;
    default:
      return sentCookie
        ? `the Cookie header holds no download cookie the service issued; send ${cookie}, or a device credential as ${bearer}`
        : `the request has neither a download cookie nor an Authorization header; send ${cookie}, or a device credential as ${bearer}`;
  }
}
