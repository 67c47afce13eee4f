/** /beta/groups: assigned groups and dynamic device groups (Entra membership rules). */
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { badRequest } from "../../http/errors.js";
import { canonicalIds } from "../../http/ids.js";
import { lastKeyOf } from "../../http/graph-url.js";
import { entityEnvelope } from "../../http/odata.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { AOSP_DEVICE_OS_TYPE } from "../../membership-rule/index.js";
import type { GroupInput } from "../../services/groups.js";
import type { Services } from "../../services/index.js";
import { refuseOtherODataType, refuseTypeChange } from "../../services/odata-type.js";
import type { DeviceRecord } from "../../store/devices.js";
import type { GroupRecord, MemberRecord, MemberType } from "../../store/groups.js";
import { START, type Cursor, type Keyed } from "../../store/keyset.js";
import { keysetSegment } from "../../odata/source.js";
import {
  GROUP_MEMBERS,
  GROUPS,
  addMemberSchema,
  createGroupSchema,
  deleteGroupSchema,
  getGroupSchema,
  listGroupsSchema,
  listMembersSchema,
  patchGroupSchema,
  removeMemberSchema,
} from "./groups.schema.js";

type IdParams = { Params: { id: string } };

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

export function groupRoutes(services: Services): FastifyPluginAsync {
  const { groups, ctx } = services;

  function member(memberId: string, type: MemberType): Record<string, unknown> | undefined {
    if (type === "group") {
      const group = ctx.store.groups.get(memberId);
      return group && { "@odata.type": "#microsoft.graph.group", ...graphGroup(group) };
    }
    if (type === "user") {
      const user = ctx.store.users.get(memberId);
      return user && {
        "@odata.type": "#microsoft.graph.user",
        id: user.id,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
      };
    }
    const device = ctx.store.devices.get(memberId);
    return device && graphDirectoryDevice(device);
  }

  return async (app) => {
    app.post<{ Body: GroupInput }>("/beta/groups", { schema: createGroupSchema }, async (request, reply) => {
      // Before, any @odata.type was accepted and ignored.
      refuseOtherODataType(request.body, GROUP_ODATA_TYPE, "a group of groups");
      const group = groups.create(request.body);
      reply.code(201).header("Location", `${ctx.baseUrl()}/beta/groups/${group.id}`);
      return entityEnvelope(ctx.baseUrl(), "groups", graphGroup(group));
    });

    app.get("/beta/groups", { schema: listGroupsSchema }, async (request) =>
      odataList(GROUPS, request, ctx.baseUrl(), groups.list().map(graphGroup)),
    );

    app.get<IdParams>("/beta/groups/:id", { schema: getGroupSchema }, async (request) =>
      odataEntity(GROUPS, request, ctx.baseUrl(), graphGroup(groups.get(request.params.id))),
    );

    app.patch<IdParams & { Body: GroupInput }>("/beta/groups/:id", { schema: patchGroupSchema }, async (request, reply) => {
      refuseTypeChange(request.body, GROUP_ODATA_TYPE, "this group");
      groups.update(request.params.id, request.body);
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
        const ref = request.body["@odata.id"];
        // `.../directoryObjects('{id}')` names the member as `.../directoryObjects/{id}` does.
        const memberId = canonicalIds(lastKeyOf(ref));
        if (memberId === "" || memberId.includes("?")) {
          throw badRequest("@odata.id must end with the member's id, e.g. https://graph.microsoft.com/v1.0/directoryObjects/{id}");
        }
        groups.addMember(request.params.id, groups.directoryMember(memberId));
        return reply.code(204).send();
      },
    );

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
