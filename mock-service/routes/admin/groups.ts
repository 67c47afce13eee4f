/** /beta/groups: assigned groups and dynamic device groups (Entra membership rules). */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { badRequest, itemNotFound } from "../../http/errors.js";
import { canonicalIds, refuseMalformedObjectId } from "../../http/ids.js";
import { lastKeyOf } from "../../http/graph-url.js";
import { entityEnvelope } from "../../http/odata.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { AOSP_DEVICE_OS_TYPE } from "../../membership-rule/index.js";
import type { GroupInput } from "../../services/groups.js";
import type { Services } from "../../services/index.js";
import { refuseOtherODataType, refuseTypeChange } from "../../services/odata-type.js";
import type { DeviceRecord } from "../../store/devices.js";
import type { Store } from "../../store/index.js";
import type { GroupRecord, MemberRecord, MemberType } from "../../store/groups.js";
import { START, type Cursor, type Keyed } from "../../store/keyset.js";
import { keysetSegment } from "../../odata/source.js";
import {
  GROUP_MEMBERS,
  GROUP_OWNERS,
  GROUPS,
  addMemberSchema,
  addOwnerSchema,
  listOwnersSchema,
  createGroupSchema,
  deleteGroupSchema,
  getGroupSchema,
  listGroupsSchema,
  listMembersSchema,
  patchGroupSchema,
  removeMemberSchema,
} from "./groups.schema.js";

type IdParams = { Params: { id: string } };

/** A create's or PATCH's body: the group's properties, and members and owners named by URL. */
type GroupBody = GroupInput & { "members@odata.bind"?: string[]; "owners@odata.bind"?: string[] };

/** Graph's *Add members*: "you can add up to only 20 members" in one request; owners likewise. */
const MAX_BOUND = 20;

/**
 * The id a reference names: the key its URL ends with, in any of Graph's forms
 * (`https://graph.microsoft.com/v1.0/directoryObjects/{id}`, `.../beta/users/{id}`,
 * `directoryObjects('{id}')`, or relative); `where` and `noun` word the refusal of one without an id.
 */
function referencedId(ref: string, where: string, noun: string): string {
  // `.../directoryObjects('{id}')` names the member as `.../directoryObjects/{id}` does.
  const id = canonicalIds(lastKeyOf(ref));
  if (id === "" || id.includes("?")) {
    throw badRequest(`${where} must end with the ${noun}'s id, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}`);
  }
  return id;
}

/** The ids a `...@odata.bind` list names, at most MAX_BOUND of them. */
function boundIds(body: GroupBody, name: "members@odata.bind" | "owners@odata.bind", noun: string): string[] {
  const refs = body[name] ?? [];
  if (refs.length > MAX_BOUND) {
    throw badRequest(`${name} names ${refs.length} objects; Graph adds up to ${MAX_BOUND} in one request: send the rest in another PATCH /beta/groups/{id}`);
  }
  return refs.map((ref, i) => referencedId(ref, `${name}[${i}]`, noun));
}

/** The groups set's type: the only one a create or a PATCH may name. */
const GROUP_ODATA_TYPE = "#microsoft.graph.group";

/** Graph's shape of a group. */
export function graphGroup(group: GroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    description: group.description,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname,
    securityEnabled: group.securityEnabled,
    groupTypes: group.groupTypes,
    membershipRule: group.membershipRule,
    membershipRuleProcessingState: group.membershipRuleProcessingState,
    createdDateTime: iso(group.created),
  };
}

/**
 * A managed device as the directory object Entra ID keeps for it (a group member, a
 * directoryObjects item): its own object id, and the Entra device id (the managed device's
 * azureADDeviceId) as deviceId; the managed device's id is neither.
 */
export function graphDirectoryDevice(device: DeviceRecord): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.device",
    id: device.directoryId,
    displayName: device.deviceName,
    deviceId: device.azureADDeviceId,
    operatingSystem: AOSP_DEVICE_OS_TYPE,
    operatingSystemVersion: device.osVersion,
    model: device.model,
    manufacturer: device.manufacturer,
  };
}

/**
 * A group's member as a members list shows it (stored member id and type), with its @odata.type;
 * undefined when its user, group or device is gone.
 */
export function graphMember(store: Store, memberId: string, type: MemberType): Record<string, unknown> | undefined {
  if (type === "group") {
    const group = store.groups.get(memberId);
    return group && { "@odata.type": "#microsoft.graph.group", ...graphGroup(group) };
  }
  if (type === "user") {
    const user = store.users.get(memberId);
    return user && {
      "@odata.type": "#microsoft.graph.user",
      id: user.id,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
    };
  }
  const device = store.devices.get(memberId);
  return device && graphDirectoryDevice(device);
}

