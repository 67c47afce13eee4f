/**
 * A path under /beta that Graph serves and the mock does not: a navigation Graph declares on a
 * user, a group, a managed device or deviceManagement (`/users/{id}/memberOf`,
 * `/deviceManagement/detectedApps`), an Intune device action
 * (`.../managedDevices/{id}/syncDevice`), Graph's bulk device action (`.../managedDevices/executeAction`),
 * a compliance or configuration report (`.../deviceCompliancePolicies/{id}/deviceStatuses`) or a
 * type-cast segment (`/groups/{id}/members/microsoft.graph.user`).
 * Graph's "Resource not found for the segment" would tell a script author that the SDK's URL is
 * wrong; the mock answers 501 `notImplemented`, naming the route and what it serves there.
 * A segment Graph itself lacks is left to Graph's own refusal (undefined here).
 */
import { ApiError } from "../http/errors.js";
import { GRAPH_NAVIGATION } from "./graph-declared.js";
import { DEVICE_MANAGEMENT_NAVIGATION } from "./graph-device-management.js";

/** Graph's navigations by entity type: those of user, group and managedDevice, and the deviceManagement singleton's. */
const NAVIGATION: Readonly<Record<string, readonly string[]>> = {
  ...GRAPH_NAVIGATION,
  "microsoft.graph.deviceManagement": DEVICE_MANAGEMENT_NAVIGATION,
};

/** What the mock serves in place of a navigation it does not, by entity type and lower-case name. */
const INSTEAD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "microsoft.graph.deviceManagement": {
    detectedapps:
      "the mock keeps each device's apps: GET /beta/deviceManagement/managedDevices/{id}/detectedApps, or inline with GET /beta/deviceManagement/managedDevices/{id}?$expand=detectedApps",
  },
};

/**
 * The actions Graph beta binds to managedDevice, as its resource page lists them
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice?view=graph-rest-beta);
 * the mock serves wipe, rebootNow, resetPasscode, remoteLock (and DELETE of the device), the actions
 * Android (AOSP) devices take, and answers retire, syncDevice and shutDown as Intune does (routes/admin/managed-devices.ts).
 */
const MANAGED_DEVICE_ACTIONS: ReadonlySet<string> = new Set(
  [
    "retire", "wipe", "resetPasscode", "remoteLock", "requestRemoteAssistance", "disableLostMode", "locateDevice",
    "bypassActivationLock", "rebootNow", "shutDown", "recoverPasscode", "cleanWindowsDevice",
    "logoutSharedAppleDeviceActiveUser", "deleteUserFromSharedAppleDevice", "syncDevice", "windowsDefenderScan",
    "windowsDefenderUpdateSignatures", "updateWindowsDeviceAccount", "enableLostMode", "playLostModeSound",
    "setDeviceName", "activateDeviceEsim", "rotateFileVaultKey", "getFileVaultKey", "createDeviceLogCollectionRequest",
  ].map((name) => name.toLowerCase()),
);

/**
 * The actions Graph beta binds to androidDeviceOwnerEnrollmentProfile beside createToken and
 * revokeToken, which the mock serves: its resource page's methods table
 * (https://learn.microsoft.com/graph/api/resources/intune-androidforwork-androiddeviceownerenrollmentprofile?view=graph-rest-beta).
 */
const PROFILE_ACTIONS: ReadonlySet<string> = new Set(
  ["setEnrollmentTimeDeviceMembershipTarget", "retrieveEnrollmentTimeDeviceMembershipTarget", "clearEnrollmentTimeDeviceMembershipTarget"].map((name) =>
    name.toLowerCase(),
  ),
);

/** The same page's action bound to the collection (a Teams device's default profile), which the path of a profile would otherwise take. */
const PROFILES_COLLECTION_ACTION = /^\/beta\/deviceManagement\/androidDeviceOwnerEnrollmentProfiles\/getDefaultTeamsDeviceNonGmsEnrollmentProfile$/i;

/** The item paths whose next segment may be a Graph navigation, with the entity type they address. */
const ITEMS: readonly { pattern: RegExp; template: string; type: string }[] = [
  { pattern: /^\/beta\/users\/[^/]+$/i, template: "/beta/users/{id}", type: "microsoft.graph.user" },
  { pattern: /^\/beta\/groups\/[^/]+$/i, template: "/beta/groups/{id}", type: "microsoft.graph.group" },
  { pattern: /^\/beta\/deviceManagement\/managedDevices\/[^/]+$/i, template: "/beta/deviceManagement/managedDevices/{id}", type: "microsoft.graph.managedDevice" },
  {
    pattern: /^\/beta\/deviceManagement\/androidDeviceOwnerEnrollmentProfiles\/[^/]+$/i,
    template: "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/{id}",
    type: "microsoft.graph.androidDeviceOwnerEnrollmentProfile",
  },
  { pattern: /^\/beta\/deviceManagement\/deviceCompliancePolicies\/[^/]+$/i, template: "/beta/deviceManagement/deviceCompliancePolicies/{id}", type: "microsoft.graph.deviceCompliancePolicy" },
  { pattern: /^\/beta\/deviceManagement\/deviceConfigurations\/[^/]+$/i, template: "/beta/deviceManagement/deviceConfigurations/{id}", type: "microsoft.graph.deviceConfiguration" },
  { pattern: /^\/beta\/deviceManagement$/i, template: "/beta/deviceManagement", type: "microsoft.graph.deviceManagement" },
];

