/**
 * Schemas of the directory's navigations Graph serves on a user and a group: the groups an object
 * is a member of (`memberOf`, `transitiveMemberOf`), a group's members at any depth
 * (`transitiveMembers`) and its owners. Each is a list of directoryObjects told apart by
 * @odata.type, paged and queried as the directory's other lists (Entra ID's advanced queries).
 */
import { adminSecurity, errors, idParams, listOf, routeFamily } from "../../http/schemas.js";
import { listQuerystring } from "../../odata/collection.js";
import type { CollectionDef } from "../../odata/model.js";
import { GROUP_MEMBERS, GROUPS } from "./groups.schema.js";
import { userParams } from "./users.schema.js";


/** Groups an object belongs to, as a navigation of `of` named `name`: directoryObjects (each a #microsoft.graph.group). */
function membershipOf(of: "microsoft.graph.user" | "microsoft.graph.group", name: string): CollectionDef {
  return {
    contextPath: "directoryObjects",
    entityType: "microsoft.graph.directoryObject",
    container: { navigationOf: of, name, contained: false },
    declaresType: false,
    directory: true,
    pageSize: 100,
    maxTop: 999,
    properties: GROUPS.properties,
  };
}

export const USER_MEMBER_OF = membershipOf("microsoft.graph.user", "memberOf");
export const USER_TRANSITIVE_MEMBER_OF = membershipOf("microsoft.graph.user", "transitiveMemberOf");
export const GROUP_MEMBER_OF = membershipOf("microsoft.graph.group", "memberOf");
export const GROUP_TRANSITIVE_MEMBER_OF = membershipOf("microsoft.graph.group", "transitiveMemberOf");

/** A group's members and the members of the groups nested in it, each once. */
export const GROUP_TRANSITIVE_MEMBERS: CollectionDef = {
  ...GROUP_MEMBERS,
  container: { navigationOf: "microsoft.graph.group", name: "transitiveMembers", contained: false },
};

const directoryObject = {
  type: "object",
  // Each item has its type's properties (a group's, a user's, a device's).
  additionalProperties: true,
  properties: { "@odata.type": { type: "string" }, id: { type: "string" } },
} as const;

const route = routeFamily("admin: groups", adminSecurity);

/** The list route of a navigation: `summary`, keyed by a user (id or UPN) or a group (object id). */
function navigationList(def: CollectionDef, summary: string, by: "user" | "group") {
  return route({
    summary,
    params: by === "user" ? userParams : idParams,
    querystring: listQuerystring(def),
    response: { 200: listOf(directoryObject), ...errors(400, 401, 404) },
  });
}

export const userMemberOfSchema = navigationList(USER_MEMBER_OF, "The groups a user is a direct member of (each #microsoft.graph.group; OData options)", "user");
export const userTransitiveMemberOfSchema = navigationList(
  USER_TRANSITIVE_MEMBER_OF,
  "The groups a user is a member of, directly or through nested groups (OData options)",
  "user",
);
export const groupMemberOfSchema = navigationList(GROUP_MEMBER_OF, "The groups a group is nested in, directly (OData options)", "group");
export const groupTransitiveMemberOfSchema = navigationList(
  GROUP_TRANSITIVE_MEMBER_OF,
  "The groups a group is nested in, directly or through other groups (OData options)",
  "group",
);
export const groupTransitiveMembersSchema = navigationList(
  GROUP_TRANSITIVE_MEMBERS,
  "A group's members and those of the groups nested in it, at any depth, each once (OData options)",
  "group",
);

