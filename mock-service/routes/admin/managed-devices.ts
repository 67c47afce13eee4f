/** /beta/deviceManagement/managedDevices: enrolled devices, their apps, wipe and delete. */
import { createHash } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { complianceStateOf } from "../../domain/aosp-policies.js";
import { reportedFacts, type ReportedSettings } from "../../domain/reported-facts.js";
import { AOSP_DEVICE_OS_TYPE } from "../../membership-rule/index.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { requiredEquality } from "../../odata/filter-eval.js";
import { keysetSegment } from "../../odata/source.js";
import { isManagedPackage, PACKAGE_LABELS } from "../../packages/catalog.js";
import type { Services } from "../../services/index.js";
import { USERLESS } from "../../services/profiles.js";
import type { ActionRecord, ActionStatus, DeviceLookup, DeviceView } from "../../store/devices.js";
import { createdAfter, START, type Cursor } from "../../store/keyset.js";
import type { ComplianceSettings } from "../../store/tenant.js";
import {
  ACTION_STATE_VALUES,
  DETECTED_APPS,
  MANAGED_DEVICES,
  deleteDeviceSchema,
  detectedAppsSchema,
  getDeviceSchema,
  listDevicesSchema,
  wipeDeviceSchema,
} from "./managed-devices.schema.js";

const PATH = "/beta/deviceManagement/managedDevices";

/**
 * The properties admin scripts look a device up by (`$filter=serialNumber eq '...'`), each with
 * what the store finds it by through an index.
 */
const LOOKUPS: Readonly<Record<string, DeviceLookup>> = {
  id: "id",
  serialNumber: "serialNumber",
  deviceName: "deviceName",
  managedDeviceName: "deviceName",
  azureADDeviceId: "azureADDeviceId",
  userId: "userId",
  userPrincipalName: "userPrincipalName",
  emailAddress: "userPrincipalName",
};

type IdParams = { Params: { id: string } };

/** Graph's actionState for each state of a queued action: the device acknowledging it makes it active. */
const ACTION_STATES: Record<ActionStatus, (typeof ACTION_STATE_VALUES)[number]> = {
  pending: "pending",
  started: "active",
  completed: "done",
  failed: "failed",
};

/** A queued action as Graph's deviceActionResult: its name is the action's (wipe, delete). */
function deviceActionResult(action: ActionRecord): Record<string, unknown> {
  return {
    actionName: action.type,
    actionState: ACTION_STATES[action.status],
    startDateTime: iso(action.requested),
    lastUpdatedDateTime: iso(action.updated),
  };
}

/** What Intune answers for complianceGracePeriodExpirationDateTime when no grace period runs. */
const NO_GRACE_PERIOD = "9999-12-31T23:59:59Z";

/**
 * A device as Graph's managedDevice, with the results of the actions asked of it and what its
 * compliance reports say about it.
 */
export function graphManagedDevice(
  device: DeviceView,
  actions: readonly ActionRecord[],
  compliance: ComplianceSettings,
  now: number,
  reports: readonly ReportedSettings[],
): Record<string, unknown> {
  const upn = device.userPrincipalName ?? "";
  const graceEnds = device.compliance?.state === "noncompliant" ? device.compliance.graceEnds : null;
  return {
    "@odata.type": "#microsoft.graph.managedDevice",
    id: device.id,
    userId: device.userId ?? "",
    deviceName: device.deviceName,
    managedDeviceName: device.deviceName,
    serialNumber: device.serialNumber,
    model: device.model,
    manufacturer: device.manufacturer,
    operatingSystem: AOSP_DEVICE_OS_TYPE,
    osVersion: device.osVersion,
    userPrincipalName: upn,
    userDisplayName: device.userDisplayName ?? "",
    emailAddress: upn,
    enrollmentProfileName: device.enrollmentProfileName,
    deviceEnrollmentType:
      device.enrollmentMode === USERLESS ? "androidAOSPUserlessDeviceEnrollment" : "androidAOSPUserOwnedDeviceEnrollment",
    managementAgent: "intuneAosp",
    managementState: device.managementState,
    managedDeviceOwnerType: "company",
    ownerType: "company",
    complianceState: complianceStateOf(device, compliance, now),
    complianceGracePeriodExpirationDateTime: graceEnds === null ? NO_GRACE_PERIOD : iso(graceEnds),
    azureADDeviceId: device.azureADDeviceId,
    azureADRegistered: true,
    deviceRegistrationState: "registered",
    enrolledDateTime: iso(device.enrolled),
    lastSyncDateTime: iso(device.lastSync),
    ...reportedFacts(reports),
    deviceActionResults: actions.map(deviceActionResult),
  };
}

