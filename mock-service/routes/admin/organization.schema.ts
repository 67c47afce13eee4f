/** Schemas of the organization's actions (Graph beta). */
import { adminSecurity, errors, routeFamily } from "../../http/schemas.js";

const route = routeFamily("admin: users and tenant", adminSecurity);

export const setMdmAuthoritySchema = route({
  summary: "Set Intune as the tenant's mobile device management authority (once; needed before AOSP profiles)",
  params: {
    type: "object",
    required: ["id"],
    properties: { id: { type: "string", minLength: 1, maxLength: 200, description: "The organization (tenant) id" } },
  },
  response: {
    200: {
      type: "object",
      properties: {
        "@odata.context": { type: "string" },
        value: { type: "integer", description: "The authority's mdmAuthority enum value (intune = 1)" },
      },
    },
    ...errors(401, 404),
  },
});
