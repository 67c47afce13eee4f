/**
 * /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles: Graph beta's enrollment
 * profiles, restricted to the two AOSP enrollment modes.
 */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { applyFilter, entityEnvelope, listEnvelope, parseFilter } from "../../http/odata.js";
import type { Services } from "../../services/index.js";
import type { ProfileInput, ProfileView } from "../../services/profiles.js";
import {
  createProfileSchema,
  createTokenSchema,
  deleteProfileSchema,
  getProfileSchema,
  listProfilesSchema,
  patchProfileSchema,
  revokeTokenSchema,
} from "./profiles.schema.js";

export const PROFILES_PATH = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const ENTITY_SET = "deviceManagement/androidDeviceOwnerEnrollmentProfiles";
const FILTERABLE = ["displayName", "enrollmentMode"] as const;

type IdParams = { Params: { id: string } };

export function profileRoutes(services: Services): FastifyPluginAsync {
  const { profiles, ctx } = services;

  /** The Graph shape of a profile, QR image included. */
  async function graphProfile(view: ProfileView): Promise<Record<string, unknown>> {
    const { profile, token } = view;
    const png = await profiles.qrPng(view);
    return {
      "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
      id: profile.id,
      accountId: ctx.tenantId,
      displayName: profile.displayName,
      description: profile.description,
      enrollmentMode: profile.enrollmentMode,
      enrollmentTokenType: "default",
      createdDateTime: iso(profile.created),
      lastModifiedDateTime: iso(profile.modified),
      tokenValue: token.tokenValue ?? "",
      tokenCreationDateTime: iso(token.created),
      tokenExpirationDateTime: iso(token.expires),
      enrolledDeviceCount: view.enrolledDeviceCount,
      enrollmentTokenUsageCount: token.usageCount,
      roleScopeTagIds: profile.roleScopeTagIds,
      configureWifi: profile.configureWifi,
      wifiSsid: profile.wifiSsid,
      wifiPassword: profile.wifiPassword,
      wifiSecurityType: profile.wifiSecurityType,
      wifiHidden: profile.wifiHidden,
      isTeamsDeviceProfile: profile.isTeamsDeviceProfile,
      deviceNameTemplate: profile.deviceNameTemplate,
      qrCodeContent: view.qrCodeContent,
      qrCodeImage: { "@odata.type": "microsoft.graph.mimeContent", type: "image/png", value: png.toString("base64") },
    };
  }

  async function entity(id: string): Promise<Record<string, unknown>> {
    return entityEnvelope(ctx.baseUrl(), ENTITY_SET, await graphProfile(profiles.view(profiles.get(id))));
  }

  return async (app) => {
    app.post<{ Body: ProfileInput }>(PROFILES_PATH, { schema: createProfileSchema }, async (request, reply) => {
      const profile = profiles.create(request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}${PROFILES_PATH}/${profile.id}`);
      return entity(profile.id);
    });

    app.get<{ Querystring: { $filter?: string } }>(PROFILES_PATH, { schema: listProfilesSchema }, async (request) => {
      const clauses = parseFilter(request.query.$filter, FILTERABLE);
      const chosen = applyFilter(profiles.list(), clauses, (p, property) => p[property as (typeof FILTERABLE)[number]]);
      // One at a time: a profile whose QR code must be rendered anew lets other requests in first.
      const value: Record<string, unknown>[] = [];
      for (const profile of chosen) value.push(await graphProfile(profiles.view(profile)));
      return listEnvelope(ctx.baseUrl(), ENTITY_SET, value);
    });

    app.get<IdParams>(`${PROFILES_PATH}/:id`, { schema: getProfileSchema }, async (request) => entity(request.params.id));

    app.patch<IdParams & { Body: ProfileInput }>(
      `${PROFILES_PATH}/:id`,
      { schema: patchProfileSchema },
      async (request) => {
        profiles.update(request.params.id, request.body);
        return entity(request.params.id);
      },
    );

    app.delete<IdParams>(`${PROFILES_PATH}/:id`, { schema: deleteProfileSchema }, async (request, reply) => {
      profiles.delete(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: { tokenValidityInSeconds?: number } | null }>(
      `${PROFILES_PATH}/:id/createToken`,
      { schema: createTokenSchema },
      async (request, reply) => {
        profiles.createToken(request.params.id, request.body?.tokenValidityInSeconds);
        return reply.code(204).send();
      },
    );

    app.post<IdParams>(`${PROFILES_PATH}/:id/revokeToken`, { schema: revokeTokenSchema }, async (request, reply) => {
      profiles.revokeToken(request.params.id);
      return reply.code(204).send();
    });
  };
}
