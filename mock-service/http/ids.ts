/**
 * Graph compares GUID keys without regard to case, in a URL's path as in $filter. The service
 * makes every GUID it stores in lower case (randomUUID), so an id a client sends is brought to
 * that form here, once, and every store lookup by id matches whatever case the client wrote.
 * Answers give the stored id. Only the GUIDs in a value change: the rest of an id (an
 * assignment's `{policyId}_allDevicesAssignmentTarget`, a user principal name) is kept as sent.
 */
import type { FastifyRequest } from "fastify";
import { badRequest } from "./errors.js";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `text` with each GUID in it in lower case, the form the service stores. */
export function canonicalIds(text: string): string {
  return text.replace(GUID, (guid) => guid.toLowerCase());
}

/** onRequest hook of the admin routes: every path parameter's GUIDs in their stored form. */
export async function canonicalPathIds(request: FastifyRequest): Promise<void> {
  const params = request.params as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") params[name] = canonicalIds(value);
  }
}

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * preHandler hook of the directory sets whose key is an object id (groups, directoryObjects):
 * Entra ID checks the key's syntax before it looks the object up, so an `{id}` that is no GUID
 * (a display name passed as an id) is 400 "Invalid object identifier '<id>'.", not a 404 a
 * script would take for "already deleted". /users/{id} is not checked: a user principal name
 * is a key there too.
 */
export async function refuseMalformedObjectId(request: FastifyRequest): Promise<void> {
  const id = (request.params as { id?: unknown }).id;
  if (typeof id === "string" && !OBJECT_ID.test(id)) throw badRequest(`Invalid object identifier '${id}'.`);
}
