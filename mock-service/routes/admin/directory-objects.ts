/**
 * /beta/directoryObjects: what `$metadata` declares as the directory's entity set (a member's
 * `@odata.id` points there too): each user, group and enrolled device, with its @odata.type.
 */
import type { FastifyPluginAsync } from "fastify";
import { itemNotFound } from "../../http/errors.js";
import { refuseMalformedObjectId } from "../../http/ids.js";
import type { GroupRecord } from "../../store/groups.js";
import { START, type Cursor } from "../../store/keyset.js";
import type { UserRecord } from "../../store/users.js";
import { keysetSegment } from "../../odata/source.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import type { Services } from "../../services/index.js";
import { DIRECTORY_OBJECTS, getDirectoryObjectSchema, listDirectoryObjectsSchema } from "./directory-objects.schema.js";
import { directoryDeviceSegment } from "./devices.js";
import { graphDirectoryDevice, graphGroup } from "./groups.js";
import { graphUser } from "./users.js";

/** The routes of /beta/directoryObjects and /beta/directoryObjects/{id}. */
export function directoryObjectRoutes(services: Services): FastifyPluginAsync {
  const { ctx } = services;
  const user = (record: Parameters<typeof graphUser>[0]) => ({ "@odata.type": "#microsoft.graph.user", ...graphUser(record) });
  const group = (record: Parameters<typeof graphGroup>[0]) => ({ "@odata.type": "#microsoft.graph.group", ...graphGroup(record) });

  /** The directory object with this id, whichever its type. */
  function find(id: string): Record<string, unknown> {
    const asUser = ctx.store.users.get(id);
    if (asUser) return user(asUser);
    const asGroup = ctx.store.groups.get(id);
    if (asGroup) return group(asGroup);
    const device = services.devices.byDirectoryId(id);
    if (device) return graphDirectoryDevice(device);
    throw itemNotFound("directoryObject", id);
  }

  return async (app) => {
    app.addHook("preHandler", refuseMalformedObjectId);

    // Users, then groups, then devices, each in its own list order: a stable order to page in.
    app.get("/beta/directoryObjects", { schema: listDirectoryObjectsSchema }, async (request) => {
      const { users, groups, devices } = ctx.store;
      const segments = [
        keysetSegment<UserRecord, Cursor>({ at: (id) => users.at(id), from: (cursor, limit) => users.from(cursor ?? START, limit), item: user }),
        keysetSegment<GroupRecord, Cursor>({ at: (id) => groups.at(id), from: (cursor, limit) => groups.from(cursor ?? START, limit), item: group }),
        directoryDeviceSegment(devices),
      ];
      return odataList(DIRECTORY_OBJECTS, request, ctx.baseUrl(), [], {
        source: { segments, count: () => users.count() + groups.count() + devices.countVisible() },
      });
    });

    app.get<{ Params: { id: string } }>("/beta/directoryObjects/:id", { schema: getDirectoryObjectSchema }, async (request) =>
      odataEntity(DIRECTORY_OBJECTS, request, ctx.baseUrl(), find(request.params.id)),
    );
  };
}
