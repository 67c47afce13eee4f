/** /beta/users, /beta/organization and /beta/subscribedSkus: the tenant and its users. */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { SKUS } from "../../domain/licences.js";
import { graphProfile } from "../../domain/user-profile.js";
import { itemNotFound } from "../../http/errors.js";
import { entityEnvelope } from "../../http/odata.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import type { Services } from "../../services/index.js";
import { refuseOtherODataType, refuseTypeChange } from "../../services/odata-type.js";
import type { NewUser, UserPatch } from "../../services/users.js";
import type { UserRecord } from "../../store/users.js";
import {
  ORGANIZATION,
  SUBSCRIBED_SKUS,
  USERS,
  assignLicenseSchema,
  createUserSchema,
  deleteUserSchema,
  getOrganizationSchema,
  getUserSchema,
  listUsersSchema,
  organizationSchema,
  patchUserSchema,
  subscribedSkusSchema,
} from "./users.schema.js";
import { refuseUnsimulatedWrites } from "./unsimulated.js";

type IdParams = { Params: { id: string } };

/** The users set's type: the only one a create or a PATCH may name. */
const USER_ODATA_TYPE = "#microsoft.graph.user";

/** A user as Graph answers it without `$select`: the profile properties Graph returns by default only. */
export function graphUser(user: UserRecord): Record<string, unknown> {
  const all = queryableUser(user);
  for (const name of USERS.selectOnly ?? []) delete all[name];
  return all;
}

/** A user with every property the mock keeps, for `$filter` and `$select` (USERS.selectOnly drops the rest from an answer without `$select`). */
function queryableUser(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    accountEnabled: user.accountEnabled,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    mail: null,
    mailNickname: user.mailNickname,
    createdDateTime: iso(user.created),
    assignedLicenses: user.licenses,
    ...graphProfile(user.profile),
  };
}

export function userRoutes(services: Services): FastifyPluginAsync {
  const { users, ctx } = services;
  const entity = (user: UserRecord) => entityEnvelope(ctx.baseUrl(), "users", graphUser(user));

  return async (app) => {
    app.post<{ Body: NewUser }>("/beta/users", { schema: createUserSchema, preValidation: refuseUnsimulatedWrites(USERS, createUserSchema.body) }, async (request, reply) => {
      // Before, any @odata.type was accepted and ignored.
      refuseOtherODataType(request.body, USER_ODATA_TYPE, "a user of users");
      const user = await users.create(request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}/beta/users/${user.id}`);
      return entity(user);
    });

    app.get("/beta/users", { schema: listUsersSchema }, async (request) =>
      odataList(USERS, request, ctx.baseUrl(), users.list().map(queryableUser)),
    );

    app.get<IdParams>("/beta/users/:id", { schema: getUserSchema }, async (request) =>
      odataEntity(USERS, request, ctx.baseUrl(), queryableUser(users.get(request.params.id))),
    );

    app.patch<IdParams & { Body: UserPatch }>("/beta/users/:id", { schema: patchUserSchema, preValidation: refuseUnsimulatedWrites(USERS, patchUserSchema.body) }, async (request, reply) => {
      refuseTypeChange(request.body, USER_ODATA_TYPE, "this user");
      await users.update(request.params.id, request.body);
      return reply.code(204).send();
    });

    app.delete<IdParams>("/beta/users/:id", { schema: deleteUserSchema }, async (request, reply) => {
      users.delete(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: { addLicenses: { skuId: string; disabledPlans?: string[] }[]; removeLicenses: string[] } }>(
      "/beta/users/:id/assignLicense",
      { schema: assignLicenseSchema },
      async (request) => entity(users.assignLicense(request.params.id, request.body.addLicenses, request.body.removeLicenses)),
    );

    const graphOrganization = () => {
      const tenant = ctx.store.tenant.get();
      return { id: tenant.tenantId, displayName: tenant.displayName, mobileDeviceManagementAuthority: tenant.mdmAuthority, createdDateTime: iso(tenant.created) };
    };

    app.get("/beta/organization", { schema: organizationSchema }, async (request) => odataList(ORGANIZATION, request, ctx.baseUrl(), [graphOrganization()]));

    // The entity setMobileDeviceManagementAuthority is bound to (before, only the list answered).
    app.get<IdParams>("/beta/organization/:id", { schema: getOrganizationSchema }, async (request) => {
      const organization = graphOrganization();
      if (request.params.id.toLowerCase() !== organization.id.toLowerCase()) throw itemNotFound("organization", request.params.id);
      return odataEntity(ORGANIZATION, request, ctx.baseUrl(), organization);
    });

    app.get("/beta/subscribedSkus", { schema: subscribedSkusSchema }, async (request) =>
      odataList(
        SUBSCRIBED_SKUS,
        request,
        ctx.baseUrl(),
        SKUS.map((sku) => ({
          id: `${ctx.tenantId}_${sku.skuId}`,
          skuId: sku.skuId,
          skuPartNumber: sku.skuPartNumber,
          appliesTo: "User",
          capabilityStatus: "Enabled",
          servicePlans: sku.servicePlans.map((plan) => ({ ...plan, provisioningStatus: "Success", appliesTo: "User" })),
        })),
      ),
    );
  };
}