/**
 * Graph's bulk action on the managedDevices collection
 * (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-executeaction?view=graph-rest-beta).
 * The seed (After enrollment, Manage devices remotely) has AOSP devices take their actions one
 * device at a time, so the refusal says that and names the routes for one device.
 */
const BULK_ACTION = /^\/beta\/deviceManagement\/managedDevices\/executeAction$/i;

const COMPLIANCE_VERDICTS =
  "each device's verdict is its managedDevice complianceState (GET /beta/deviceManagement/managedDevices?$filter=complianceState eq 'noncompliant'), " +
  "and each setting's state is under GET /beta/deviceManagement/managedDevices/{id}/deviceCompliancePolicyStates";
const CONFIGURATION_STATES = "each device's setting states are under GET /beta/deviceManagement/managedDevices/{id}/deviceConfigurationStates";

/**
 * The report navigations Graph declares (microsoftgraph/msgraph-metadata, schemas/v1.0-Prod.csdl:
 * those of deviceCompliancePolicy, deviceConfiguration and deviceManagement), by entity type, with
 * what the mock offers instead. Compliance reports name the seed's known limitation: "Device
 * compliance reporting is not available for Android (AOSP)".
 */
const POLICY_REPORTS = ["deviceStatuses", "deviceStatusOverview", "userStatuses", "userStatusOverview", "deviceSettingStateSummaries"];
const COMPLIANCE_REPORT = `in the seed, device compliance reporting is not available for Android (AOSP) (a known limitation), and the mock serves no compliance report; ${COMPLIANCE_VERDICTS}`;
const REPORTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "microsoft.graph.deviceCompliancePolicy": Object.fromEntries(POLICY_REPORTS.map((name) => [name.toLowerCase(), COMPLIANCE_REPORT])),
  "microsoft.graph.deviceConfiguration": Object.fromEntries(
    POLICY_REPORTS.map((name) => [name.toLowerCase(), `the mock serves no configuration report; ${CONFIGURATION_STATES}`]),
  ),
  "microsoft.graph.deviceManagement": {
    devicecompliancepolicydevicestatesummary: COMPLIANCE_REPORT,
    devicecompliancepolicysettingstatesummaries: COMPLIANCE_REPORT,
    deviceconfigurationdevicestatesummaries: `the mock serves no configuration report; ${CONFIGURATION_STATES}`,
    reports: `the mock serves none of Intune's reports, and in the seed device compliance reporting is not available for Android (AOSP) (a known limitation); ${COMPLIANCE_VERDICTS}`,
  },
};

const notImplemented = (message: string) => new ApiError(501, "notImplemented", message);

/**
 * Graph operations on paths the mock serves with other methods: without this table such a request
 * was 405 "Specified HTTP method is not allowed for the request target", which tells a script
 * author that Graph has no such operation. Each is documented in Graph's reference (beta):
 * Create and Update managedDevice (intune-devices-manageddevice-create, -update), Create, Update
 * and Delete device (device-post-devices, device-update, device-delete).
 */
const UNSIMULATED_OPERATIONS: readonly { method: string; pattern: RegExp; route: string; operation: string; instead: string }[] = [
  {
    method: "POST",
    pattern: /^\/beta\/deviceManagement\/managedDevices$/i,
    route: "/beta/deviceManagement/managedDevices",
    operation: "Create managedDevice",
    instead: "a managed device appears when a device enrolls with an enrollment profile's token (aosp-sim enroll, or the device API's POST /device/v1/enroll)",
  },
  {
    method: "PATCH",
    pattern: /^\/beta\/deviceManagement\/managedDevices\/[^/]+$/i,
    route: "/beta/deviceManagement/managedDevices/{id}",
    operation: "Update managedDevice",
    instead: "a managed device's properties come from what the device reports at enrollment and check-in",
  },
  {
    method: "POST",
    pattern: /^\/beta\/devices$/i,
    route: "/beta/devices",
    operation: "Create device",
    instead: "a device's directory object is made when the device enrolls",
  },
  {
    method: "PATCH",
    pattern: /^\/beta\/devices\/[^/]+$/i,
    route: "/beta/devices/{id}",
    operation: "Update device",
    instead: "a device's directory object follows its managed device",
  },
  {
    method: "DELETE",
    pattern: /^\/beta\/devices\/[^/]+$/i,
    route: "/beta/devices/{id}",
    operation: "Delete device",
    instead:
      "an enrolled device's directory object goes with its managed device: DELETE /beta/deviceManagement/managedDevices/{id} removes both " +
      "(find the managed device with GET /beta/deviceManagement/managedDevices?$filter=azureADDeviceId eq '{deviceId}')",
  },
];

