/**
 * $metadata against what the admin API serves: every @odata.context and @odata.type an answer of
 * any route carries resolves in the CSDL document, items are of their context's type, and every
 * action a route offers is declared, bound to its entity's type.
 */
import { describe, expect, it } from "vitest";
import { xml2json } from "odata-csdl/lib/xml2json.js";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { GRAPH_DECLARED } from "../../mock-service/odata/graph-declared.js";
import { DEVICES, directoryIdOf, enrolledDevice, http, PASSWORD, PROFILES, type Reply, type TestService, useService } from "./support/service.js";

const service = useService();
const CONFIGURATIONS = "/beta/deviceManagement/deviceConfigurations";
const COMPLIANCE = "/beta/deviceManagement/deviceCompliancePolicies";
const TERMS = "/beta/deviceManagement/termsAndConditions";

type Schema = Record<string, any>;

/** The type's name without its namespace or alias (graph.user, microsoft.graph.user, #microsoft.graph.user: user). */
const local = (qualified: string) => qualified.replace(/^#?(microsoft\.graph|graph)\./, "");

/** The type and its base types, most derived first. */
function lineage(schema: Schema, name: string): string[] {
  const chain: string[] = [];
  for (let type: string | undefined = local(name); type && schema[type]; type = schema[type].$BaseType && local(schema[type].$BaseType)) {
    chain.push(type);
  }
  return chain;
}

function isStructuredType(schema: Schema, name: string): boolean {
  return ["EntityType", "ComplexType"].includes(schema[local(name)]?.$Kind);
}

function member(schema: Schema, type: string, name: string): any {
  for (const t of lineage(schema, type)) if (Object.hasOwn(schema[t], name)) return schema[t][name];
  return undefined;
}

/**
 * Resolves a context fragment or a path (segments after /beta/) to the type it names, or throws
 * saying which segment does not resolve. A path's last segment may be an action bound to the type.
 */
function resolve(schema: Schema, fragment: string, { action = false } = {}): string {
  const collection = /^Collection\((.+)\)$/.exec(fragment);
  if (collection) {
    const inner = collection[1]!;
    if (!inner.startsWith("Edm.") && !isStructuredType(schema, inner)) throw new Error(`${fragment}: no type ${inner}`);
    return local(inner);
  }
  if (/^Edm\.\w+$/.test(fragment)) return fragment;
  const segments = fragment.replace(/\/\$entity$/, "").split("/");
  let type: string | undefined;
  segments.forEach((segment, i) => {
    const [, name, args] = /^([^(]+)(?:\((.*)\))?$/.exec(segment) ?? [];
    if (!name) throw new Error(`${fragment}: segment '${segment}' is not a name`);
    if (type === undefined) {
      const entry = schema["GraphService"][name];
      if (!entry) throw new Error(`${fragment}: the container has no entity set or singleton '${name}'`);
      type = local(entry.$Type);
    } else if (name.includes(".")) {
      if (!lineage(schema, name).includes(type)) throw new Error(`${fragment}: ${name} is not a type derived from ${type}`);
      type = local(name);
    } else {
      const navigation = member(schema, type, name);
      if (navigation?.$Kind === "NavigationProperty") {
        type = local(navigation.$Type);
      } else if (action && i === segments.length - 1) {
        const overloads = (Array.isArray(schema[name]) ? schema[name] : []) as any[];
        const bound = overloads.some((o) => o.$Kind === "Action" && o.$IsBound && lineage(schema, type!).includes(local(o.$Parameter[0].$Type)));
        if (!bound) throw new Error(`${fragment}: no action '${name}' bound to ${type}`);
      } else {
        throw new Error(`${fragment}: ${type} has no navigation property '${name}'`);
      }
    }
    // A $select list (unquoted names), not a key; `name()` is a navigation property $expand put inline.
    if (args !== undefined && !args.includes("'") && !action) {
      for (const property of args.split(",")) {
        const expanded = /^(\w+)\(\)$/.exec(property)?.[1];
        if (expanded !== undefined) {
          if (member(schema, type!, expanded)?.$Kind !== "NavigationProperty") throw new Error(`${fragment}: ${type} has no navigation property '${expanded}'`);
        } else if (member(schema, type!, property) === undefined) throw new Error(`${fragment}: ${type} has no property '${property}'`);
      }
    }
  });
  return type!;
}

/** Every @odata.type and @odata.context in a body, with the context's items. */
function annotations(body: unknown, found: { types: Set<string>; contexts: { context: string; items: unknown[] }[] }) {
  if (Array.isArray(body)) {
    for (const item of body) annotations(item, found);
    return;
  }
  if (body === null || typeof body !== "object") return;
  const record = body as Record<string, unknown>;
  if (typeof record["@odata.type"] === "string") found.types.add(record["@odata.type"]);
  if (typeof record["@odata.context"] === "string") {
    found.contexts.push({ context: record["@odata.context"], items: Array.isArray(record["value"]) ? record["value"] : [record] });
  }
  for (const value of Object.values(record)) annotations(value, found);
}

async function scenario(t: TestService) {
  const { profile, device, user } = await enrolledDevice(t);
  await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  const group = (await t.admin("POST", "/beta/groups", { displayName: "Lab", mailEnabled: false, mailNickname: "lab", securityEnabled: true })).body.id as string;
  const deviceObject = await directoryIdOf(t, device.deviceId);
  await t.admin("POST", `/beta/groups/${group}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${deviceObject}` });
  const configuration = (
    await t.admin("POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Lockdown", cameraBlocked: true })
  ).body.id as string;
  const compliance = (
    await t.admin("POST", COMPLIANCE, {
      "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
      displayName: "Baseline",
      passwordRequired: true,
      scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
    })
  ).body.id as string;
  const terms = (
    await t.admin("POST", TERMS, { displayName: "Terms", title: "Terms", bodyText: "Be kind.", acceptanceStatement: "I accept" })
  ).body.id as string;
  const target = { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group } };
  const termsAssignment = (await t.admin("POST", `${TERMS}/${terms}/assignments`, { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } })).body.id as string;
  await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: user.upn, password: PASSWORD });
  await t.device(device.deviceCredential, "POST", deviceRoutes.acceptTerms(device.deviceId, terms), { version: 1 });
  const tenant = (await t.admin("GET", "/beta/organization")).body.value[0].id as string;
  return { profile: profile.id, device: device.deviceId, deviceObject, user: user.id, group, configuration, compliance, terms, termsAssignment, tenant, target };
}

