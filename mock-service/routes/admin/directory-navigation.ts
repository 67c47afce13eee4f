/**
 * The directory's navigations on a user and a group, as Graph serves them: `memberOf` and
 * `transitiveMemberOf` (the groups an object belongs to, directly or through nested groups),
 * `transitiveMembers` (a group's members at any depth). Each list is read whole from the store
 * (an object belongs to few groups), then paged and queried as the other directory lists.
 */
import type { FastifyPluginAsync } from "fastify";
import { refuseMalformedObjectId } from "../../http/ids.js";
import { odataList } from "../../odata/collection.js";
import type { Services } from "../../services/index.js";
import type { GroupRecord } from "../../store/groups.js";
import {
  GROUP_MEMBER_OF,
  GROUP_TRANSITIVE_MEMBER_OF,
  GROUP_TRANSITIVE_MEMBERS,
  USER_MEMBER_OF,
  USER_TRANSITIVE_MEMBER_OF,
  groupMemberOfSchema,
  groupTransitiveMemberOfSchema,
  groupTransitiveMembersSchema,
  userMemberOfSchema,
  userTransitiveMemberOfSchema,
} from "./directory-navigation.schema.js";
import { graphGroup, graphMember } from "./groups.js";

type IdParams = { Params: { id: string } };

/** A group as a membership list shows it: a directoryObject of type group. */
const asDirectoryObject = (group: GroupRecord) => ({ "@odata.type": "#microsoft.graph.group", ...graphGroup(group) });

export function directoryNavigationRoutes(services: Services): FastifyPluginAsync {
  const { ctx, users, groups } = services;
  const store = ctx.store.groups;

  return async (app) => {
    // Users: keyed by id or user principal name, as /users/{id} is.
    app.get<IdParams>("/beta/users/:id/memberOf", { schema: userMemberOfSchema }, async (request) => {
      const user = users.get(request.params.id);
      return odataList(USER_MEMBER_OF, request, ctx.baseUrl(), () => store.groupsOf(user.id).map(asDirectoryObject));
    });
    app.get<IdParams>("/beta/users/:id/transitiveMemberOf", { schema: userTransitiveMemberOfSchema }, async (request) => {
      const user = users.get(request.params.id);
      return odataList(USER_TRANSITIVE_MEMBER_OF, request, ctx.baseUrl(), () => store.transitiveGroupsOf(user.id).map(asDirectoryObject));
    });

    // Groups: keyed by object id, whose syntax Entra ID checks first (as /groups/{id}).
    await app.register(async (groupRoutes) => {
      groupRoutes.addHook("preHandler", refuseMalformedObjectId);
      groupRoutes.get<IdParams>("/beta/groups/:id/memberOf", { schema: groupMemberOfSchema }, async (request) => {
        const group = groups.get(request.params.id);
        return odataList(GROUP_MEMBER_OF, request, ctx.baseUrl(), () => store.groupsOf(group.id).map(asDirectoryObject));
      });
      groupRoutes.get<IdParams>("/beta/groups/:id/transitiveMemberOf", { schema: groupTransitiveMemberOfSchema }, async (request) => {
        const group = groups.get(request.params.id);
        return odataList(GROUP_TRANSITIVE_MEMBER_OF, request, ctx.baseUrl(), () =>
          store.transitiveGroupsOf(group.id).filter((outer) => outer.id !== group.id).map(asDirectoryObject),
        );
      });
      groupRoutes.get<IdParams>("/beta/groups/:id/transitiveMembers", { schema: groupTransitiveMembersSchema }, async (request) => {
        const group = groups.get(request.params.id);
        return odataList(GROUP_TRANSITIVE_MEMBERS, request, ctx.baseUrl(), () =>
          store.transitiveMembers(group.id).flatMap((m) => {
            const item = graphMember(ctx.store, m.memberId, m.memberType);
            return item ? [item] : [];
          }),
        );
      });
    });
  };
}
