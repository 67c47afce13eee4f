/**
 * GET|PATCH /beta/deviceManagement: the singleton `$metadata` declares, holding the Intune
 * collections. It answers the properties the mock can fill truthfully: its id and intuneAccountId
 * (the tenant's id, the one Intune account a tenant has here), subscriptionState (`active` once
 * Intune is the MDM authority, `pending` before: a tenant started with `serve --tenant new`), and
 * `settings`, the tenant's compliance policy settings (Graph's deviceManagementSettings,
 * https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-devicemanagementsettings?view=graph-rest-beta),
 * which a PATCH changes ("Update deviceManagement", 200 with the singleton).
 */
import type { FastifyPluginAsync } from "fastify";
import { badRequest } from "../../http/errors.js";
import { adminSecurity, errors, routeFamily } from "../../http/schemas.js";
import { entityQuerystring, selectedProperties } from "../../odata/collection.js";
import type { CollectionDef } from "../../odata/model.js";
import type { Services } from "../../services/index.js";
import { refuseTypeChange } from "../../services/odata-type.js";
import type { ComplianceSettings } from "../../store/tenant.js";

/**
 * The members of Graph's deviceManagementSubscriptionState the mock answers, in Graph's order
 * (values 0 and 1): pending, active.
 */
export const SUBSCRIPTION_STATES = ["pending", "active"] as const;

/**
 * The bounds of deviceComplianceCheckinThresholdDays, Intune's *Compliance status validity period
 * (days)*: 1 to 120 (https://learn.microsoft.com/intune/protect/device-compliance-get-started).
 */
export const CHECKIN_THRESHOLD_DAYS = { minimum: 1, maximum: 120 } as const;

/** The `@odata.type` of the singleton. */
const DEVICE_MANAGEMENT_TYPE = "#microsoft.graph.deviceManagement";

/** The `@odata.type` of its settings, a complex value. */
const SETTINGS_TYPE = "#microsoft.graph.deviceManagementSettings";

/** The settings the mock models, as Graph names them. */
const settingsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    "@odata.type": { type: "string" },
    secureByDefault: {
      type: "boolean",
      description: "Mark devices with no compliance policy assigned as Not compliant (true) or Compliant (false, the default)",
    },
    deviceComplianceCheckinThresholdDays: {
      type: "integer",
      ...CHECKIN_THRESHOLD_DAYS,
      description: "Compliance status validity period (days): a device that has not checked in for longer is noncompliant (default 30)",
    },
  },
} as const;

const route = routeFamily("admin: device management", adminSecurity);

/** The singleton as answered. */
const deviceManagementBody = {
  type: "object",
  properties: {
    "@odata.context": { type: "string" },
    "@odata.type": { type: "string" },
    id: { type: "string" },
    intuneAccountId: { type: "string" },
    subscriptionState: { type: "string", enum: SUBSCRIPTION_STATES },
    settings: settingsSchema,
  },
} as const;

/**
 * The singleton's properties, for `$select` only (Graph's *Get deviceManagement* "supports the
 * OData Query Parameters"): `$metadata` declares the type from ADMIN_MODEL, and a singleton is
 * no collection, so the paging fields are unused.
 */
const DEVICE_MANAGEMENT: CollectionDef = {
  contextPath: "deviceManagement",
  entityType: "microsoft.graph.deviceManagement",
  container: { entitySet: "deviceManagement" },
  pageSize: 1,
  maxTop: 1,
  properties: {
    id: { type: "string" },
    intuneAccountId: { type: "guid" },
    subscriptionState: { type: "enum", members: SUBSCRIPTION_STATES },
    settings: { type: "complex" },
  },
};

/** The singleton's answer ($select). */
const deviceManagementSchema = route({
  summary: "The tenant's Intune account: intuneAccountId, subscriptionState and its compliance policy settings ($select)",
  querystring: entityQuerystring,
  response: { 200: deviceManagementBody, ...errors(400, 401) },
});