describe("$metadata", () => {
  it("resolves every @odata.context and @odata.type the routes answer with, and declares every action", { timeout: 60_000 }, async () => {
    const t = service();
    const ids = await scenario(t);
    const requests: [string, string, unknown?][] = [
      ["GET", "/beta/users"],
      ["GET", "/beta/users?$select=id,displayName"],
      // Properties Graph declares that the mock does not simulate: answered, and declared.
      ["GET", "/beta/users?$select=id,jobTitle,businessPhones"],
      ["GET", `${DEVICES}?$select=id,imei,wiFiMacAddress,usersLoggedOn,totalStorageSpaceInBytes`],
      ["POST", "/beta/users", { accountEnabled: true, displayName: "Bob", mailNickname: "bob", userPrincipalName: "bob@contoso.example", passwordProfile: { password: PASSWORD } }],
      ["GET", `/beta/users/${ids.user}`],
      ["GET", `/beta/users/${ids.user}?$select=id,assignedLicenses`],
      ["PATCH", `/beta/users/${ids.user}`, { displayName: "Ann E." }],
      ["POST", `/beta/users/${ids.user}/assignLicense`, { addLicenses: [], removeLicenses: [] }],
      ["GET", "/beta/organization"],
      ["GET", `/beta/organization/${ids.tenant}`],
      ["POST", `/beta/organization/${ids.tenant}/setMobileDeviceManagementAuthority`, {}],
      ["GET", "/beta/subscribedSkus"],
      ["GET", PROFILES],
      ["POST", PROFILES, { displayName: "Second", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" }],
      ["GET", `${PROFILES}/${ids.profile}`],
      ["GET", `${PROFILES}/${ids.profile}?$select=tokenValue,qrCodeImage`],
      ["PATCH", `${PROFILES}/${ids.profile}`, { description: "edited" }],
      ["POST", `${PROFILES}/${ids.profile}/createToken`, {}],
      ["POST", `${PROFILES}/${ids.profile}/revokeToken`, {}],
      ["GET", DEVICES],
      ["GET", `${DEVICES}/${ids.device}`],
      ["GET", `${DEVICES}/${ids.device}/detectedApps`],
      ["GET", `${DEVICES}/${ids.device}?$select=id,deviceName&$expand=detectedApps`],
      ["POST", `${DEVICES}/${ids.device}/rebootNow`, {}],
      ["POST", `${DEVICES}/${ids.device}/resetPasscode`, {}],
      ["POST", `${DEVICES}/${ids.device}/remoteLock`, {}],
      ["GET", `${DEVICES}/${ids.device}?$select=id,deviceActionResults`],
      ["GET", "/beta/deviceManagement/roleScopeTags"],
      ["GET", "/beta/deviceManagement/roleScopeTags/0"],
      ["GET", `${DEVICES}/${ids.device}/deviceConfigurationStates`],
      ["GET", `${DEVICES}/${ids.device}/deviceCompliancePolicyStates`],
      ["GET", "/beta/groups"],
      ["POST", "/beta/groups", { displayName: "Other", mailEnabled: false, mailNickname: "other", securityEnabled: true }],
      ["GET", `/beta/groups/${ids.group}`],
      ["PATCH", `/beta/groups/${ids.group}`, { description: "lab" }],
      ["POST", `/beta/groups/${ids.group}/members/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${ids.user}` }],
      ["GET", `/beta/groups/${ids.group}/members`],
      ["GET", `/beta/groups/${ids.group}/transitiveMembers`],
      ["POST", `/beta/groups/${ids.group}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/users/${ids.user}` }],
      ["GET", `/beta/groups/${ids.group}/owners`],
      ["GET", `/beta/groups/${ids.group}/memberOf`],
      ["GET", `/beta/groups/${ids.group}/transitiveMemberOf`],
      ["GET", `/beta/users/${ids.user}/memberOf`],
      ["GET", `/beta/users/${ids.user}/transitiveMemberOf`],
      ["GET", `/beta/users/${ids.user}/managedDevices`],
      ["POST", `${CONFIGURATIONS}/${ids.configuration}/assign`, { assignments: [ids.target] }],
      ["POST", `${COMPLIANCE}/${ids.compliance}/assign`, { assignments: [ids.target] }],
      ["GET", CONFIGURATIONS],
      ["POST", CONFIGURATIONS, { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Other" }],
      ["GET", `${CONFIGURATIONS}/${ids.configuration}`],
      ["PATCH", `${CONFIGURATIONS}/${ids.configuration}`, { bluetoothBlocked: true }],
      ["GET", `${CONFIGURATIONS}/${ids.configuration}/assignments`],
      ["POST", `${CONFIGURATIONS}/${ids.configuration}/assignments`, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }],
      ["GET", `${CONFIGURATIONS}/${ids.configuration}/assignments/${ids.configuration}_allDevicesAssignmentTarget`],
      ["GET", COMPLIANCE],
      ["POST", COMPLIANCE, {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Other",
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }],
      }],
      ["GET", `${COMPLIANCE}/${ids.compliance}`],
      ["PATCH", `${COMPLIANCE}/${ids.compliance}`, { passwordRequired: false }],
      ["GET", `${COMPLIANCE}/${ids.compliance}/assignments`],
      ["POST", `${COMPLIANCE}/${ids.compliance}/assignments`, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }],
      ["GET", `${COMPLIANCE}/${ids.compliance}/assignments/${ids.compliance}_allDevicesAssignmentTarget`],
      ["GET", `${COMPLIANCE}/${ids.compliance}/scheduledActionsForRule`],
      ["POST", `${COMPLIANCE}/${ids.compliance}/scheduleActionsForRules`, {
        deviceComplianceScheduledActionForRules: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 24 }] }],
      }],
      ["GET", `${DEVICES}/${ids.device}/deviceConfigurationStates`],
      ["GET", TERMS],
      ["POST", TERMS, { displayName: "More terms", title: "More", bodyText: "Be kinder.", acceptanceStatement: "I accept" }],
      ["GET", `${TERMS}/${ids.terms}`],
      ["PATCH", `${TERMS}/${ids.terms}`, { description: "edited" }],
      ["GET", `${TERMS}/${ids.terms}/assignments`],
      ["POST", `${TERMS}/${ids.terms}/assignments`, { target: ids.target.target }],
      ["GET", `${TERMS}/${ids.terms}/acceptanceStatuses`],
      ["GET", `${TERMS}/${ids.terms}/assignments/${ids.termsAssignment}`],
      ["GET", "/beta/deviceManagement"],
      ["GET", "/beta/deviceManagement?$select=settings,subscriptionState"],
      ["PATCH", "/beta/deviceManagement", { settings: { secureByDefault: true } }],
      ["GET", "/beta/directoryObjects"],
      ["GET", `/beta/directoryObjects/${ids.user}`],
      ["GET", `/beta/directoryObjects/${ids.group}`],
      ["GET", `/beta/directoryObjects/${ids.deviceObject}`],
      ["GET", "/beta/devices"],
      ["GET", `/beta/devices/${ids.deviceObject}`],
      ["DELETE", `/beta/groups/${ids.group}/members/${ids.user}/$ref`],
      ["DELETE", `${TERMS}/${ids.terms}/assignments/${ids.termsAssignment}`],
      ["DELETE", `${CONFIGURATIONS}/${ids.configuration}/assignments/${ids.configuration}_allDevicesAssignmentTarget`],
      ["DELETE", `${COMPLIANCE}/${ids.compliance}/assignments/${ids.compliance}_allDevicesAssignmentTarget`],
      ["POST", `${DEVICES}/${ids.device}/wipe`, {}],
      ["DELETE", `${DEVICES}/${ids.device}`],
      ["DELETE", `${CONFIGURATIONS}/${ids.configuration}`],
      ["DELETE", `${COMPLIANCE}/${ids.compliance}`],
      ["DELETE", `${TERMS}/${ids.terms}`],
      ["DELETE", `/beta/groups/${ids.group}`],
      ["DELETE", `${PROFILES}/${ids.profile}`],
      ["DELETE", `/beta/users/${ids.user}`],
    ];

    // Every admin route of the OpenAPI document is asked.
    const doc = (await http(`${t.url}/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> };
    const template = (path: string) =>
      path.split("?")[0]!.replace(/\/(members\/)[^/]+\/\$ref$/, "/$1{memberId}/$ref").replace(/\/assignments\/[^/]+$/, "/assignments/{assignmentId}").replace(/\/roleScopeTags\/[^/]+$/, "/roleScopeTags/{id}").replace(/\/([0-9a-f]{8}-[0-9a-f-]{27})(?=\/|$)/g, "/{id}");
    const asked = new Set(requests.map(([method, path]) => `${method} ${template(path)}`));
    for (const [path, operations] of Object.entries(doc.paths)) {
      // A list's /$count twin answers a number, with no annotation to resolve (odata.test.ts asks
      // them); $batch answers those of the requests it holds (graph-batch.test.ts).
      if (!path.startsWith("/beta/") || path === "/beta/$metadata" || path === "/beta/$batch" || path.endsWith("/$count")) continue;
      for (const method of Object.keys(operations)) expect(asked, `${method.toUpperCase()} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
    }

    const metadata = await t.admin("GET", "/beta/$metadata");
    const schema = (xml2json(metadata.text) as Record<string, Schema>)["microsoft.graph"]!;
    const prefix = `${t.url}/beta/$metadata#`;
    const problems: string[] = [];
    for (const [method, path, body] of requests) {
      const reply: Reply = await t.admin(method, path, body);
      expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
      const found = { types: new Set<string>(), contexts: [] as { context: string; items: unknown[] }[] };
      annotations(reply.body, found);
      for (const type of found.types) {
        if (!isStructuredType(schema, type)) problems.push(`${method} ${path}: @odata.type ${type} is not declared`);
      }
      for (const { context, items } of found.contexts) {
        if (!context.startsWith(prefix)) {
          problems.push(`${method} ${path}: @odata.context ${context} does not start with ${prefix}`);
          continue;
        }
        try {
          const type = resolve(schema, context.slice(prefix.length));
          for (const item of items) {
            const itemType = (item as Record<string, unknown>)["@odata.type"];
            if (typeof itemType === "string" && !lineage(schema, itemType).includes(type)) {
              problems.push(`${method} ${path}: an item of type ${itemType} in a context of ${type}`);
            }
          }
        } catch (error) {
          problems.push(`${method} ${path}: ${(error as Error).message}`);
        }
      }
      // An action (a POST to a segment that is no collection) is declared, bound to the type it acts on.
      const segments = template(path).replace(/^\/beta\//, "").replaceAll("/{id}", "('id')");
      if (method === "POST" && !segments.endsWith("$ref") && segments.includes("('id')/")) {
        try {
          resolve(schema, segments, { action: true });
        } catch (error) {
          problems.push(`${method} ${path}: ${(error as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("actions' parameters against $metadata", () => {
  type Parameter = { $Type?: string; $Collection?: boolean; $Nullable?: boolean };
  type BodySchema = { type?: string | string[]; properties?: Record<string, { type?: string | string[]; enum?: unknown[] }> };
  const types = (schema: { type?: string | string[] }) => [schema.type ?? []].flat();

  it("takes each action's parameters as $metadata declares them: the same names, and null wherever a parameter is nullable", async () => {
    const t = service();
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
    const doc = (await http(`${t.url}/openapi.json`)).body as { paths: Record<string, { post?: any }> };
    const problems: string[] = [];
    for (const [name, overloads] of Object.entries(schema)) {
      if (!Array.isArray(overloads) || overloads[0]?.$Kind !== "Action") continue;
      const routes = Object.entries(doc.paths).filter(([path, operations]) => path.endsWith(`/{id}/${name}`) && operations.post);
      if (routes.length === 0) problems.push(`${name}: no route`);
      for (const [path, operations] of routes) {
        const body = (operations.post.requestBody?.content?.["application/json"]?.schema ?? {}) as BodySchema;
        const declared = new Map<string, Parameter>();
        for (const overload of overloads) for (const p of overload.$Parameter.slice(1) as (Parameter & { $Name: string })[]) declared.set(p.$Name, p);
        const accepted = Object.keys(body.properties ?? {});
        for (const parameter of accepted) if (!declared.has(parameter)) problems.push(`${path}: ${parameter} is not a parameter of ${name} in $metadata`);
        for (const [parameter, p] of declared) {
          const property = body.properties?.[parameter];
          if (!property) {
            problems.push(`${path}: $metadata's parameter ${parameter} is not accepted`);
            continue;
          }
          // A single value is nullable unless declared Nullable="false" (a collection is never null, only empty).
          const nullable = !p.$Collection && p.$Nullable !== false;
          const takesNull = types(property).includes("null") && (property.enum === undefined || property.enum.includes(null));
          if (nullable !== takesNull) problems.push(`${path}: ${parameter} is ${nullable ? "" : "not "}nullable in $metadata, but the route ${takesNull ? "takes" : "refuses"} null`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("takes null in a create or a PATCH for each property $metadata leaves nullable, and refuses it where it says Nullable=\"false\"", async () => {
    const t = service();
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
    const doc = (await http(`${t.url}/openapi.json`)).body as { paths: Record<string, { post?: any; patch?: any }> };
    const problems: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      // Creates (a POST to a top collection) and updates (a PATCH of one entity).
      const operation = path.endsWith("/{id}") ? operations.patch : path.includes("{") ? undefined : operations.post;
      if (!operation || !path.startsWith("/beta/") || path === "/beta/$batch") continue;
      const type = resolve(schema, path.replace(/^\/beta\//, "").replaceAll("/{id}", "('id')"));
      const body = (operation.requestBody?.content?.["application/json"]?.schema ?? {}) as BodySchema;
      for (const [name, property] of Object.entries(body.properties ?? {})) {
        const declared = member(schema, type, name) as { $Collection?: boolean; $Nullable?: boolean; $Kind?: string } | undefined;
        // Undeclared (a password, an annotation), collections (never null, only empty) and read-only echoes (no type) aside.
        if (!declared || declared.$Kind === "NavigationProperty" || declared.$Collection || property.type === undefined) continue;
        checked += 1;
        // CSDL JSON (as xml2json writes it) says $Nullable only when true.
        const nullable = declared.$Nullable === true;
        const takesNull = types(property).includes("null") && (property.enum === undefined || property.enum.includes(null));
        if (nullable !== takesNull) problems.push(`${path}: ${name} is ${nullable ? "" : "not "}nullable in $metadata, but the route ${takesNull ? "takes" : "refuses"} null`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it("wipes with the body the Graph SDK sends, nulls included, and makes a token of the default validity on a null one", async () => {
    const t = service();
    const { profile, device } = await enrolledDevice(t);
    const wipe = await t.admin("POST", `${DEVICES}/${device.deviceId}/wipe`, {
      keepEnrollmentData: false,
      keepUserData: false,
      macOsUnlockCode: null,
      persistEsimDataPlan: false,
    });
    expect(wipe.status, wipe.text).toBe(204);
    expect((await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body.managementState).toBe("wipePending");
    const token = await t.admin("POST", `${PROFILES}/${profile.id}/createToken`, { tokenValidityInSeconds: null });
    expect(token.status, token.text).toBe(204);
  });
});

describe("policy states in $metadata", () => {
  // Before: state and platformType were Edm.String, so clients generated from $metadata lost Graph's enums.
  it("types state as Graph's complianceStatus and platformType as policyPlatformType, and every value answered is a member", async () => {
    const t = service();
    const ids = await scenario(t);
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
    const members = (type: string) => Object.fromEntries(Object.entries(schema[local(type)]!).filter(([name]) => !name.startsWith("$")));
    expect(schema["complianceStatus"]!.$Kind).toBe("EnumType");
    expect(members("complianceStatus")).toEqual({
      unknown: 0, notApplicable: 1, compliant: 2, remediated: 3, nonCompliant: 4, error: 5, conflict: 6, notAssigned: 7,
    });
    // Graph's values: androidAOSP is 9 and all is 100.
    expect(members("policyPlatformType")).toMatchObject({ android: 0, androidAOSP: 9, linux: 10, all: 100 });
    for (const [entity, settings, segment, policy] of [
      ["deviceConfigurationState", "deviceConfigurationSettingState", "deviceConfigurationStates", `${CONFIGURATIONS}/${ids.configuration}`],
      ["deviceCompliancePolicyState", "deviceCompliancePolicySettingState", "deviceCompliancePolicyStates", `${COMPLIANCE}/${ids.compliance}`],
    ] as const) {
      expect(local(member(schema, entity, "state").$Type), entity).toBe("complianceStatus");
      expect(local(member(schema, entity, "platformType").$Type), entity).toBe("policyPlatformType");
      expect(local(member(schema, settings, "state").$Type), settings).toBe("complianceStatus");
      await t.admin("POST", `${policy}/assign`, { assignments: [ids.target] });
      const states = (await t.admin("GET", `${DEVICES}/${ids.device}/${segment}`)).body.value as { state: string; platformType: string; settingStates: { state: string }[] }[];
      expect(states.length, segment).toBeGreaterThan(0);
      for (const state of states) {
        expect(Object.keys(members("complianceStatus"))).toContain(state.state);
        expect(Object.keys(members("policyPlatformType"))).toContain(state.platformType);
        for (const setting of state.settingStates) expect(Object.keys(members("complianceStatus"))).toContain(setting.state);
      }
    }
  });
});

describe("managedDevice's deviceActionResults in $metadata", () => {
  // Before: not declared, so $select=deviceActionResults was 400.
  it("is a collection of Graph's deviceActionResult, whose actionState is Graph's actionState enum", async () => {
    const t = service();
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
    const results = member(schema, "managedDevice", "deviceActionResults");
    expect({ type: local(results.$Type), collection: results.$Collection }).toEqual({ type: "deviceActionResult", collection: true });
    expect(schema["deviceActionResult"]!.$Kind).toBe("ComplexType");
    expect(local(member(schema, "deviceActionResult", "actionState").$Type)).toBe("actionState");
    expect(Object.keys(schema["actionState"]!).filter((name) => !name.startsWith("$"))).toEqual(["none", "pending", "canceled", "active", "done", "failed", "notSupported"]);
    for (const name of ["actionName", "startDateTime", "lastUpdatedDateTime"]) expect(member(schema, "deviceActionResult", name), name).toBeDefined();
  });
});

describe("dates in $metadata and /openapi.json", () => {
  // Before: the read-only dates a policy's or terms' create and PATCH take back (createdDateTime,
  // lastModifiedDateTime, modifiedDateTime) were plain strings in /openapi.json, and any text was
  // taken for them; every other date was format date-time.
  it("declares every date property as Edm.DateTimeOffset and format date-time, in answers and bodies alike", async () => {
    const t = service();
    const schema = (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
    const problems: string[] = [];
    for (const [type, declaration] of Object.entries(schema)) {
      if (!["EntityType", "ComplexType"].includes(declaration?.$Kind)) continue;
      for (const [name, property] of Object.entries(declaration as Record<string, { $Type?: string }>)) {
        // Graph itself declares a few as Edm.String (user.externalUserStateChangeDateTime); the mock declares them as Graph does.
        const graphString = GRAPH_DECLARED[`microsoft.graph.${type}`]?.[name] === "Edm.String";
        if (/DateTime$/.test(name) && !graphString && property.$Type !== "Edm.DateTimeOffset") problems.push(`$metadata: ${type}.${name} is ${property.$Type ?? "Edm.String"}`);
      }
    }
    const doc = (await http(`${t.url}/openapi.json`)).body as { paths: Record<string, unknown> };
    let dates = 0;
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "properties" && value !== null && typeof value === "object") {
          for (const [name, property] of Object.entries(value as Record<string, { format?: string }>)) {
            if (!/DateTime$/.test(name)) continue;
            dates += 1;
            if (property.format !== "date-time") problems.push(`/openapi.json ${where}: ${name} is ${JSON.stringify(property)}`);
          }
        }
        walk(value, `${where}/${key}`);
      }
    };
    walk(doc.paths, "");
    expect(dates).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it("refuses a policy's or terms' date sent back that is no date, naming it, as a profile's", async () => {
    const t = service();
    const ids = await scenario(t);
    for (const [path, body] of [
      [`${CONFIGURATIONS}/${ids.configuration}`, { lastModifiedDateTime: "yesterday" }],
      [`${COMPLIANCE}/${ids.compliance}`, { createdDateTime: "not a date" }],
      [`${TERMS}/${ids.terms}`, { modifiedDateTime: "2026-13-45" }],
    ] as const) {
      const reply = await t.admin("PATCH", path, body);
      const [name] = Object.keys(body);
      expect({ status: reply.status, message: reply.body?.error?.message }, path).toEqual({ status: 400, message: expect.stringContaining(name!) });
    }
  });
});

describe("$metadata against CSDL's rules and Graph's schema", () => {
  const load = async (t: TestService) => (xml2json((await t.admin("GET", "/beta/$metadata")).text) as Record<string, Schema>)["microsoft.graph"]!;
  const membersOf = (schema: Schema, type: string) => Object.fromEntries(Object.entries(schema[type]!).filter(([name]) => !name.startsWith("$")));

  // Before: user, group, organization and device derived from the open directoryObject but were
  // closed, which CSDL validators refuse (the whole document with them).
  it("declares every entity type derived from an open type open (OData CSDL 4.01 §6.3)", async () => {
    const schema = await load(service());
    const derived: string[] = [];
    const problems: string[] = [];
    for (const [name, declaration] of Object.entries(schema)) {
      if (declaration?.$Kind !== "EntityType") continue;
      const bases = lineage(schema, name).slice(1);
      if (!bases.some((base) => schema[base].$OpenType === true)) continue;
      derived.push(name);
      if (declaration.$OpenType !== true) problems.push(`${name} derives from an open type but is not open`);
    }
    expect(derived.sort()).toEqual(["device", "group", "organization", "user"]);
    expect(problems).toEqual([]);
  });

  // Before: every enum was valued by position (inGracePeriod 5, androidAOSPUserlessDeviceEnrollment
  // 18, which is Graph's user-owned value) and two enums had an unknownFutureValue Graph lacks.
  it("values enum members as Graph does", async () => {
    const schema = await load(service());
    expect(membersOf(schema, "deviceEnrollmentType")).toMatchObject({
      appleUserEnrollmentWithServiceAccount: 12, azureAdJoinUsingAzureVmExtension: 14,
      androidAOSPUserOwnedDeviceEnrollment: 18, androidAOSPUserlessDeviceEnrollment: 19, appleAccountDrivenUserEnrollment: 25, unknownFutureValue: 26,
    });
    expect(membersOf(schema, "complianceState")).toEqual({ unknown: 0, compliant: 1, noncompliant: 2, conflict: 3, error: 4, inGracePeriod: 254, configManager: 255 });
    expect(membersOf(schema, "managementAgentType")).toMatchObject({ eas: 1, unknown: 16, msSense: 1024, intuneAosp: 2048, google: 8192, unknownFutureValue: 8193 });
    expect(membersOf(schema, "deviceRegistrationState")).toMatchObject({ notRegistered: 0, registered: 2, unknown: 8 });
    expect(membersOf(schema, "obliterationBehavior")).toEqual({ default: 0, doNotObliterate: 1, obliterateWithWarning: 2, always: 3, unknownFutureValue: 999 });
    expect(membersOf(schema, "mdmAuthority")).toEqual({ unknown: 0, intune: 1, sccm: 2, office365: 3 });
    expect(Object.keys(membersOf(schema, "androidDeviceOwnerEnrollmentMode"))).not.toContain("unknownFutureValue");
    // Graph declares none of these as flags.
    for (const [name, declaration] of Object.entries(schema)) {
      if (declaration?.$Kind === "EnumType") expect(declaration.$IsFlags, name).toBeUndefined();
    }
  });

  // Before: scheduledActionsForRule borrowed the settings-catalog policies' types
  // (deviceManagementComplianceScheduledActionForRule) and actionType was a string.
  it("types a compliance policy's scheduled actions as Graph's deviceComplianceScheduledActionForRule and deviceComplianceActionItem", async () => {
    const schema = await load(service());
    const rules = member(schema, "deviceCompliancePolicy", "scheduledActionsForRule");
    expect({ type: local(rules.$Type), contained: rules.$ContainsTarget }).toEqual({ type: "deviceComplianceScheduledActionForRule", contained: true });
    const items = member(schema, "deviceComplianceScheduledActionForRule", "scheduledActionConfigurations");
    expect(local(items.$Type)).toBe("deviceComplianceActionItem");
    expect(local(member(schema, "deviceComplianceActionItem", "actionType").$Type)).toBe("deviceComplianceActionType");
    expect(membersOf(schema, "deviceComplianceActionType")).toEqual({
      noAction: 0, notification: 1, block: 2, retire: 3, wipe: 4, removeResourceAccessProfiles: 5, pushNotification: 9, remoteLock: 10,
    });
    expect(Object.keys(schema).filter((name) => name.startsWith("deviceManagementCompliance"))).toEqual([]);
  });

  // Before: these were Edm.String though the routes take only the enum's members.
  it("types the properties the routes take as enums with Graph's enum types", async () => {
    const schema = await load(service());
    const typeOf = (type: string, name: string) => local(member(schema, type, name).$Type);
    expect(typeOf("deviceConfiguration", "passwordRequiredType")).toBe("androidDeviceOwnerRequiredPasswordType");
    expect(typeOf("deviceCompliancePolicy", "passwordRequiredType")).toBe("androidDeviceOwnerRequiredPasswordType");
    expect(Object.keys(membersOf(schema, "androidDeviceOwnerRequiredPasswordType"))).toEqual([
      "deviceDefault", "required", "numeric", "numericComplex", "alphabetic", "alphanumeric", "alphanumericWithSymbols", "lowSecurityBiometric", "customPassword",
    ]);
    expect(typeOf("deviceConfigurationAssignment", "intent")).toBe("deviceConfigAssignmentIntent");
    expect(typeOf("deviceConfigurationAssignment", "source")).toBe("deviceAndAppManagementAssignmentSource");
    expect(typeOf("deviceCompliancePolicyAssignment", "source")).toBe("deviceAndAppManagementAssignmentSource");
    expect(typeOf("deviceAndAppManagementAssignmentTarget", "deviceAndAppManagementAssignmentFilterType")).toBe("deviceAndAppManagementAssignmentFilterType");
    expect(typeOf("settingSource", "sourceType")).toBe("settingSourceType");
    expect(membersOf(schema, "settingSourceType")).toEqual({ deviceConfiguration: 0, deviceIntent: 1 });
  });

  // Before: these were nullable in $metadata though Graph declares them Nullable="false" and the
  // mock always fills them, so strongly typed generators made them optional.
  it("declares Nullable=\"false\" where Graph does on what the mock always answers, and answers no null there", async () => {
    const t = service();
    const schema = await load(t);
    const notNullable: Record<string, string[]> = {
      managedDevice: [
        "complianceState", "managementState", "deviceEnrollmentType", "managementAgent", "managedDeviceOwnerType", "ownerType",
        "deviceRegistrationState", "enrolledDateTime", "lastSyncDateTime", "complianceGracePeriodExpirationDateTime", "isEncrypted",
      ],
      deviceActionResult: ["actionState", "startDateTime", "lastUpdatedDateTime"],
      detectedApp: ["sizeInByte", "deviceCount", "platform"],
      deviceConfigurationSettingState: ["state", "errorCode"],
      deviceCompliancePolicySettingState: ["state", "errorCode"],
      organization: ["mobileDeviceManagementAuthority"],
      deviceComplianceActionItem: ["actionType", "gracePeriodHours"],
      deviceConfigurationAssignment: ["intent", "source"],
      deviceCompliancePolicyAssignment: ["source"],
      deviceAndAppManagementAssignmentTarget: ["deviceAndAppManagementAssignmentFilterType"],
      settingSource: ["sourceType"],
    };
    const nullable = Object.entries(notNullable).flatMap(([type, names]) => names.filter((name) => member(schema, type, name).$Nullable === true).map((name) => `${type}.${name}`));
    expect(nullable).toEqual([]);
    const { device } = await enrolledDevice(t);
    const answered = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body as Record<string, unknown>;
    for (const name of notNullable["managedDevice"]!) expect(answered[name], name).not.toBeNull();
    const apps = (await t.admin("GET", `${DEVICES}/${device.deviceId}/detectedApps`)).body.value as Record<string, unknown>[];
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) for (const name of notNullable["detectedApp"]!) expect(app[name], name).not.toBeNull();
  });

  // Before: both were contained, so a member's canonical URL would have been under the group.
  it("declares a group's members and a device's detectedApps as references, not contained", async () => {
    const schema = await load(service());
    expect(member(schema, "group", "members")).toMatchObject({ $Kind: "NavigationProperty", $Collection: true });
    expect(member(schema, "group", "members").$ContainsTarget).toBeUndefined();
    expect(member(schema, "managedDevice", "detectedApps").$ContainsTarget).toBeUndefined();
    expect(member(schema, "deviceManagement", "managedDevices").$ContainsTarget).toBe(true);
  });
});
