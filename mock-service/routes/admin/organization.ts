/**
 * POST /beta/organization/{id}/setMobileDeviceManagementAuthority: the seed's first prerequisite.
 * A tenant started with `serve --tenant new` has no authority until this is called, and refuses
 * AOSP enrollment profiles meanwhile. (GET /beta/organization shows the authority.)
 */
import type { FastifyPluginAsync } from "fastify";
import type { Services } from "../../services/index.js";
import { setMdmAuthoritySchema } from "./organization.schema.js";

export function organizationRoutes(services: Services): FastifyPluginAsync {
  const { tenant, ctx } = services;
  return async (app) => {
    app.post<{ Params: { id: string } }>(
      "/beta/organization/:id/setMobileDeviceManagementAuthority",
      { schema: setMdmAuthoritySchema },
      async (request) => ({
        "@odata.context": `${ctx.baseUrl()}/beta/$metadata#Edm.Int32`,
        value: tenant.setMdmAuthority(request.params.id),
      }),
    );
  };
}
