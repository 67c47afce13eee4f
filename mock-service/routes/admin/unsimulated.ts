/**
 * A write naming a property Graph declares on the entity type but the mock does not simulate
 * (a user's jobTitle): refused before the body schema's own check, whose "not a property this
 * route accepts" would read as if Graph had no such property.
 */
import type { FastifyRequest } from "fastify";
import { badRequest } from "../../http/errors.js";
import { unsimulatedProperty, type CollectionDef } from "../../odata/model.js";

/** A preValidation hook for a create or a PATCH of `def`'s items; `body` is the route's body schema. */
export function refuseUnsimulatedWrites(def: CollectionDef, body: { properties: Readonly<Record<string, unknown>> }) {
  const writable = Object.keys(body.properties).filter((name) => !name.startsWith("@"));
  return async (request: FastifyRequest): Promise<void> => {
    const sent = request.body;
    if (sent === null || typeof sent !== "object" || Array.isArray(sent)) return;
    for (const name of Object.keys(sent)) {
      if (Object.hasOwn(body.properties, name)) continue;
      const unsimulated = unsimulatedProperty(def, name);
      if (unsimulated) {
        throw badRequest(
          `"${name}" is a property of ${def.entityType} that the mock does not simulate, so it cannot be written here; this route writes ${writable.join(", ")}`,
        );
      }
    }
  };
}
