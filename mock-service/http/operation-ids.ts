/**
 * OpenAPI `operationId`s: each route gets one from its method and path, so a client generated
 * from /openapi.json has stable method names instead of ones the generator invents
 * (`GET /beta/deviceManagement/managedDevices/{id}` is `getBetaDeviceManagementManagedDevicesById`).
 * The method and path make a route unique, so the names are unique too.
 */
import type { RouteOptions } from "fastify";

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** The operationId of a method on a route's path (fastify's `:param` or OpenAPI's `{param}`). */
export function operationId(method: string, url: string): string {
  const words = url
    .split("?")[0]!
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      const param = /^(?::|\{)(\w+)\}?$/.exec(segment);
      // $count, $ref, qrCode.png: the letters and digits only.
      return param ? `By${capital(param[1]!)}` : segment.split(/[^A-Za-z0-9]+/).filter(Boolean).map(capital).join("");
    });
  return `${method.toLowerCase()}${words.join("")}`;
}

/**
 * onRoute hook: names each documented route's operation, on a copy of its schema (routes share
 * one: a list's /$count twin is made from the list's, operationId included, and is named anew).
 */
export function nameOperations(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema || schema["hide"] === true) return;
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  route.schema = { ...schema, operationId: operationId(method, route.url) };
}