export function groupRoutes(services: Services): FastifyPluginAsync {
  const { groups, ctx } = services;
  const member = (memberId: string, type: MemberType) => graphMember(ctx.store, memberId, type);

  return async (app) => {
    app.addHook("preHandler", refuseMalformedObjectId);

    /**
     * The members a body binds (stored member ids; 404 for an id no object has), and the owners
     * it names: each must be a user (Graph's owners of a security group are users).
     */
    function bound(body: GroupBody): { members: string[]; owners: string[] } {
      const members = boundIds(body, "members@odata.bind", "member").map((id) => groups.directoryMember(id));
      const owners = boundIds(body, "owners@odata.bind", "owner");
      for (const id of owners) if (!ctx.store.users.get(id)) throw itemNotFound("user", id);
      return { members, owners };
    }
    const keepOwners = (groupId: string, owners: readonly string[]) => {
      for (const id of owners) ctx.store.groups.addOwner(groupId, id, ctx.now());
    };

    app.post<{ Body: GroupBody }>("/beta/groups", { schema: createGroupSchema }, async (request, reply) => {
      // Before, any @odata.type was accepted and ignored.
      refuseOtherODataType(request.body, GROUP_ODATA_TYPE, "a group of groups");
      const { members, owners } = bound(request.body);
      const group = groups.create(request.body, members);
      keepOwners(group.id, owners);
      reply.code(201).header("Location", `${ctx.baseUrl()}/beta/groups/${group.id}`);
      return entityEnvelope(ctx.baseUrl(), "groups", graphGroup(group));
    });

    app.get("/beta/groups", { schema: listGroupsSchema }, async (request) =>
      odataList(GROUPS, request, ctx.baseUrl(), groups.list().map(graphGroup)),
    );

    app.get<IdParams>("/beta/groups/:id", { schema: getGroupSchema }, async (request) =>
      odataEntity(GROUPS, request, ctx.baseUrl(), graphGroup(groups.get(request.params.id))),
    );

    app.patch<IdParams & { Body: GroupBody }>("/beta/groups/:id", { schema: patchGroupSchema }, async (request, reply) => {
      refuseTypeChange(request.body, GROUP_ODATA_TYPE, "this group");
      groups.get(request.params.id);
      const { members, owners } = bound(request.body);
      groups.update(request.params.id, request.body, members);
      keepOwners(request.params.id, owners);
      return reply.code(204).send();
    });

    app.delete<IdParams>("/beta/groups/:id", { schema: deleteGroupSchema }, async (request, reply) => {
      groups.delete(request.params.id);
      return reply.code(204).send();
    });

    app.get<IdParams>("/beta/groups/:id/members", { schema: listMembersSchema }, async (request) => {
      const groupId = groups.get(request.params.id).id;
      const store = ctx.store.groups;
      const item = (m: MemberRecord) => member(m.memberId, m.memberType);
      // A member whose user or device is gone is not listed: the walk does not stand on it.
      const listed = (found: Keyed<MemberRecord> | undefined) => (found && item(found.record) ? found : undefined);
      const segment = keysetSegment<MemberRecord, Cursor>({
        // A page starts after the item a skiptoken names by the id the list shows (a device's object id).
        at: (memberId) => listed(store.memberAt(groupId, groups.storedMemberId(memberId))),
        from: (cursor, limit) => store.membersFrom(groupId, cursor ?? START, limit),
        item,
      });
      return odataList(GROUP_MEMBERS, request, ctx.baseUrl(), [], { source: { segments: [segment], count: () => store.countMembers(groupId) } });
    });

    app.post<IdParams & { Body: { "@odata.id": string } }>(
      "/beta/groups/:id/members/$ref",
      { schema: addMemberSchema },
      async (request, reply) => {
        const memberId = referencedId(request.body["@odata.id"], "@odata.id", "member");
        groups.addMember(request.params.id, groups.directoryMember(memberId));
        return reply.code(204).send();
      },
    );

    app.get<IdParams>("/beta/groups/:id/owners", { schema: listOwnersSchema }, async (request) => {
      const groupId = groups.get(request.params.id).id;
      return odataList(GROUP_OWNERS, request, ctx.baseUrl(), () =>
        ctx.store.groups.owners(groupId).flatMap((id) => {
          const owner = member(id, "user");
          return owner ? [owner] : [];
        }),
      );
    });

    app.post<IdParams & { Body: { "@odata.id": string } }>("/beta/groups/:id/owners/$ref", { schema: addOwnerSchema }, async (request, reply) => {
      const groupId = groups.get(request.params.id).id;
      const ownerId = referencedId(request.body["@odata.id"], "@odata.id", "owner");
      if (!ctx.store.users.get(ownerId)) throw itemNotFound("user", ownerId);
      if (ctx.store.groups.isOwner(groupId, ownerId)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
      }
      ctx.store.groups.addOwner(groupId, ownerId, ctx.now());
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string; memberId: string } }>(
      "/beta/groups/:id/members/:memberId/$ref",
      { schema: removeMemberSchema },
      async (request, reply) => {
        groups.removeMember(request.params.id, groups.directoryMember(request.params.memberId));
        return reply.code(204).send();
      },
    );
  };
}
