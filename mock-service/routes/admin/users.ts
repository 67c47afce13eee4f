/** /beta/users, /beta/organization and /beta/subscribedSkus: the tenant and its users. */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { SKUS } from "../../domain/licences.js";
import { applyFilter, entityEnvelope, listEnvelope, parseFilter } from "../../http/odata.js";
import type { Services } from "../../services/index.js";
import type { NewUser, UserPatch } from "../../services/users.js";
import type { UserRecord } from "../../store/users.js";
import {
  assignLicenseSchema,
  createUserSchema,
  getUserSchema,
  listUsersSchema,
  organizationSchema,
  patchUserSchema,
  subscribedSkusSchema,
} from "./users.schema.js";

type IdParams = { Params: { id: string } };

export function graphUser(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    accountEnabled: user.accountEnabled,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mail: null,
    mailNickname: user.mailNickname,
    createdDateTime: iso(user.created),
    assignedLicenses: user.licenses.map((skuId) => ({ skuId, disabledPlans: [] })),
  };
}

export function userRoutes(services: Services): FastifyPluginAsync {
  const { users, ctx } = services;
  const entity = (user: UserRecord) => entityEnvelope(ctx.baseUrl(), "users", graphUser(user));

  return async (app) => {
    app.post<{ Body: NewUser }>("/beta/users", { schema: createUserSchema }, async (request, reply) => {
      const user = await users.create(request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}/beta/users/${user.id}`);
      return entity(user);
    });

    app.get<{ Querystring: { $filter?: string } }>("/beta/users", { schema: listUsersSchema }, async (request) => {
      const clauses = parseFilter(request.query.$filter, ["userPrincipalName", "displayName"]);
      const list = applyFilter(users.list(), clauses, (u, p) => (p === "displayName" ? u.displayName : u.userPrincipalName));
      return listEnvelope(ctx.baseUrl(), "users", list.map(graphUser));
    });

    app.get<IdParams>("/beta/users/:id", { schema: getUserSchema }, async (request) => entity(users.get(request.params.id)));

    app.patch<IdParams & { Body: UserPatch }>("/beta/users/:id", { schema: patchUserSchema }, async (request, reply) => {
      await users.update(request.params.id, request.body);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: { addLicenses: { skuId: string }[]; removeLicenses: string[] } }>(
      "/beta/users/:id/assignLicense",
      { schema: assignLicenseSchema },
      async (request) => entity(users.assignLicense(request.params.id, request.body.addLicenses, request.body.removeLicenses)),
    );

    app.get("/beta/organization", { schema: organizationSchema }, async () => {
      const tenant = ctx.store.tenant.get();
      return listEnvelope(ctx.baseUrl(), "organization", [
        {
          id: tenant.tenantId,
          displayName: tenant.displayName,
          mobileDeviceManagementAuthority: tenant.mdmAuthority,
          createdDateTime: iso(tenant.created),
        },
      ]);
    });

    app.get("/beta/subscribedSkus", { schema: subscribedSkusSchema }, async () =>
      listEnvelope(
        ctx.baseUrl(),
        "subscribedSkus",
        SKUS.map((sku) => ({
          id: `${ctx.tenantId}_${sku.skuId}`,
          skuId: sku.skuId,
          skuPartNumber: sku.skuPartNumber,
          appliesTo: "User",
          capabilityStatus: "Enabled",
          servicePlans: sku.includesIntune ? [{ servicePlanName: "INTUNE_A" }] : [{ servicePlanName: "EXCHANGE_S_STANDARD" }],
        })),
      ),
    );
  };
}