/**
 * The 501 for a Graph route the mock does not serve, or undefined. `served` lists the routes the
 * mock has right under the item (e.g. "GET|PATCH /beta/users/{id}", "POST /beta/users/{id}/assignLicense").
 */
export function unsimulatedRoute(method: string, path: string, served: (itemPath: string) => string[]): ApiError | undefined {
  const segments = path.split("/");
  const cast = segments.findIndex((segment, i) => i > 2 && /^microsoft\.graph\.[A-Za-z]+$/i.test(segment));
  if (cast > 0) {
    return notImplemented(
      `${method} ${path}: type-cast segments ('${segments[cast]}') are not simulated by the mock; ask ${segments.slice(0, cast).join("/")} and read each item's @odata.type`,
    );
  }
  if (BULK_ACTION.test(path)) {
    return notImplemented(
      `${method} /beta/deviceManagement/managedDevices/executeAction: Graph's bulk device action is not simulated by the mock; in the seed, Android (AOSP) devices take remote actions one device at a time: ` +
        "POST /beta/deviceManagement/managedDevices/{id}/wipe or DELETE /beta/deviceManagement/managedDevices/{id} for each device (POST /beta/$batch carries up to 20 such requests)",
    );
  }
  if (PROFILES_COLLECTION_ACTION.test(path)) {
    return notImplemented(
      `${method} /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles/getDefaultTeamsDeviceNonGmsEnrollmentProfile: the Intune action is not simulated by the mock; ` +
        "a Teams device profile is a profile with isTeamsDeviceProfile true: GET /beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles?$filter=isTeamsDeviceProfile eq true",
    );
  }
  const operation = UNSIMULATED_OPERATIONS.find((o) => o.method === method && o.pattern.test(path));
  if (operation) {
    return notImplemented(`${method} ${operation.route}: Graph's ${operation.operation} is not simulated by the mock; ${operation.instead}`);
  }
  for (let end = segments.length - 1; end >= 3; end--) {
    const item = segments.slice(0, end).join("/");
    const found = ITEMS.find((i) => i.pattern.test(item));
    if (!found) continue;
    const segment = segments[end]!;
    // A route the mock serves there, asked with another method (GET .../wipe), is the caller's
    // method to fix (405 with Allow), not a route the mock lacks.
    if (end === segments.length - 1 && served(item).some((route) => route.split("/").at(-1)!.toLowerCase() === segment.toLowerCase())) return undefined;
    const route = `${method} ${found.template}/${segment}${segments.length > end + 1 ? "/..." : ""}`;
    const here = `it serves ${served(item).join(", ")} (all routes: /openapi.json)`;
    if (found.type === "microsoft.graph.managedDevice" && MANAGED_DEVICE_ACTIONS.has(segment.toLowerCase())) {
      return notImplemented(
        `${route}: the Intune action '${segment}' is not simulated by the mock; it serves the remote actions of Android (AOSP) devices: wipe, rebootNow, resetPasscode and remoteLock (POST ${found.template}/{action}) and DELETE ${found.template}; ${here}`,
      );
    }
    if (found.type === "microsoft.graph.androidDeviceOwnerEnrollmentProfile" && PROFILE_ACTIONS.has(segment.toLowerCase())) {
      return notImplemented(
        `${route}: the Intune action '${segment}' is not simulated by the mock; it serves a profile's createToken and revokeToken (POST ${found.template}/{action}); ${here}`,
      );
    }
    const report = REPORTS[found.type]?.[segment.toLowerCase()];
    if (report !== undefined) return notImplemented(`${route}: '${segment}' is one of Graph's report navigations on ${found.type}; ${report}`);
    if (NAVIGATION[found.type]?.some((name) => name.toLowerCase() === segment.toLowerCase())) {
      const instead = INSTEAD[found.type]?.[segment.toLowerCase()];
      return notImplemented(
        `${route}: the ${found.type} navigation '${segment}' is a Graph route the mock does not simulate; ${instead === undefined ? "" : `${instead}; `}under ${found.template} ${here}`,
      );
    }
    return undefined;
  }
  return undefined;
}
