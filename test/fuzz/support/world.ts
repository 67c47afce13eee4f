/**
 * A service with one of everything for the API fuzzer to aim at: a licensed user, an enrollment
 * profile, a dynamic device group and an assigned one, a configuration, a compliance policy, terms and conditions with
 * an assignment, two enrolled devices (one managed, one with a wipe waiting, whose action id is
 * known), a shared log and the seeded packages. Hostile requests then reach the code behind the
 * authentication and lookups, not only the refusals in front of them.
 */
import { expect } from "vitest";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";

export interface Fixtures {
  userId: string;
  upn: string;
  password: string;
  tenantId: string;
  profileId: string;
  /** The profile's enrollment token (until the fuzzer replaces or revokes it). */
  enrollmentToken: string;
  groupId: string;
  /** A group with assigned membership (members added by hand). */
  assignedGroupId: string;
  configurationId: string;
  complianceId: string;
  termsId: string;
  termsAssignmentId: string;
  incidentId: string;
  packageName: string;
  versionCode: string;
  /** Two enrolled devices: [managed, wipe pending]. */
  devices: { id: string; credential: string }[];
  actionId: string;
}

export interface World {
  service: ServiceApp;
  fixtures: Fixtures;
}

const AGENT_VERSION = "24.9.2";

export async function buildWorld(adminToken: string): Promise<World> {
  const service = await startServiceApp({ adminToken });
  const { admin, app } = service;
  const upn = "fuzz@contoso.example";
  const password = "Enroll-Me-2025!";
  const user = await admin.createLicensedUser({ displayName: "Fuzz User", userPrincipalName: upn, password });
  const profile = await admin.createProfile({ displayName: "Fuzz", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const group = await admin.createGroup({
    displayName: "Fuzz devices",
    mailNickname: "fuzzdevices",
    groupTypes: ["DynamicMembership"],
    membershipRule: '(device.enrollmentProfileName -eq "Fuzz")',
    membershipRuleProcessingState: "On",
  });
  const assigned = await admin.createGroup({ displayName: "Fuzz assigned", mailNickname: "fuzzassigned" });
  const configuration = await admin.createConfiguration("Fuzz configuration", { cameraBlocked: true });
  await admin.assignConfiguration(configuration.id, [{ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id }]);
  const compliance = await admin.createCompliancePolicy("Fuzz compliance", { passwordRequired: true });
  const terms = await admin.createTerms({ displayName: "Fuzz terms", title: "Terms", bodyText: "Be nice.", acceptanceStatement: "I agree" });
  const termsAssignment = await admin.assignTerms(terms.id, { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" });
  const [pkg] = await admin.listPackages();

  const device = async (serial: string): Promise<{ id: string; credential: string }> => {
    const enrolled = await app.inject({
      method: "POST",
      url: `${DEVICE_API_PREFIX}/enroll`,
      payload: { enrollmentToken: profile.tokenValue, serialNumber: serial, model: "Fuzz 1", manufacturer: "Contoso", osVersion: "13", agentVersion: AGENT_VERSION },
    });
    expect(enrolled.statusCode).toBe(200);
    const { deviceId, deviceCredential } = enrolled.json() as { deviceId: string; deviceCredential: string };
    const authorization = `Bearer ${deviceCredential}`;
    const signedIn = await app.inject({ method: "POST", url: `${DEVICE_API_PREFIX}/devices/${deviceId}/signIn`, headers: { authorization }, payload: { userPrincipalName: upn, password } });
    expect(signedIn.statusCode).toBe(200);
    return { id: deviceId, credential: deviceCredential };
  };
  const managed = await device("FUZZ0001");
  const wiped = await device("FUZZ0002");
  await admin.wipe(wiped.id);
  const checkIn = await app.inject({
    method: "POST",
    url: `${DEVICE_API_PREFIX}/devices/${wiped.id}/checkIn`,
    headers: { authorization: `Bearer ${wiped.credential}` },
    payload: { agentVersion: AGENT_VERSION, apps: [{ packageName: "com.example.app", versionName: "1.0", versionCode: 1 }] },
  });
  const actionId = (checkIn.json() as { actions: { id: string }[] }).actions[0]!.id;
  const logs = await app.inject({
    method: "POST",
    url: `${DEVICE_API_PREFIX}/devices/${managed.id}/logs`,
    headers: { authorization: `Bearer ${managed.credential}` },
    payload: { logs: "fuzz" },
  });
  const organization = await admin.organization();
  return {
    service,
    fixtures: {
      userId: user.id,
      upn,
      password,
      tenantId: organization.id,
      profileId: profile.id,
      enrollmentToken: profile.tokenValue,
      groupId: group.id,
      assignedGroupId: assigned.id,
      configurationId: configuration.id,
      complianceId: compliance.id,
      termsId: terms.id,
      termsAssignmentId: termsAssignment.id,
      incidentId: (logs.json() as { incidentId: string }).incidentId,
      packageName: pkg!.packageName,
      versionCode: String(pkg!.versionCode),
      devices: [managed, wiped],
      actionId,
    },
  };
}

/** The real id a path parameter names, from the segment before it (…/groups/{id} is a group). */
export function realIdFor(fixtures: Fixtures, previousSegment: string, param: string, pick: number): string {
  const device = fixtures.devices[pick % fixtures.devices.length]!;
  if (param === "versionCode") return fixtures.versionCode;
  if (param === "actionId") return fixtures.actionId;
  if (param === "deviceId" || param === "memberId") return device.id;
  const bySegment: Record<string, string> = {
    users: pick % 2 === 0 ? fixtures.userId : fixtures.upn,
    androidDeviceOwnerEnrollmentProfiles: fixtures.profileId,
    enrollmentProfiles: fixtures.profileId,
    managedDevices: device.id,
    groups: pick % 2 === 0 ? fixtures.groupId : fixtures.assignedGroupId,
    organization: fixtures.tenantId,
    deviceConfigurations: fixtures.configurationId,
    deviceCompliancePolicies: fixtures.complianceId,
    termsAndConditions: fixtures.termsId,
    assignments: fixtures.termsAssignmentId,
    incidents: fixtures.incidentId,
    packages: fixtures.packageName,
  };
  return bySegment[previousSegment] ?? fixtures.profileId;
}

/**
 * A body each route accepts, keyed by "METHOD /path/template": the fuzzer's edits start from
 * these as well as from samples of the schema, so they reach the checks behind the schema
 * (uniqueness, ranges, references to other objects) instead of stopping at it.
 */
export function validBodies(fixtures: Fixtures): Record<string, unknown> {
  const P = "/beta/deviceManagement/androidDeviceOwnerEnrollmentProfiles";
  const C = "/beta/deviceManagement/deviceConfigurations";
  const K = "/beta/deviceManagement/deviceCompliancePolicies";
  const T = "/beta/deviceManagement/termsAndConditions";
  const D = "/device/v1/devices/{deviceId}";
  const group = { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: fixtures.groupId };
  return {
    "POST /beta/users": { accountEnabled: true, displayName: "New User", mailNickname: "new.user", userPrincipalName: "new.user@contoso.example", passwordProfile: { password: "Enroll-Me-2025!", forceChangePasswordNextSignIn: false } },
    "PATCH /beta/users/{id}": { displayName: "Renamed", accountEnabled: false, passwordProfile: { password: "Another-Pass-2026!" } },
    "POST /beta/users/{id}/assignLicense": { addLicenses: [{ skuId: "061f9ace-7d42-4136-88ac-31dc755f143f", disabledPlans: [] }], removeLicenses: [] },
    [`POST ${P}`]: { displayName: "Lab", description: "d", enrollmentMode: "corporateOwnedAOSPUserlessDevice", tokenExpirationDateTime: "2027-01-01T00:00:00Z", configureWifi: true, wifiSsid: "Lab", wifiSecurityType: "wpa", wifiPassword: "lab-passphrase", wifiHidden: false, isTeamsDeviceProfile: false, deviceNameTemplate: "{{SERIAL}}-{{RAND:4}}", roleScopeTagIds: ["0"] },
    [`PATCH ${P}/{id}`]: { displayName: "Lab 2", wifiSsid: "Lab2", deviceNameTemplate: "{{UPNPREFIX}}-{{SERIALLAST4DIGITS}}" },
    [`POST ${P}/{id}/createToken`]: { tokenValidityInSeconds: 86_400 },
    "POST /beta/deviceManagement/managedDevices/{id}/wipe": {},
    "POST /beta/$batch": { requests: [{ id: "1", method: "GET", url: "/users?$top=1" }, { id: "2", method: "PATCH", url: `/groups/${fixtures.groupId}`, headers: { "Content-Type": "application/json" }, body: { description: "Batched" } }] },
    "PATCH /beta/deviceManagement": { settings: { "@odata.type": "#microsoft.graph.deviceManagementSettings", secureByDefault: true, deviceComplianceCheckinThresholdDays: 14 } },
    "POST /beta/groups": { displayName: "Lab devices", mailEnabled: false, mailNickname: "lab", securityEnabled: true, groupTypes: ["DynamicMembership"], membershipRule: '(device.deviceModel -match "^Fuzz") -or (device.enrollmentProfileName -in ["Fuzz", "Lab"])', membershipRuleProcessingState: "On" },
    "PATCH /beta/groups/{id}": { membershipRule: '(device.deviceManufacturer -startsWith "Con")', membershipRuleProcessingState: "Paused" },
    "POST /beta/groups/{id}/members/$ref": { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${fixtures.devices[0]!.id}` },
    "POST /beta/groups/{id}/owners/$ref": { "@odata.id": `https://graph.microsoft.com/v1.0/users/${fixtures.userId}` },
    [`POST ${K}/{id}/scheduleActionsForRules`]: { deviceComplianceScheduledActionForRules: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 24 }] }] },
    "POST /sim/v1/packages": { packageName: "com.microsoft.intune.aospagent", versionName: "25.1.0", versionCode: 2501000 },
    [`POST ${C}`]: { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", displayName: "Lab configuration", cameraBlocked: true, passwordMinimumLength: 6, passwordRequiredType: "numeric" },
    [`PATCH ${C}/{id}`]: { "@odata.type": "#microsoft.graph.aospDeviceOwnerDeviceConfiguration", cameraBlocked: null, passwordMinimumLength: 8 },
    [`POST ${C}/{id}/assign`]: { assignments: [{ target: group }, { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }] },
    [`POST ${C}/{id}/assignments`]: { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } },
    [`POST ${K}`]: { "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy", displayName: "Lab compliance", passwordRequired: true, osMinimumVersion: "12", scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] }] },
    [`PATCH ${K}/{id}`]: { "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy", minAndroidSecurityPatchLevel: "2026-01-01" },
    [`POST ${K}/{id}/assign`]: { assignments: [{ target: group }] },
    [`POST ${K}/{id}/assignments`]: { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } },
    [`POST ${T}`]: { displayName: "Lab terms", title: "Terms", bodyText: "Text", acceptanceStatement: "I agree", description: "d", version: 2 },
    [`PATCH ${T}/{id}`]: { bodyText: "New text", version: 3 },
    [`POST ${T}/{id}/assignments`]: { target: group },
    "POST /device/v1/enroll": { enrollmentToken: fixtures.enrollmentToken, serialNumber: "FUZZ9999", model: "Fuzz 2", manufacturer: "Contoso", osVersion: "14", agentVersion: "24.9.2" },
    [`POST ${D}/signIn`]: { userPrincipalName: fixtures.upn, password: fixtures.password },
    [`POST ${D}/checkIn`]: { agentVersion: "24.9.2", apps: [{ packageName: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 }] },
    [`POST ${D}/actions/{actionId}/acknowledge`]: { status: "started", message: "resetting" },
    [`POST ${D}/policyStates`]: { configurations: [{ id: fixtures.configurationId, version: 1, settings: [{ setting: "cameraBlocked", state: "compliant", currentValue: "true" }] }] },
    [`POST ${D}/termsAndConditions/{termsId}/accept`]: { version: 1 },
    [`POST ${D}/logs`]: { logs: "line 1\nline 2" },
  };
}
