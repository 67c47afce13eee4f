/**
 * GET /beta/deviceManagement: the singleton `$metadata` declares, holding the Intune collections.
 * It answers the properties the mock can fill truthfully: its id and intuneAccountId (the
 * tenant's id, the one Intune account a tenant has here) and subscriptionState: `active` once
 * Intune is the MDM authority, `pending` before (a tenant started with `serve --tenant new`).
 */
import type { FastifyPluginAsync } from "fastify";
import { adminSecurity, errors, routeFamily } from "../../http/schemas.js";
import type { Services } from "../../services/index.js";

/**
 * The members of Graph's deviceManagementSubscriptionState the mock answers, in Graph's order
 * (values 0 and 1): pending, active.
 */
export const SUBSCRIPTION_STATES = ["pending", "active"] as const;

const route = routeFamily("admin: device management", adminSecurity);

/** The singleton's answer (no query options: it has a handful of properties). */
const deviceManagementSchema = route({
  summary: "The tenant's Intune account: intuneAccountId and subscriptionState",
  response: {
    200: {
      type: "object",
      properties: {
        "@odata.context": { type: "string" },
        "@odata.type": { type: "string" },
        id: { type: "string" },
        intuneAccountId: { type: "string" },
        subscriptionState: { type: "string", enum: SUBSCRIPTION_STATES },
      },
    },
    ...errors(401),
  },
});

/** The route of /beta/deviceManagement. */
export function deviceManagementRoutes(services: Services): FastifyPluginAsync {
  const { tenant, ctx } = services;
  return async (app) => {
    app.get("/beta/deviceManagement", { schema: deviceManagementSchema }, async () => {
      const { tenantId, mdmAuthority } = tenant.get();
      return {
        "@odata.context": `${ctx.baseUrl()}/beta/$metadata#deviceManagement`,
        "@odata.type": "#microsoft.graph.deviceManagement",
        id: tenantId,
        intuneAccountId: tenantId,
        // No member says "no MDM authority yet"; pending (value 0) is the closest: Intune is not active.
        subscriptionState: mdmAuthority === "intune" ? "active" : "pending",
      };
    });
  };
}
