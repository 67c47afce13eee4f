/**
 * A path under /beta that Graph serves and the mock does not: a navigation Graph declares on a
 * user, a group or a managed device (`/users/{id}/memberOf`), an Intune device action
 * (`.../managedDevices/{id}/syncDevice`) or a type-cast segment (`/groups/{id}/members/microsoft.graph.user`).
 * Graph's "Resource not found for the segment" would tell a script author that the SDK's URL is
 * wrong; the mock answers 501 `notImplemented`, naming the route and what it serves there.
 * A segment Graph itself lacks is left to Graph's own refusal (undefined here).
 */
import { ApiError } from "../http/errors.js";
import { GRAPH_NAVIGATION } from "./graph-declared.js";

/**
 * The actions Graph beta binds to managedDevice, as its resource page lists them
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice?view=graph-rest-beta);
 * the mock serves wipe only (and DELETE of the device): the seed's actions for Android (AOSP).
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

/** The item paths whose next segment may be a Graph navigation, with the entity type they address. */
const ITEMS: readonly { pattern: RegExp; template: string; type: string }[] = [
  { pattern: /^\/beta\/users\/[^/]+$/i, template: "/beta/users/{id}", type: "microsoft.graph.user" },
  { pattern: /^\/beta\/groups\/[^/]+$/i, template: "/beta/groups/{id}", type: "microsoft.graph.group" },
  { pattern: /^\/beta\/deviceManagement\/managedDevices\/[^/]+$/i, template: "/beta/deviceManagement/managedDevices/{id}", type: "microsoft.graph.managedDevice" },
];

const notImplemented = (message: string) => new ApiError(501, "notImplemented", message);

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
  for (let end = segments.length - 1; end >= 3; end--) {
    const item = segments.slice(0, end).join("/");
    const found = ITEMS.find((i) => i.pattern.test(item));
    if (!found) continue;
    const segment = segments[end]!;
    const route = `${method} ${found.template}/${segment}${segments.length > end + 1 ? "/..." : ""}`;
    const here = `it serves ${served(item).join(", ")} (all routes: /openapi.json)`;
    if (found.type === "microsoft.graph.managedDevice" && MANAGED_DEVICE_ACTIONS.has(segment.toLowerCase())) {
      return notImplemented(
        `${route}: the Intune action '${segment}' is not simulated by the mock; in the seed, Android (AOSP) devices take wipe and delete only (POST ${found.template}/wipe, DELETE ${found.template}); ${here}`,
      );
    }
    if (GRAPH_NAVIGATION[found.type]?.some((name) => name.toLowerCase() === segment.toLowerCase())) {
      return notImplemented(`${route}: the ${found.type} navigation '${segment}' is a Graph route the mock does not simulate; under ${found.template} ${here}`);
    }
    return undefined;
  }
  return undefined;
}
