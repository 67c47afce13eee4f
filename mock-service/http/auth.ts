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

/** The token of an `Authorization: Bearer <token>` header, or null. */
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

/** onRequest hook for the admin routes. */
export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const scheme = /^\s*(\S+)\s+\S/.exec(request.headers.authorization ?? "")?.[1];
    if (token === null && scheme !== undefined && scheme.toLowerCase() !== "bearer") {
      throw new ApiError(
        401,
        GRAPH_CODES.unauthenticated,
        `The Authorization header uses the ${scheme.slice(0, 20)} scheme; the admin API takes only Bearer: send Authorization: Bearer <admin token> (serve prints the token on its first line).`,
      );
    }
    if (token === null) {
      throw new ApiError(
        401,
        GRAPH_CODES.unauthenticated,
        "Access token is empty. Send the header Authorization: Bearer <admin token> (serve prints the token on its first line).",
      );
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
      throw deviceError("unauthorized", "send the device credential issued at enrollment as Authorization: Bearer <credential>");
    }
    const device = devices.getByCredentialHash(secretHash(credential));
    if (!device) throw deviceError("unauthorized", "this device credential is not one the service issued");
    if (device.id !== request.params.deviceId) {
      throw deviceError("forbidden", "this credential belongs to another device; a credential acts only on its own device");
    }
    request.device = device;
  };
}
