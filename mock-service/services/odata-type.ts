/**
 * The `@odata.type` a body may carry: Graph clients send the entity set's own type (with or
 * without the leading '#'); any other names another entity, never this one, and is refused.
 */
import { badRequest } from "../http/errors.js";

/** Whether `value` names the type `expected` ("#microsoft.graph.user"), with or without its '#'. */
export function namesODataType(value: unknown, expected: string): boolean {
  return typeof value === "string" && value.replace(/^#/, "") === expected.replace(/^#/, "");
}

/**
 * Refuses a create body whose `@odata.type` names another type than `expected` (`where` names
 * what is created, e.g. "a profile of androidDeviceOwnerEnrollmentProfiles"); left out, it is
 * the expected type.
 */
export function refuseOtherODataType(body: object, expected: string, where: string): void {
  const value = odataTypeOf(body);
  if (value === undefined || namesODataType(value, expected)) return;
  throw badRequest(`"@odata.type" must be "${expected}" for ${where}, or left out (got ${JSON.stringify(value)})`);
}

/** Refuses a PATCH body whose `@odata.type` names another type than the entity's (`noun`: "this profile"). */
export function refuseTypeChange(body: object, expected: string, noun: string): void {
  const value = odataTypeOf(body);
  if (value === undefined || namesODataType(value, expected)) return;
  throw badRequest(`"@odata.type" cannot change: ${noun} is a ${expected} (got ${JSON.stringify(value)})`);
}

/** The `@odata.type` a body names, if any. */
function odataTypeOf(body: object): unknown {
  return (body as { "@odata.type"?: unknown })["@odata.type"];
}
