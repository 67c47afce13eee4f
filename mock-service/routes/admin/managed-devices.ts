/** /beta/deviceManagement/managedDevices: enrolled devices, their apps, wipe and delete. */
import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { FastifyPluginAsync } from "fastify";
import { iso } from "../../context.js";
import { ApiError } from "../../http/errors.js";
import { complianceStateOf } from "../../domain/aosp-policies.js";
import { reportedFacts, type ReportedSettings } from "../../domain/reported-facts.js";
import { AOSP_DEVICE_OS_TYPE } from "../../membership-rule/index.js";
import { odataEntity, odataList } from "../../odata/collection.js";
import { requiredEquality } from "../../odata/filter-eval.js";
import { parseExpand } from "../../odata/expand.js";
import { keysetSegment } from "../../odata/source.js";
import { isManagedPackage, PACKAGE_LABELS } from "../../packages/catalog.js";
import type { Services } from "../../services/index.js";
import { USERLESS } from "../../services/profiles.js";
import type { SqlColumn, SqlColumns } from "../../odata/sql.js";
import { DEVICE_SQL, type ActionRecord, type ActionStatus, type DeviceLookup, type DeviceStore, type DeviceView } from "../../store/devices.js";
import { createdAfter, START, type Cursor } from "../../store/keyset.js";
import type { ComplianceSettings } from "../../store/tenant.js";
import {
  ACTION_STATE_VALUES,
  DETECTED_APPS,
  MANAGED_DEVICES,
  deleteDeviceSchema,
  DEVICE_EXPANDABLE,
  detectedAppsSchema,
  getDeviceSchema,
  listDevicesSchema,
  listUserDevicesSchema,
  rebootNowSchema,
  remoteLockSchema,
  resetPasscodeSchema,
  unsupportedActionSchema,
  USER_MANAGED_DEVICES,
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

/** The rows a filtered count reads at a time (a few milliseconds of SQLite's work). */
const COUNT_SPAN = 2048;

type IdParams = { Params: { id: string } };

/** Graph's actionState for each state of a queued action: the device acknowledging it makes it active. */
const ACTION_STATES: Record<ActionStatus, (typeof ACTION_STATE_VALUES)[number]> = {
  pending: "pending",
  started: "active",
  completed: "done",
  failed: "failed",
  canceled: "canceled",
};

/**
 * A queued action as Graph's deviceActionResult: its name is the action's (wipe, rebootNow,
 * resetPasscode, remoteLock). A passcode reset is Graph's resetPasscodeActionResult, with the new passcode
 * the admin hands the user (Intune's Reset passcode page: "A new passcode is presented to the admin").
 */
function deviceActionResult(action: ActionRecord): Record<string, unknown> {
  const result = {
    actionName: action.type,
    actionState: ACTION_STATES[action.status],
    startDateTime: iso(action.requested),
    lastUpdatedDateTime: iso(action.updated),
  };
  if (action.type !== "resetPasscode") return result;
  return { "@odata.type": "#microsoft.graph.resetPasscodeActionResult", ...result, passcode: action.passcode, errorCode: 0 };
}

/**
 * The Intune actions Graph binds to managedDevice that an Android (AOSP) device does not take,
 * with the source that says so. Intune answers such a request 400 BadRequest whose message is its
 * own error document serialized ("_version": 3, "Message": "An error has occurred - Operation ID
 * ...", as reported in microsoftgraph/microsoft-graph-docs-contrib#4523 for remoteLock on a
 * Windows device and #3433 for shutDown); the mock answers the same shape, with what it knows in
 * CustomApiErrorPhrase (which Intune leaves empty).
 */
const UNSUPPORTED_ACTIONS: Readonly<Record<string, string>> = {
  retire:
    "Android (AOSP) enrollments do not support Retire: deleting an AOSP device makes Intune wipe it (Intune's Wipe page, Delete devices); " +
    "the seed lists wipe and delete as the remote actions of AOSP devices",
  syncDevice:
    "Intune's Sync page lists Android device administrator and Android Enterprise, not Android (AOSP), and the seed lists wipe and delete only; " +
    "an AOSP device checks in on its own schedule (every 3 minutes for 15 minutes, every 15 minutes for 2 hours, then about every 8 hours)",
  shutDown: "Intune's Shut down page lists iOS/iPadOS 10.3 and later and macOS 10.13 and later only; rebootNow restarts an AOSP device",
};

/** Intune's refusal of an action the device's platform does not take (see UNSUPPORTED_ACTIONS). */
function unsupportedAction(baseUrl: string, requestId: string, deviceId: string, action: string): ApiError {
  const document = {
    _version: 3,
    Message:
      "An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - " +
      `Activity ID: ${requestId} - Url: ${baseUrl}${PATH}('${deviceId}')/${action}`,
    CustomApiErrorPhrase: `${action} is not supported on Android (AOSP) devices: ${UNSUPPORTED_ACTIONS[action]}. They take wipe, rebootNow, resetPasscode, remoteLock and delete`,
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  return new ApiError(400, "BadRequest", JSON.stringify(document, null, 2).replace(/\n/g, "\r\n"));
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

/**
 * How each property of graphManagedDevice reads in SQL over the store's view of a device, for
 * `$filter` and `$count` (and `$orderby` where SQLite sorts as Graph does) answered by SQLite.
 * complianceState is left out: it depends on the time and the tenant's settings, so the service
 * works it out itself. Serial numbers and names sort in SQL, through their case-blind indexes,
 * while every listed one is printable ASCII (NOCASE folds nothing else); the other text is sorted
 * by the service.
 */
function sqlColumns(store: DeviceStore): SqlColumns {
  const text = (sql: string, order?: string): SqlColumn => (order === undefined ? { kind: "text", sql } : { kind: "text", sql, order });
  const caseBlind = (field: "serialNumber" | "deviceName") =>
    text(DEVICE_SQL[field], store.hasUnfolded(field) ? undefined : `${DEVICE_SQL[field]} COLLATE NOCASE`);
  const constant = (value: unknown): SqlColumn => ({ kind: "constant", value });
  const name = caseBlind("deviceName");
  const upn = text(`coalesce(${DEVICE_SQL.userPrincipalName}, '')`);
  return {
    // The service's own ids: lower-case UUIDs, whose byte order is Graph's.
    id: text(DEVICE_SQL.id, DEVICE_SQL.id),
    userId: text(`coalesce(${DEVICE_SQL.userId}, '')`),
    deviceName: name,
    managedDeviceName: name,
    serialNumber: caseBlind("serialNumber"),
    model: text(DEVICE_SQL.model),
    manufacturer: text(DEVICE_SQL.manufacturer),
    operatingSystem: constant(AOSP_DEVICE_OS_TYPE),
    osVersion: text(DEVICE_SQL.osVersion),
    userPrincipalName: upn,
    userDisplayName: text(`coalesce(${DEVICE_SQL.userDisplayName}, '')`),
    emailAddress: upn,
    enrollmentProfileName: text(DEVICE_SQL.enrollmentProfileName),
    deviceEnrollmentType: text(
      `CASE ${DEVICE_SQL.enrollmentMode} WHEN '${USERLESS}' THEN 'androidAOSPUserlessDeviceEnrollment' ELSE 'androidAOSPUserOwnedDeviceEnrollment' END`,
    ),
    managementAgent: constant("intuneAosp"),
    managementState: text(DEVICE_SQL.managementState),
    managedDeviceOwnerType: constant("company"),
    ownerType: constant("company"),
    azureADDeviceId: text(DEVICE_SQL.azureADDeviceId),
    azureADRegistered: constant(true),
    deviceRegistrationState: constant("registered"),
    enrolledDateTime: { kind: "instant", sql: DEVICE_SQL.enrolled },
    lastSyncDateTime: { kind: "instant", sql: DEVICE_SQL.lastSync },
  };
}

export function managedDeviceRoutes(services: Services): FastifyPluginAsync {
  const { devices, ctx } = services;

  /**
   * Devices as Graph's managedDevice. The tenant's compliance settings are read once a request (a
   * list's devices all follow them), and the actions and policy states of a page's devices in one
   * query each, not one a device.
   */
  const graphing = () => {
    const compliance = ctx.store.tenant.complianceSettings();
    const now = ctx.now();
    const many = (devices: readonly DeviceView[]): Record<string, unknown>[] => {
      const ids = devices.map((device) => device.id);
      const actions = ctx.store.devices.actionsOfDevices(ids);
      const states = ctx.store.policies.statesOfDevices(ids);
      return devices.map((device) =>
        graphManagedDevice(device, actions.get(device.id) ?? [], compliance, now, [...(states.get(device.id)?.values() ?? [])]),
      );
    };
    return { many, one: (device: DeviceView) => many([device])[0]! };
  };

  /** The apps a device reported, as Graph's detectedApps (its own list, or inline with $expand). */
  function detectedApps(deviceId: string): Record<string, unknown>[] {
    return ctx.store.devices.apps(deviceId).map((app) => ({
      // Graph's detectedApp id identifies the app and version across devices.
      id: createHash("sha256").update(`${app.packageName}@${app.versionName}`).digest("hex").slice(0, 44),
      displayName: isManagedPackage(app.packageName) ? PACKAGE_LABELS[app.packageName] : app.packageName,
      version: app.versionName,
      sizeInByte: 0,
      deviceCount: 1,
      publisher: isManagedPackage(app.packageName) ? "Microsoft Corporation" : null,
      platform: "androidOSP",
    }));
  }

  return async (app) => {
    // Graph refuses $expand=detectedApps on the list too; one device's GET takes it.
    const listHints = { $expand: `a device's detected apps come with one device: GET ${PATH}/{id}?$expand=detectedApps` };
    app.get(PATH, { schema: listDevicesSchema, config: { refusedOptionHints: listHints } }, async (request) => {
      const graph = graphing();
      const { devices: store } = ctx.store;
      const segment = keysetSegment<DeviceView, Cursor>({
        at: (id) => store.visibleAt(id),
        // A device deleted since the last page keeps its row: the next page starts after it.
        place: (id) => store.placeOf(id),
        from: (cursor, limit, where) => store.visibleFrom(cursor ?? START, limit, where),
        createdAfter,
        item: graph.one,
        items: graph.many,
      });
      return odataList(MANAGED_DEVICES, request, ctx.baseUrl(), [], {
        source: {
          segments: [segment],
          count: () => store.countVisible(),
          narrow: (filter) => {
            const term = requiredEquality(MANAGED_DEVICES, filter, Object.keys(LOOKUPS));
            if (!term || !term.values.every((value): value is string => typeof value === "string" && value !== "")) return undefined;
            return graph.many(store.visibleMatching(LOOKUPS[term.property]!, term.values));
          },
          sql: {
            columns: () => sqlColumns(store),
            read: (where, orderBy, limit) => graph.many(store.visibleWhere(where, orderBy, limit)),
            count: async (where) => {
              let total = 0;
              for (let from = 1, last = store.lastRow(); from <= last; from += COUNT_SPAN) {
                total += store.countVisibleWhere(where, { from, to: from + COUNT_SPAN - 1 });
                // A filter SQLite cannot answer from an index calls JavaScript for each row: other requests go in between spans.
                if (from + COUNT_SPAN <= last) await nextTurn();
              }
              return total;
            },
          },
        },
      });
    });

    // A user's devices: those whose primary user the user is (a user's few devices, read through the userId index).
    app.get<IdParams>("/beta/users/:id/managedDevices", { schema: listUserDevicesSchema }, async (request) => {
      const user = services.users.get(request.params.id);
      return odataList(USER_MANAGED_DEVICES, request, ctx.baseUrl(), () => graphing().many(ctx.store.devices.visibleMatching("userId", [user.id])), {
        contextPath: `users('${user.id}')/managedDevices`,
      });
    });

    app.get<IdParams & { Querystring: { $expand?: string } }>(`${PATH}/:id`, { schema: getDeviceSchema }, async (request) => {
      const expand = parseExpand(request.query.$expand, MANAGED_DEVICES.entityType, DEVICE_EXPANDABLE);
      const device = devices.visible(request.params.id);
      const expanded = expand.includes("detectedApps") ? { detectedApps: detectedApps(device.id) } : {};
      return odataEntity(MANAGED_DEVICES, request, ctx.baseUrl(), graphing().one(device), expanded);
    });

    app.post<IdParams>(`${PATH}/:id/wipe`, { schema: wipeDeviceSchema }, async (request, reply) => {
      devices.wipe(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams>(`${PATH}/:id/rebootNow`, { schema: rebootNowSchema }, async (request, reply) => {
      devices.rebootNow(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams>(`${PATH}/:id/remoteLock`, { schema: remoteLockSchema }, async (request, reply) => {
      devices.remoteLock(request.params.id);
      return reply.code(204).send();
    });

    app.post<IdParams>(`${PATH}/:id/resetPasscode`, { schema: resetPasscodeSchema }, async (request, reply) => {
      devices.resetPasscode(request.params.id);
      return reply.code(204).send();
    });

    for (const action of Object.keys(UNSUPPORTED_ACTIONS)) {
      app.post<IdParams>(`${PATH}/:id/${action}`, { schema: unsupportedActionSchema(action) }, async (request) => {
        const device = devices.visible(request.params.id);
        throw unsupportedAction(ctx.baseUrl(), request.id, device.id, action);
      });
    }

    app.delete<IdParams>(`${PATH}/:id`, { schema: deleteDeviceSchema }, async (request, reply) => {
      devices.delete(request.params.id);
      return reply.code(204).send();
    });

    app.get<IdParams>(`${PATH}/:id/detectedApps`, { schema: detectedAppsSchema }, async (request) => {
      const device = devices.visible(request.params.id);
      return odataList(DETECTED_APPS, request, ctx.baseUrl(), detectedApps(device.id), {
        contextPath: `${MANAGED_DEVICES.contextPath}('${device.id}')/detectedApps`,
      });
    });
  };
}