/**
 * The singleton's update: `settings` changes the compliance policy settings given, keeping the
 * others (the GET answer may be sent back: its read-only properties must then be unchanged).
 */
const updateDeviceManagementSchema = route({
  summary: "Change the tenant's compliance policy settings (settings.secureByDefault, settings.deviceComplianceCheckinThresholdDays)",
  body: {
    type: "object",
    additionalProperties: false,
    properties: {
      "@odata.context": { type: "string", maxLength: 2000 },
      "@odata.type": { type: "string" },
      id: { type: "string", maxLength: 200 },
      intuneAccountId: { type: "string", maxLength: 200 },
      subscriptionState: { type: "string", maxLength: 200 },
      settings: settingsSchema,
    },
  },
  response: { 200: deviceManagementBody, ...errors(400, 401) },
});

/** What a PATCH of the singleton may hold. */
interface DeviceManagementPatch {
  id?: string;
  intuneAccountId?: string;
  subscriptionState?: string;
  settings?: { "@odata.type"?: string; secureByDefault?: boolean; deviceComplianceCheckinThresholdDays?: number };
}

/** The routes of /beta/deviceManagement. */
export function deviceManagementRoutes(services: Services): FastifyPluginAsync {
  const { tenant, ctx } = services;
  const answer = () => {
    const { tenantId, mdmAuthority } = tenant.get();
    const settings = tenant.complianceSettings();
    return {
      "@odata.context": `${ctx.baseUrl()}/beta/$metadata#deviceManagement`,
      "@odata.type": DEVICE_MANAGEMENT_TYPE,
      id: tenantId,
      intuneAccountId: tenantId,
      // No member says "no MDM authority yet": pending (value 0) is the closest: Intune is not active.
      subscriptionState: mdmAuthority === "intune" ? "active" : "pending",
      settings: {
        "@odata.type": SETTINGS_TYPE,
        secureByDefault: settings.secureByDefault,
        deviceComplianceCheckinThresholdDays: settings.checkinThresholdDays,
      },
    };
  };
  return async (app) => {
    app.get("/beta/deviceManagement", { schema: deviceManagementSchema }, async (request) => {
      const select = selectedProperties(DEVICE_MANAGEMENT, request);
      const whole = answer();
      if (!select) return whole;
      // A singleton's context names the selected properties after its name, with no /$entity.
      const selected = [...select];
      return {
        "@odata.context": `${whole["@odata.context"]}(${selected.join(",")})`,
        "@odata.type": whole["@odata.type"],
        ...Object.fromEntries(selected.map((name) => [name, whole[name as keyof typeof whole]])),
      };
    });

    app.patch<{ Body: DeviceManagementPatch }>("/beta/deviceManagement", { schema: updateDeviceManagementSchema }, async (request) => {
      const body = request.body;
      refuseTypeChange(body, DEVICE_MANAGEMENT_TYPE, "deviceManagement");
      const current = answer();
      for (const name of ["id", "intuneAccountId", "subscriptionState"] as const) {
        const value = body[name];
        if (value !== undefined && value.toLowerCase() !== current[name].toLowerCase()) {
          throw badRequest(`${name} is read-only and cannot be changed (it is '${current[name]}'); leave it out, or send it as the GET answer has it`);
        }
      }
      if (body.settings) {
        refuseTypeChange(body.settings, SETTINGS_TYPE, "settings");
        const { secureByDefault, deviceComplianceCheckinThresholdDays } = body.settings;
        const changes: Partial<ComplianceSettings> = {
          ...(secureByDefault === undefined ? {} : { secureByDefault }),
          ...(deviceComplianceCheckinThresholdDays === undefined ? {} : { checkinThresholdDays: deviceComplianceCheckinThresholdDays }),
        };
        tenant.updateComplianceSettings(changes);
      }
      return answer();
    });
  };
}
