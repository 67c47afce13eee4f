/**
 * The route families --chaos and --throttle act on. /health, /openapi.json and /beta/$metadata
 * belong to none: neither ever touches them.
 */
import { DEVICE_API_PREFIX } from "../../agent/protocol/device-api.js";

export const ROUTE_FAMILIES = ["admin", "sim", "device", "packages"] as const;
export type RouteFamily = (typeof ROUTE_FAMILIES)[number];

/** The family of a request's URL (or a route's), or undefined for what faults never touch. */
export function routeFamilyOf(url: string): RouteFamily | undefined {
  const path = url.split("?")[0] ?? "";
  if (path.startsWith(`${DEVICE_API_PREFIX}/packages/`)) return "packages";
  if (path.startsWith(`${DEVICE_API_PREFIX}/`)) return "device";
  if (path.startsWith("/sim/")) return "sim";
  if (path.startsWith("/beta/") && path !== "/beta/$metadata") return "admin";
  return undefined;
}
