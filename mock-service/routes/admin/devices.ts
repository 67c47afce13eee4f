/**
 * /beta/devices: the directory's device objects (Entra ID's `device`), one per enrolled device,
 * with its own object id as `id` and the managed device's azureADDeviceId as `deviceId`. The same
 * objects directoryObjects lists after its users and groups.
 */
import type { FastifyPluginAsync } from "fastify";
import { itemNotFound } from "../../http/errors.js";
import { requiredEquality } from "../../odata/filter-eval.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { keysetSegment, type Segment } from "../../odata/source.js";
import type { Services } from "../../services/index.js";
import type { DeviceStore, DeviceView } from "../../store/devices.js";
import { START, type Cursor } from "../../store/keyset.js";
import { DIRECTORY_DEVICES, getDirectoryDeviceSchema, listDirectoryDevicesSchema } from "./devices.schema.js";
import { graphDirectoryDevice } from "./groups.js";

/** How graph-url.ts writes the alternate key `devices(deviceId='{deviceId}')` as the `{id}` segment. */
const DEVICE_ID_KEY = "deviceId=";

/** The listed devices' directory objects in list order, a `$skiptoken` naming one by its object id. */
export function directoryDeviceSegment(devices: DeviceStore, item: (device: DeviceView) => Record<string, unknown> = graphDirectoryDevice): Segment {
  return keysetSegment<DeviceView, Cursor>({
    at: (id) => {
      const deviceId = devices.idOfDirectoryObject(id);
      return deviceId === undefined ? undefined : devices.visibleAt(deviceId);
    },
    from: (cursor, limit) => devices.visibleFrom(cursor ?? START, limit),
    item,
  });
}

/** A device object as /beta/devices shows it: the set's own type, so no `@odata.type` (directoryObjects mixes types and has it). */
function graphDevice(device: DeviceView): Record<string, unknown> {
  const { "@odata.type": _type, ...properties } = graphDirectoryDevice(device);
  return properties;
}

/** The routes of /beta/devices and /beta/devices/{id}. */
export function directoryDeviceRoutes(services: Services): FastifyPluginAsync {
  const { ctx, devices: deviceService } = services;
  return async (app) => {
    app.get("/beta/devices", { schema: listDirectoryDevicesSchema }, async (request) => {
      const { devices } = ctx.store;
      return odataList(DIRECTORY_DEVICES, request, ctx.baseUrl(), [], {
        source: {
          segments: [directoryDeviceSegment(devices, graphDevice)],
          count: () => devices.countVisible(),
          // `deviceId eq '{azureADDeviceId}'`, a script's way from a managed device to its object, reads the index.
          narrow: (filter) => {
            const term = requiredEquality(DIRECTORY_DEVICES, filter, ["deviceId"]);
            if (!term || !term.values.every((value): value is string => typeof value === "string" && value !== "")) return undefined;
            return devices.visibleMatching("azureADDeviceId", term.values).map(graphDevice);
          },
        },
      });
    });

    /**
     * The device object `/devices/{id}` names: by its object id, or, as `/devices(deviceId='{deviceId}')`
     * (graph-url.ts brings it here as `deviceId={deviceId}`), by the alternate key Graph declares.
     */
    const deviceNamed = (key: string): DeviceView => {
      const alternate = key.startsWith(DEVICE_ID_KEY) ? key.slice(DEVICE_ID_KEY.length) : undefined;
      const device = alternate === undefined ? deviceService.byDirectoryId(key) : ctx.store.devices.visibleMatching("azureADDeviceId", [alternate])[0];
      if (!device) throw itemNotFound("device", alternate ?? key);
      return device;
    };

    app.get<{ Params: { id: string } }>("/beta/devices/:id", { schema: getDirectoryDeviceSchema }, async (request) =>
      odataEntity(DIRECTORY_DEVICES, request, ctx.baseUrl(), graphDevice(deviceNamed(request.params.id))),
    );
  };
}
