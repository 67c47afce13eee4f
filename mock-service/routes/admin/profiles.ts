/**
 * /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles: Graph beta's enrollment
 * profiles, restricted to the two AOSP enrollment modes.
 */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { entityEnvelope, refuseReadOnlyChanges } from "../../http/odata.js";
import { odataEntity, odataList, selectedProperties } from "../../odata/collection.js";
import { wifiLeftOut } from "../../domain/wifi-left-out.js";
import type { Services } from "../../services/index.js";
import { refuseOtherODataType, refuseTypeChange } from "../../services/odata-type.js";
import type { ProfileView, ProfileWrite } from "../../services/profiles.js";
import {
  ENROLLMENT_PROFILES,
  PROFILE_READ_ONLY,
  createProfileSchema,
  createTokenSchema,
  deleteProfileSchema,
  getProfileSchema,
  listProfilesSchema,
  patchProfileSchema,
  revokeTokenSchema,
} from "./profiles.schema.js";
import { addWarningHeaders } from "./warning-header.js";

export const PROFILES_PATH = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";

type IdParams = { Params: { id: string } };

/** The entity set's type: the only one a create or a PATCH may name. */
const PROFILE_ODATA_TYPE = "#microsoft.graph.androidDeviceOwnerEnrollmentProfile";

function warnings(warning: string | null): string[] {
  return warning === null ? [] : [warning];
}

export function profileRoutes(services: Services): FastifyPluginAsync {
  const { profiles, ctx } = services;

  /** The Graph shape of a profile without its QR image (costly to render: see withImage). */
  function graphProfile(view: ProfileView): Record<string, unknown> {
    const { profile, token } = view;
    return {
      "@odata.type": PROFILE_ODATA_TYPE,
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
    };
  }

  /** Adds qrCodeImage, rendering the QR code only when the answer includes it. */
  async function withImage(view: ProfileView, selected?: ReadonlySet<string>): Promise<Record<string, unknown>> {
    const graph = graphProfile(view);
    if (selected && !selected.has("qrCodeImage")) return graph;
    const png = await profiles.qrPng(view);
    return { ...graph, qrCodeImage: { "@odata.type": "microsoft.graph.mimeContent", type: "image/png", value: png.toString("base64") } };
  }

  async function entity(id: string): Promise<Record<string, unknown>> {
    return entityEnvelope(ctx.baseUrl(), ENROLLMENT_PROFILES.contextPath, await withImage(profiles.view(profiles.get(id))));
  }

  return async (app) => {
    app.post<{ Body: ProfileWrite }>(PROFILES_PATH, { schema: createProfileSchema }, async (request, reply) => {
      // Another type named is another entity, never a profile (before, created as a profile anyway).
      refuseOtherODataType(request.body, PROFILE_ODATA_TYPE, "a profile of androidDeviceOwnerEnrollmentProfiles");
      const profile = profiles.create(request.body);
      addWarningHeaders(reply, warnings(wifiLeftOut(request.body, profile)));
      reply.code(201).header("Location", `${ctx.baseUrl()}${PROFILES_PATH}/${profile.id}`);
      return entity(profile.id);
    });

    app.get(PROFILES_PATH, { schema: listProfilesSchema }, async (request) => {
      const views = new Map(profiles.list().map((profile) => [profile.id, profiles.view(profile)]));
      return odataList(ENROLLMENT_PROFILES, request, ctx.baseUrl(), [...views.values()].map(graphProfile), {
        render: (item, selected) => withImage(views.get(String(item["id"]))!, selected),
      });
    });

    app.get<IdParams>(`${PROFILES_PATH}/:id`, { schema: getProfileSchema }, async (request) => {
      const view = profiles.view(profiles.get(request.params.id));
      const selected = selectedProperties(ENROLLMENT_PROFILES, request);
      return odataEntity(ENROLLMENT_PROFILES, request, ctx.baseUrl(), await withImage(view, selected));
    });

    app.patch<IdParams & { Body: ProfileWrite }>(
      `${PROFILES_PATH}/:id`,
      { schema: patchProfileSchema },
      async (request, reply) => {
        const view = profiles.view(profiles.get(request.params.id));
        // The QR image is rendered only to compare one sent back.
        const current = await withImage(view, Object.hasOwn(request.body, "qrCodeImage") ? undefined : new Set());
        const ignored = refuseReadOnlyChanges(request.body, current, PROFILE_READ_ONLY);
        // Another type named is another entity, not this one changed (before, accepted and ignored).
        refuseTypeChange(request.body, PROFILE_ODATA_TYPE, "this profile");
        const updated = profiles.update(request.params.id, request.body);
        addWarningHeaders(reply, [...ignored, ...warnings(wifiLeftOut(request.body, updated))]);
        return entity(request.params.id);
      },
    );

    app.delete<IdParams>(`${PROFILES_PATH}/:id`, { schema: deleteProfileSchema }, async (request, reply) => {
      profiles.delete(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams & { Body: { tokenValidityInSeconds?: number | null } | null }>(
      `${PROFILES_PATH}/:id/createToken`,
      { schema: createTokenSchema },
      async (request, reply) => {
        profiles.createToken(request.params.id, request.body?.tokenValidityInSeconds ?? undefined);
        return reply.code(204).send();
      },
    );

    app.post<IdParams>(`${PROFILES_PATH}/:id/revokeToken`, { schema: revokeTokenSchema }, async (request, reply) => {
      profiles.revokeToken(request.params.id);
      return reply.code(204).send();
    });
  };
}