export function managedDeviceRoutes(services: Services): FastifyPluginAsync {
  const { devices, ctx } = services;

  // The tenant's compliance settings are read once a request: a list's devices all follow them.
  const graphing = () => {
    const compliance = ctx.store.tenant.complianceSettings();
    const now = ctx.now();
    return (device: DeviceView) =>
      graphManagedDevice(device, ctx.store.devices.actionsOf(device.id), compliance, now, [...ctx.store.policies.statesOfDevice(device.id).values()]);
  };

  return async (app) => {
    app.get(PATH, { schema: listDevicesSchema }, async (request) => {
      const graph = graphing();
      const { devices: store } = ctx.store;
      const segment = keysetSegment<DeviceView, Cursor>({
        at: (id) => store.visibleAt(id),
        // A device deleted since the last page keeps its row: the next page starts after it.
        place: (id) => store.placeOf(id),
        from: (cursor, limit) => store.visibleFrom(cursor ?? START, limit),
        createdAfter,
        item: graph,
      });
      return odataList(MANAGED_DEVICES, request, ctx.baseUrl(), [], {
        source: {
          segments: [segment],
          count: () => store.countVisible(),
          narrow: (filter) => {
            const term = requiredEquality(MANAGED_DEVICES, filter, Object.keys(LOOKUPS));
            if (!term || !term.values.every((value): value is string => typeof value === "string" && value !== "")) return undefined;
            return store.visibleMatching(LOOKUPS[term.property]!, term.values).map(graph);
          },
        },
      });
    });

    app.get<IdParams>(`${PATH}/:id`, { schema: getDeviceSchema }, async (request) =>
      odataEntity(MANAGED_DEVICES, request, ctx.baseUrl(), graphing()(devices.visible(request.params.id))),
    );

    app.post<IdParams>(`${PATH}/:id/wipe`, { schema: wipeDeviceSchema }, async (request, reply) => {
      devices.wipe(request.params.id);
      return reply.code(204).send();
    });

    app.delete<IdParams>(`${PATH}/:id`, { schema: deleteDeviceSchema }, async (request, reply) => {
      devices.delete(request.params.id);
      return reply.code(204).send();
    });

    app.get<IdParams>(`${PATH}/:id/detectedApps`, { schema: detectedAppsSchema }, async (request) => {
      const device = devices.visible(request.params.id);
      const apps = ctx.store.devices.apps(device.id).map((app) => ({
        // Graph's detectedApp id identifies the app and version across devices.
        id: createHash("sha256").update(`${app.packageName}@${app.versionName}`).digest("hex").slice(0, 44),
        displayName: isManagedPackage(app.packageName) ? PACKAGE_LABELS[app.packageName] : app.packageName,
        version: app.versionName,
        sizeInByte: 0,
        deviceCount: 1,
        publisher: isManagedPackage(app.packageName) ? "Microsoft Corporation" : null,
        platform: "androidOSP",
      }));
      return odataList(DETECTED_APPS, request, ctx.baseUrl(), apps, {
        contextPath: `${MANAGED_DEVICES.contextPath}('${device.id}')/detectedApps`,
      });
    });
  };
}
