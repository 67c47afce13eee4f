/**
 * GET /beta/$metadata: the CSDL document every @odata.context points to. Graph serves it without
 * a token; here, as every /beta route, it takes the admin token (the API's contract: anything
 * else is 401). A new collection adds its definition to ADMIN_COLLECTIONS.
 */
import type { FastifyPluginAsync } from "fastify";
import type { CollectionDef } from "../../odata/model.js";
import { csdlDocument } from "../../odata/metadata.js";
import { GROUP_MEMBERS, GROUPS } from "./groups.schema.js";
import { DEVICE_COMPLIANCE_POLICIES, DEVICE_CONFIGURATIONS } from "./policies.schema.js";
import { TERMS_AND_CONDITIONS } from "./terms.schema.js";
import { DETECTED_APPS, MANAGED_DEVICES } from "./managed-devices.schema.js";
import { ENROLLMENT_PROFILES } from "./profiles.schema.js";
import { ORGANIZATION, SUBSCRIBED_SKUS, USERS } from "./users.schema.js";

export const ADMIN_COLLECTIONS: readonly CollectionDef[] = [
  USERS,
  GROUPS,
  GROUP_MEMBERS,
  ORGANIZATION,
  SUBSCRIBED_SKUS,
  MANAGED_DEVICES,
  DETECTED_APPS,
  ENROLLMENT_PROFILES,
  DEVICE_CONFIGURATIONS,
  DEVICE_COMPLIANCE_POLICIES,
  TERMS_AND_CONDITIONS,
];

export function metadataRoutes(collections: readonly CollectionDef[] = ADMIN_COLLECTIONS): FastifyPluginAsync {
  // Written when first asked for: most runs of the service (a fleet, an enrollment) never are.
  let document: string | undefined;
  return async (app) => {
    app.get(
      "/beta/$metadata",
      {
        schema: {
          tags: ["admin: OData"],
          summary: "The CSDL (OData 4.0 XML) description of the entity sets and types the admin API serves",
          response: { 200: { type: "string", description: "application/xml" } },
        },
      },
      async (_request, reply) => reply.type("application/xml; charset=utf-8").send((document ??= csdlDocument(collections))),
    );
  };
}
