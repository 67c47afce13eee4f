/**
 * GET /beta/deviceManagement/roleScopeTags and .../{id}: Intune's scope tags, which Graph beta
 * serves as an entity set of deviceManagement (roleScopeTag). The mock simulates no role-based
 * access control, so it has the one tag every tenant has, the built-in Default tag ("The default
 * scope tag is automatically added to all untagged objects that support scope tags", Intune's
 * scope tags page), whose id "0" is what profiles, policies and terms carry in roleScopeTagIds.
 */
import type { FastifyPluginAsync } from "fastify";
import { DEFAULT_SCOPE_TAGS } from "../../services/writes.js";
import { itemNotFound } from "../../http/errors.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import type { Services } from "../../services/index.js";
import { getRoleScopeTagSchema, listRoleScopeTagsSchema, ROLE_SCOPE_TAGS } from "./role-scope-tags.schema.js";

const PATH = "/beta/deviceManagement/roleScopeTags";

/** The built-in Default tag, as Graph's roleScopeTag. */
const DEFAULT_TAG = {
  "@odata.type": "#microsoft.graph.roleScopeTag",
  id: DEFAULT_SCOPE_TAGS[0],
  displayName: "Default",
  description: "",
  isBuiltIn: true,
} as const;

export function roleScopeTagRoutes(services: Services): FastifyPluginAsync {
  const { ctx } = services;
  return async (app) => {
    app.get(PATH, { schema: listRoleScopeTagsSchema }, async (request) => odataList(ROLE_SCOPE_TAGS, request, ctx.baseUrl(), [{ ...DEFAULT_TAG }]));

    app.get<{ Params: { id: string } }>(`${PATH}/:id`, { schema: getRoleScopeTagSchema }, async (request) => {
      if (request.params.id !== DEFAULT_TAG.id) throw itemNotFound("roleScopeTag", request.params.id);
      return odataEntity(ROLE_SCOPE_TAGS, request, ctx.baseUrl(), { ...DEFAULT_TAG });
    });
  };
}
